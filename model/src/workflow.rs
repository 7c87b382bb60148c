//! The decision workflow of a saved run: `draft` → `proposed` → `approved` → `adopted`, then
//! `superseded` or `withdrawn`; a proposal can be rejected back to `draft`.
//!
//! The statuses and the steps between them are one table ([`can`]); every step changes the
//! run's status with a conditional update (so two concurrent steps cannot both succeed), and
//! writes its history entry and audit row in the same transaction.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::adoption::{Adoption, Decision};
use crate::audit::{Actor, AuditEntry, now_rfc3339};
use crate::db::DbConnection;
use crate::db::schema::{adoptions, ranking_runs, run_history};
use crate::error::{ModelError, Result};
use crate::message::Sentence;
use crate::run::RankingRun;
use crate::scenario::RankingRequest;
use crate::sentences as s;

/// Where a saved run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Saved; may be changed only by saving a new run.
    Draft,
    /// Put forward for approval.
    Proposed,
    /// Approved by a second person; ready to adopt.
    Approved,
    /// The list in force for its programme and year.
    Adopted,
    /// Was adopted; a later adoption for the same programme and year replaced it.
    Superseded,
    /// Was adopted; the adoption was withdrawn.
    Withdrawn,
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `draft` → `proposed`.
    Propose,
    /// `proposed` → `approved`.
    Approve,
    /// `proposed` → `draft`.
    Reject,
    /// `approved` → `adopted`.
    Adopt,
    /// `adopted` → `withdrawn`.
    Withdraw,
    /// `adopted` → `superseded` (by adopting another run for the same programme and year).
    Supersede,
}

impl RunStatus {
    /// The status as a term of the catalogue (its code is the wire spelling).
    pub fn term(self) -> &'static Sentence {
        match self {
            RunStatus::Draft => &s::DRAFT,
            RunStatus::Proposed => &s::PROPOSED,
            RunStatus::Approved => &s::APPROVED,
            RunStatus::Adopted => &s::ADOPTED,
            RunStatus::Superseded => &s::SUPERSEDED,
            RunStatus::Withdrawn => &s::WITHDRAWN,
        }
    }

    /// Every status, in workflow order.
    pub const ALL: [RunStatus; 6] = [
        RunStatus::Draft,
        RunStatus::Proposed,
        RunStatus::Approved,
        RunStatus::Adopted,
        RunStatus::Superseded,
        RunStatus::Withdrawn,
    ];

    /// Stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Draft => "draft",
            RunStatus::Proposed => "proposed",
            RunStatus::Approved => "approved",
            RunStatus::Adopted => "adopted",
            RunStatus::Superseded => "superseded",
            RunStatus::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored status.
    ///
    /// # Errors
    /// `ModelError::Numerical` for a status no version of Lokus writes.
    pub fn parse(text: &str) -> Result<RunStatus> {
        RunStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| ModelError::Numerical(format!("unknown run status '{text}'")))
    }
}

impl Action {
    /// The word the API uses for the step.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Propose => "propose",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Adopt => "adopt",
            Action::Withdraw => "withdraw",
            Action::Supersede => "supersede",
        }
    }
}

impl Action {
    /// The step in the past tense (`proposed`, `withdrawn`, …).
    fn past(self) -> &'static Sentence {
        match self {
            Action::Propose => &s::PROPOSED,
            Action::Approve => &s::APPROVED,
            Action::Reject => &s::REJECTED,
            Action::Adopt => &s::ADOPTED,
            Action::Withdraw => &s::WITHDRAWN,
            Action::Supersede => &s::SUPERSEDED,
        }
    }
}

/// The status `action` leads to from `from`.
///
/// # Errors
/// `ModelError::Conflict` (`invalid_transition`) when the step is not allowed from `from`.
pub fn can(from: RunStatus, action: Action) -> Result<RunStatus> {
    use {Action as A, RunStatus as S};
    match (from, action) {
        (S::Draft, A::Propose) => Ok(S::Proposed),
        (S::Proposed, A::Approve) => Ok(S::Approved),
        (S::Proposed, A::Reject) => Ok(S::Draft),
        (S::Approved, A::Adopt) => Ok(S::Adopted),
        (S::Adopted, A::Withdraw) => Ok(S::Withdrawn),
        (S::Adopted, A::Supersede) => Ok(S::Superseded),
        _ => Err(ModelError::conflict(
            "invalid_transition",
            s::INVALID_TRANSITION
                .with("status", from.term())
                .with("action", action.past())
                .with("allowed", allowed(from)),
        )),
    }
}

/// The steps allowed from a status, in words.
fn allowed(from: RunStatus) -> &'static Sentence {
    match from {
        RunStatus::Draft => &s::ALLOWED_FROM_DRAFT,
        RunStatus::Proposed => &s::ALLOWED_FROM_PROPOSED,
        RunStatus::Approved => &s::ALLOWED_FROM_APPROVED,
        RunStatus::Adopted => &s::ALLOWED_FROM_ADOPTED,
        RunStatus::Superseded | RunStatus::Withdrawn => &s::ALLOWED_AT_THE_END,
    }
}

/// Longest reason or title the workflow stores, in characters.
pub const MAX_TEXT: usize = 1000;

/// A reason that must be given: trimmed, non-empty and at most [`MAX_TEXT`] characters.
///
/// # Errors
/// `ModelError::Invalid` (`reason_required`, `invalid_reason`).
pub fn required_reason<'a>(reason: Option<&'a str>, step: &str) -> Result<&'a str> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let reason = reason.ok_or_else(|| {
        ModelError::invalid("reason_required", s::REASON_REQUIRED.with("step", step))
    })?;
    optional_reason(Some(reason)).map(|r| r.unwrap_or(reason))
}

/// An optional reason: trimmed, blank taken as none, at most [`MAX_TEXT`] characters.
///
/// # Errors
/// `ModelError::Invalid` (`invalid_reason`).
pub fn optional_reason(reason: Option<&str>) -> Result<Option<&str>> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = reason
        && r.chars().count() > MAX_TEXT
    {
        return Err(ModelError::invalid(
            "invalid_reason",
            s::REASON_TOO_LONG.with("max", MAX_TEXT),
        ));
    }
    Ok(reason)
}

/// The status of a stored run.
fn status_of(run: &RankingRun) -> Result<RunStatus> {
    RunStatus::parse(&run.status)
}

/// Moves run `id` from `from` to `to` if it is still at `from`, with its history entry and
/// audit row. Call inside a transaction.
fn step(
    conn: &mut DbConnection,
    id: i32,
    (from, action, to): (RunStatus, Action, RunStatus),
    actor: &Actor,
    reason: Option<&str>,
    at: &str,
) -> Result<()> {
    let target = ranking_runs::table
        .filter(ranking_runs::id.eq(id))
        .filter(ranking_runs::status.eq(from.as_str()));
    let changed = if action == Action::Propose {
        diesel::update(target)
            .set((
                ranking_runs::status.eq(to.as_str()),
                ranking_runs::proposed_by.eq(&actor.name),
            ))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set(ranking_runs::status.eq(to.as_str()))
            .execute(conn)?
    };
    if changed != 1 {
        // Another request moved the run between our read and this write.
        return Err(ModelError::conflict(
            "invalid_transition",
            s::RUN_MOVED.with("id", id).with("status", from.term()),
        ));
    }
    diesel::insert_into(run_history::table)
        .values((
            run_history::run_id.eq(id),
            run_history::status.eq(to.as_str()),
            run_history::at.eq(at),
            run_history::actor.eq(&actor.name),
            run_history::reason.eq(reason),
        ))
        .execute(conn)?;
    let detail = match reason {
        Some(r) => format!("{} → {}: {r}", from.as_str(), to.as_str()),
        None => format!("{} → {}", from.as_str(), to.as_str()),
    };
    AuditEntry::record(
        conn,
        actor,
        &format!("{}_ranking", action.as_str()),
        &format!("ranking:{id}"),
        &detail,
    )
}

/// Reads the run and checks that `action` is allowed from its status.
fn load(conn: &mut DbConnection, id: i32, action: Action) -> Result<(RankingRun, RunStatus)> {
    let run = RankingRun::find(conn, id)?;
    let from = status_of(&run)?;
    can(from, action)?;
    Ok((run, from))
}

/// The manual decisions of a run's scenario that have no reason, as `include 12.34` etc.
fn unexplained(run: &RankingRun) -> Result<Vec<String>> {
    let params: RankingRequest = serde_json::from_str(&run.params)
        .map_err(|e| ModelError::Numerical(format!("stored scenario unreadable: {e}")))?;
    let c = &params.constraints;
    Ok([("include", &c.include), ("exclude", &c.exclude)]
        .into_iter()
        .flat_map(|(name, list)| {
            list.iter()
                .filter(|m| m.stated_reason().is_none())
                .map(move |m| format!("{name} {}", m.code))
        })
        .collect())
}

/// `draft` → `proposed`: needs a title and a reason for every district forced in or out.
///
/// # Errors
/// `ModelError::NotFound`; `ModelError::Conflict` (`invalid_transition`);
/// `ModelError::Invalid` (`title_required`, `reason_required` naming the codes,
/// `invalid_reason`); database errors.
pub fn propose(
    conn: &mut DbConnection,
    id: i32,
    actor: &Actor,
    reason: Option<&str>,
) -> Result<RankingRun> {
    let reason = optional_reason(reason)?;
    conn.transaction(|conn| {
        // A writer from the start: on SQLite a transaction that reads first cannot become one
        // while another connection writes (busy snapshot), whatever the busy timeout.
        crate::dataset::begin_write(conn)?;
        let (run, from) = load(conn, id, Action::Propose)?;
        if run.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(ModelError::invalid(
                "title_required",
                s::TITLE_REQUIRED.with("id", id),
            ));
        }
        let missing = unexplained(&run)?;
        if !missing.is_empty() {
            return Err(ModelError::invalid(
                "reason_required",
                s::REASONS_MISSING.with("districts", missing),
            ));
        }
        step(
            conn,
            id,
            (from, Action::Propose, RunStatus::Proposed),
            actor,
            reason,
            &now_rfc3339(),
        )?;
        RankingRun::find(conn, id)
    })
}

/// `proposed` → `approved` by someone other than the proposer (unless `four_eyes` is off).
///
/// # Errors
/// `ModelError::NotFound`; `ModelError::Conflict` (`invalid_transition`, `four_eyes`);
/// `ModelError::Invalid` (`invalid_reason`); database errors.
pub fn approve(
    conn: &mut DbConnection,
    id: i32,
    actor: &Actor,
    four_eyes: bool,
    reason: Option<&str>,
) -> Result<RankingRun> {
    let reason = optional_reason(reason)?;
    conn.transaction(|conn| {
        // A writer from the start: on SQLite a transaction that reads first cannot become one
        // while another connection writes (busy snapshot), whatever the busy timeout.
        crate::dataset::begin_write(conn)?;
        let (run, from) = load(conn, id, Action::Approve)?;
        if four_eyes && run.proposed_by.as_deref() == Some(actor.name.as_str()) {
            return Err(ModelError::conflict(
                "four_eyes",
                s::OWN_PROPOSAL
                    .with("id", id)
                    .with("proposer", actor.name.as_str()),
            ));
        }
        step(
            conn,
            id,
            (from, Action::Approve, RunStatus::Approved),
            actor,
            reason,
            &now_rfc3339(),
        )?;
        RankingRun::find(conn, id)
    })
}

/// `proposed` → `draft`, with a reason.
///
/// # Errors
/// `ModelError::NotFound`; `ModelError::Conflict` (`invalid_transition`);
/// `ModelError::Invalid` (`reason_required`, `invalid_reason`); database errors.
pub fn reject(
    conn: &mut DbConnection,
    id: i32,
    actor: &Actor,
    reason: Option<&str>,
) -> Result<RankingRun> {
    let reason = required_reason(reason, "reject")?;
    conn.transaction(|conn| {
        // A writer from the start: on SQLite a transaction that reads first cannot become one
        // while another connection writes (busy snapshot), whatever the busy timeout.
        crate::dataset::begin_write(conn)?;
        let (_, from) = load(conn, id, Action::Reject)?;
        step(
            conn,
            id,
            (from, Action::Reject, RunStatus::Draft),
            actor,
            Some(reason),
            &now_rfc3339(),
        )?;
        RankingRun::find(conn, id)
    })
}

/// `approved` → `adopted` under a decision, in one transaction: the list in force for the same
/// programme and year (if any) becomes `superseded`, the adoption is recorded, and every
/// status change has its history entry and audit row.
///
/// # Errors
/// `ModelError::NotFound`; `ModelError::Conflict` (`invalid_transition`);
/// `ModelError::Invalid` (`demo_data` for a run on demo data, `invalid_decision`); database
/// errors (a unique violation when another adoption for the same programme and year won a
/// race).
pub fn adopt(
    conn: &mut DbConnection,
    id: i32,
    actor: &Actor,
    decision: &Decision,
) -> Result<(RankingRun, Adoption)> {
    decision.validate()?;
    let signatories = serde_json::to_string(&decision.signatories)
        .map_err(|e| ModelError::Numerical(e.to_string()))?;
    conn.transaction(|conn| {
        // A writer from the start: on SQLite a transaction that reads first cannot become one
        // while another connection writes (busy snapshot), whatever the busy timeout.
        crate::dataset::begin_write(conn)?;
        let (run, from) = load(conn, id, Action::Adopt)?;
        if run.demo {
            return Err(ModelError::invalid("demo_data", s::DEMO_RUN.with("id", id)));
        }
        let at = now_rfc3339();
        let why = format!(
            "superseded by run {id} (decision {} of {})",
            decision.decision_number, decision.decision_date
        );
        if let Some(earlier) = Adoption::in_force(conn, &decision.programme, decision.year)? {
            diesel::update(adoptions::table.find(earlier.id))
                .set((
                    adoptions::status.eq("superseded"),
                    adoptions::ended_at.eq(&at),
                    adoptions::ended_by.eq(&actor.name),
                    adoptions::end_reason.eq(&why),
                ))
                .execute(conn)?;
            step(
                conn,
                earlier.run_id,
                (RunStatus::Adopted, Action::Supersede, RunStatus::Superseded),
                actor,
                Some(&why),
                &at,
            )?;
        }
        diesel::insert_into(adoptions::table)
            .values((
                adoptions::run_id.eq(id),
                adoptions::programme.eq(&decision.programme),
                adoptions::year.eq(decision.year),
                adoptions::decision_number.eq(&decision.decision_number),
                adoptions::decision_date.eq(&decision.decision_date),
                adoptions::signatories.eq(&signatories),
                adoptions::adopted_at.eq(&at),
                adoptions::adopted_by.eq(&actor.name),
                adoptions::status.eq("adopted"),
            ))
            .execute(conn)?;
        let reason = format!(
            "{} {}: decision {} of {}",
            decision.programme, decision.year, decision.decision_number, decision.decision_date
        );
        step(
            conn,
            id,
            (from, Action::Adopt, RunStatus::Adopted),
            actor,
            Some(&reason),
            &at,
        )?;
        let adoption = Adoption::in_force(conn, &decision.programme, decision.year)?
            .ok_or_else(|| ModelError::Numerical("the adoption just written is gone".into()))?;
        // Told to subscribers in the same transaction: the event exists if and only if the
        // adoption does.
        let decision = crate::adoption::announced(conn, &adoption)?;
        crate::outbox::enqueue(
            conn,
            crate::outbox::EventType::LokusAdopted,
            crate::outbox::lokus_adopted(&decision),
        )?;
        Ok((RankingRun::find(conn, id)?, adoption))
    })
}

/// `adopted` → `withdrawn`, with a reason, in one transaction: the adoption ends, and the run's
/// status change has its history entry and audit row. The programme and year then have no list
/// in force until another adoption.
///
/// # Errors
/// `ModelError::NotFound`; `ModelError::Conflict` (`invalid_transition`);
/// `ModelError::Invalid` (`reason_required`, `invalid_reason`); database errors.
pub fn withdraw(
    conn: &mut DbConnection,
    id: i32,
    actor: &Actor,
    reason: Option<&str>,
) -> Result<(RankingRun, Adoption)> {
    let reason = required_reason(reason, "withdraw")?;
    conn.transaction(|conn| {
        // A writer from the start: on SQLite a transaction that reads first cannot become one
        // while another connection writes (busy snapshot), whatever the busy timeout.
        crate::dataset::begin_write(conn)?;
        let (_, from) = load(conn, id, Action::Withdraw)?;
        let at = now_rfc3339();
        let adoption = adoptions::table
            .filter(adoptions::run_id.eq(id))
            .filter(adoptions::status.eq("adopted"))
            .select(crate::adoption::AdoptionRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ModelError::Numerical(format!("run {id} is adopted by no decision")))?;
        diesel::update(adoptions::table.find(adoption.id))
            .set((
                adoptions::status.eq("withdrawn"),
                adoptions::ended_at.eq(&at),
                adoptions::ended_by.eq(&actor.name),
                adoptions::end_reason.eq(reason),
            ))
            .execute(conn)?;
        step(
            conn,
            id,
            (from, Action::Withdraw, RunStatus::Withdrawn),
            actor,
            Some(reason),
            &at,
        )?;
        let adoption = Adoption::find(conn, adoption.id)?;
        let decision = crate::adoption::announced(conn, &adoption)?;
        crate::outbox::enqueue(
            conn,
            crate::outbox::EventType::LokusWithdrawn,
            crate::outbox::lokus_withdrawn(&decision),
        )?;
        Ok((RankingRun::find(conn, id)?, adoption))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_allows_exactly_the_documented_steps() {
        use {Action as A, RunStatus as S};
        let allowed = [
            (S::Draft, A::Propose, S::Proposed),
            (S::Proposed, A::Approve, S::Approved),
            (S::Proposed, A::Reject, S::Draft),
            (S::Approved, A::Adopt, S::Adopted),
            (S::Adopted, A::Withdraw, S::Withdrawn),
            (S::Adopted, A::Supersede, S::Superseded),
        ];
        let actions = [
            A::Propose,
            A::Approve,
            A::Reject,
            A::Adopt,
            A::Withdraw,
            A::Supersede,
        ];
        for from in RunStatus::ALL {
            for action in actions {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                match (can(from, action), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} {action:?}"),
                    (Err(ModelError::Conflict { code, .. }), None) => {
                        assert_eq!(code, "invalid_transition");
                    }
                    (got, want) => panic!("{from:?} {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn a_refused_step_says_what_is_allowed_instead() {
        let Err(e) = can(RunStatus::Draft, Action::Adopt) else {
            panic!("adopting a draft must fail");
        };
        assert_eq!(
            e.to_string(),
            "a run that is draft cannot be adopted; allowed: propose"
        );
    }

    #[test]
    fn stored_statuses_read_back() {
        for s in RunStatus::ALL {
            assert_eq!(RunStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(RunStatus::parse("signed").is_err());
    }
}
