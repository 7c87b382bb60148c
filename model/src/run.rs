//! Saved ranking runs: immutable, citable by id and fingerprint.

use diesel::prelude::*;
use serde::Serialize;

use crate::audit::{Actor, AuditEntry, now_rfc3339};
use crate::db::DbConnection;
use crate::db::schema::{ranking_runs, run_history};
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
    /// What the run is (needed to propose it).
    pub title: Option<String>,
    /// Free notes of its author.
    pub notes: Option<String>,
    /// Where it stands in the workflow (`draft`, `proposed`, …; see [`crate::workflow`]).
    pub status: String,
    /// Token label of who proposed it (for the four-eyes check on approval).
    pub proposed_by: Option<String>,
}

/// What [`RankingRun::create`] stores.
#[derive(Debug, Clone, Default)]
pub struct NewRun<'a> {
    /// SHA-256 over the parameters and the datasets' hashes.
    pub fingerprint: &'a str,
    /// The scenario as JSON.
    pub params: &'a str,
    /// The ranking as JSON.
    pub body: &'a str,
    /// True when the run used synthetic demo data.
    pub demo: bool,
    /// Its title, if given.
    pub title: Option<&'a str>,
    /// Its notes, if given.
    pub notes: Option<&'a str>,
}

/// One step of a run's history: the status it entered, when, by whom and why.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = run_history)]
pub struct HistoryEntry {
    /// The status entered.
    pub status: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Token label of who did it.
    #[diesel(column_name = actor)]
    pub by: String,
    /// The reason given, if any.
    pub reason: Option<String>,
}

impl RankingRun {
    /// Saves a run as a `draft` (with its first history entry) and returns its id and
    /// creation time.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        run: &NewRun<'_>,
    ) -> Result<(i32, String)> {
        let created_at = now_rfc3339();
        conn.transaction::<_, ModelError, _>(|conn| {
            diesel::insert_into(ranking_runs::table)
                .values((
                    ranking_runs::created_at.eq(&created_at),
                    ranking_runs::created_by.eq(&actor.name),
                    ranking_runs::fingerprint.eq(run.fingerprint),
                    ranking_runs::params.eq(run.params),
                    ranking_runs::body.eq(run.body),
                    ranking_runs::demo.eq(run.demo),
                    ranking_runs::title.eq(run.title),
                    ranking_runs::notes.eq(run.notes),
                    ranking_runs::status.eq("draft"),
                ))
                .execute(conn)?;
            let id: i32 = ranking_runs::table
                .filter(ranking_runs::fingerprint.eq(run.fingerprint))
                .select(diesel::dsl::max(ranking_runs::id))
                .first::<Option<i32>>(conn)?
                .unwrap_or_default();
            diesel::insert_into(run_history::table)
                .values((
                    run_history::run_id.eq(id),
                    run_history::status.eq("draft"),
                    run_history::at.eq(&created_at),
                    run_history::actor.eq(&actor.name),
                ))
                .execute(conn)?;
            AuditEntry::record(
                conn,
                actor,
                "save_ranking",
                &format!("ranking:{id}"),
                &format!("fingerprint {}", run.fingerprint),
            )?;
            Ok((id, created_at.clone()))
        })
    }

    /// The run's history, oldest first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn history(conn: &mut DbConnection, id: i32) -> Result<Vec<HistoryEntry>> {
        Ok(run_history::table
            .filter(run_history::run_id.eq(id))
            .order(run_history::id.asc())
            .select(HistoryEntry::as_select())
            .load(conn)?)
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
                entity: &crate::sentences::RANKING,
                id: id.into(),
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
