//! Prometheus text-format metrics: requests, latencies, imports.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Latency histogram bucket bounds, seconds.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Counters kept in memory since the process started.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    imports: Mutex<BTreeMap<(String, String), u64>>,
    webhook_attempts: Mutex<BTreeMap<&'static str, u64>>,
    webhook_failures: std::sync::atomic::AtomicU64,
}

impl Metrics {
    /// Records one finished request under its route pattern.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let h = m.entry(route.to_string()).or_default();
            h.count += 1;
            h.sum += seconds;
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    h.counts[i] += 1;
                }
            }
        }
    }

    /// Records one import by kind and outcome (`created`, `unchanged`, `rejected`).
    pub fn observe_import(&self, kind: &str, outcome: &str) {
        if let Ok(mut m) = self.imports.lock() {
            *m.entry((kind.to_string(), outcome.to_string()))
                .or_default() += 1;
        }
    }

    /// Records one webhook attempt by this process (`success`: the receiver answered 2xx).
    pub fn observe_webhook_attempt(&self, success: bool) {
        if let Ok(mut m) = self.webhook_attempts.lock() {
            *m.entry(if success { "success" } else { "error" })
                .or_default() += 1;
        }
    }

    /// Records one webhook delivery this process gave up on (`failed`).
    pub fn observe_webhook_failure(&self) {
        self.webhook_failures
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// The Prometheus exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP lokus_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE lokus_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                out.push_str(&format!(
                    "lokus_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}\n"
                ));
            }
        }
        out.push_str("# HELP lokus_http_request_duration_seconds Request latency by route.\n");
        out.push_str("# TYPE lokus_http_request_duration_seconds histogram\n");
        if let Ok(m) = self.latency.lock() {
            for (route, h) in m.iter() {
                for (i, bound) in BUCKETS.iter().enumerate() {
                    out.push_str(&format!(
                        "lokus_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}\n",
                        h.counts[i]
                    ));
                }
                out.push_str(&format!(
                    "lokus_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n",
                    h.count
                ));
                out.push_str(&format!(
                    "lokus_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n",
                    h.sum
                ));
                out.push_str(&format!(
                    "lokus_http_request_duration_seconds_count{{route=\"{route}\"}} {}\n",
                    h.count
                ));
            }
        }
        out.push_str("# HELP lokus_imports_total Dataset imports by kind and outcome.\n");
        out.push_str("# TYPE lokus_imports_total counter\n");
        if let Ok(m) = self.imports.lock() {
            for ((kind, outcome), n) in m.iter() {
                out.push_str(&format!(
                    "lokus_imports_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {n}\n"
                ));
            }
        }
        out.push_str(
            "# HELP lokus_webhook_attempts_total Webhook delivery attempts by this process, by result.\n",
        );
        out.push_str("# TYPE lokus_webhook_attempts_total counter\n");
        if let Ok(m) = self.webhook_attempts.lock() {
            for result in ["success", "error"] {
                out.push_str(&format!(
                    "lokus_webhook_attempts_total{{result=\"{result}\"}} {}\n",
                    m.get(result).copied().unwrap_or(0)
                ));
            }
        }
        out.push_str(
            "# HELP lokus_webhook_failures_total Webhook deliveries this process gave up on (failed).\n",
        );
        out.push_str("# TYPE lokus_webhook_failures_total counter\n");
        out.push_str(&format!(
            "lokus_webhook_failures_total {}\n",
            self.webhook_failures
                .load(std::sync::atomic::Ordering::Relaxed)
        ));
        out
    }
}
