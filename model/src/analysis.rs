//! Joining stunting and SPBE per district, and the correlation model read from the join.

use std::collections::HashMap;

use serde::Serialize;

use crate::dataset::{Dataset, DatasetKind};
use crate::db::DbConnection;
use crate::error::{ModelError, Result};
use crate::ranking::Candidate;
use crate::region::RegionIndex;
use crate::sentences as s;
use crate::stats::{Coefficient, CorrelationParams, OlsParams};

/// Which data to join.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JoinRequest {
    /// Stunting year; the latest present when `None`.
    pub stunting_year: Option<i32>,
    /// SPBE year; the latest present when `None`.
    pub spbe_year: Option<i32>,
    /// Codes the user leaves out of the analysis.
    pub exclude: Vec<String>,
    /// Covariate indicators to add to the regression (same year as stunting).
    pub covariates: Vec<String>,
}

/// One district with both values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JoinedDistrict {
    /// Kemendagri code.
    pub code: String,
    /// BPS code.
    pub bps_code: String,
    /// Name.
    pub name: String,
    /// `kabupaten` or `kota`.
    pub kind: String,
    /// Province code.
    pub province_code: String,
    /// Province name.
    pub province_name: String,
    /// Stunting prevalence, %.
    pub stunting_prevalence: f64,
    /// Its standard error, when given.
    pub stunting_se: Option<f64>,
    /// `direct` or `sae`, when given.
    pub stunting_method: Option<String>,
    /// Indeks SPBE.
    pub spbe_index: f64,
    /// The SPBE predicate of the index.
    pub spbe_predicate: String,
    /// Covariate values in the order requested.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covariates: Vec<f64>,
    /// Children under five, from the current population dataset, when known.
    pub under5_population: Option<i64>,
    /// Stunting of the previous year with data, %, when known.
    pub stunting_previous: Option<f64>,
    /// Its standard error, when given.
    pub stunting_previous_se: Option<f64>,
}

impl JoinedDistrict {
    /// Estimated stunted children (prevalence/100 × under-fives) and its standard error
    /// (se/100 × under-fives, the population taken as known).
    pub fn stunted_children(&self) -> (Option<f64>, Option<f64>) {
        let n = self.under5_population.map(|n| n as f64);
        (
            n.map(|n| self.stunting_prevalence / 100.0 * n),
            n.zip(self.stunting_se).map(|(n, se)| se / 100.0 * n),
        )
    }

    /// Change since the previous year (% points) and its standard error
    /// √(se_now² + se_before²), where both standard errors are known.
    pub fn stunting_change(&self) -> (Option<f64>, Option<f64>) {
        let change = self.stunting_previous.map(|p| self.stunting_prevalence - p);
        let se = self
            .stunting_se
            .zip(self.stunting_previous_se)
            .map(|(a, b)| a.hypot(b));
        (change, se.filter(|_| change.is_some()))
    }
}

/// Why a district is not in the join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// The stunting dataset has no value for it.
    NoStuntingValue,
    /// The SPBE dataset has no value for it.
    NoSpbeValue,
    /// A requested covariate has no value for it.
    NoCovariateValue,
    /// The user left it out.
    ExcludedByUser,
    /// The scenario scores the burden and the population dataset has no value for it.
    NoPopulationValue,
    /// The scenario scores the trend and the previous stunting year has no value for it.
    NoPreviousStuntingValue,
}

/// A district left out of the join, and why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Exclusion {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Why.
    pub reason: ExclusionReason,
}

/// The joined data and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JoinedData {
    /// Stunting year used.
    pub stunting_year: i32,
    /// SPBE year used.
    pub spbe_year: i32,
    /// The datasets used (stunting, SPBE, then covariates).
    pub datasets: Vec<Dataset>,
    /// True when any dataset used is synthetic demo data.
    pub demo: bool,
    /// Districts with both values, ordered by code.
    pub districts: Vec<JoinedDistrict>,
    /// Districts left out, ordered by code.
    pub excluded: Vec<Exclusion>,
    /// Covariate names, in the order of [`JoinedDistrict::covariates`].
    pub covariate_names: Vec<String>,
    /// The under-five population dataset (latest year ≤ the stunting year), when one exists.
    pub population: Option<Dataset>,
    /// The stunting dataset of the latest earlier year, when one exists.
    pub previous: Option<Dataset>,
    /// Every alias of the region reference, as `(code, alias)` sorted: reference data that
    /// the fingerprint covers.
    pub aliases: Vec<(String, String)>,
}

/// Years a query may name: a year inside them without data is not found, outside them invalid.
pub const QUERY_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn pick_year(conn: &mut DbConnection, kind: DatasetKind, year: Option<i32>) -> Result<i32> {
    let valid = QUERY_YEARS;
    if let Some(y) = year
        && !valid.contains(&y)
    {
        return Err(ModelError::invalid(
            "invalid_year",
            s::YEAR_RANGE
                .with("kind", kind.as_str())
                .with("min", *valid.start())
                .with("max", *valid.end())
                .with("value", y),
        ));
    }
    let years = Dataset::years(conn, kind, None)?;
    match year {
        Some(y) if years.contains(&y) => Ok(y),
        Some(y) => Err(ModelError::NotFound {
            entity: &s::DATASET,
            id: if years.is_empty() {
                &s::YEAR_WITHOUT_YEARS
            } else {
                &s::YEAR_OF_YEARS
            }
            .with("kind", kind.as_str())
            .with("year", y)
            .with(
                "years",
                years.iter().map(i32::to_string).collect::<Vec<_>>(),
            )
            .into(),
        }),
        None => years
            .first()
            .copied()
            .ok_or_else(|| ModelError::invalid("no_data", s::NO_DATA.with("kind", kind.as_str()))),
    }
}

impl JoinedData {
    /// Joins the current stunting and SPBE datasets per district.
    ///
    /// The universe is the regions of the same kind as the stunting data (demo or real), plus
    /// any region either dataset has a value for, so demo districts never appear as "missing"
    /// in a real analysis or the other way round.
    ///
    /// # Errors
    /// `ModelError::NotFound` for a year with no data, `ModelError::Invalid` (`no_data`).
    pub fn load(conn: &mut DbConnection, req: &JoinRequest) -> Result<JoinedData> {
        let stunting_year = pick_year(conn, DatasetKind::Stunting, req.stunting_year)?;
        let spbe_year = pick_year(conn, DatasetKind::Spbe, req.spbe_year)?;
        let missing = |kind: DatasetKind, year: i32| ModelError::NotFound {
            entity: &crate::sentences::DATASET,
            id: format!("{} {year}", kind.as_str()).into(),
        };
        let stunting = Dataset::current(conn, DatasetKind::Stunting, stunting_year, None)?
            .ok_or_else(|| missing(DatasetKind::Stunting, stunting_year))?;
        let spbe = Dataset::current(conn, DatasetKind::Spbe, spbe_year, None)?
            .ok_or_else(|| missing(DatasetKind::Spbe, spbe_year))?;
        let mut covariate_sets = Vec::new();
        for name in &req.covariates {
            let d = Dataset::current(conn, DatasetKind::Covariate, stunting_year, Some(name))?
                .ok_or_else(|| ModelError::NotFound {
                    entity: &crate::sentences::COVARIATE_DATASET,
                    id: format!("{name} {stunting_year}").into(),
                })?;
            covariate_sets.push(d);
        }
        let population = crate::population::latest_under5(conn, Some(stunting_year))?;
        let previous = match Dataset::years(conn, DatasetKind::Stunting, None)?
            .into_iter()
            .find(|y| *y < stunting_year)
        {
            Some(y) => Dataset::current(conn, DatasetKind::Stunting, y, None)?,
            None => None,
        };
        let previous_obs: HashMap<String, (f64, Option<f64>)> = match &previous {
            Some(d) => d
                .observations(conn)?
                .into_iter()
                .map(|o| (o.region_code, (o.value, o.se)))
                .collect(),
            None => HashMap::new(),
        };
        let index = RegionIndex::load(conn)?;
        let stunting_obs: HashMap<String, _> = stunting
            .observations(conn)?
            .into_iter()
            .map(|o| (o.region_code.clone(), o))
            .collect();
        let spbe_obs: HashMap<String, f64> = spbe
            .observations(conn)?
            .into_iter()
            .map(|o| (o.region_code, o.value))
            .collect();
        let mut covariate_obs = Vec::new();
        for d in &covariate_sets {
            let values: HashMap<String, f64> = d
                .observations(conn)?
                .into_iter()
                .map(|o| (o.region_code, o.value))
                .collect();
            covariate_obs.push(values);
        }
        let mut districts = Vec::new();
        let mut excluded = Vec::new();
        let in_universe = |r: &&crate::region::Region| {
            r.demo == stunting.demo
                || stunting_obs.contains_key(&r.code)
                || spbe_obs.contains_key(&r.code)
        };
        for region in index.regions().iter().filter(in_universe) {
            let province_name = index
                .province(&region.province_code)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            let covariates: Option<Vec<f64>> = covariate_obs
                .iter()
                .map(|c| c.get(&region.code).copied())
                .collect();
            let reason = if req.exclude.contains(&region.code) {
                Some(ExclusionReason::ExcludedByUser)
            } else if !stunting_obs.contains_key(&region.code) {
                Some(ExclusionReason::NoStuntingValue)
            } else if !spbe_obs.contains_key(&region.code) {
                Some(ExclusionReason::NoSpbeValue)
            } else if covariates.is_none() {
                Some(ExclusionReason::NoCovariateValue)
            } else {
                None
            };
            if let Some(reason) = reason {
                excluded.push(Exclusion {
                    code: region.code.clone(),
                    name: region.name.clone(),
                    province_name,
                    reason,
                });
                continue;
            }
            let s = &stunting_obs[&region.code];
            let x = spbe_obs[&region.code];
            districts.push(JoinedDistrict {
                code: region.code.clone(),
                bps_code: region.bps_code.clone(),
                name: region.name.clone(),
                kind: region.kind.clone(),
                province_code: region.province_code.clone(),
                province_name,
                stunting_prevalence: s.value,
                stunting_se: s.se,
                stunting_method: s.method.clone(),
                spbe_index: x,
                spbe_predicate: crate::spbe::Predicate::for_index(x).name().to_string(),
                covariates: covariates.unwrap_or_default(),
                under5_population: population
                    .as_ref()
                    .and_then(|(_, counts)| counts.get(&region.code).copied()),
                stunting_previous: previous_obs.get(&region.code).map(|p| p.0),
                stunting_previous_se: previous_obs.get(&region.code).and_then(|p| p.1),
            });
        }
        let population = population.map(|(d, _)| d);
        let mut datasets = vec![stunting, spbe];
        datasets.extend(covariate_sets);
        datasets.extend(population.iter().cloned());
        datasets.extend(previous.iter().cloned());
        let demo = datasets.iter().any(|d| d.demo);
        Ok(JoinedData {
            stunting_year,
            spbe_year,
            datasets,
            demo,
            districts,
            excluded,
            covariate_names: req.covariates.clone(),
            population,
            previous,
            aliases: index.aliases().to_vec(),
        })
    }

    /// The districts as ranking candidates.
    pub fn candidates(&self) -> Vec<Candidate> {
        self.districts
            .iter()
            .map(|d| Candidate {
                code: d.code.clone(),
                province_code: d.province_code.clone(),
                stunting: d.stunting_prevalence,
                stunting_se: d.stunting_se,
                spbe: d.spbe_index,
                under5: d.under5_population.map(|n| n as f64),
                previous: d.stunting_previous,
                previous_se: d.stunting_previous_se,
            })
            .collect()
    }
}

/// The regression of stunting on SPBE (and covariates), shaped for reading.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RegressionReport {
    /// Intercept.
    pub intercept: f64,
    /// Standard error of the intercept.
    pub intercept_se: f64,
    /// Change in stunting (% points) per SPBE point.
    pub slope: f64,
    /// Standard error of the slope.
    pub slope_se: f64,
    /// Two-sided p-value of the slope.
    pub slope_p_value: f64,
    /// R².
    pub r_squared: f64,
    /// Adjusted R².
    pub adj_r_squared: f64,
    /// Residual standard error (% points).
    pub residual_std_error: f64,
    /// Residual degrees of freedom.
    pub df_residual: usize,
    /// Extra covariates' coefficients, if any.
    pub covariates: Vec<Coefficient>,
}

/// One district's fitted value and residual.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Residual {
    /// Kemendagri code.
    pub code: String,
    /// Predicted stunting.
    pub fitted: f64,
    /// Observed minus predicted.
    pub residual: f64,
}

/// The correlation model over a join.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Analysis {
    /// Districts used.
    pub n: usize,
    /// Stunting year.
    pub stunting_year: i32,
    /// SPBE year.
    pub spbe_year: i32,
    /// Pearson's r.
    pub pearson: crate::stats::Pearson,
    /// Spearman's rho.
    pub spearman: crate::stats::Spearman,
    /// Bootstrap percentile interval for r.
    pub bootstrap_ci95: [f64; 2],
    /// Resamples used.
    pub bootstrap_resamples: usize,
    /// Seed used.
    pub bootstrap_seed: u64,
    /// OLS of stunting on SPBE (+ covariates).
    pub regression: RegressionReport,
    /// Per-district residuals, ordered by code.
    pub residuals: Vec<Residual>,
    /// A plain-language reading.
    pub interpretation: String,
    /// Who is left out and why.
    pub excluded: Vec<Exclusion>,
    /// How stunting moved since the previous year, when an earlier year exists.
    pub change: Option<ChangeSummary>,
    /// Districts per WHO/UNICEF prevalence band (`very_low` … `very_high`).
    pub stunting_bands: std::collections::BTreeMap<String, usize>,
}

/// How many districts rose, fell or stayed within their uncertainty since the previous year.
///
/// A change d with standard error se = √(se_now² + se_before²) (a missing se counts as
/// [`DEFAULT_CHANGE_SE`] points) rose when d > 1.96·se, fell when d < −1.96·se, and is stable
/// otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChangeSummary {
    /// The earlier stunting year.
    pub previous_year: i32,
    /// Districts with a value in both years.
    pub n: usize,
    /// Significantly higher now.
    pub rose: usize,
    /// Significantly lower now.
    pub fell: usize,
    /// Within their uncertainty.
    pub stable: usize,
    /// Mean change, % points (now − before).
    pub mean_change: f64,
}

/// Standard error assumed for a stunting value without one when reading a change, % points
/// (the same default the Monte Carlo uses).
pub const DEFAULT_CHANGE_SE: f64 = 2.0;

fn change_summary(joined: &JoinedData) -> Option<ChangeSummary> {
    let previous_year = joined.previous.as_ref()?.year?;
    let (mut n, mut rose, mut fell, mut total) = (0, 0, 0, 0.0);
    for d in &joined.districts {
        let Some(before) = d.stunting_previous else {
            continue;
        };
        let change = d.stunting_prevalence - before;
        let se = d
            .stunting_se
            .unwrap_or(DEFAULT_CHANGE_SE)
            .hypot(d.stunting_previous_se.unwrap_or(DEFAULT_CHANGE_SE));
        n += 1;
        total += change;
        if change > 1.96 * se {
            rose += 1;
        } else if change < -1.96 * se {
            fell += 1;
        }
    }
    (n > 0).then(|| ChangeSummary {
        previous_year,
        n,
        rose,
        fell,
        stable: n - rose - fell,
        mean_change: total / n as f64,
    })
}

fn band_counts(joined: &JoinedData) -> std::collections::BTreeMap<String, usize> {
    use crate::impact::StuntingBand;
    let name = |b: StuntingBand| crate::scenario::wire_name(&b);
    let mut counts: std::collections::BTreeMap<String, usize> = StuntingBand::ALL
        .into_iter()
        .map(|b| (name(b), 0))
        .collect();
    for d in &joined.districts {
        *counts
            .entry(name(StuntingBand::of(d.stunting_prevalence)))
            .or_default() += 1;
    }
    counts
}

/// Fits the correlation model over a join.
///
/// # Errors
/// `ModelError::InsufficientData` with fewer than 4 districts; numerical failures.
pub fn analyse(joined: &JoinedData, params: &CorrelationParams) -> Result<Analysis> {
    let y: Vec<f64> = joined
        .districts
        .iter()
        .map(|d| d.stunting_prevalence)
        .collect();
    let x: Vec<f64> = joined.districts.iter().map(|d| d.spbe_index).collect();
    let correlation = params.fit(&x, &y)?;
    let mut predictors = vec![("spbe".to_string(), x)];
    for (i, name) in joined.covariate_names.iter().enumerate() {
        predictors.push((
            name.clone(),
            joined.districts.iter().map(|d| d.covariates[i]).collect(),
        ));
    }
    let fit = OlsParams.fit(&y, &predictors)?;
    let slope = fit.coefficients[0].clone();
    let regression = RegressionReport {
        intercept: fit.intercept,
        intercept_se: fit.intercept_std_error,
        slope: slope.estimate,
        slope_se: slope.std_error,
        slope_p_value: slope.p_value,
        r_squared: fit.r_squared,
        adj_r_squared: fit.adj_r_squared,
        residual_std_error: fit.residual_std_error,
        df_residual: fit.df_residual,
        covariates: fit.coefficients[1..].to_vec(),
    };
    let residuals = joined
        .districts
        .iter()
        .zip(fit.residuals.iter().zip(&fit.fitted))
        .map(|(d, (r, f))| Residual {
            code: d.code.clone(),
            fitted: *f,
            residual: *r,
        })
        .collect();
    let interpretation = interpret(&correlation, &regression, joined);
    Ok(Analysis {
        n: correlation.n,
        stunting_year: joined.stunting_year,
        spbe_year: joined.spbe_year,
        pearson: correlation.pearson,
        spearman: correlation.spearman,
        bootstrap_ci95: correlation.bootstrap_ci95,
        bootstrap_resamples: correlation.bootstrap_resamples,
        bootstrap_seed: correlation.bootstrap_seed,
        regression,
        residuals,
        interpretation,
        excluded: joined.excluded.clone(),
        change: change_summary(joined),
        stunting_bands: band_counts(joined),
    })
}

fn strength(r: f64) -> &'static str {
    match r.abs() {
        a if a < 0.1 => "no meaningful",
        a if a < 0.3 => "a weak",
        a if a < 0.5 => "a moderate",
        _ => "a strong",
    }
}

fn interpret(c: &crate::stats::Correlation, reg: &RegressionReport, joined: &JoinedData) -> String {
    let direction = if c.pearson.r < 0.0 {
        "negative"
    } else {
        "positive"
    };
    let significance = if c.pearson.p_value < 0.05 {
        "statistically distinguishable from zero at the 5 % level"
    } else {
        "not statistically distinguishable from zero at the 5 % level"
    };
    let mut text = format!(
        "Across {} districts, stunting prevalence ({}) and the SPBE index ({}) show {} {} association (Pearson r = {:.2}, 95 % CI {:.2} to {:.2}; Spearman rho = {:.2}), {}. \
         Each additional SPBE point goes with {:+.2} percentage points of stunting on average (R² = {:.2}), so SPBE explains about {:.0} % of the variation between districts. \
         This is a district-level association: it says nothing about whether better e-government causes lower stunting, and both may follow other factors such as poverty or remoteness.",
        c.n,
        joined.stunting_year,
        joined.spbe_year,
        strength(c.pearson.r),
        direction,
        c.pearson.r,
        c.pearson.ci95[0],
        c.pearson.ci95[1],
        c.spearman.rho,
        significance,
        reg.slope,
        reg.r_squared,
        100.0 * reg.r_squared,
    );
    if !joined.excluded.is_empty() {
        text.push_str(&format!(
            " {} districts are left out (see `excluded`).",
            joined.excluded.len()
        ));
    }
    if joined.demo {
        text.push_str(" These are synthetic demo data, not official statistics.");
    }
    text
}
