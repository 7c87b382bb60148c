//! Adopted lists: which run a ministry adopted for a programme and year, under which decision,
//! and the official list other systems read. Everything here is read from the adoption and
//! the run's stored body, never recomputed, so it changes only when an adoption does.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::db::schema::{adoptions, ranking_runs};
use crate::error::{ModelError, Result};
use crate::message::Message;
use crate::ranking::SelectionBasis;
use crate::run::RankingRun;
use crate::sentences as s;

/// The decision a list is adopted under (`POST /api/v1/rankings/{id}/adopt`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Programme, a lower-case slug such as `digital-stunting`.
    #[schema(pattern = r"^[a-z0-9][a-z0-9-]{0,62}$", example = "digital-stunting")]
    pub programme: String,
    /// The year the list is for.
    #[schema(minimum = 2000, maximum = 2100, example = 2025)]
    pub year: i32,
    /// Number of the decision (Keputusan), as written on it.
    #[schema(min_length = 1, max_length = 200, example = "KEP-123/2025")]
    pub decision_number: String,
    /// Date of the decision, `YYYY-MM-DD`.
    #[schema(format = Date, example = "2025-01-15")]
    pub decision_date: String,
    /// Who signed it (1 to 20 names).
    #[schema(min_items = 1, max_items = 20)]
    pub signatories: Vec<String>,
}

impl Decision {
    /// Checks every field.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`invalid_decision`) naming the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: Message| Err(ModelError::invalid("invalid_decision", m));
        let p = self.programme.as_bytes();
        let slug = !p.is_empty()
            && p.len() <= 63
            && p[0].is_ascii_alphanumeric()
            && p.iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        if !slug {
            return bad(s::NOT_A_SLUG.with("value", self.programme.as_str()));
        }
        if !(2000..=2100).contains(&self.year) {
            return bad(s::RANGE
                .with("field", "year")
                .with("min", 2000)
                .with("max", 2100)
                .with("value", self.year));
        }
        let number = self.decision_number.trim();
        if number.is_empty() || number.chars().count() > 200 {
            return bad(s::TEXT_LENGTH
                .with("field", "decision_number")
                .with("min", 1)
                .with("max", 200));
        }
        if chrono::NaiveDate::parse_from_str(&self.decision_date, "%Y-%m-%d").is_err()
            || self.decision_date.len() != 10
        {
            return bad(s::NOT_A_DATE
                .with("field", "decision_date")
                .with("value", self.decision_date.as_str()));
        }
        if self.signatories.is_empty() || self.signatories.len() > 20 {
            return bad(s::SIGNATORY_COUNT.with("count", self.signatories.len()));
        }
        if self
            .signatories
            .iter()
            .any(|s| s.trim().is_empty() || s.chars().count() > 200)
        {
            return bad((&s::SIGNATORY_LENGTH).into());
        }
        Ok(())
    }
}

/// An adoption as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = adoptions)]
pub struct AdoptionRow {
    /// Database id.
    pub id: i32,
    /// The adopted run.
    pub run_id: i32,
    /// Programme slug.
    pub programme: String,
    /// Year.
    pub year: i32,
    /// Decision number.
    pub decision_number: String,
    /// Decision date, `YYYY-MM-DD`.
    pub decision_date: String,
    /// Signatories as a JSON array.
    pub signatories: String,
    /// When it was adopted (RFC 3339 UTC).
    pub adopted_at: String,
    /// Token label of who adopted it.
    pub adopted_by: String,
    /// `adopted`, `superseded` or `withdrawn`.
    pub status: String,
    /// When it ended (superseded or withdrawn).
    pub ended_at: Option<String>,
    /// Who ended it.
    pub ended_by: Option<String>,
    /// Why it ended.
    pub end_reason: Option<String>,
}

/// An adoption: a run adopted as the list of a programme and year under a decision.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Adoption {
    /// Database id.
    #[serde(skip)]
    pub id: i32,
    /// Programme slug, e.g. `digital-stunting`.
    pub programme: String,
    /// The year the list is for.
    pub year: i32,
    /// The adopted run.
    pub run_id: i32,
    /// The run's title.
    pub title: Option<String>,
    /// Decision number.
    pub decision_number: String,
    /// Decision date, `YYYY-MM-DD`.
    pub decision_date: String,
    /// Who signed the decision.
    pub signatories: Vec<String>,
    /// When it was adopted (RFC 3339 UTC).
    pub adopted_at: String,
    /// Token label of who adopted it.
    pub adopted_by: String,
    /// `adopted` (in force), `superseded` or `withdrawn`.
    pub status: String,
    /// When it stopped being in force (null while in force).
    pub ended_at: Option<String>,
    /// Why: the superseding decision or the reason for the withdrawal.
    pub end_reason: Option<String>,
}

impl Adoption {
    fn of(row: AdoptionRow, title: Option<String>) -> Adoption {
        Adoption {
            id: row.id,
            programme: row.programme,
            year: row.year,
            run_id: row.run_id,
            title,
            decision_number: row.decision_number,
            decision_date: row.decision_date,
            signatories: serde_json::from_str(&row.signatories).unwrap_or_default(),
            adopted_at: row.adopted_at,
            adopted_by: row.adopted_by,
            status: row.status,
            ended_at: row.ended_at,
            end_reason: row.end_reason,
        }
    }

    fn all(rows: Vec<(AdoptionRow, Option<String>)>) -> Vec<Adoption> {
        rows.into_iter()
            .map(|(row, title)| Adoption::of(row, title))
            .collect()
    }

    /// Every adoption, newest year first, then programme, then newest first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn list(conn: &mut DbConnection) -> Result<Vec<Adoption>> {
        Ok(Self::all(
            adoptions::table
                .inner_join(ranking_runs::table)
                .order((
                    adoptions::year.desc(),
                    adoptions::programme.asc(),
                    adoptions::id.desc(),
                ))
                .select((AdoptionRow::as_select(), ranking_runs::title))
                .load(conn)?,
        ))
    }

    /// The adoption with this id.
    ///
    /// # Errors
    /// `ModelError::NotFound`, `ModelError::Database`.
    pub fn find(conn: &mut DbConnection, id: i32) -> Result<Adoption> {
        Self::all(
            adoptions::table
                .inner_join(ranking_runs::table)
                .filter(adoptions::id.eq(id))
                .select((AdoptionRow::as_select(), ranking_runs::title))
                .load(conn)?,
        )
        .pop()
        .ok_or_else(|| ModelError::NotFound {
            entity: &crate::sentences::ADOPTION,
            id: id.into(),
        })
    }

    /// Every adoption of one run, newest first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn of_run(conn: &mut DbConnection, run_id: i32) -> Result<Vec<Adoption>> {
        Ok(Self::all(
            adoptions::table
                .inner_join(ranking_runs::table)
                .filter(adoptions::run_id.eq(run_id))
                .order(adoptions::id.desc())
                .select((AdoptionRow::as_select(), ranking_runs::title))
                .load(conn)?,
        ))
    }

    /// The adoption in force for a programme and year, if any.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn in_force(
        conn: &mut DbConnection,
        programme: &str,
        year: i32,
    ) -> Result<Option<Adoption>> {
        Ok(Self::all(
            adoptions::table
                .inner_join(ranking_runs::table)
                .filter(adoptions::programme.eq(programme))
                .filter(adoptions::year.eq(year))
                .filter(adoptions::status.eq("adopted"))
                .select((AdoptionRow::as_select(), ranking_runs::title))
                .load(conn)?,
        )
        .pop())
    }
}

/// One district of an official list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OfficialDistrict {
    /// 1-based rank in the adopted list.
    pub rank: usize,
    /// Kemendagri code.
    pub code: String,
    /// BPS code.
    pub bps_code: String,
    /// Name.
    pub name: String,
    /// Province code (Kemendagri).
    pub province_code: String,
    /// Province name.
    pub province: String,
    /// `score`, `forced_in` or `province_floor` (the grounds it is on the list).
    pub selection_basis: SelectionBasis,
    /// Its rank on score alone, before any constraint.
    pub data_rank: usize,
    /// The committee's reason, for a district forced in.
    pub reason: Option<String>,
}

/// The official list of a programme and year: the decision and the districts adopted.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OfficialList {
    /// The adoption (decision metadata).
    #[serde(flatten)]
    pub adoption: Adoption,
    /// Fingerprint of the adopted run.
    pub fingerprint: String,
    /// Number of districts on the list.
    pub k: usize,
    /// The adopted districts in rank order.
    pub districts: Vec<OfficialDistrict>,
}

/// A district as read from a stored ranking body (older runs lack the newer fields).
#[derive(Debug, Deserialize)]
struct StoredDistrict {
    rank: usize,
    code: String,
    bps_code: String,
    name: String,
    province_code: String,
    province_name: String,
    selected: bool,
    #[serde(default)]
    selection_basis: Option<SelectionBasis>,
    #[serde(default)]
    data_rank: usize,
    #[serde(default)]
    reason: Option<String>,
    explanation: StoredExplanation,
}

#[derive(Debug, Deserialize)]
struct StoredExplanation {
    reason: crate::ranking::Reason,
}

#[derive(Debug, Deserialize)]
struct StoredBody {
    districts: Vec<StoredDistrict>,
}

/// Every district of a stored run (selected or not), as the official list shows them.
fn stored_districts(run: &RankingRun) -> Result<Vec<(bool, OfficialDistrict)>> {
    let body: StoredBody = serde_json::from_str(&run.body)
        .map_err(|e| ModelError::Numerical(format!("stored ranking unreadable: {e}")))?;
    Ok(body
        .districts
        .into_iter()
        .map(|d| {
            let district = OfficialDistrict {
                rank: d.rank,
                selection_basis: d
                    .selection_basis
                    .unwrap_or_else(|| SelectionBasis::of(d.explanation.reason)),
                data_rank: d.data_rank,
                reason: d.reason,
                code: d.code,
                bps_code: d.bps_code,
                name: d.name,
                province_code: d.province_code,
                province: d.province_name,
            };
            (d.selected, district)
        })
        .collect())
}

/// What other systems are told of an adoption or its end (the `lokus.*` events' data): the
/// decision and the Kemendagri codes of the districts on the run's list.
///
/// # Errors
/// `ModelError::Database`; `ModelError::Numerical` for an unreadable stored run.
pub(crate) fn announced(
    conn: &mut DbConnection,
    adoption: &Adoption,
) -> Result<crate::outbox::LokusDecision> {
    let run = RankingRun::find(conn, adoption.run_id)?;
    Ok(crate::outbox::LokusDecision {
        programme: adoption.programme.clone(),
        year: adoption.year,
        run_id: adoption.run_id,
        decision_number: adoption.decision_number.clone(),
        decision_date: adoption.decision_date.clone(),
        district_codes: stored_districts(&run)?
            .into_iter()
            .filter(|(selected, _)| *selected)
            .map(|(_, d)| d.code)
            .collect(),
    })
}

impl OfficialList {
    /// The list in force for a programme and year (`None` when nothing is in force).
    ///
    /// # Errors
    /// `ModelError::Database`; `ModelError::Numerical` for an unreadable stored run.
    pub fn in_force(
        conn: &mut DbConnection,
        programme: &str,
        year: i32,
    ) -> Result<Option<OfficialList>> {
        let Some(adoption) = Adoption::in_force(conn, programme, year)? else {
            return Ok(None);
        };
        let run = RankingRun::find(conn, adoption.run_id)?;
        let districts: Vec<OfficialDistrict> = stored_districts(&run)?
            .into_iter()
            .filter(|(selected, _)| *selected)
            .map(|(_, d)| d)
            .collect();
        Ok(Some(OfficialList {
            adoption,
            fingerprint: run.fingerprint,
            k: districts.len(),
            districts,
        }))
    }
}

/// One adopted list as one district saw it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RegionAdoption {
    /// The adoption.
    #[serde(flatten)]
    pub adoption: Adoption,
    /// True when the district is on that list.
    pub selected: bool,
    /// Its rank in the run (null when the run did not rank it).
    pub rank: Option<usize>,
    /// On what grounds it is in or out (null when the run did not rank it).
    pub selection_basis: Option<SelectionBasis>,
    /// Its rank on score alone (null when the run did not rank it).
    pub data_rank: Option<usize>,
    /// The committee's reason, if it was forced in or out.
    pub reason: Option<String>,
}

/// A district's place in every adoption, newest year first.
///
/// # Errors
/// `ModelError::Database`, `ModelError::Numerical` for an unreadable stored run.
pub fn region_history(conn: &mut DbConnection, code: &str) -> Result<Vec<RegionAdoption>> {
    let mut out = Vec::new();
    for adoption in Adoption::list(conn)? {
        let run = RankingRun::find(conn, adoption.run_id)?;
        let found = stored_districts(&run)?
            .into_iter()
            .find(|(_, d)| d.code == code);
        out.push(match found {
            Some((selected, d)) => RegionAdoption {
                adoption,
                selected,
                rank: Some(d.rank),
                selection_basis: Some(d.selection_basis),
                data_rank: Some(d.data_rank),
                reason: d.reason,
            },
            None => RegionAdoption {
                adoption,
                selected: false,
                rank: None,
                selection_basis: None,
                data_rank: None,
                reason: None,
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision() -> Decision {
        Decision {
            programme: "digital-stunting".into(),
            year: 2025,
            decision_number: "KEP-1/2025".into(),
            decision_date: "2025-01-15".into(),
            signatories: vec!["Menteri".into()],
        }
    }

    #[test]
    fn a_complete_decision_is_valid() {
        decision().validate().unwrap();
    }

    #[test]
    fn each_broken_field_of_a_decision_is_named() {
        let cases: [(&str, Decision); 6] = [
            (
                "programme",
                Decision {
                    programme: "Digital Stunting".into(),
                    ..decision()
                },
            ),
            (
                "year",
                Decision {
                    year: 1999,
                    ..decision()
                },
            ),
            (
                "decision_number",
                Decision {
                    decision_number: "  ".into(),
                    ..decision()
                },
            ),
            (
                "decision_date",
                Decision {
                    decision_date: "2025-02-30".into(),
                    ..decision()
                },
            ),
            (
                "signatories",
                Decision {
                    signatories: vec![],
                    ..decision()
                },
            ),
            (
                "signatory",
                Decision {
                    signatories: vec!["".into()],
                    ..decision()
                },
            ),
        ];
        for (field, d) in cases {
            let e = d.validate().unwrap_err();
            assert!(
                matches!(
                    &e,
                    ModelError::Invalid {
                        code: "invalid_decision",
                        ..
                    }
                ),
                "{e:?}"
            );
            assert!(e.to_string().contains(field), "{field}: {e}");
        }
    }
}
