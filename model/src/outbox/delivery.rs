//! Deliveries: one per event and subscription, with every attempt; claimed by one worker at a
//! time, retried with exponential backoff until delivered or given up.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::{parse_stamp, stamp};
use crate::audit::{Actor, AuditEntry};
use crate::db::DbConnection;
use crate::db::schema::{events, webhook_attempts, webhook_deliveries, webhooks};
use crate::error::{ModelError, Result};

/// Waiting for its next attempt (or being sent).
pub const PENDING: &str = "pending";
/// A receiver answered 2xx.
pub const DELIVERED: &str = "delivered";
/// Given up: no attempt succeeded within the give-up horizon.
pub const FAILED: &str = "failed";

/// When attempts are made: the delay after the n-th failure is `base × 2^(n-1)`, at most
/// `max_delay`, times a random factor in [0.8, 1.2); no attempt is scheduled later than
/// `give_up` after the event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The first delay (`LOKUS_WEBHOOK_RETRY_BASE_SECONDS`, default 5 s).
    pub base: Duration,
    /// The longest delay (6 h).
    pub max_delay: Duration,
    /// How long after the event attempts go on (`LOKUS_WEBHOOK_GIVE_UP_SECONDS`, 3 days).
    pub give_up: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(5),
            max_delay: Duration::from_secs(6 * 3600),
            give_up: Duration::from_secs(3 * 24 * 3600),
        }
    }
}

impl RetryPolicy {
    /// The delay after `failures` failed attempts (≥ 1), with `jitter` in [0, 1) picking the
    /// factor in [0.8, 1.2).
    pub fn delay(&self, failures: i32, jitter: f64) -> Duration {
        let doublings = failures.saturating_sub(1).clamp(0, 62);
        let plain =
            (self.base.as_secs_f64() * 2f64.powi(doublings)).min(self.max_delay.as_secs_f64());
        Duration::from_secs_f64(plain * (0.8 + 0.4 * jitter.clamp(0.0, 1.0)))
    }
}

/// One attempt to send a delivery.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Attempt {
    /// When it was sent (RFC 3339 UTC, milliseconds).
    pub at: String,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i32>,
    /// Why it failed without an answer (refused target, timeout, connection error).
    pub error: Option<String>,
    /// How long it took, milliseconds.
    pub duration_ms: i32,
    /// When the next attempt was scheduled after this one (null: delivered or given up).
    pub next_attempt_at: Option<String>,
}

/// One event's delivery to one subscription.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    /// Database id.
    pub id: i32,
    /// The subscription.
    pub webhook_id: i32,
    /// The event's id: the `webhook-id` header of every attempt.
    pub event_id: String,
    /// The event's type.
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made so far.
    pub attempt_count: i32,
    /// When the next attempt is due (null when delivered or failed).
    pub next_attempt_at: Option<String>,
    /// When the event was enqueued for this subscription.
    pub created_at: String,
    /// Every attempt, oldest first.
    pub attempts: Vec<Attempt>,
}

/// A delivery a worker has claimed: everything it needs to send it.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    /// The delivery's id.
    pub delivery_id: i32,
    /// Attempts made before this one.
    pub attempt_count: i32,
    /// The event's id (`webhook-id`).
    pub event_id: String,
    /// When the event was written.
    pub event_created_at: String,
    /// The exact body to send.
    pub body: String,
    /// The target.
    pub url: String,
    /// The secrets to sign with: the current one, and the previous one during a rotation.
    pub secrets: Vec<String>,
}

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The HTTP status, when the receiver answered.
    pub status_code: Option<u16>,
    /// Why there was no answer.
    pub error: Option<String>,
    /// How long it took.
    pub duration: Duration,
}

impl Outcome {
    /// True for a 2xx answer.
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

type DeliveryRow = (
    i32,
    i32,
    String,
    String,
    String,
    i32,
    Option<String>,
    String,
);
type AttemptRow = (
    i32,
    String,
    Option<i32>,
    Option<String>,
    i32,
    Option<String>,
);

fn webhook_not_found(id: i32) -> ModelError {
    ModelError::NotFound {
        entity: &crate::sentences::WEBHOOK,
        id: id.into(),
    }
}

impl Delivery {
    /// One page of a subscription's deliveries, newest first (optionally only one status),
    /// with their attempts, and how many match.
    ///
    /// # Errors
    /// `ModelError::NotFound` for an unknown subscription, `ModelError::Database`.
    pub fn page(
        conn: &mut DbConnection,
        webhook_id: i32,
        status: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Delivery>, i64)> {
        let exists: i64 = webhooks::table
            .filter(webhooks::id.eq(webhook_id))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            return Err(webhook_not_found(webhook_id));
        }
        let filtered = || {
            let mut q = webhook_deliveries::table
                .filter(webhook_deliveries::webhook_id.eq(webhook_id))
                .into_boxed();
            if let Some(status) = status {
                q = q.filter(webhook_deliveries::status.eq(status.to_string()));
            }
            q
        };
        let total = filtered().count().get_result(conn)?;
        let ids: Vec<i32> = filtered()
            .order(webhook_deliveries::id.desc())
            .limit(limit)
            .offset(offset)
            .select(webhook_deliveries::id)
            .load(conn)?;
        Ok((Self::load(conn, &ids)?, total))
    }

    /// The deliveries with these ids, in this order, with their attempts.
    fn load(conn: &mut DbConnection, ids: &[i32]) -> Result<Vec<Delivery>> {
        let rows: Vec<DeliveryRow> = webhook_deliveries::table
            .inner_join(events::table)
            .filter(webhook_deliveries::id.eq_any(ids))
            .select((
                webhook_deliveries::id,
                webhook_deliveries::webhook_id,
                events::event_id,
                events::event_type,
                webhook_deliveries::status,
                webhook_deliveries::attempt_count,
                webhook_deliveries::next_attempt_at,
                webhook_deliveries::created_at,
            ))
            .load(conn)?;
        let attempts: Vec<AttemptRow> = webhook_attempts::table
            .filter(webhook_attempts::delivery_id.eq_any(ids))
            .order(webhook_attempts::id.asc())
            .select((
                webhook_attempts::delivery_id,
                webhook_attempts::attempted_at,
                webhook_attempts::status_code,
                webhook_attempts::error,
                webhook_attempts::duration_ms,
                webhook_attempts::next_attempt_at,
            ))
            .load(conn)?;
        let mut by_delivery: HashMap<i32, Vec<Attempt>> = HashMap::new();
        for (delivery, at, status_code, error, duration_ms, next_attempt_at) in attempts {
            by_delivery.entry(delivery).or_default().push(Attempt {
                at,
                status_code,
                error,
                duration_ms,
                next_attempt_at,
            });
        }
        let mut by_id: HashMap<i32, Delivery> = rows
            .into_iter()
            .map(
                |(
                    id,
                    webhook_id,
                    event_id,
                    event_type,
                    status,
                    attempt_count,
                    next,
                    created_at,
                )| {
                    let attempts = by_delivery.remove(&id).unwrap_or_default();
                    let next_attempt_at = next.filter(|_| status == PENDING);
                    (
                        id,
                        Delivery {
                            id,
                            webhook_id,
                            event_id,
                            event_type,
                            status,
                            attempt_count,
                            next_attempt_at,
                            created_at,
                            attempts,
                        },
                    )
                },
            )
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// Makes a delivery due now (whatever its status: a failed one gets one more attempt, a
    /// delivered one is sent again with the same `webhook-id`), with its audit row.
    ///
    /// # Errors
    /// `ModelError::NotFound` when the subscription or the delivery (of that subscription)
    /// does not exist, `ModelError::Database`.
    pub fn retry(
        conn: &mut DbConnection,
        actor: &Actor,
        webhook_id: i32,
        delivery_id: i32,
    ) -> Result<Delivery> {
        let now = stamp(Utc::now());
        conn.transaction::<_, ModelError, _>(|conn| {
            let updated = diesel::update(
                webhook_deliveries::table
                    .filter(webhook_deliveries::id.eq(delivery_id))
                    .filter(webhook_deliveries::webhook_id.eq(webhook_id)),
            )
            .set((
                webhook_deliveries::status.eq(PENDING),
                webhook_deliveries::next_attempt_at.eq(Some(&now)),
            ))
            .execute(conn)?;
            if updated == 0 {
                Self::page(conn, webhook_id, None, 1, 0)?;
                return Err(ModelError::NotFound {
                    entity: &crate::sentences::DELIVERY,
                    id: delivery_id.into(),
                });
            }
            AuditEntry::record(
                conn,
                actor,
                "retry_delivery",
                &format!("webhook:{webhook_id}/delivery:{delivery_id}"),
                "due again now",
            )?;
            Ok(Self::load(conn, &[delivery_id])?.remove(0))
        })
    }

    /// When the earliest pending delivery is due (a cheap read before any claim).
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn next_due(conn: &mut DbConnection) -> Result<Option<DateTime<Utc>>> {
        let due: Option<String> = webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(PENDING))
            .select(diesel::dsl::min(webhook_deliveries::next_attempt_at))
            .first(conn)?;
        Ok(due.as_deref().and_then(parse_stamp))
    }

    /// Claims up to `limit` deliveries due at `now` for this worker: each becomes due again
    /// only at `lease_until` (so a worker that dies mid-send leaves it to be sent again later,
    /// and no other worker sends it meanwhile). PostgreSQL: one statement over the rows
    /// `FOR UPDATE SKIP LOCKED`, so replicas claiming at once get disjoint sets; SQLite: an
    /// immediate (write-locked) transaction, one claimer at a time.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn claim(
        conn: &mut DbConnection,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Claimed>> {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            id: i32,
        }
        let (now, lease) = (stamp(now), stamp(lease_until));
        let ids: Vec<i32> = match conn {
            DbConnection::Postgres(pg) => diesel::sql_query(
                "UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id IN \
                 (SELECT id FROM webhook_deliveries WHERE status = 'pending' \
                 AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $3 \
                 FOR UPDATE SKIP LOCKED) RETURNING id",
            )
            .bind::<diesel::sql_types::Text, _>(&lease)
            .bind::<diesel::sql_types::Text, _>(&now)
            .bind::<diesel::sql_types::BigInt, _>(limit)
            .load::<Id>(pg)?
            .into_iter()
            .map(|r| r.id)
            .collect(),
            DbConnection::Sqlite(lite) => lite
                .immediate_transaction::<_, diesel::result::Error, _>(|lite| {
                    let ids: Vec<i32> = webhook_deliveries::table
                        .filter(webhook_deliveries::status.eq(PENDING))
                        .filter(webhook_deliveries::next_attempt_at.le(&now))
                        .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
                        .limit(limit)
                        .select(webhook_deliveries::id)
                        .load(lite)?;
                    diesel::update(
                        webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)),
                    )
                    .set(webhook_deliveries::next_attempt_at.eq(Some(&lease)))
                    .execute(lite)?;
                    Ok(ids)
                })?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        type ClaimRow = (
            i32,
            i32,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<ClaimRow> = webhook_deliveries::table
            .inner_join(events::table)
            .inner_join(webhooks::table)
            .filter(webhook_deliveries::id.eq_any(&ids))
            .order(webhook_deliveries::id.asc())
            .select((
                webhook_deliveries::id,
                webhook_deliveries::attempt_count,
                events::event_id,
                events::created_at,
                events::body,
                webhooks::url,
                webhooks::secret,
                webhooks::previous_secret,
                webhooks::previous_secret_until,
            ))
            .load(conn)?;
        let current = Utc::now();
        Ok(rows
            .into_iter()
            .map(
                |(
                    delivery_id,
                    attempt_count,
                    event_id,
                    event_created_at,
                    body,
                    url,
                    secret,
                    previous,
                    until,
                )| {
                    let mut secrets = vec![secret];
                    if let (Some(previous), Some(until)) = (previous, until)
                        && parse_stamp(&until).is_some_and(|t| t > current)
                    {
                        secrets.push(previous);
                    }
                    Claimed {
                        delivery_id,
                        attempt_count,
                        event_id,
                        event_created_at,
                        body,
                        url,
                        secrets,
                    }
                },
            )
            .collect())
    }

    /// Records an attempt of a claimed delivery and decides what follows: `delivered` on 2xx;
    /// else `pending` with the next attempt after the policy's delay, or `failed` when that
    /// would fall past the give-up horizon. Returns the new status, or `None` when the
    /// delivery is gone (its subscription deleted) or was recorded by someone else.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn record(
        conn: &mut DbConnection,
        claimed: &Claimed,
        outcome: &Outcome,
        policy: &RetryPolicy,
        jitter: f64,
    ) -> Result<Option<&'static str>> {
        conn.transaction::<_, ModelError, _>(|conn| {
            // A writer from the start (SQLite cannot upgrade a reading transaction under load).
            crate::dataset::begin_write(conn)?;
            let current: Option<(String, i32)> = webhook_deliveries::table
                .find(claimed.delivery_id)
                .select((
                    webhook_deliveries::status,
                    webhook_deliveries::attempt_count,
                ))
                .first(conn)
                .optional()?;
            if current != Some((PENDING.to_string(), claimed.attempt_count)) {
                return Ok(None);
            }
            let attempts = claimed.attempt_count + 1;
            let (status, next) = if outcome.succeeded() {
                (DELIVERED, None)
            } else {
                let next = outcome.at + policy.delay(attempts, jitter);
                let deadline =
                    parse_stamp(&claimed.event_created_at).unwrap_or(outcome.at) + policy.give_up;
                if next > deadline {
                    (FAILED, None)
                } else {
                    (PENDING, Some(stamp(next)))
                }
            };
            diesel::insert_into(webhook_attempts::table)
                .values((
                    webhook_attempts::delivery_id.eq(claimed.delivery_id),
                    webhook_attempts::attempted_at.eq(stamp(outcome.at)),
                    webhook_attempts::status_code.eq(outcome.status_code.map(i32::from)),
                    webhook_attempts::error.eq(outcome.error.as_deref()),
                    webhook_attempts::duration_ms
                        .eq(i32::try_from(outcome.duration.as_millis()).unwrap_or(i32::MAX)),
                    webhook_attempts::next_attempt_at.eq(next.as_deref()),
                ))
                .execute(conn)?;
            diesel::update(webhook_deliveries::table.find(claimed.delivery_id))
                .set((
                    webhook_deliveries::status.eq(status),
                    webhook_deliveries::attempt_count.eq(attempts),
                    webhook_deliveries::next_attempt_at.eq(next.as_deref()),
                ))
                .execute(conn)?;
            Ok(Some(status))
        })
    }

    /// How many deliveries are in each status (for metrics).
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>> {
        Ok(webhook_deliveries::table
            .group_by(webhook_deliveries::status)
            .select((webhook_deliveries::status, diesel::dsl::count_star()))
            .load(conn)?)
    }
}
