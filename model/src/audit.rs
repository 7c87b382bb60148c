//! The audit log: who wrote (or, through the gateway, read) what, when, and in which request.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::schema::audit_log;
use crate::error::Result;

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    /// Database id (entries are numbered in the order they were written).
    pub id: i32,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who: a token label, `anonymous`, `cli` or `system`.
    pub actor: String,
    /// What kind of act: `import_dataset`, `save_ranking`, `create_token`, `read`, …
    pub action: String,
    /// What was acted on, e.g. `dataset:3`, `ranking:7`, or the path of a read.
    pub target: String,
    /// A short description.
    pub detail: String,
    /// The `X-Request-Id` of the request that did it (null for the CLI and the system).
    pub request_id: Option<String>,
    /// The consumer named by the trusted API gateway (`LOKUS_TRUST_GATEWAY_HEADER`), if any.
    pub consumer: Option<String>,
}

/// Who acts, and through which request: what every audit row is attributed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actor {
    /// Token label, `anonymous`, `cli` or `system`.
    pub name: String,
    /// The request's id, when the act came through the HTTP API.
    pub request_id: Option<String>,
    /// The gateway consumer, when a trusted gateway named one.
    pub consumer: Option<String>,
}

impl Actor {
    /// An actor outside any request (`cli`, `system`, tests).
    pub fn local(name: &str) -> Actor {
        Actor {
            name: name.into(),
            request_id: None,
            consumer: None,
        }
    }
}

/// A page of the audit log, with optional filters.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries of this request id.
    pub request_id: Option<String>,
    /// Only entries of this action.
    pub action: Option<String>,
    /// Only entries of this actor.
    pub actor: Option<String>,
    /// Only entries attributed to this gateway consumer.
    pub consumer: Option<String>,
}

/// The current time as RFC 3339 UTC with second precision.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What [`AuditEntry::record_many`] writes for one act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Who, through which request.
    pub actor: Actor,
    /// What kind of act.
    pub action: String,
    /// What was acted on.
    pub target: String,
    /// A short description.
    pub detail: String,
    /// When (RFC 3339 UTC), taken when the act happened rather than when it is written.
    pub at: String,
}

impl AuditEntry {
    /// Appends one entry; call it inside the transaction that makes the write.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn record(
        conn: &mut DbConnection,
        actor: &Actor,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<()> {
        Self::record_many(
            conn,
            &[AuditRecord {
                actor: actor.clone(),
                action: action.into(),
                target: target.into(),
                detail: detail.into(),
                at: now_rfc3339(),
            }],
        )
    }

    /// Appends several entries in one statement (reads recorded in batches).
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn record_many(conn: &mut DbConnection, records: &[AuditRecord]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        // One statement per row in one transaction: the backends share no batch-insert syntax.
        conn.transaction::<_, crate::error::ModelError, _>(|conn| {
            for r in records {
                diesel::insert_into(audit_log::table)
                    .values((
                        audit_log::at.eq(&r.at),
                        audit_log::actor.eq(&r.actor.name),
                        audit_log::action.eq(&r.action),
                        audit_log::target.eq(&r.target),
                        audit_log::detail.eq(&r.detail),
                        audit_log::request_id.eq(r.actor.request_id.as_deref()),
                        audit_log::consumer.eq(r.actor.consumer.as_deref()),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// One page of entries matching `query`, newest first, and how many match in all.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn page(
        conn: &mut DbConnection,
        query: &AuditQuery,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        let filtered = || {
            let mut q = audit_log::table.into_boxed();
            if let Some(id) = &query.request_id {
                q = q.filter(audit_log::request_id.eq(id.clone()));
            }
            if let Some(action) = &query.action {
                q = q.filter(audit_log::action.eq(action.clone()));
            }
            if let Some(actor) = &query.actor {
                q = q.filter(audit_log::actor.eq(actor.clone()));
            }
            if let Some(consumer) = &query.consumer {
                q = q.filter(audit_log::consumer.eq(consumer.clone()));
            }
            q
        };
        let total = filtered().count().get_result::<i64>(conn)?;
        let entries = filtered()
            .order(audit_log::id.desc())
            .limit(limit)
            .offset(offset)
            .select(AuditEntry::as_select())
            .load(conn)?;
        Ok((entries, total))
    }

    /// The newest entries first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn recent(conn: &mut DbConnection, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(Self::page(conn, &AuditQuery::default(), limit, 0)?.0)
    }
}
