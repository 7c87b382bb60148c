//! State shared by all workers: the pool, settings, the shortlist cache and the metrics.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use model::db::DbPool;
use model::scenario::RankingResult;

use crate::config::Settings;
use crate::metrics::Metrics;

/// Cached computed results, valid while the newest dataset id is unchanged.
#[derive(Debug)]
pub struct ComputeCache<T> {
    entries: HashMap<String, (i32, Arc<T>)>,
}

impl<T> Default for ComputeCache<T> {
    fn default() -> Self {
        ComputeCache {
            entries: HashMap::new(),
        }
    }
}

impl<T> ComputeCache<T> {
    /// Bound on cached scenarios; the default shortlist is always among the recent ones.
    const CAPACITY: usize = 64;

    /// The cached body for `key` if it was computed at data version `version`.
    pub fn get(&self, key: &str, version: i32) -> Option<Arc<T>> {
        self.entries
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, body)| body.clone())
    }

    /// Stores a body; drops everything from older data versions first.
    pub fn put(&mut self, key: String, version: i32, body: Arc<T>) {
        self.entries.retain(|_, (v, _)| *v == version);
        if self.entries.len() >= Self::CAPACITY {
            self.entries.clear();
        }
        self.entries.insert(key, (version, body));
    }
}

/// Per-client token buckets for rate limiting.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: HashMap<String, (f64, Instant)>,
}

impl RateLimiter {
    /// Takes one token for `client`; `Err(seconds)` says how long to wait when none is left.
    pub fn take(&mut self, client: &str, per_second: f64, burst: f64) -> Result<(), u64> {
        let now = Instant::now();
        if self.buckets.len() > 10_000 {
            self.buckets
                .retain(|_, (_, at)| now.duration_since(*at).as_secs() < 60);
        }
        let (tokens, at) = self
            .buckets
            .entry(client.to_string())
            .or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

/// Everything handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Database pool.
    pub pool: DbPool,
    /// Settings.
    pub settings: Settings,
    /// Computed rankings (the shortlist and its variants).
    pub rankings: Arc<Mutex<ComputeCache<RankingResult>>>,
    /// Rendered analysis bodies.
    pub analyses: Arc<Mutex<ComputeCache<serde_json::Value>>>,
    /// Rate limiter.
    pub limiter: Arc<Mutex<RateLimiter>>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// New state around a pool.
    pub fn new(pool: DbPool, settings: Settings) -> Self {
        AppState {
            pool,
            settings,
            rankings: Arc::default(),
            analyses: Arc::default(),
            limiter: Arc::default(),
            metrics: Arc::default(),
        }
    }
}
