//! Imported datasets (immutable once written) and their observations.

use diesel::prelude::*;
use serde::Serialize;

use crate::audit::{Actor, AuditEntry, now_rfc3339};
use crate::db::DbConnection;
use crate::db::schema::{dataset_payloads, datasets, observations};
use crate::error::{ModelError, Result};
use crate::sentences as s;

/// What a dataset holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// The district reference (codes, names, provinces).
    Regions,
    /// Stunting prevalence (%) per district and year.
    Stunting,
    /// Indeks SPBE (1.0–5.0) per district and year.
    Spbe,
    /// Any other numeric indicator per district and year, used as a regression covariate.
    Covariate,
    /// District boundaries (GeoJSON keyed by Kemendagri code).
    Boundaries,
    /// Population counts per district and year (indicator `under5` by default, e.g. `total`).
    Population,
}

impl DatasetKind {
    /// All kinds, in the order they are documented.
    pub const ALL: [DatasetKind; 6] = [
        DatasetKind::Regions,
        DatasetKind::Stunting,
        DatasetKind::Spbe,
        DatasetKind::Covariate,
        DatasetKind::Population,
        DatasetKind::Boundaries,
    ];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetKind::Regions => "regions",
            DatasetKind::Stunting => "stunting",
            DatasetKind::Spbe => "spbe",
            DatasetKind::Covariate => "covariate",
            DatasetKind::Boundaries => "boundaries",
            DatasetKind::Population => "population",
        }
    }

    /// Parses the wire spelling.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`invalid_kind`) for anything else.
    pub fn parse(text: &str) -> Result<DatasetKind> {
        DatasetKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim().to_lowercase())
            .ok_or_else(|| ModelError::invalid("invalid_kind", s::UNKNOWN_KIND.with("value", text)))
    }

    /// True for kinds whose rows are per district per year.
    pub fn has_year(self) -> bool {
        matches!(
            self,
            DatasetKind::Stunting
                | DatasetKind::Spbe
                | DatasetKind::Covariate
                | DatasetKind::Population
        )
    }

    /// The indicator a dataset of this kind gets when the importer names none:
    /// `under5` for population, none for the other kinds.
    pub fn default_indicator(self) -> Option<&'static str> {
        match self {
            DatasetKind::Population => Some(crate::population::UNDER5),
            _ => None,
        }
    }
}

/// One imported table, immutable once written.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = datasets)]
pub struct Dataset {
    /// Database id.
    pub id: i32,
    /// `regions`, `stunting`, `spbe`, `covariate`, `population` or `boundaries`.
    pub kind: String,
    /// Survey or evaluation year, for per-year kinds.
    pub year: Option<i32>,
    /// Indicator name for covariates (e.g. `poverty_rate`) and population (`under5`, `total`).
    pub indicator: Option<String>,
    /// Where the data came from, as the importer said.
    pub source: String,
    /// SHA-256 of the imported bytes (hex); identical re-imports are recognised by it.
    pub sha256: String,
    /// Number of rows written.
    pub row_count: i32,
    /// When it was imported (RFC 3339 UTC).
    pub imported_at: String,
    /// Who imported it (token label, `cli` or `system`).
    pub imported_by: String,
    /// True for the synthetic demo data: never official statistics.
    pub demo: bool,
    /// `staged` (uploaded, feeds nothing), `published` (live), `rejected` or `superseded`
    /// (replaced by a newer publication of the same kind, year and indicator).
    #[schema(value_type = DatasetStatus)]
    pub status: String,
    /// When it was published or rejected (RFC 3339 UTC).
    pub reviewed_at: Option<String>,
    /// Who published or rejected it (token label, `cli` or `system`).
    pub reviewed_by: Option<String>,
    /// The steward's reason, for a rejected dataset.
    pub rejection_reason: Option<String>,
    /// The dataset whose publication superseded this one.
    pub superseded_by: Option<i32>,
    /// The data version its publication made (computations are cached per data version).
    pub data_version: Option<i32>,
}

/// Where a dataset stands: uploads are staged; a steward publishes or rejects them; a newer
/// publication of the same kind, year and indicator supersedes the older one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DatasetStatus {
    /// Uploaded and waiting for review; feeds no computation, cache or default list.
    Staged,
    /// Live: what analyses use.
    Published,
    /// Turned down by a steward (with a reason).
    Rejected,
    /// Replaced by a newer publication.
    Superseded,
}

impl DatasetStatus {
    /// The status as a term of the catalogue (its code is the wire spelling).
    pub fn term(self) -> &'static crate::message::Sentence {
        match self {
            DatasetStatus::Staged => &s::STAGED,
            DatasetStatus::Published => &s::PUBLISHED,
            DatasetStatus::Rejected => &s::REJECTED,
            DatasetStatus::Superseded => &s::SUPERSEDED,
        }
    }

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetStatus::Staged => "staged",
            DatasetStatus::Published => "published",
            DatasetStatus::Rejected => "rejected",
            DatasetStatus::Superseded => "superseded",
        }
    }
}

/// How a staged dataset is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublishOptions {
    /// Publish even though it covers fewer districts than the live dataset it replaces.
    pub acknowledge_partial: bool,
    /// Refuse (`four_eyes`) when the publisher is the uploader (`LOKUS_FOUR_EYES`).
    pub four_eyes: bool,
}

impl PublishOptions {
    /// An operator or the system publishing directly (CLI import, demo load): no second
    /// person, and a partial table only when `acknowledge_partial`.
    pub fn direct(acknowledge_partial: bool) -> PublishOptions {
        PublishOptions {
            acknowledge_partial,
            four_eyes: false,
        }
    }
}

/// Form for a new dataset row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = datasets)]
pub struct NewDataset<'a> {
    /// See [`Dataset::kind`].
    pub kind: &'a str,
    /// See [`Dataset::year`].
    pub year: Option<i32>,
    /// See [`Dataset::indicator`].
    pub indicator: Option<&'a str>,
    /// See [`Dataset::source`].
    pub source: &'a str,
    /// See [`Dataset::sha256`].
    pub sha256: &'a str,
    /// See [`Dataset::row_count`].
    pub row_count: i32,
    /// See [`Dataset::imported_at`].
    pub imported_at: &'a str,
    /// See [`Dataset::imported_by`].
    pub imported_by: &'a str,
    /// See [`Dataset::demo`].
    pub demo: bool,
    /// See [`Dataset::status`]: always `staged` for a new upload.
    pub status: &'a str,
}

/// One value for one district in one dataset.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = observations)]
pub struct Observation {
    /// Database id.
    pub id: i32,
    /// Dataset it belongs to.
    pub dataset_id: i32,
    /// Kemendagri code of the district.
    pub region_code: String,
    /// The value (stunting %, SPBE index or covariate).
    pub value: f64,
    /// Standard error, when given.
    pub se: Option<f64>,
    /// Sample size, when given.
    pub n: Option<i32>,
    /// Estimation method (`direct` or `sae`), when given.
    pub method: Option<String>,
    /// SPBE predicate as given (checked against the value).
    pub predicate: Option<String>,
}

/// Form for a new observation.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = observations)]
pub struct NewObservation {
    /// See [`Observation::dataset_id`].
    pub dataset_id: i32,
    /// See [`Observation::region_code`].
    pub region_code: String,
    /// See [`Observation::value`].
    pub value: f64,
    /// See [`Observation::se`].
    pub se: Option<f64>,
    /// See [`Observation::n`].
    pub n: Option<i32>,
    /// See [`Observation::method`].
    pub method: Option<String>,
    /// See [`Observation::predicate`].
    pub predicate: Option<String>,
}

impl Dataset {
    /// Every dataset, newest first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn list(conn: &mut DbConnection) -> Result<Vec<Dataset>> {
        Dataset::list_by_status(conn, None)
    }

    /// Every dataset with this status (all when `None`), newest first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn list_by_status(
        conn: &mut DbConnection,
        status: Option<DatasetStatus>,
    ) -> Result<Vec<Dataset>> {
        let mut query = datasets::table
            .order(datasets::id.desc())
            .select(Dataset::as_select())
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(datasets::status.eq(status.as_str()));
        }
        Ok(query.load(conn)?)
    }

    /// The dataset with this id.
    ///
    /// # Errors
    /// `ModelError::NotFound` or `ModelError::Database`.
    pub fn find(conn: &mut DbConnection, id: i32) -> Result<Dataset> {
        datasets::table
            .find(id)
            .select(Dataset::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ModelError::NotFound {
                entity: &crate::sentences::DATASET,
                id: id.into(),
            })
    }

    /// An earlier import of the same bytes as the same kind, year and indicator.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn find_identical(
        conn: &mut DbConnection,
        kind: DatasetKind,
        year: Option<i32>,
        indicator: Option<&str>,
        sha256: &str,
    ) -> Result<Option<Dataset>> {
        // A rejected upload does not count: sending the same bytes again stages them anew.
        let candidates: Vec<Dataset> = datasets::table
            .filter(datasets::kind.eq(kind.as_str()))
            .filter(datasets::sha256.eq(sha256))
            .filter(datasets::status.ne(DatasetStatus::Rejected.as_str()))
            .select(Dataset::as_select())
            .load(conn)?;
        Ok(candidates
            .into_iter()
            .find(|d| d.year == year && d.indicator.as_deref() == indicator))
    }

    /// True for a stunting table marked for evaluations only
    /// ([`crate::demo::EVALUATION_ONLY`]), such as the demo outcome year.
    pub fn is_evaluation_only(&self) -> bool {
        self.indicator.as_deref() == Some(crate::demo::EVALUATION_ONLY)
    }

    /// The dataset of this kind and year that analyses use: the newest real published one,
    /// else the newest demo published one. Staged, rejected and superseded datasets feed nothing.
    /// Without an indicator, a table marked evaluation-only is never picked.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn current(
        conn: &mut DbConnection,
        kind: DatasetKind,
        year: i32,
        indicator: Option<&str>,
    ) -> Result<Option<Dataset>> {
        let mut all: Vec<Dataset> = datasets::table
            .filter(datasets::kind.eq(kind.as_str()))
            .filter(datasets::year.eq(year))
            .filter(datasets::status.eq(DatasetStatus::Published.as_str()))
            .order(datasets::id.desc())
            .select(Dataset::as_select())
            .load(conn)?;
        all.retain(|d| match indicator {
            Some(_) => d.indicator.as_deref() == indicator,
            None => !d.is_evaluation_only(),
        });
        Ok(all.iter().find(|d| !d.demo).or(all.first()).cloned())
    }

    /// Years with published data for a kind (and, when given, an indicator), newest first.
    /// Without an indicator, tables marked evaluation-only are left out, so the latest stunting
    /// year a ranking reads by default never becomes an evaluation's outcome year.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn years(
        conn: &mut DbConnection,
        kind: DatasetKind,
        indicator: Option<&str>,
    ) -> Result<Vec<i32>> {
        let mut query = datasets::table
            .filter(datasets::kind.eq(kind.as_str()))
            .filter(datasets::status.eq(DatasetStatus::Published.as_str()))
            .select((datasets::year, datasets::indicator))
            .into_boxed();
        if let Some(indicator) = indicator {
            query = query.filter(datasets::indicator.eq(indicator));
        }
        let mut years: Vec<i32> = query
            .load::<(Option<i32>, Option<String>)>(conn)?
            .into_iter()
            .filter(|(_, i)| {
                indicator.is_some() || i.as_deref() != Some(crate::demo::EVALUATION_ONLY)
            })
            .filter_map(|(y, _)| y)
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        Ok(years)
    }

    /// The observations of this dataset, ordered by district code.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn observations(&self, conn: &mut DbConnection) -> Result<Vec<Observation>> {
        Ok(observations::table
            .filter(observations::dataset_id.eq(self.id))
            .order(observations::region_code)
            .select(Observation::as_select())
            .load(conn)?)
    }

    /// The data version: the latest publication (0 before any), for cache keys. A staged
    /// or rejected upload leaves it as it is.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn data_version(conn: &mut DbConnection) -> Result<i32> {
        Ok(datasets::table
            .select(diesel::dsl::max(datasets::data_version))
            .first::<Option<i32>>(conn)?
            .unwrap_or(0))
    }
}

impl Dataset {
    /// The lifecycle status, parsed.
    pub fn status(&self) -> DatasetStatus {
        match self.status.as_str() {
            "published" => DatasetStatus::Published,
            "rejected" => DatasetStatus::Rejected,
            "superseded" => DatasetStatus::Superseded,
            _ => DatasetStatus::Staged,
        }
    }

    /// The kind, parsed.
    ///
    /// # Errors
    /// `invalid_kind` for a stored kind this build does not know.
    pub fn kind(&self) -> Result<DatasetKind> {
        DatasetKind::parse(&self.kind)
    }

    /// The published dataset `self` is compared with and would replace: the live one of the
    /// same kind, year and indicator, else (for per-year kinds) the live one of the latest
    /// earlier year. For the region reference and boundaries, the live one of the kind.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn live_counterpart(&self, conn: &mut DbConnection) -> Result<Option<Dataset>> {
        let kind = self.kind()?;
        let indicator = self.indicator.as_deref();
        let Some(year) = self.year.filter(|_| kind.has_year()) else {
            let mut all: Vec<Dataset> = datasets::table
                .filter(datasets::kind.eq(kind.as_str()))
                .filter(datasets::status.eq(DatasetStatus::Published.as_str()))
                .filter(datasets::id.ne(self.id))
                .order(datasets::id.desc())
                .select(Dataset::as_select())
                .load(conn)?;
            all.sort_by_key(|d| d.demo);
            return Ok(all.into_iter().next());
        };
        let same = |d: &Dataset| d.id != self.id;
        if let Some(d) = Dataset::current(conn, kind, year, indicator)?.filter(same) {
            return Ok(Some(d));
        }
        Dataset::previous(conn, kind, year, indicator)
    }

    /// The live dataset of the latest year before `year` of this kind and indicator.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn previous(
        conn: &mut DbConnection,
        kind: DatasetKind,
        year: i32,
        indicator: Option<&str>,
    ) -> Result<Option<Dataset>> {
        match Dataset::years(conn, kind, indicator)?
            .into_iter()
            .find(|y| *y < year)
        {
            Some(y) => Dataset::current(conn, kind, y, indicator),
            None => Ok(None),
        }
    }

    /// Makes a staged dataset live, in one transaction: checks the four-eyes rule and the
    /// coverage against the live dataset it replaces, writes a staged region reference into
    /// the reference, marks the older publication(s) of the same kind, year and indicator
    /// `superseded` (a real dataset supersedes demo ones, a demo one only demo ones), bumps
    /// the data version and records the act in the audit log.
    ///
    /// Every path that makes data live (the publish endpoint, an upload with
    /// `?publish=true`, `lokus import`, the demo load) goes through here.
    ///
    /// # Errors
    /// `not_found`; 409-type [`ModelError::Conflict`] `not_staged` (not staged any more) or
    /// `four_eyes` (the publisher uploaded it); [`ModelError::PartialCoverage`]; database errors.
    pub fn publish(
        conn: &mut DbConnection,
        id: i32,
        actor: &Actor,
        options: PublishOptions,
    ) -> Result<Dataset> {
        conn.transaction::<_, ModelError, _>(|conn| {
            begin_write(conn)?;
            let dataset = Dataset::find(conn, id)?;
            if dataset.status() != DatasetStatus::Staged {
                return Err(ModelError::conflict(
                    "not_staged",
                    s::NOT_STAGED_TO_PUBLISH
                        .with("id", id)
                        .with("status", dataset.status().term()),
                ));
            }
            if options.four_eyes && dataset.imported_by == actor.name {
                return Err(ModelError::conflict(
                    "four_eyes",
                    s::OWN_UPLOAD
                        .with("id", id)
                        .with("uploader", dataset.imported_by.as_str()),
                ));
            }
            let live = dataset.live_counterpart(conn)?;
            if let Some(live) = &live
                && dataset.row_count < live.row_count
                && !options.acknowledge_partial
            {
                return Err(ModelError::PartialCoverage {
                    staged: dataset.row_count,
                    live: live.row_count,
                    live_dataset_id: live.id,
                });
            }
            let kind = dataset.kind()?;
            if kind == DatasetKind::Regions {
                crate::import::apply_region_payload(conn, id)?;
            }
            let replaced: Vec<i32> = datasets::table
                .filter(datasets::kind.eq(kind.as_str()))
                .filter(datasets::status.eq(DatasetStatus::Published.as_str()))
                .filter(datasets::id.ne(id))
                .select(Dataset::as_select())
                .load(conn)?
                .into_iter()
                .filter(|d| {
                    d.year == dataset.year
                        && d.indicator == dataset.indicator
                        && (!dataset.demo || d.demo)
                })
                .map(|d| d.id)
                .collect();
            let now = now_rfc3339();
            if !replaced.is_empty() {
                diesel::update(datasets::table.filter(datasets::id.eq_any(&replaced)))
                    .set((
                        datasets::status.eq(DatasetStatus::Superseded.as_str()),
                        datasets::superseded_by.eq(id),
                    ))
                    .execute(conn)?;
            }
            let version = Dataset::data_version(conn)? + 1;
            diesel::update(datasets::table.find(id))
                .set((
                    datasets::status.eq(DatasetStatus::Published.as_str()),
                    datasets::reviewed_at.eq(&now),
                    datasets::reviewed_by.eq(&actor.name),
                    datasets::data_version.eq(version),
                ))
                .execute(conn)?;
            let mut detail = format!(
                "published {}{} ({} rows from '{}'), data version {version}",
                dataset.kind,
                dataset.year.map(|y| format!(" {y}")).unwrap_or_default(),
                dataset.row_count,
                dataset.source
            );
            if !replaced.is_empty() {
                let ids: Vec<String> = replaced.iter().map(i32::to_string).collect();
                detail.push_str(&format!("; supersedes dataset {}", ids.join(", ")));
            }
            if let Some(live) = live.filter(|l| dataset.row_count < l.row_count) {
                detail.push_str(&format!(
                    "; partial coverage acknowledged ({} of the {} districts of dataset {})",
                    dataset.row_count, live.row_count, live.id
                ));
            }
            AuditEntry::record(
                conn,
                actor,
                "publish_dataset",
                &format!("dataset:{id}"),
                &detail,
            )?;
            let published = Dataset::find(conn, id)?;
            // Told to subscribers in the same transaction: the event exists if and only if the
            // publication does (the synthetic demo data are never announced).
            if !published.demo {
                crate::outbox::enqueue(
                    conn,
                    crate::outbox::EventType::DatasetPublished,
                    crate::outbox::dataset_published(&published),
                )?;
            }
            Ok(published)
        })
    }

    /// Turns a staged dataset down with the steward's reason; it never feeds anything.
    ///
    /// # Errors
    /// `not_found`; `invalid_reason` (empty or longer than 2,000 characters); `not_staged`;
    /// database errors.
    pub fn reject(
        conn: &mut DbConnection,
        id: i32,
        actor: &Actor,
        reason: &str,
    ) -> Result<Dataset> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(ModelError::invalid(
                "invalid_reason",
                s::REJECTION_REASON.with("max", MAX_REASON_CHARS),
            ));
        }
        conn.transaction::<_, ModelError, _>(|conn| {
            begin_write(conn)?;
            let dataset = Dataset::find(conn, id)?;
            if dataset.status() != DatasetStatus::Staged {
                return Err(ModelError::conflict(
                    "not_staged",
                    s::NOT_STAGED_TO_REJECT
                        .with("id", id)
                        .with("status", dataset.status().term()),
                ));
            }
            diesel::update(datasets::table.find(id))
                .set((
                    datasets::status.eq(DatasetStatus::Rejected.as_str()),
                    datasets::reviewed_at.eq(now_rfc3339()),
                    datasets::reviewed_by.eq(&actor.name),
                    datasets::rejection_reason.eq(reason),
                ))
                .execute(conn)?;
            diesel::delete(dataset_payloads::table.find(id)).execute(conn)?;
            AuditEntry::record(
                conn,
                actor,
                "reject_dataset",
                &format!("dataset:{id}"),
                &format!("rejected {}: {reason}", dataset.kind),
            )?;
            Dataset::find(conn, id)
        })
    }
}

/// Takes the write lock at the start of a transaction. On SQLite a transaction that reads first
/// and writes later fails at once (`SQLITE_BUSY_SNAPSHOT`, no busy wait) when another
/// connection committed in between, e.g. a token's `last_used_at`; a first statement that
/// writes (here: to no row) waits for the lock instead and then reads the newest state.
///
/// # Errors
/// `ModelError::Database`.
pub(crate) fn begin_write(conn: &mut DbConnection) -> Result<()> {
    diesel::update(datasets::table.filter(datasets::id.eq(-1)))
        .set(datasets::status.eq(datasets::status))
        .execute(conn)?;
    Ok(())
}

/// The longest rejection reason kept.
pub const MAX_REASON_CHARS: usize = 2000;

impl Observation {
    /// Every observation of one district with its dataset, newest dataset first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn for_region(conn: &mut DbConnection, code: &str) -> Result<Vec<(Observation, Dataset)>> {
        Ok(observations::table
            .inner_join(datasets::table)
            .filter(observations::region_code.eq(code))
            .filter(datasets::status.eq(DatasetStatus::Published.as_str()))
            .order((datasets::kind, datasets::year.desc(), datasets::id.desc()))
            .select((Observation::as_select(), Dataset::as_select()))
            .load(conn)?)
    }
}
