//! The delivery worker: one thread per process that claims due deliveries from the outbox,
//! sends them as the Standard Webhooks specification says, and records each attempt.
//!
//! Claims are leased (see [`model::outbox::delivery::Delivery::claim`]): replicas never send
//! the same attempt twice, and a delivery whose sender died is sent again after the lease,
//! with the same `webhook-id`, so receivers that deduplicate see it once.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use chrono::Utc;
use model::outbox::delivery::{Claimed, Delivery, Outcome};
use model::outbox::signing::signature_header;

use super::target::{PublicOnly, TargetPolicy};
use crate::config::WebhookSettings;
use crate::state::AppState;

/// The longest the worker sleeps before looking for due deliveries again (others may have
/// been written by another replica).
pub const POLL: Duration = Duration::from_secs(1);

/// Deliveries one process sends at once.
pub const BATCH: i64 = 16;

/// Sends one delivery: checks the target again, signs, POSTs with a timeout.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    policy: TargetPolicy,
    timeout: Duration,
}

impl Sender {
    /// A sender for these settings: redirects are not followed (a redirect could lead
    /// anywhere), no proxy is used, and without an allow-list names resolve to public
    /// addresses only.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (TLS set-up).
    pub fn new(settings: &WebhookSettings) -> reqwest::Result<Sender> {
        let timeout = Duration::from_secs_f64(settings.timeout_seconds);
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("lokus-webhooks/", env!("CARGO_PKG_VERSION")));
        let policy = TargetPolicy::new(settings);
        if !policy.has_allow_list() {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Sender {
            client: builder.build()?,
            policy,
            timeout,
        })
    }

    /// One attempt: the receiver's status, or why there was none.
    ///
    /// # Errors
    /// A sentence: the target refused, a timeout, a connection error.
    pub async fn send(&self, claimed: &Claimed) -> Result<u16, String> {
        let url = self
            .policy
            .check(&claimed.url)
            .await
            .map_err(|e| format!("target refused: {e}"))?;
        let timestamp = Utc::now().timestamp();
        let signature = signature_header(
            &claimed.secrets,
            &claimed.event_id,
            timestamp,
            claimed.body.as_bytes(),
        )
        .map_err(|e| e.to_string())?;
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &claimed.event_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(claimed.body.clone())
            .send()
            .await
            .map_err(|e| self.describe(&e))?;
        Ok(response.status().as_u16())
    }

    fn describe(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            return format!("no answer within {} s", self.timeout.as_secs_f64());
        }
        let mut cause: &dyn std::error::Error = e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        let what = if e.is_connect() {
            "could not connect"
        } else {
            "request failed"
        };
        let text = format!("{what}: {cause}");
        text.chars().take(500).collect()
    }
}

/// Starts the worker thread; it ends when the server's state is gone.
///
/// # Errors
/// When the thread cannot be started.
pub fn start(state: &Arc<AppState>) -> std::io::Result<()> {
    let watched = Arc::downgrade(state);
    std::thread::Builder::new()
        .name("lokus-webhooks".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "the webhook worker could not start");
                    return;
                }
            };
            runtime.block_on(run(watched));
        })?;
    Ok(())
}

async fn run(state: Weak<AppState>) {
    let Some(first) = state.upgrade() else {
        return;
    };
    let sender = match Sender::new(&first.settings.webhooks) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "the webhook sender could not be built; no deliveries");
            return;
        }
    };
    drop(first);
    loop {
        let Some(current) = state.upgrade() else {
            return;
        };
        let pause = tick(&current, &sender).await;
        drop(current);
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
}

/// Sends what is due; returns how long to wait before the next look.
async fn tick(state: &Arc<AppState>, sender: &Sender) -> Duration {
    let now = Utc::now();
    let due = state
        .pool
        .get()
        .map_err(model::ModelError::from)
        .and_then(|mut conn| Delivery::next_due(&mut conn));
    match due {
        Err(e) => {
            tracing::warn!(error = %e, "could not read the webhook queue");
            return POLL;
        }
        Ok(None) => return POLL,
        Ok(Some(at)) if at > now => {
            return (at - now).to_std().unwrap_or(POLL).min(POLL);
        }
        Ok(Some(_)) => {}
    }
    // Longer than any attempt can take (lookup, then the request), so a claim outlives its
    // sending; a delivery whose sender died is due again after it.
    let lease = now + sender.timeout + super::target::LOOKUP_TIMEOUT + Duration::from_secs(10);
    let claimed = state
        .pool
        .get()
        .map_err(model::ModelError::from)
        .and_then(|mut conn| Delivery::claim(&mut conn, now, lease, BATCH));
    let claimed = match claimed {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "could not claim webhook deliveries");
            return POLL;
        }
    };
    if claimed.is_empty() {
        // Another replica took them.
        return Duration::from_millis(50);
    }
    let mut sending = tokio::task::JoinSet::new();
    for delivery in claimed {
        let (state, sender) = (state.clone(), sender.clone());
        sending.spawn(async move { deliver(&state, &sender, delivery).await });
    }
    while sending.join_next().await.is_some() {}
    Duration::ZERO
}

async fn deliver(state: &AppState, sender: &Sender, claimed: Claimed) {
    let at = Utc::now();
    let started = Instant::now();
    let answer = sender.send(&claimed).await;
    let outcome = Outcome {
        at,
        status_code: answer.as_ref().ok().copied(),
        error: answer.err(),
        duration: started.elapsed(),
    };
    state.metrics.observe_webhook_attempt(outcome.succeeded());
    let policy = state.settings.webhooks.policy();
    let recorded = state
        .pool
        .get()
        .map_err(model::ModelError::from)
        .and_then(|mut conn| {
            Delivery::record(&mut conn, &claimed, &outcome, &policy, rand::random())
        });
    match recorded {
        Ok(Some(status)) if status == model::outbox::delivery::FAILED => {
            state.metrics.observe_webhook_failure();
            tracing::warn!(
                delivery = claimed.delivery_id,
                event = %claimed.event_id,
                "webhook delivery given up after {} attempts",
                claimed.attempt_count + 1
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not record a webhook attempt"),
    }
}
