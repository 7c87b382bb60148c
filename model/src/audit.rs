//! The audit log: who wrote what, when.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::schema::audit_log;
use crate::error::Result;

/// One write recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    /// Database id.
    pub id: i32,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who: a token label, `cli` or `system`.
    pub actor: String,
    /// What kind of write, e.g. `import_dataset`.
    pub action: String,
    /// What was written, e.g. `dataset:3`.
    pub target: String,
    /// A short description.
    pub detail: String,
}

/// The current time as RFC 3339 UTC with second precision.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl AuditEntry {
    /// Appends one entry; call it inside the transaction that makes the write.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn record(
        conn: &mut DbConnection,
        actor: &str,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<()> {
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::at.eq(now_rfc3339()),
                audit_log::actor.eq(actor),
                audit_log::action.eq(action),
                audit_log::target.eq(target),
                audit_log::detail.eq(detail),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// The newest entries first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn recent(conn: &mut DbConnection, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(audit_log::table
            .order(audit_log::id.desc())
            .limit(limit)
            .select(AuditEntry::as_select())
            .load(conn)?)
    }
}
