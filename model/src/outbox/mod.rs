//! The durable outbox: an event is written in the same transaction as the change it reports
//! (a publication, an adoption), together with one pending delivery per webhook subscribed to
//! its type; a worker sends the deliveries later, and the pull feed serves the events in order.
//!
//! # Example
//! ```no_run
//! # fn publish(conn: &mut model::db::DbConnection, dataset: &model::dataset::Dataset) -> model::Result<()> {
//! // Inside the transaction that publishes `dataset`:
//! model::outbox::enqueue(
//!     conn,
//!     model::outbox::EventType::DatasetPublished,
//!     model::outbox::dataset_published(dataset),
//! )?;
//! # Ok(()) }
//! ```

pub mod delivery;
pub mod signing;
pub mod webhook;

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::db::DbConnection;
use crate::db::schema::{events, webhook_deliveries};
use crate::error::{ModelError, Result};
use crate::sentences as s;

/// What happened: the event types subscribers choose from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum EventType {
    /// A lokus list was adopted (a decision with a number and a date).
    #[serde(rename = "lokus.adopted")]
    LokusAdopted,
    /// An adopted lokus list was withdrawn.
    #[serde(rename = "lokus.withdrawn")]
    LokusWithdrawn,
    /// A dataset was published (today: imported; the synthetic demo data never are).
    #[serde(rename = "dataset.published")]
    DatasetPublished,
}

impl EventType {
    /// Every type, in the order they are documented.
    pub const ALL: [EventType; 3] = [
        EventType::LokusAdopted,
        EventType::LokusWithdrawn,
        EventType::DatasetPublished,
    ];

    /// The wire name (`lokus.adopted`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::LokusAdopted => "lokus.adopted",
            EventType::LokusWithdrawn => "lokus.withdrawn",
            EventType::DatasetPublished => "dataset.published",
        }
    }

    /// Parses a wire name exactly.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`unknown_event_type`) naming the types that exist.
    pub fn parse(text: &str) -> Result<EventType> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or_else(|| {
                ModelError::invalid(
                    "unknown_event_type",
                    s::UNKNOWN_EVENT_TYPE.with("value", text),
                )
            })
    }
}

/// One event as the feed serves it; a webhook's body is the same without `id` and `cursor`
/// (the id travels in the `webhook-id` header).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Event {
    /// Stable id (`evt_…`), the `webhook-id` of every delivery of this event.
    pub id: String,
    /// `lokus.adopted`, `lokus.withdrawn` or `dataset.published`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened (RFC 3339 UTC).
    pub timestamp: String,
    /// What happened; the fields depend on the type.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The feed position of this event: `after=<cursor>` continues after it.
    pub cursor: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
    id: i32,
    event_id: String,
    event_type: String,
    created_at: String,
    body: String,
}

impl EventRow {
    fn into_event(self) -> Event {
        let body: serde_json::Value = serde_json::from_str(&self.body).unwrap_or_default();
        Event {
            id: self.event_id,
            event_type: self.event_type,
            timestamp: body["timestamp"]
                .as_str()
                .map_or(self.created_at, str::to_string),
            data: body["data"].clone(),
            cursor: self.id.to_string(),
        }
    }
}

/// A time as stored by the outbox: RFC 3339 UTC with milliseconds, fixed width, so that text
/// order is time order.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a time written by [`stamp`] (or any RFC 3339 time).
pub fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Writes an event and one pending delivery for each webhook subscribed to its type. Call it
/// inside the transaction that makes the change, so that both commit or neither does.
///
/// On PostgreSQL the events are numbered under a transaction lock, so that they commit in the
/// order of their numbers and a feed reader that has seen number n never later finds a smaller
/// one appear; SQLite has one writer at a time anyway.
///
/// # Errors
/// `ModelError::Database`.
pub fn enqueue(
    conn: &mut DbConnection,
    event_type: EventType,
    data: serde_json::Value,
) -> Result<Event> {
    // "LOKUSE" in ASCII; another key than the setup and write locks'.
    const OUTBOX_LOCK_KEY: i64 = 0x4c4f_4b55_5345;
    conn.transaction::<_, ModelError, _>(|conn| {
        if let DbConnection::Postgres(_) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({OUTBOX_LOCK_KEY})"))
                .execute(conn)?;
        }
        let now = stamp(Utc::now());
        let event_id = format!("evt_{}", uuid::Uuid::new_v4().simple());
        let body = serde_json::json!({
            "type": event_type.as_str(),
            "timestamp": now,
            "data": data,
        })
        .to_string();
        diesel::insert_into(events::table)
            .values((
                events::event_id.eq(&event_id),
                events::event_type.eq(event_type.as_str()),
                events::created_at.eq(&now),
                events::body.eq(&body),
            ))
            .execute(conn)?;
        let row: EventRow = events::table
            .filter(events::event_id.eq(&event_id))
            .select(EventRow::as_select())
            .first(conn)?;
        for webhook_id in webhook::Webhook::subscribed_to(conn, event_type)? {
            diesel::insert_into(webhook_deliveries::table)
                .values((
                    webhook_deliveries::webhook_id.eq(webhook_id),
                    webhook_deliveries::event_id.eq(row.id),
                    webhook_deliveries::status.eq(delivery::PENDING),
                    webhook_deliveries::attempt_count.eq(0),
                    webhook_deliveries::next_attempt_at.eq(Some(&now)),
                    webhook_deliveries::created_at.eq(&now),
                ))
                .execute(conn)?;
        }
        Ok(row.into_event())
    })
}

/// Up to `limit` events after position `after` (0: from the first), oldest first, and whether
/// more follow.
///
/// # Errors
/// `ModelError::Database`.
pub fn feed(conn: &mut DbConnection, after: i64, limit: i64) -> Result<(Vec<Event>, bool)> {
    let after = i32::try_from(after).unwrap_or(i32::MAX);
    let mut rows: Vec<EventRow> = events::table
        .filter(events::id.gt(after))
        .order(events::id.asc())
        .limit(limit + 1)
        .select(EventRow::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows.into_iter().map(EventRow::into_event).collect(), more))
}

/// The data of `dataset.published`: which dataset (id, kind, year, indicator), its SHA-256,
/// size and source, and where to read it (`href`, relative to the API's base address).
pub fn dataset_published(dataset: &Dataset) -> serde_json::Value {
    serde_json::json!({
        "dataset_id": dataset.id,
        "kind": dataset.kind,
        "year": dataset.year,
        "indicator": dataset.indicator,
        "sha256": dataset.sha256,
        "row_count": dataset.row_count,
        "source": dataset.source,
        "href": format!("/api/v1/datasets/{}", dataset.id),
    })
}

/// A lokus decision as `lokus.adopted` and `lokus.withdrawn` report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LokusDecision {
    /// The programme the list is for (path segment of `/api/v1/lokus/{programme}/{year}`).
    pub programme: String,
    /// The programme year.
    pub year: i32,
    /// The saved ranking run the list comes from.
    pub run_id: i32,
    /// The decision's number (e.g. the decree number).
    pub decision_number: String,
    /// The decision's date (ISO 8601).
    pub decision_date: String,
    /// Kemendagri codes of the districts on the list.
    pub district_codes: Vec<String>,
}

fn lokus_data(decision: &LokusDecision) -> serde_json::Value {
    serde_json::json!({
        "programme": decision.programme,
        "year": decision.year,
        "run_id": decision.run_id,
        "decision_number": decision.decision_number,
        "decision_date": decision.decision_date,
        "district_codes": decision.district_codes,
        "href": format!("/api/v1/lokus/{}/{}", decision.programme, decision.year),
    })
}

/// The data of `lokus.adopted`.
pub fn lokus_adopted(decision: &LokusDecision) -> serde_json::Value {
    lokus_data(decision)
}

/// The data of `lokus.withdrawn`.
pub fn lokus_withdrawn(decision: &LokusDecision) -> serde_json::Value {
    lokus_data(decision)
}

#[cfg(test)]
mod tests;
