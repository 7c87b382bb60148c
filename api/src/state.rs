//! State shared by all workers: the pool, settings, the caches, the limiters and the metrics.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use model::db::DbPool;
use model::scenario::RankingResult;

use crate::config::Settings;
use crate::metrics::Metrics;

/// What a cached value costs in memory, roughly, in bytes.
pub trait Weigh {
    /// Approximate bytes held.
    fn weight(&self) -> usize;
}

impl Weigh for Rendered {
    fn weight(&self) -> usize {
        self.body.len() + self.gzip.as_ref().map_or(0, Bytes::len) + 2 * self.etag.len()
    }
}

impl Weigh for RankingResult {
    /// About a kilobyte per district (names, explanation text, numbers).
    fn weight(&self) -> usize {
        1024 * (self.districts.len() + self.excluded.len()) + 16 * 1024
    }
}

impl Weigh for u32 {
    fn weight(&self) -> usize {
        4
    }
}

/// Cached computed results, valid while the data version is unchanged.
///
/// Bounded to `max_entries` entries and `max_bytes` (by [`Weigh`]), least recently used out
/// first; pinned keys (the default scenarios) are never evicted by others, and when the data
/// changes each keeps its last value (see [`ComputeCache::latest`]) until the new one is made.
#[derive(Debug)]
pub struct ComputeCache<T> {
    /// Entries of the newest data version put so far (`current`).
    entries: HashMap<String, Entry<T>>,
    /// For pinned keys: the value of an older data version, served while the new one is made.
    last: HashMap<String, Entry<T>>,
    current: i64,
    pinned: Vec<String>,
    clock: u64,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

#[derive(Debug)]
struct Entry<T> {
    version: i64,
    value: Arc<T>,
    used: u64,
    bytes: usize,
}

impl<T: Weigh> ComputeCache<T> {
    /// Bound on cached scenarios.
    pub const CAPACITY: usize = 64;

    /// A cache of at most [`Self::CAPACITY`] keys and `max_bytes` whose `pinned` keys are never
    /// evicted by others.
    pub fn new(max_bytes: usize, pinned: Vec<String>) -> Self {
        Self::with_capacity(Self::CAPACITY, max_bytes, pinned)
    }

    /// As [`Self::new`] with another bound on keys.
    pub fn with_capacity(max_entries: usize, max_bytes: usize, pinned: Vec<String>) -> Self {
        ComputeCache {
            entries: HashMap::new(),
            last: HashMap::new(),
            current: i64::MIN,
            pinned,
            clock: 0,
            bytes: 0,
            max_entries,
            max_bytes,
        }
    }

    /// True for a key never evicted by others, whose last value outlives a data change.
    pub fn is_pinned(&self, key: &str) -> bool {
        self.pinned.iter().any(|k| k == key)
    }

    /// The cached value for `key` if it was computed at data version `version`.
    pub fn get(&mut self, key: &str, version: i64) -> Option<Arc<T>> {
        self.clock += 1;
        let clock = self.clock;
        if version != self.current {
            return None;
        }
        self.entries.get_mut(key).map(|e| {
            e.used = clock;
            e.value.clone()
        })
    }

    /// The newest value held for `key` whatever its data version, with that version: for a
    /// pinned key, the last one made before the data changed if none is made since.
    pub fn latest(&self, key: &str) -> Option<(Arc<T>, i64)> {
        self.entries
            .get(key)
            .or_else(|| self.last.get(key))
            .map(|e| (e.value.clone(), e.version))
    }

    /// Drops the last value kept for a pinned key (its new one cannot be made, so the old one
    /// must not be served as if it were about to be replaced).
    pub fn forget_last(&mut self, key: &str) {
        if let Some(e) = self.last.remove(key) {
            self.bytes -= e.bytes;
        }
    }

    /// Stores a value. A newer data version drops the entries of the older one (pinned keys
    /// keep theirs as their last value); a value of an older version than the newest put is
    /// kept only as a pinned key's last value. Then the least recently used unpinned entries
    /// go while the cache is over its entry or byte bound.
    pub fn put(&mut self, key: String, version: i64, value: Arc<T>) {
        self.clock += 1;
        let bytes = value.weight();
        let entry = Entry {
            version,
            value,
            used: self.clock,
            bytes,
        };
        if version < self.current {
            // Made from data that has changed since: too old for readers of the new data.
            if self.is_pinned(&key) && self.last.get(&key).is_none_or(|e| e.version < version) {
                self.last.insert(key, entry);
                self.recount();
            }
            return;
        }
        if version > self.current {
            for (k, e) in std::mem::take(&mut self.entries) {
                if self.is_pinned(&k) {
                    self.last.insert(k, e);
                }
            }
            self.current = version;
        }
        self.entries.remove(&key);
        self.last.remove(&key);
        self.recount();
        while self.entries.len() >= self.max_entries || self.bytes + bytes > self.max_bytes {
            let oldest = self
                .entries
                .iter()
                .filter(|(k, _)| !self.is_pinned(k))
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone());
            match oldest.and_then(|k| self.entries.remove(&k)) {
                Some(e) => self.bytes -= e.bytes,
                None => break,
            }
        }
        self.bytes += bytes;
        self.entries.insert(key, entry);
    }

    fn recount(&mut self) {
        self.bytes = self
            .entries
            .values()
            .chain(self.last.values())
            .map(|e| e.bytes)
            .sum();
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
        // Made outside the lock: two concurrent misses may both make it, never block others
        // (pinned keys are made one at a time through [`Flights`]).
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

    /// Approximate bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// Whom a request counts against: a valid API token (wherever it is used from), or else the
/// client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// A valid token, by id.
    Token(i32),
    /// An anonymous (or unauthenticated) client, by address.
    Address(IpAddr),
}

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> Self {
        ClientKey::Address(ip)
    }
}

/// Per-client token buckets for rate limiting, bounded in size.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: HashMap<ClientKey, (f64, Instant)>,
}

impl RateLimiter {
    /// Most clients tracked at once; beyond it the idlest are forgotten (a forgotten client
    /// starts again with a full bucket, which only ever errs towards serving).
    pub const MAX_CLIENTS: usize = 10_000;

    /// Takes one token for `client`; `Err(seconds)` says how long to wait when none is left.
    pub fn take(
        &mut self,
        client: impl Into<ClientKey>,
        per_second: f64,
        burst: f64,
    ) -> Result<(), u64> {
        let client = client.into();
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

/// Computations of pinned keys in progress, one at a time per key (single flight): however
/// many readers find a default out of date, it is computed once.
#[derive(Debug, Default)]
pub struct Flights {
    running: Mutex<HashSet<String>>,
    landed: Condvar,
}

/// The one running computation of a key; ends (and wakes those waiting) on drop.
#[derive(Debug)]
pub struct Flight {
    flights: Arc<Flights>,
    key: String,
}

impl Flights {
    /// Starts the computation of `key` unless one is running.
    pub fn try_start(self: &Arc<Self>, key: &str) -> Option<Flight> {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running.insert(key.to_string()).then(|| Flight {
            flights: self.clone(),
            key: key.to_string(),
        })
    }

    /// Waits for a running computation of `key` to end, then starts one (the caller looks in
    /// the cache first: the one that ended has usually made it). Blocking.
    pub fn start_or_wait(self: &Arc<Self>, key: &str) -> Flight {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        while running.contains(key) {
            running = self
                .landed
                .wait(running)
                .unwrap_or_else(PoisonError::into_inner);
        }
        running.insert(key.to_string());
        Flight {
            flights: self.clone(),
            key: key.to_string(),
        }
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        let mut running = self
            .flights
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        running.remove(&self.key);
        self.flights.landed.notify_all();
    }
}

/// A rendered document as a read is answered with it.
#[derive(Debug, Clone)]
pub struct Served {
    /// The document.
    pub rendered: Arc<Rendered>,
    /// The data version it was computed at.
    pub version: i64,
    /// True when the data has changed since and the new document is being computed.
    pub refreshing: bool,
}

/// Response header: the data version an answer was computed at (it grows with every change of
/// the data).
pub const DATA_VERSION_HEADER: &str = "x-lokus-data-version";
/// Response header, `true` on an answer computed before the data last changed, sent while the
/// new answer is being computed.
pub const REFRESHING_HEADER: &str = "x-lokus-refreshing";

impl Served {
    /// Adds the data version, and whether it is being refreshed, to an answer.
    pub fn mark(&self, response: &mut actix_web::HttpResponse) {
        use actix_web::http::header::{HeaderName, HeaderValue};
        let headers = response.headers_mut();
        headers.insert(
            HeaderName::from_static(DATA_VERSION_HEADER),
            HeaderValue::from(self.version),
        );
        if self.refreshing {
            headers.insert(
                HeaderName::from_static(REFRESHING_HEADER),
                HeaderValue::from_static("true"),
            );
        }
    }
}

/// A response body rendered once: its bytes, strong ETag, media type, and its gzip variant.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The body.
    pub body: Bytes,
    /// Strong ETag (quoted).
    pub etag: String,
    /// Media type.
    pub content_type: &'static str,
    /// The body gzipped once, for clients that accept it (bodies of 1 KiB and more).
    pub gzip: Option<Bytes>,
    /// Strong ETag of the gzip variant (another representation, so another tag).
    pub gzip_etag: String,
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
    /// Rendered bodies of cacheable reads (shortlist, analysis, projection), per representation.
    pub rendered: Arc<Mutex<ComputeCache<Rendered>>>,
    /// Rendered region details (one per district, so a larger bound on keys).
    pub regions: Arc<Mutex<ComputeCache<Rendered>>>,
    /// The data version (newest dataset id) last seen; −1 until first read. Kept in memory:
    /// imports through this process set it at once, and a background check every
    /// [`VERSION_CHECK_INTERVAL`] sees imports through other replicas.
    pub version: Arc<AtomicI64>,
    /// The newest alias id last seen; −1 until first read. Aliases are reference data (the
    /// fingerprint covers them), so cached answers are keyed on `version` plus this.
    pub alias_version: Arc<AtomicI64>,
    /// Bound on uncached computations.
    pub compute: Arc<ComputeSlots>,
    /// The default documents being computed (one computation per document at a time).
    pub flights: Arc<Flights>,
    /// Rate limiter.
    pub limiter: Arc<Mutex<RateLimiter>>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Audit rows of reads forwarded by a trusted gateway (only with
    /// `LOKUS_TRUST_GATEWAY_HEADER`).
    pub read_audit: Option<Arc<crate::gateway::ReadAudit>>,
    /// Taken by each import for its whole run: imports through one process write one at a
    /// time (SQLite allows one writer anyway, and a second one would fail its upgrade to a
    /// write lock instead of waiting) and hold at most one pooled connection between them,
    /// so that readers never wait for connections behind a queue of uploads.
    pub imports: Arc<Mutex<()>>,
}

/// How often each process checks the database for imports made by other replicas: the bound
/// on how stale a replica's cached answers can be.
pub const VERSION_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Byte budget of the ranking cache.
pub const RANKING_CACHE_BYTES: usize = 128 << 20;
/// Byte budget of the rendered-body cache.
pub const RENDERED_CACHE_BYTES: usize = 64 << 20;
/// Region details kept (more than the 514 districts of 2022 and their 2025 successors).
pub const REGION_CACHE_ENTRIES: usize = 1024;
/// Byte budget of the region-detail cache.
pub const REGION_CACHE_BYTES: usize = 16 << 20;

/// The scenarios every deployment serves first: the API default, and the page's default with
/// its 1,000-draw uncertainty. They are computed in the background after start and after each
/// import, and never evicted by other scenarios.
pub fn default_requests() -> [model::scenario::RankingRequest; 2] {
    let plain = model::scenario::RankingRequest::default();
    let page = model::scenario::RankingRequest {
        uncertainty: Some(model::ranking::UncertaintyParams::default()),
        ..plain.clone()
    };
    [plain, page]
}

/// Cache key of a ranking request.
pub fn ranking_key(request: &model::scenario::RankingRequest) -> String {
    serde_json::to_string(request).unwrap_or_default()
}

/// Cache key of a rendered shortlist.
pub fn shortlist_key(format: &str, all: bool, request: &model::scenario::RankingRequest) -> String {
    format!("shortlist|{format}|{all}|{}", ranking_key(request))
}

/// Cache key of a rendered analysis.
pub fn analysis_key(join: &model::analysis::JoinRequest) -> String {
    format!("analysis|{join:?}")
}

/// The rendered documents every deployment serves first, pinned in the cache: the default
/// shortlists (JSON) and the default analysis.
pub fn pinned_documents() -> Vec<String> {
    default_requests()
        .iter()
        .map(|r| shortlist_key("json", false, r))
        .chain([analysis_key(&model::analysis::JoinRequest::default())])
        .collect()
}

impl AppState {
    /// New state around a pool.
    pub fn new(
        pool: DbPool,
        settings: Settings,
        read_audit: Option<Arc<crate::gateway::ReadAudit>>,
    ) -> Self {
        let slots = settings.compute_slots();
        let defaults = default_requests();
        AppState {
            pool,
            settings,
            rankings: Arc::new(Mutex::new(ComputeCache::new(
                RANKING_CACHE_BYTES,
                defaults.iter().map(ranking_key).collect(),
            ))),
            rendered: Arc::new(Mutex::new(ComputeCache::new(
                RENDERED_CACHE_BYTES,
                pinned_documents(),
            ))),
            regions: Arc::new(Mutex::new(ComputeCache::with_capacity(
                REGION_CACHE_ENTRIES,
                REGION_CACHE_BYTES,
                Vec::new(),
            ))),
            version: Arc::new(AtomicI64::new(-1)),
            alias_version: Arc::new(AtomicI64::new(-1)),
            compute: Arc::new(ComputeSlots::new(slots)),
            flights: Arc::default(),
            limiter: Arc::default(),
            metrics: Arc::default(),
            read_audit,
            imports: Arc::default(),
        }
    }

    /// The data version: from memory, read from the database only the first time. It is the
    /// newest dataset id plus the newest alias id; both only grow.
    ///
    /// # Errors
    /// Database errors on that first read.
    pub fn data_version(&self) -> Result<i64, crate::error::ApiError> {
        match self.known_version() {
            Some(known) => Ok(known),
            None => self.refresh_version(),
        }
    }

    fn known_version(&self) -> Option<i64> {
        let datasets = self.version.load(Ordering::Acquire);
        let aliases = self.alias_version.load(Ordering::Acquire);
        (datasets >= 0 && aliases >= 0).then_some(datasets + aliases)
    }

    /// A cached value at the known data version, without touching the database: what a hit
    /// costs is a lock and a lookup, so callers try it before moving work to a thread.
    pub fn cached<T: Weigh>(&self, cache: &Mutex<ComputeCache<T>>, key: &str) -> Option<Arc<T>> {
        let version = self.known_version()?;
        cache.lock().ok()?.get(key, version)
    }

    /// A rendered document without computing anything: the one of the known data version, or,
    /// for a pinned document whose data has changed, the last one rendered (marked refreshing)
    /// while `refresh` renders the new one in the background, one refresh at a time. `None`
    /// when the caller must render it.
    ///
    /// A reader of a default document is thus never refused, nor kept waiting, because the
    /// data changed; the version is whatever [`AppState::data_version`] says, whatever changed it.
    pub fn rendered_now<F>(&self, key: &str, refresh: F) -> Option<Served>
    where
        F: FnOnce(&AppState) -> Result<(), crate::error::ApiError> + Send + 'static,
    {
        let version = self.known_version()?;
        let (rendered, at) = {
            let mut cache = self.rendered.lock().ok()?;
            if let Some(hit) = cache.get(key, version) {
                return Some(Served {
                    rendered: hit,
                    version,
                    refreshing: false,
                });
            }
            if !cache.is_pinned(key) {
                return None;
            }
            cache.latest(key)?
        };
        if let Some(flight) = self.flights.try_start(key) {
            let (state, key) = (self.clone(), key.to_string());
            actix_web::rt::spawn(async move {
                let _ = actix_web::web::block(move || {
                    let _flight = flight;
                    if let Err(e) = refresh(&state) {
                        tracing::warn!(error = %e, key, "could not refresh a default document");
                        // A refusal (4xx) is the new answer: readers must get it, not the old one.
                        if actix_web::ResponseError::status_code(&e).is_client_error()
                            && let Ok(mut cache) = state.rendered.lock()
                        {
                            cache.forget_last(&key);
                        }
                    }
                })
                .await;
            });
        }
        Some(Served {
            rendered,
            version: at,
            refreshing: true,
        })
    }

    /// Reads the data version from the database and keeps the newer of it and the known one.
    ///
    /// # Errors
    /// Database errors.
    pub fn refresh_version(&self) -> Result<i64, crate::error::ApiError> {
        let mut conn = self.pool.get()?;
        let datasets = i64::from(model::dataset::Dataset::data_version(&mut conn)?);
        let aliases = i64::from(model::alias::latest_id(&mut conn)?);
        let datasets = self
            .version
            .fetch_max(datasets, Ordering::AcqRel)
            .max(datasets);
        let aliases = self
            .alias_version
            .fetch_max(aliases, Ordering::AcqRel)
            .max(aliases);
        Ok(datasets + aliases)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_key_survives_any_number_of_other_keys() {
        let mut cache: ComputeCache<u32> = ComputeCache::new(1 << 20, vec!["default".into()]);
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
        let mut cache: ComputeCache<u32> = ComputeCache::new(1 << 20, vec!["default".into()]);
        cache.put("default".into(), 1, Arc::new(0));
        cache.put("other".into(), 2, Arc::new(1));
        assert!(cache.get("default", 1).is_none());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_pinned_key_keeps_its_last_value_across_a_data_change_until_the_new_one_is_put() {
        let mut cache: ComputeCache<u32> = ComputeCache::new(1 << 20, vec!["default".into()]);
        cache.put("default".into(), 1, Arc::new(10));
        cache.put("other".into(), 1, Arc::new(11));
        cache.put("variant".into(), 2, Arc::new(20));
        assert!(cache.get("default", 2).is_none());
        assert_eq!(
            cache.latest("default").map(|(v, at)| (*v, at)),
            Some((10, 1))
        );
        assert!(
            cache.latest("other").is_none(),
            "only pinned keys keep a last value"
        );
        cache.put("default".into(), 2, Arc::new(12));
        assert_eq!(cache.get("default", 2).as_deref(), Some(&12));
        assert_eq!(cache.latest("default").map(|(_, at)| at), Some(2));
        assert_eq!(cache.bytes(), 2 * 4);
    }

    #[test]
    fn a_value_of_an_older_data_version_never_evicts_newer_ones() {
        let mut cache: ComputeCache<u32> = ComputeCache::new(1 << 20, vec!["default".into()]);
        cache.put("variant".into(), 3, Arc::new(30));
        // A computation that started before the data changed finishes late.
        cache.put("default".into(), 2, Arc::new(20));
        cache.put("late".into(), 2, Arc::new(21));
        assert_eq!(cache.get("variant", 3).as_deref(), Some(&30));
        assert!(cache.get("default", 3).is_none() && cache.get("late", 2).is_none());
        // For a pinned key it is the best there is until the new one is made.
        assert_eq!(
            cache.latest("default").map(|(v, at)| (*v, at)),
            Some((20, 2))
        );
        cache.forget_last("default");
        assert!(cache.latest("default").is_none());
        assert_eq!(cache.bytes(), 4);
    }

    #[test]
    fn one_flight_per_key_and_the_next_starts_when_it_lands() {
        let flights = Arc::new(Flights::default());
        let first = flights.try_start("default").unwrap();
        assert!(flights.try_start("default").is_none());
        assert!(flights.try_start("other").is_some());
        let waiting = {
            let flights = flights.clone();
            std::thread::spawn(move || drop(flights.start_or_wait("default")))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiting.is_finished(), "it waits for the running one");
        drop(first);
        waiting.join().unwrap();
        assert!(flights.try_start("default").is_some());
    }

    #[test]
    fn the_byte_budget_bounds_the_cache_whatever_the_number_of_keys() {
        // Each u32 weighs 4 bytes: a 40-byte budget holds at most 10 of them.
        let mut cache: ComputeCache<u32> = ComputeCache::new(40, vec!["default".into()]);
        cache.put("default".into(), 1, Arc::new(0));
        for i in 0..500 {
            cache.put(format!("variant {i}"), 1, Arc::new(i));
            assert!(cache.bytes() <= 40 && cache.len() <= 10);
        }
        assert!(cache.get("default", 1).is_some());
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
