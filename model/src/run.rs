//! Saved ranking runs: immutable, citable by id and fingerprint.

use diesel::prelude::*;
use serde::Serialize;

use crate::audit::{Actor, AuditEntry, now_rfc3339};
use crate::db::DbConnection;
use crate::db::schema::ranking_runs;
use crate::error::{ModelError, Result};

/// A stored ranking run; `body` is the full JSON result as served.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = ranking_runs)]
pub struct RankingRun {
    /// Run id.
    pub id: i32,
    /// When it was computed (RFC 3339 UTC).
    pub created_at: String,
    /// Who saved it.
    pub created_by: String,
    /// SHA-256 over the parameters and the datasets' hashes: equal fingerprints, equal results.
    pub fingerprint: String,
    /// The scenario as JSON.
    pub params: String,
    /// The ranking as JSON.
    pub body: String,
    /// True when the run used synthetic demo data.
    pub demo: bool,
}

impl RankingRun {
    /// Saves a run and returns its id and creation time.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        fingerprint: &str,
        params: &str,
        body: &str,
        demo: bool,
    ) -> Result<(i32, String)> {
        let created_at = now_rfc3339();
        conn.transaction::<_, ModelError, _>(|conn| {
            diesel::insert_into(ranking_runs::table)
                .values((
                    ranking_runs::created_at.eq(&created_at),
                    ranking_runs::created_by.eq(&actor.name),
                    ranking_runs::fingerprint.eq(fingerprint),
                    ranking_runs::params.eq(params),
                    ranking_runs::body.eq(body),
                    ranking_runs::demo.eq(demo),
                ))
                .execute(conn)?;
            let id: i32 = ranking_runs::table
                .filter(ranking_runs::fingerprint.eq(fingerprint))
                .select(diesel::dsl::max(ranking_runs::id))
                .first::<Option<i32>>(conn)?
                .unwrap_or_default();
            AuditEntry::record(
                conn,
                actor,
                "save_ranking",
                &format!("ranking:{id}"),
                &format!("fingerprint {fingerprint}"),
            )?;
            Ok((id, created_at.clone()))
        })
    }

    /// The run with this id.
    ///
    /// # Errors
    /// `ModelError::NotFound` or `ModelError::Database`.
    pub fn find(conn: &mut DbConnection, id: i32) -> Result<RankingRun> {
        ranking_runs::table
            .find(id)
            .select(RankingRun::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ModelError::NotFound {
                entity: "ranking",
                id: id.to_string(),
            })
    }

    /// A page of runs, newest first, and the total count.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn page(
        conn: &mut DbConnection,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<RankingRun>, i64)> {
        let total = ranking_runs::table.count().get_result(conn)?;
        let runs = ranking_runs::table
            .order(ranking_runs::id.desc())
            .offset(offset)
            .limit(limit)
            .select(RankingRun::as_select())
            .load(conn)?;
        Ok((runs, total))
    }
}
