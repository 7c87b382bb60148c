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
    /// `LOKUS_TRUST_GATEWAY_HEADER`: the header in which a trusted API gateway names its
    /// consumer (e.g. `X-Consumer-Name`); believed only from `LOKUS_TRUSTED_PROXIES`
    /// (default: none, no gateway identity).
    pub trust_gateway_header: Option<String>,
    /// `LOKUS_BASE_PATH`: a prefix the whole service answers under, e.g. `/lokus/1.0` behind a
    /// gateway that publishes APIs as `/{context}/{version}/...` (default empty: the root).
    /// Normalised: empty, or `/` followed by segments, without a trailing `/`.
    pub base_path: String,
    /// `LOKUS_DB_POOL_SIZE`: database connections this process holds (default 8). With
    /// several replicas on one PostgreSQL, replicas × pool size must stay below its
    /// `max_connections`.
    pub pool_size: u32,
    /// `LOKUS_SHUTDOWN_GRACE_SECONDS`: on SIGTERM, how long requests in flight may take to
    /// finish before the process exits (default 30).
    pub shutdown_grace_seconds: u64,
    /// Bounds on uploaded tables: `LOKUS_MAX_IMPORT_ROWS` (default 100,000),
    /// `LOKUS_MAX_IMPORT_COLUMNS` (64), `LOKUS_MAX_FIELD_CHARS` (1,000), `LOKUS_MAX_NAME_CHARS` (200),
    /// `LOKUS_MAX_XLSX_UNZIPPED_BYTES` (64 MiB), `LOKUS_MAX_XLSX_SHARED_STRINGS` (1,000,000).
    pub import_limits: model::import::Limits,
    /// `LOKUS_REQUEST_TIMEOUT_SECONDS`: a client must send a request's headers within this time
    /// or the connection is closed (default 10), so slow clients cannot hold connections.
    pub request_timeout_seconds: u64,
    /// `LOKUS_BODY_TIMEOUT_SECONDS`: a client must send a request's whole body within this time
    /// after its headers, or it is answered 408 `body_timeout` and the connection is closed
    /// (default 60), so a body sent a byte at a time cannot hold a connection and a worker.
    pub body_timeout_seconds: u64,
    /// `LOKUS_CORS_ORIGINS`: comma-separated exact origins (`https://a.example`) that browsers may
    /// call the API from; empty (default): none, cross-origin calls are refused by the browser.
    pub cors_origins: Vec<String>,
    /// `LOKUS_FOUR_EYES`: a token label may not publish its own upload nor approve its own
    /// proposal (default true; false for single-person installs).
    pub four_eyes: bool,
    /// Webhook delivery: targets, retries, timeouts (`LOKUS_WEBHOOK_*`).
    pub webhooks: WebhookSettings,
}

/// How webhooks are delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookSettings {
    /// `LOKUS_WEBHOOK_ALLOWED_HOSTS`: comma-separated `host` or `host:port` entries. When given,
    /// only these hosts are ever contacted (over `http` or `https`, whatever they resolve to);
    /// when absent (default), targets must be `https` and resolve to public addresses only.
    pub allowed_hosts: Option<Vec<String>>,
    /// `LOKUS_WEBHOOK_RETRY_BASE_SECONDS`: the delay after the first failed attempt (default 5;
    /// it doubles after each failure up to 6 h).
    pub retry_base_seconds: f64,
    /// `LOKUS_WEBHOOK_GIVE_UP_SECONDS`: how long after its event a delivery is retried before it
    /// is marked `failed` (default 259,200 = 3 days; tests set it lower).
    pub give_up_seconds: f64,
    /// `LOKUS_WEBHOOK_TIMEOUT_SECONDS`: how long one attempt may take, connection included
    /// (default 10).
    pub timeout_seconds: f64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            allowed_hosts: None,
            retry_base_seconds: 5.0,
            give_up_seconds: 3.0 * 24.0 * 3600.0,
            timeout_seconds: 10.0,
        }
    }
}

impl WebhookSettings {
    /// The retry policy these settings describe.
    pub fn policy(&self) -> model::outbox::delivery::RetryPolicy {
        model::outbox::delivery::RetryPolicy {
            base: std::time::Duration::from_secs_f64(self.retry_base_seconds),
            give_up: std::time::Duration::from_secs_f64(self.give_up_seconds),
            ..Default::default()
        }
    }

    fn from_env(d: WebhookSettings) -> Result<WebhookSettings, String> {
        let seconds = |name: &str, default: f64| -> Result<f64, String> {
            let n: f64 = number(name, default)?;
            if n.is_finite() && n > 0.0 && n <= 1e9 {
                Ok(n)
            } else {
                Err(format!("{name}={n} must be a number of seconds above 0"))
            }
        };
        Ok(WebhookSettings {
            allowed_hosts: var("LOKUS_WEBHOOK_ALLOWED_HOSTS")
                .map(|v| parse_allowed_hosts(&v))
                .transpose()
                .map_err(|e| format!("LOKUS_WEBHOOK_ALLOWED_HOSTS: {e}"))?,
            retry_base_seconds: seconds("LOKUS_WEBHOOK_RETRY_BASE_SECONDS", d.retry_base_seconds)?,
            give_up_seconds: seconds("LOKUS_WEBHOOK_GIVE_UP_SECONDS", d.give_up_seconds)?,
            timeout_seconds: seconds("LOKUS_WEBHOOK_TIMEOUT_SECONDS", d.timeout_seconds)?,
        })
    }
}

/// Parses `LOKUS_WEBHOOK_ALLOWED_HOSTS`: comma-separated `host` or `host:port` (IPv6 in
/// brackets), normalised as URLs write them (lower case).
///
/// # Errors
/// A message naming the entry that is not a host.
pub fn parse_allowed_hosts(text: &str) -> Result<Vec<String>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let url = reqwest::Url::parse(&format!("http://{t}/"))
                .ok()
                .filter(|u| u.username().is_empty() && u.path() == "/" && u.host_str().is_some());
            match url {
                Some(u) => Ok(match u.port() {
                    Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
                    None => u.host_str().unwrap_or_default().to_string(),
                }),
                None => Err(format!("'{t}' is not a host or host:port")),
            }
        })
        .collect()
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
            trust_gateway_header: None,
            base_path: String::new(),
            pool_size: model::db::DEFAULT_POOL_SIZE,
            shutdown_grace_seconds: 30,
            import_limits: model::import::Limits::default(),
            request_timeout_seconds: 10,
            body_timeout_seconds: 60,
            cors_origins: Vec::new(),
            four_eyes: true,
            webhooks: WebhookSettings::default(),
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
            trust_gateway_header: var("LOKUS_TRUST_GATEWAY_HEADER")
                .map(|name| {
                    let name = name.trim().to_ascii_lowercase();
                    actix_web::http::header::HeaderName::try_from(name.as_str())
                        .map(|_| name.clone())
                        .map_err(|_| {
                            format!("LOKUS_TRUST_GATEWAY_HEADER={name} is not a header name")
                        })
                })
                .transpose()?,
            base_path: parse_base_path(&var("LOKUS_BASE_PATH").unwrap_or_default())
                .map_err(|e| format!("LOKUS_BASE_PATH: {e}"))?,
            pool_size: match number("LOKUS_DB_POOL_SIZE", d.pool_size)? {
                0 => return Err("LOKUS_DB_POOL_SIZE=0: at least one connection is needed".into()),
                n => n,
            },
            shutdown_grace_seconds: number(
                "LOKUS_SHUTDOWN_GRACE_SECONDS",
                d.shutdown_grace_seconds,
            )?,
            import_limits: model::import::Limits {
                max_rows: positive("LOKUS_MAX_IMPORT_ROWS", d.import_limits.max_rows)?,
                max_columns: positive("LOKUS_MAX_IMPORT_COLUMNS", d.import_limits.max_columns)?,
                max_field_chars: positive(
                    "LOKUS_MAX_FIELD_CHARS",
                    d.import_limits.max_field_chars,
                )?,
                max_name_chars: positive("LOKUS_MAX_NAME_CHARS", d.import_limits.max_name_chars)?,
                max_xlsx_unzipped_bytes: positive(
                    "LOKUS_MAX_XLSX_UNZIPPED_BYTES",
                    d.import_limits.max_xlsx_unzipped_bytes,
                )?,
                max_xlsx_shared_strings: positive(
                    "LOKUS_MAX_XLSX_SHARED_STRINGS",
                    d.import_limits.max_xlsx_shared_strings,
                )?,
            },
            request_timeout_seconds: positive(
                "LOKUS_REQUEST_TIMEOUT_SECONDS",
                d.request_timeout_seconds,
            )?,
            body_timeout_seconds: positive("LOKUS_BODY_TIMEOUT_SECONDS", d.body_timeout_seconds)?,
            four_eyes: flag("LOKUS_FOUR_EYES", d.four_eyes)?,
            webhooks: WebhookSettings::from_env(d.webhooks)?,
            cors_origins: parse_cors_origins(&var("LOKUS_CORS_ORIGINS").unwrap_or_default())
                .map_err(|e| format!("LOKUS_CORS_ORIGINS: {e}"))?,
        })
    }

    /// The path of a request relative to the base path (`/lokus/1.0/api/v1/x` → `/api/v1/x`);
    /// the path itself when there is no base path or the request lies outside it.
    pub fn route_path<'a>(&self, path: &'a str) -> &'a str {
        match path.strip_prefix(self.base_path.as_str()) {
            Some(rest) if !self.base_path.is_empty() && rest.starts_with('/') => rest,
            _ => path,
        }
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

/// Normalises a base path: `lokus/1.0/` → `/lokus/1.0`, `/` or blank → empty.
///
/// # Errors
/// A message when a segment holds anything but `A–Z a–z 0–9 . _ - ~`, or is `.` or `..`.
pub fn parse_base_path(text: &str) -> Result<String, String> {
    let segments: Vec<&str> = text.trim().split('/').filter(|s| !s.is_empty()).collect();
    for segment in &segments {
        let plain = segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'~'));
        if !plain || *segment == "." || *segment == ".." {
            return Err(format!(
                "'{text}' is not a path prefix such as /lokus/1.0 (segment '{segment}')"
            ));
        }
    }
    Ok(segments.iter().map(|s| format!("/{s}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_path_is_normalised_to_a_leading_slash_and_no_trailing_one() {
        assert_eq!(parse_base_path("").unwrap(), "");
        assert_eq!(parse_base_path("/").unwrap(), "");
        assert_eq!(parse_base_path("lokus/1.0/").unwrap(), "/lokus/1.0");
        assert_eq!(parse_base_path("/lokus//1.0").unwrap(), "/lokus/1.0");
        assert!(parse_base_path("/lokus/../x").is_err());
        assert!(parse_base_path("/lo kus").is_err());
        assert!(parse_base_path("/a?b").is_err());
    }

    #[test]
    fn allowed_webhook_hosts_are_normalised_and_anything_else_is_refused() {
        assert_eq!(
            parse_allowed_hosts(" 127.0.0.1:8443, Receiver.Example ,[::1]:9000").unwrap(),
            ["127.0.0.1:8443", "receiver.example", "[::1]:9000"]
        );
        assert!(parse_allowed_hosts("https://x.example/").is_err());
        assert!(parse_allowed_hosts("user@x.example").is_err());
        assert!(parse_allowed_hosts("x.example/path").is_err());
    }

    #[test]
    fn a_route_path_is_the_request_path_without_the_base() {
        let settings = Settings {
            base_path: "/lokus/1.0".into(),
            ..Settings::default()
        };
        assert_eq!(settings.route_path("/lokus/1.0/api/v1/x"), "/api/v1/x");
        assert_eq!(settings.route_path("/lokus/1.0x/api"), "/lokus/1.0x/api");
        assert_eq!(settings.route_path("/api/v1/x"), "/api/v1/x");
        assert_eq!(Settings::default().route_path("/api/v1/x"), "/api/v1/x");
    }
}
