//! Settings from environment variables (`LOKUS_*`), overridable by command-line flags.

use std::env;

use ipnet::IpNet;

/// Runtime settings of the service.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `LOKUS_DATABASE_URL`: `sqlite://lokus.db` (default) or `postgres://…`.
    pub database_url: String,
    /// `LOKUS_BIND`: address to listen on (default `127.0.0.1:8080`; port 0 picks a free one).
    pub bind: String,
    /// `LOKUS_DEMO`: load the synthetic demo data into an empty database (default true).
    pub demo: bool,
    /// `LOKUS_REQUIRE_READ_TOKEN`: reads need a viewer or editor token (default false).
    pub require_read_token: bool,
    /// `LOKUS_MAX_BODY_BYTES`: largest accepted request body (default 16 MiB).
    pub max_body_bytes: usize,
    /// `LOKUS_RATE_LIMIT`: sustained requests per second per client on `/api` (default 100).
    pub rate_limit_per_second: f64,
    /// `LOKUS_RATE_BURST`: requests a client may send at once before being limited (default 200).
    pub rate_limit_burst: f64,
    /// `LOKUS_WORKERS`: HTTP worker threads (default: number of cores).
    pub workers: Option<usize>,
    /// `LOKUS_MAX_COMPUTE`: uncached computations running at once before others get 503 busy
    /// (default: the number of workers).
    pub max_compute: Option<usize>,
    /// `LOKUS_TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks of proxies whose
    /// `X-Forwarded-For` names the client (default: none; the peer address is the client).
    pub trusted_proxies: Vec<IpNet>,
    /// Bounds on uploaded tables: `LOKUS_MAX_IMPORT_ROWS` (default 100,000),
    /// `LOKUS_MAX_IMPORT_COLUMNS` (64), `LOKUS_MAX_FIELD_CHARS` (1,000), `LOKUS_MAX_NAME_CHARS` (200).
    pub import_limits: model::import::Limits,
    /// `LOKUS_REQUEST_TIMEOUT_SECONDS`: a client must send a request's headers within this time
    /// or the connection is closed (default 10), so slow clients cannot hold connections.
    pub request_timeout_seconds: u64,
    /// `LOKUS_CORS_ORIGINS`: comma-separated exact origins (`https://a.example`) that browsers may
    /// call the API from; empty (default): none, cross-origin calls are refused by the browser.
    pub cors_origins: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "sqlite://lokus.db".into(),
            bind: "127.0.0.1:8080".into(),
            demo: true,
            require_read_token: false,
            max_body_bytes: 16 * 1024 * 1024,
            rate_limit_per_second: 100.0,
            rate_limit_burst: 200.0,
            workers: None,
            max_compute: None,
            trusted_proxies: Vec::new(),
            import_limits: model::import::Limits::default(),
            request_timeout_seconds: 10,
            cors_origins: Vec::new(),
        }
    }
}

fn var(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &str, default: bool) -> Result<bool, String> {
    match var(name).map(|v| v.trim().to_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(format!("{name}={v} is not true or false")),
    }
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v} is not a number")),
    }
}

fn positive<T: std::str::FromStr + PartialOrd + Default>(
    name: &str,
    default: T,
) -> Result<T, String> {
    let n = number(name, default)?;
    if n > T::default() {
        Ok(n)
    } else {
        Err(format!("{name} must be at least 1"))
    }
}

impl Settings {
    /// Reads `LOKUS_*` variables over the defaults.
    ///
    /// # Errors
    /// A message naming the variable that does not parse.
    pub fn from_env() -> Result<Settings, String> {
        let d = Settings::default();
        Ok(Settings {
            database_url: var("LOKUS_DATABASE_URL").unwrap_or(d.database_url),
            bind: var("LOKUS_BIND").unwrap_or(d.bind),
            demo: flag("LOKUS_DEMO", d.demo)?,
            require_read_token: flag("LOKUS_REQUIRE_READ_TOKEN", d.require_read_token)?,
            max_body_bytes: number("LOKUS_MAX_BODY_BYTES", d.max_body_bytes)?,
            rate_limit_per_second: number("LOKUS_RATE_LIMIT", d.rate_limit_per_second)?,
            rate_limit_burst: number("LOKUS_RATE_BURST", d.rate_limit_burst)?,
            workers: var("LOKUS_WORKERS")
                .map(|v| {
                    v.parse()
                        .map_err(|_| format!("LOKUS_WORKERS={v} is not a number"))
                })
                .transpose()?,
            max_compute: match var("LOKUS_MAX_COMPUTE") {
                None => None,
                Some(v) => Some(
                    v.trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| {
                            format!("LOKUS_MAX_COMPUTE={v} is not a whole number ≥ 1")
                        })?,
                ),
            },
            trusted_proxies: parse_trusted_proxies(
                &var("LOKUS_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| format!("LOKUS_TRUSTED_PROXIES: {e}"))?,
            import_limits: model::import::Limits {
                max_rows: positive("LOKUS_MAX_IMPORT_ROWS", d.import_limits.max_rows)?,
                max_columns: positive("LOKUS_MAX_IMPORT_COLUMNS", d.import_limits.max_columns)?,
                max_field_chars: positive(
                    "LOKUS_MAX_FIELD_CHARS",
                    d.import_limits.max_field_chars,
                )?,
                max_name_chars: positive("LOKUS_MAX_NAME_CHARS", d.import_limits.max_name_chars)?,
            },
            request_timeout_seconds: positive(
                "LOKUS_REQUEST_TIMEOUT_SECONDS",
                d.request_timeout_seconds,
            )?,
            cors_origins: parse_cors_origins(&var("LOKUS_CORS_ORIGINS").unwrap_or_default())
                .map_err(|e| format!("LOKUS_CORS_ORIGINS: {e}"))?,
        })
    }

    /// Uncached computations allowed at once.
    pub fn compute_slots(&self) -> usize {
        self.max_compute
            .or(self.workers)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1)
    }
}

/// Parses a comma-separated list of IP addresses and CIDR blocks (`10.0.0.0/8, 127.0.0.1`).
///
/// # Errors
/// A message naming the entry that is neither.
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<IpNet>()
                .or_else(|_| t.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| format!("'{t}' is not an IP address or CIDR block"))
        })
        .collect()
}

/// Parses a comma-separated list of exact origins (`scheme://host[:port]`, no path); a
/// trailing `/` is dropped, as browsers never send one.
///
/// # Errors
/// A message naming the entry that is not an origin.
pub fn parse_cors_origins(text: &str) -> Result<Vec<String>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let origin = t.trim_end_matches('/');
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            match host {
                Some(h) if !h.is_empty() && !h.contains(['/', '?', '#', '*', ' ']) => {
                    Ok(origin.to_string())
                }
                _ => Err(format!(
                    "'{t}' is not an origin such as https://planning.example.go.id"
                )),
            }
        })
        .collect()
}
