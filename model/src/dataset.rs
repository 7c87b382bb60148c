//! Imported datasets (immutable once written) and their observations.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::schema::{datasets, observations};
use crate::error::{ModelError, Result};

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
            .ok_or_else(|| {
                ModelError::invalid(
                    "invalid_kind",
                    format!(
                        "kind '{text}' is not one of regions, stunting, spbe, covariate, population, boundaries"
                    ),
                )
            })
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
        Ok(datasets::table
            .order(datasets::id.desc())
            .select(Dataset::as_select())
            .load(conn)?)
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
                entity: "dataset",
                id: id.to_string(),
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
        let candidates: Vec<Dataset> = datasets::table
            .filter(datasets::kind.eq(kind.as_str()))
            .filter(datasets::sha256.eq(sha256))
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

    /// The dataset of this kind and year that analyses use: the newest real one, else the newest
    /// demo one. Without an indicator, a table marked evaluation-only is never picked.
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
            .order(datasets::id.desc())
            .select(Dataset::as_select())
            .load(conn)?;
        all.retain(|d| match indicator {
            Some(_) => d.indicator.as_deref() == indicator,
            None => !d.is_evaluation_only(),
        });
        Ok(all.iter().find(|d| !d.demo).or(all.first()).cloned())
    }

    /// Years present for a kind (and, when given, an indicator), newest first. Without an
    /// indicator, tables marked evaluation-only are left out, so the latest stunting year a
    /// ranking reads by default never becomes an evaluation's outcome year.
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

    /// The latest change to any dataset (its id), for cache keys.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn latest_id(conn: &mut DbConnection) -> Result<i32> {
        Ok(datasets::table
            .select(diesel::dsl::max(datasets::id))
            .first::<Option<i32>>(conn)?
            .unwrap_or(0))
    }
}

impl Observation {
    /// Every observation of one district with its dataset, newest dataset first.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn for_region(conn: &mut DbConnection, code: &str) -> Result<Vec<(Observation, Dataset)>> {
        Ok(observations::table
            .inner_join(datasets::table)
            .filter(observations::region_code.eq(code))
            .order((datasets::kind, datasets::year.desc(), datasets::id.desc()))
            .select((Observation::as_select(), Dataset::as_select()))
            .load(conn)?)
    }
}
