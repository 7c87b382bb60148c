//! State shared by all workers: the pool, settings, the caches, the limiters and the metrics.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use model::db::DbPool;
use model::scenario::RankingResult;

use crate::config::Settings;
use crate::metrics::Metrics;

/// Cached computed results, valid while the data version is unchanged.
///
/// Bounded to [`ComputeCache::CAPACITY`] entries, least recently used out first; the pinned
/// key (the default scenario) is never evicted by other keys.
#[derive(Debug)]
pub struct ComputeCache<T> {
    entries: HashMap<String, Entry<T>>,
    pinned: Option<String>,
    clock: u64,
}

#[derive(Debug)]
struct Entry<T> {
    version: i64,
    value: Arc<T>,
    used: u64,
}

impl<T> Default for ComputeCache<T> {
    fn default() -> Self {
        ComputeCache {
            entries: HashMap::new(),
            pinned: None,
            clock: 0,
        }
    }
}

impl<T> ComputeCache<T> {
    /// Bound on cached keys.
    pub const CAPACITY: usize = 64;

    /// A cache whose `key` is never evicted by others.
    pub fn pinning(key: impl Into<String>) -> Self {
        ComputeCache {
            pinned: Some(key.into()),
            ..ComputeCache::default()
        }
    }

    /// The cached value for `key` if it was computed at data version `version`.
    pub fn get(&mut self, key: &str, version: i64) -> Option<Arc<T>> {
        self.clock += 1;
        let clock = self.clock;
        self.entries
            .get_mut(key)
            .filter(|e| e.version == version)
            .map(|e| {
                e.used = clock;
                e.value.clone()
            })
    }

    /// Stores a value; drops entries of other data versions, then the least recently used
    /// unpinned entry while the cache is full.
    pub fn put(&mut self, key: String, version: i64, value: Arc<T>) {
        self.clock += 1;
        self.entries.retain(|_, e| e.version == version);
        while self.entries.len() >= Self::CAPACITY && !self.entries.contains_key(&key) {
            let oldest = self
                .entries
                .iter()
                .filter(|(k, _)| Some(k.as_str()) != self.pinned.as_deref())
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.entries.remove(&k),
                None => break,
            };
        }
        self.entries.insert(
            key,
            Entry {
                version,
                value,
                used: self.clock,
            },
        );
    }

    /// The value for `key` at `version`, made by `make` (and kept) on a miss.
    ///
    /// # Errors
    /// Whatever `make` returns.
    pub fn get_or_make<E>(
        cache: &Mutex<Self>,
        key: String,
        version: i64,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        if let Some(hit) = cache.lock().ok().and_then(|mut c| c.get(&key, version)) {
            return Ok(hit);
        }
        // Made outside the lock: two concurrent misses may both make it, never block others.
        let value = Arc::new(make()?);
        if let Ok(mut c) = cache.lock() {
            c.put(key, version, value.clone());
        }
        Ok(value)
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Per-client token buckets for rate limiting, bounded in size.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: HashMap<IpAddr, (f64, Instant)>,
}

impl RateLimiter {
    /// Most clients tracked at once; beyond it the idlest are forgotten (a forgotten client
    /// starts again with a full bucket, which only ever errs towards serving).
    pub const MAX_CLIENTS: usize = 10_000;

    /// Takes one token for `client`; `Err(seconds)` says how long to wait when none is left.
    pub fn take(&mut self, client: IpAddr, per_second: f64, burst: f64) -> Result<(), u64> {
        let now = Instant::now();
        if self.buckets.len() >= Self::MAX_CLIENTS && !self.buckets.contains_key(&client) {
            self.evict(now, per_second, burst);
        }
        let (tokens, at) = self.buckets.entry(client).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / per_second).ceil().clamp(1.0, 86_400.0) as u64)
        }
    }

    /// Drops buckets that have refilled (forgetting them changes nothing), and if that frees
    /// too little, the least recently seen half.
    fn evict(&mut self, now: Instant, per_second: f64, burst: f64) {
        let refill = Duration::from_secs_f64((burst / per_second.max(1e-9)).min(86_400.0));
        self.buckets
            .retain(|_, (_, at)| now.duration_since(*at) < refill);
        if self.buckets.len() >= Self::MAX_CLIENTS {
            let mut seen: Vec<Instant> = self.buckets.values().map(|(_, at)| *at).collect();
            seen.sort_unstable();
            let cut = seen[seen.len() / 2];
            self.buckets.retain(|_, (_, at)| *at > cut);
        }
    }

    /// Clients tracked now.
    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    /// True when no client is tracked.
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }
}

/// A bound on uncached computations running at once.
#[derive(Debug)]
pub struct ComputeSlots {
    in_use: AtomicUsize,
    max: usize,
}

/// One taken compute slot, given back on drop.
#[derive(Debug)]
pub struct ComputeSlot<'a>(&'a ComputeSlots);

impl ComputeSlots {
    /// `max` slots.
    pub fn new(max: usize) -> Self {
        ComputeSlots {
            in_use: AtomicUsize::new(0),
            max,
        }
    }

    /// A slot, or `None` when all are taken.
    pub fn try_take(&self) -> Option<ComputeSlot<'_>> {
        self.in_use
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| ComputeSlot(self))
    }
}

impl Drop for ComputeSlot<'_> {
    fn drop(&mut self) {
        self.0.in_use.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body rendered once: its bytes, strong ETag and media type.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The body.
    pub body: Bytes,
    /// Strong ETag (quoted).
    pub etag: String,
    /// Media type.
    pub content_type: &'static str,
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
    /// Rendered bodies of cacheable reads (shortlist, analysis), per representation.
    pub rendered: Arc<Mutex<ComputeCache<Rendered>>>,
    /// Bound on uncached computations.
    pub compute: Arc<ComputeSlots>,
    /// Rate limiter.
    pub limiter: Arc<Mutex<RateLimiter>>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
}

/// Cache key of the default shortlist scenario, pinned in the ranking cache.
pub fn default_ranking_key() -> String {
    ranking_key(&model::scenario::RankingRequest::default())
}

/// Cache key of a ranking request.
pub fn ranking_key(request: &model::scenario::RankingRequest) -> String {
    serde_json::to_string(request).unwrap_or_default()
}

impl AppState {
    /// New state around a pool.
    pub fn new(pool: DbPool, settings: Settings) -> Self {
        let slots = settings.compute_slots();
        AppState {
            pool,
            settings,
            rankings: Arc::new(Mutex::new(ComputeCache::pinning(default_ranking_key()))),
            rendered: Arc::new(Mutex::new(ComputeCache::pinning(format!(
                "shortlist|json|false|{}",
                default_ranking_key()
            )))),
            compute: Arc::new(ComputeSlots::new(slots)),
            limiter: Arc::default(),
            metrics: Arc::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_key_survives_any_number_of_other_keys() {
        let mut cache: ComputeCache<u32> = ComputeCache::pinning("default");
        cache.put("default".into(), 1, Arc::new(0));
        for i in 0..1000 {
            cache.put(format!("variant {i}"), 1, Arc::new(i));
        }
        assert_eq!(cache.get("default", 1).as_deref(), Some(&0));
        assert!(cache.len() <= ComputeCache::<u32>::CAPACITY);
        // The most recent variants are still there; the oldest are gone.
        assert_eq!(cache.get("variant 999", 1).as_deref(), Some(&999));
        assert!(cache.get("variant 0", 1).is_none());
    }

    #[test]
    fn a_new_data_version_drops_every_older_entry() {
        let mut cache: ComputeCache<u32> = ComputeCache::pinning("default");
        cache.put("default".into(), 1, Arc::new(0));
        cache.put("other".into(), 2, Arc::new(1));
        assert!(cache.get("default", 1).is_none());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn the_rate_limiter_tracks_a_bounded_number_of_clients() {
        let mut limiter = RateLimiter::default();
        for i in 0..(3 * RateLimiter::MAX_CLIENTS as u32) {
            let _ = limiter.take(IpAddr::from(i.to_be_bytes()), 1.0, 5.0);
        }
        assert!(limiter.len() <= RateLimiter::MAX_CLIENTS);
    }

    #[test]
    fn compute_slots_are_given_back_when_dropped() {
        let slots = ComputeSlots::new(2);
        let a = slots.try_take();
        let b = slots.try_take();
        assert!(a.is_some() && b.is_some());
        assert!(slots.try_take().is_none());
        drop(a);
        assert!(slots.try_take().is_some());
    }
}
