//! Webhook subscriptions: a target URL, the event types it wants, its signing secret.

use chrono::Utc;
use diesel::prelude::*;
use serde::Serialize;

use super::{EventType, parse_stamp, signing, stamp};
use crate::audit::{Actor, AuditEntry};
use crate::db::DbConnection;
use crate::db::schema::{webhook_attempts, webhook_deliveries, webhooks};
use crate::error::{ModelError, Result};
use crate::sentences as s;

/// Longest accepted target URL, in characters.
pub const MAX_URL_CHARS: usize = 2000;
/// Longest accepted description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// How long the secret replaced by a rotation keeps signing (beside the new one).
pub const ROTATION_OVERLAP: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// A subscription as the API shows it; `secret` only in the answer that creates or rotates it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Webhook {
    /// Database id.
    pub id: i32,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event types delivered.
    pub events: Vec<String>,
    /// What it is for, as its creator said.
    pub description: String,
    /// When it was created (RFC 3339 UTC).
    pub created_at: String,
    /// Who created it (token label).
    pub created_by: String,
    /// The signing secret (`whsec_` + base64): shown once, when created or rotated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Until when the secret replaced by the last rotation still signs too (null: none).
    pub previous_secret_until: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
struct WebhookRow {
    id: i32,
    url: String,
    events: String,
    description: String,
    secret: String,
    previous_secret_until: Option<String>,
    created_at: String,
    created_by: String,
}

impl WebhookRow {
    fn view(self, with_secret: bool) -> Webhook {
        let live = self
            .previous_secret_until
            .filter(|until| parse_stamp(until).is_some_and(|t| t > Utc::now()));
        Webhook {
            id: self.id,
            url: self.url,
            events: split_events(&self.events),
            description: self.description,
            created_at: self.created_at,
            created_by: self.created_by,
            secret: with_secret.then_some(self.secret),
            previous_secret_until: live,
        }
    }
}

fn split_events(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect()
}

/// What a new subscription needs; the URL has passed the caller's target policy.
#[derive(Debug, Clone)]
pub struct NewWebhook<'a> {
    /// Target URL.
    pub url: &'a str,
    /// Event type names (`lokus.adopted`, …); at least one, each known.
    pub events: &'a [String],
    /// What it is for.
    pub description: &'a str,
}

fn not_found(id: i32) -> ModelError {
    ModelError::NotFound {
        entity: &crate::sentences::WEBHOOK,
        id: id.into(),
    }
}

impl Webhook {
    /// Checks the event list: at least one, each a known type; returns them deduplicated in
    /// the order of [`EventType::ALL`].
    ///
    /// # Errors
    /// `ModelError::Invalid` (`unknown_event_type`).
    pub fn parse_events(names: &[String]) -> Result<Vec<EventType>> {
        if names.is_empty() {
            return Err(ModelError::invalid(
                "unknown_event_type",
                &s::NO_EVENT_TYPES,
            ));
        }
        let wanted = names
            .iter()
            .map(|n| EventType::parse(n))
            .collect::<Result<Vec<_>>>()?;
        Ok(EventType::ALL
            .into_iter()
            .filter(|t| wanted.contains(t))
            .collect())
    }

    /// Stores a subscription with a new secret (returned in `secret`) and its audit row.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`unknown_event_type`, `invalid_webhook`), `ModelError::Database`.
    pub fn create(conn: &mut DbConnection, actor: &Actor, new: &NewWebhook<'_>) -> Result<Webhook> {
        let types = Self::parse_events(new.events)?;
        if new.url.chars().count() > MAX_URL_CHARS {
            return Err(ModelError::invalid(
                "invalid_webhook",
                s::LONGER_THAN
                    .with("field", "url")
                    .with("max", MAX_URL_CHARS),
            ));
        }
        if new.description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(ModelError::invalid(
                "invalid_webhook",
                s::LONGER_THAN
                    .with("field", "description")
                    .with("max", MAX_DESCRIPTION_CHARS),
            ));
        }
        let events = types
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let secret = signing::generate_secret();
        let now = stamp(Utc::now());
        conn.transaction::<_, ModelError, _>(|conn| {
            diesel::insert_into(webhooks::table)
                .values((
                    webhooks::url.eq(new.url),
                    webhooks::events.eq(&events),
                    webhooks::description.eq(new.description),
                    webhooks::secret.eq(&secret),
                    webhooks::created_at.eq(&now),
                    webhooks::created_by.eq(&actor.name),
                ))
                .execute(conn)?;
            let row: WebhookRow = webhooks::table
                .filter(webhooks::secret.eq(&secret))
                .select(WebhookRow::as_select())
                .first(conn)?;
            AuditEntry::record(
                conn,
                actor,
                "create_webhook",
                &format!("webhook:{}", row.id),
                &format!("{} for {events}", row.url),
            )?;
            Ok(row.view(true))
        })
    }

    /// One page of subscriptions, oldest first, and how many there are.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn page(conn: &mut DbConnection, limit: i64, offset: i64) -> Result<(Vec<Webhook>, i64)> {
        let total = webhooks::table.count().get_result(conn)?;
        let rows: Vec<WebhookRow> = webhooks::table
            .order(webhooks::id.asc())
            .limit(limit)
            .offset(offset)
            .select(WebhookRow::as_select())
            .load(conn)?;
        Ok((rows.into_iter().map(|r| r.view(false)).collect(), total))
    }

    /// The subscription with this id (without its secret).
    ///
    /// # Errors
    /// `ModelError::NotFound`, `ModelError::Database`.
    pub fn find(conn: &mut DbConnection, id: i32) -> Result<Webhook> {
        Ok(Self::row(conn, id)?.view(false))
    }

    fn row(conn: &mut DbConnection, id: i32) -> Result<WebhookRow> {
        webhooks::table
            .find(id)
            .select(WebhookRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| not_found(id))
    }

    /// Removes a subscription with its deliveries and their attempts (pending ones are never
    /// sent), and writes the audit row.
    ///
    /// # Errors
    /// `ModelError::NotFound`, `ModelError::Database`.
    pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i32) -> Result<()> {
        conn.transaction::<_, ModelError, _>(|conn| {
            // A writer from the start (SQLite cannot upgrade a reading transaction under load).
            crate::dataset::begin_write(conn)?;
            let row = Self::row(conn, id)?;
            let deliveries = webhook_deliveries::table
                .filter(webhook_deliveries::webhook_id.eq(id))
                .select(webhook_deliveries::id);
            diesel::delete(
                webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)),
            )
            .execute(conn)?;
            diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
                .execute(conn)?;
            diesel::delete(webhooks::table.find(id)).execute(conn)?;
            AuditEntry::record(
                conn,
                actor,
                "delete_webhook",
                &format!("webhook:{id}"),
                &row.url,
            )?;
            Ok(())
        })
    }

    /// Gives a subscription a new secret (returned in `secret`); the old one keeps signing
    /// beside it for [`ROTATION_OVERLAP`], so receivers can switch without losing a delivery.
    ///
    /// # Errors
    /// `ModelError::NotFound`, `ModelError::Database`.
    pub fn rotate_secret(conn: &mut DbConnection, actor: &Actor, id: i32) -> Result<Webhook> {
        let secret = signing::generate_secret();
        let until = stamp(Utc::now() + ROTATION_OVERLAP);
        conn.transaction::<_, ModelError, _>(|conn| {
            // A writer from the start (SQLite cannot upgrade a reading transaction under load).
            crate::dataset::begin_write(conn)?;
            let row = Self::row(conn, id)?;
            diesel::update(webhooks::table.find(id))
                .set((
                    webhooks::secret.eq(&secret),
                    webhooks::previous_secret.eq(Some(&row.secret)),
                    webhooks::previous_secret_until.eq(Some(&until)),
                ))
                .execute(conn)?;
            AuditEntry::record(
                conn,
                actor,
                "rotate_webhook_secret",
                &format!("webhook:{id}"),
                &format!("the previous secret signs too until {until}"),
            )?;
            Ok(Self::row(conn, id)?.view(true))
        })
    }

    /// Ids of the subscriptions that want `event_type`.
    pub(crate) fn subscribed_to(
        conn: &mut DbConnection,
        event_type: EventType,
    ) -> Result<Vec<i32>> {
        let all: Vec<(i32, String)> = webhooks::table
            .select((webhooks::id, webhooks::events))
            .load(conn)?;
        Ok(all
            .into_iter()
            .filter(|(_, events)| {
                split_events(events)
                    .iter()
                    .any(|e| e == event_type.as_str())
            })
            .map(|(id, _)| id)
            .collect())
    }
}
