//! A ranking scenario end to end: join, analyse, rank, simulate, explain, fingerprint.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::analysis::{Analysis, Exclusion, ExclusionReason, JoinRequest, JoinedData, analyse};
use crate::dataset::Dataset;
use crate::db::DbConnection;
use crate::error::{ModelError, Result};
use crate::impact::{
    self, Coverage, OutcomeBands, Projection, ProjectionParams, StuntingBand, Tally,
};
use crate::omissions::{Omissions, SpbeTradeoff};
use crate::ranking::simulate_with_outcomes;
use crate::ranking::{
    BAND_THRESHOLDS, Band, BandThresholds, ConstraintEffect, Constraints, Contributions, Method,
    Normalisation, Reason, Scenario, SelectionBasis, SpbeDirection, UncertaintyParams, Weights,
    rank, simulate,
};
use crate::sentences as s;
use crate::stats::CorrelationParams;

/// Version of the ranking rules; part of every fingerprint so old runs stay distinguishable.
pub const RULES_VERSION: &str = "lokus-ranking-1";

/// Largest number of Monte Carlo draws a request may ask for.
pub const MAX_DRAWS: usize = 100_000;

/// A ranking request as callers send it; every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RankingRequest {
    /// `composite` (default), `need` or `residual`.
    pub method: Method,
    /// Weights for `composite` (default 0.6 / 0.4).
    #[serde(deserialize_with = "crate::wire::object")]
    pub weights: Weights,
    /// `min_max` (default), `z_score` or `goalposts`.
    pub normalisation: Normalisation,
    /// `higher_is_priority` (default) or `lower_is_priority`.
    pub spbe_direction: SpbeDirection,
    /// How many to select (default 100); at most the districts in the join.
    #[schema(minimum = 1, maximum = 514)]
    #[serde(deserialize_with = "crate::wire::integer")]
    pub k: usize,
    /// Selection constraints.
    #[serde(deserialize_with = "crate::wire::object")]
    pub constraints: Constraints,
    /// Monte Carlo settings; `null` (default) skips it.
    #[serde(deserialize_with = "crate::wire::optional_object")]
    pub uncertainty: Option<UncertaintyParams>,
    /// Stunting year; latest when `null`.
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(deserialize_with = "crate::wire::optional_integer")]
    pub stunting_year: Option<i32>,
    /// SPBE year; latest when `null`.
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(deserialize_with = "crate::wire::optional_integer")]
    pub spbe_year: Option<i32>,
    /// Programme effect and target for the `projection` block (default 2.0 points, 14 %).
    #[serde(deserialize_with = "crate::wire::object")]
    pub projection: ProjectionParams,
}

impl Default for RankingRequest {
    fn default() -> Self {
        let s = Scenario::default();
        RankingRequest {
            method: s.method,
            weights: s.weights,
            normalisation: s.normalisation,
            spbe_direction: s.spbe_direction,
            k: s.k,
            constraints: s.constraints,
            uncertainty: None,
            stunting_year: None,
            spbe_year: None,
            projection: ProjectionParams::default(),
        }
    }
}

impl RankingRequest {
    /// True when the scores read the under-five population.
    pub fn uses_population(&self) -> bool {
        self.method == Method::Burden
            || (self.method == Method::Composite && self.weights.burden > 0.0)
    }

    /// True when the scores read the previous stunting year.
    pub fn uses_previous_year(&self) -> bool {
        self.method == Method::Trend
            || (self.method == Method::Composite && self.weights.trend > 0.0)
    }

    pub(crate) fn scenario(&self) -> Scenario {
        Scenario {
            method: self.method,
            weights: self.weights,
            normalisation: self.normalisation,
            spbe_direction: self.spbe_direction,
            k: self.k,
            constraints: self.constraints.clone(),
        }
    }
}

/// Why a district is where it is, in numbers and one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Explanation {
    /// Reason code.
    pub reason: Reason,
    /// Parts of the score by indicator.
    pub contributions: Contributions,
    /// Score of the lowest-scoring selected district.
    pub cutoff_score: f64,
    /// score − cutoff.
    pub margin: f64,
    /// Stunting change (% points) that alone would cross the cut-off.
    pub stunting_change_to_cross: Option<f64>,
    /// SPBE change that alone would cross the cut-off.
    pub spbe_change_to_cross: Option<f64>,
    /// The same in words.
    pub text: String,
}

/// One district in a ranking result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistrictResult {
    /// 1-based rank; selected districts first.
    pub rank: usize,
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
    /// Its standard error, when known.
    pub stunting_se: Option<f64>,
    /// WHO/UNICEF band of the prevalence: `very_low` (< 2.5 %), `low` (< 10), `medium` (< 20),
    /// `high` (< 30), `very_high` (≥ 30).
    #[serde(default)]
    pub stunting_band: Option<StuntingBand>,
    /// `direct` (survey) or `sae` (small-area estimate), when the dataset says.
    #[serde(default)]
    pub stunting_method: Option<String>,
    /// Indeks SPBE.
    pub spbe_index: f64,
    /// SPBE predicate.
    pub spbe_predicate: String,
    /// Score; higher is more priority.
    pub score: f64,
    /// In the shortlist.
    pub selected: bool,
    /// On what grounds it is in or out: `score`, `forced_in`, `forced_out`, `province_floor`,
    /// `province_cap` or `spbe_floor`.
    #[serde(default)]
    pub selection_basis: SelectionBasis,
    /// Its rank on score alone, before any constraint (1 = highest score).
    #[serde(default)]
    pub data_rank: usize,
    /// The committee's reason for a district forced in or out (null otherwise, or when none
    /// was given).
    #[serde(default)]
    pub reason: Option<String>,
    /// Share of Monte Carlo draws selecting it (when uncertainty ran).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_selected: Option<f64>,
    /// Monte Carlo standard error of `p_selected`: √(p(1−p)/draws).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_selected_se: Option<f64>,
    /// 5th percentile rank over draws.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_p05: Option<f64>,
    /// Median rank over draws.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_median: Option<f64>,
    /// 95th percentile rank over draws.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_p95: Option<f64>,
    /// certain_in, contested or certain_out; `null` for a district forced in or out (its place
    /// was decided, not uncertain); absent when no Monte Carlo ran.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schema(value_type = Option<Band>)]
    pub band: Option<Option<Band>>,
    /// True when its stunting standard error was missing and the default was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se_defaulted: Option<bool>,
    /// Children under five (null where no population is known).
    #[serde(default)]
    pub under5_population: Option<i64>,
    /// Estimated stunted children = prevalence/100 × under-fives (null without population).
    #[serde(default)]
    pub stunted_children: Option<f64>,
    /// Its standard error = se/100 × under-fives (null where either is unknown).
    #[serde(default)]
    pub stunted_children_se: Option<f64>,
    /// Stunting of the previous year with data, % (null without one).
    #[serde(default)]
    pub stunting_previous: Option<f64>,
    /// Change since then, % points (null without a previous value).
    #[serde(default)]
    pub stunting_change: Option<f64>,
    /// Its standard error √(se_now² + se_before²) (null where either se is unknown).
    #[serde(default)]
    pub stunting_change_se: Option<f64>,
    /// Why it is in or out.
    pub explanation: Explanation,
}

/// A field that is present, `null` or not, as `Some`; absent fields take the default `None`.
fn present<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// The precision of a Monte Carlo run, so a caller knows whether its draws were enough.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UncertaintySummary {
    /// Draws actually run (more than asked when `target_se` needed them).
    pub draws_used: usize,
    /// The largest `p_selected_se` of any district.
    pub max_p_selected_se: f64,
    /// The standard error asked for, if any.
    pub target_se: Option<f64>,
    /// True when `target_se` was asked for and reached.
    pub target_reached: Option<bool>,
    /// Seed used.
    pub seed: u64,
    /// The selection probabilities that bound the bands of this run.
    pub band_thresholds: BandThresholds,
}

/// Monte Carlo standard error of a share `p` over `draws` draws.
pub fn p_selected_se(p: f64, draws: usize) -> f64 {
    (p * (1.0 - p) / draws as f64).sqrt()
}

/// A computed ranking with everything needed to defend it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RankingResult {
    /// The scenario with years resolved.
    pub params: RankingRequest,
    /// SHA-256 over rules version, params and the datasets' hashes.
    pub fingerprint: String,
    /// True when any dataset used is synthetic demo data.
    pub demo: bool,
    /// Datasets used.
    pub datasets: Vec<Dataset>,
    /// The correlation model over the same join.
    pub analysis: Analysis,
    /// Score of the lowest-scoring selected district.
    pub cutoff_score: f64,
    /// Weights after rescaling.
    pub weights_used: Weights,
    /// What each constraint changed.
    pub constraint_effects: Vec<ConstraintEffect>,
    /// Districts not in the join, and why.
    pub excluded: Vec<Exclusion>,
    /// How precise the Monte Carlo is (null without uncertainty).
    pub uncertainty: Option<UncertaintySummary>,
    /// Stunted children covered by the selection (null without a population dataset).
    pub coverage: Option<Coverage>,
    /// Progress toward the target under the assumed effect (null without a population dataset).
    pub projection: Option<Projection>,
    /// Every joined district in rank order.
    pub districts: Vec<DistrictResult>,
    /// The highest-stunting districts not selected and why, provinces without a selected
    /// district, and the data quality of the selection.
    pub omissions: Omissions,
    /// What the SPBE direction does, in numbers and words.
    pub spbe_tradeoff: SpbeTradeoff,
}

fn explain_text(
    selected: bool,
    reason: Reason,
    margin: f64,
    ds: Option<f64>,
    data_rank: usize,
) -> String {
    if matches!(reason, Reason::Included | Reason::Excluded) {
        let verb = if reason == Reason::Included {
            "Selected"
        } else {
            "Not selected"
        };
        return format!(
            "{verb} by committee decision; on score alone it ranks {data_rank} (margin to the cut-off {margin:+.4})."
        );
    }
    let head = match reason {
        Reason::TopK => "Selected on score",
        Reason::Included => "Selected because the scenario includes it",
        Reason::MinPerProvince => "Selected to meet the minimum per province",
        Reason::Excluded => "Not selected: the scenario excludes it",
        Reason::BelowMinSpbe => "Not selected: SPBE is below the scenario's minimum",
        Reason::ProvinceCap => {
            "Not selected: its province already has the maximum number of districts"
        }
        Reason::BelowCutoff => "Not selected: score below the cut-off",
    };
    let mut text = format!("{head} (margin to the cut-off {margin:+.4}).");
    if let Some(d) = ds {
        let verb = if selected {
            "would drop it below"
        } else {
            "would lift it over"
        };
        // A change that rounds to 0.0 says nothing: the district sits on the line.
        if d.abs() < 0.05 {
            text.push_str(" It is at the cut-off: the smallest change in stunting would move it.");
        } else {
            text.push_str(&format!(
                " A stunting change of {d:+.1} points alone {verb} the cut-off."
            ));
        }
    }
    text
}

fn p_selected_se_max(result: &[crate::ranking::RankUncertainty], draws: usize) -> f64 {
    result
        .iter()
        .map(|r| p_selected_se(r.p_selected, draws))
        .fold(0.0, f64::max)
}

/// Computes a ranking for a request (not saved).
///
/// # Errors
/// `ModelError::Invalid` for bad parameters (naming the limit), `ModelError::Infeasible`,
/// `ModelError::NotFound` for a year without data, database errors.
pub fn compute(conn: &mut DbConnection, req: &RankingRequest) -> Result<RankingResult> {
    let joined = load_join(conn, req)?;
    compute_from_join(&joined, req)
}

/// Checks what can be checked without data, then reads the join a request ranks: the one
/// database step of [`compute`], so callers can release the connection before the CPU work of
/// [`compute_from_join`].
///
/// # Errors
/// As [`compute`].
pub fn load_join(conn: &mut DbConnection, req: &RankingRequest) -> Result<JoinedData> {
    if let Some(u) = &req.uncertainty
        && !(1..=MAX_DRAWS).contains(&u.draws)
    {
        return Err(ModelError::invalid(
            "invalid_draws",
            s::RANGE
                .with("field", "uncertainty.draws")
                .with("min", 1)
                .with("max", MAX_DRAWS)
                .with("value", u.draws),
        ));
    }
    JoinedData::load(
        conn,
        &JoinRequest {
            stunting_year: req.stunting_year,
            spbe_year: req.spbe_year,
            ..Default::default()
        },
    )
}

/// Computes a ranking from an already joined data set.
///
/// # Errors
/// As [`compute`].
pub fn compute_from_join(joined: &JoinedData, req: &RankingRequest) -> Result<RankingResult> {
    req.projection.validate()?;
    let restricted = restrict(joined, req)?;
    let joined = restricted.as_ref().unwrap_or(joined);
    let (params, candidates) = ranked_inputs(joined, req)?;
    let scenario = params.scenario();
    let analysis = analyse(joined, &CorrelationParams::default())?;
    let ranking = rank(&candidates, &scenario)?;
    let (uncertainty, draws, summary) = match &params.uncertainty {
        Some(u) => {
            let run = |u: &UncertaintyParams| match &joined.population {
                Some(_) => simulate_with_outcomes(&candidates, &scenario, u, &params.projection),
                None => simulate(&candidates, &scenario, u).map(|r| (r, Vec::new())),
            };
            let mut u = u.clone();
            let (mut result, mut draws) = run(&u)?;
            // More draws until the largest standard error reaches the target: the draws
            // needed follow from p(1−p)/target², estimated on the batch so far.
            if let Some(target) = u.target_se {
                for _ in 0..4 {
                    let worst = result
                        .iter()
                        .map(|r| r.p_selected * (1.0 - r.p_selected))
                        .fold(0.0, f64::max);
                    if p_selected_se_max(&result, u.draws) <= target || u.draws >= MAX_DRAWS {
                        break;
                    }
                    let needed = (worst / (target * target)).ceil() as usize;
                    u.draws = needed.next_multiple_of(1000).clamp(u.draws + 1, MAX_DRAWS);
                    (result, draws) = run(&u)?;
                }
            }
            let max_se = p_selected_se_max(&result, u.draws);
            let summary = UncertaintySummary {
                draws_used: u.draws,
                max_p_selected_se: max_se,
                target_se: u.target_se,
                target_reached: u.target_se.map(|t| max_se <= t),
                seed: u.seed,
                band_thresholds: BAND_THRESHOLDS,
            };
            (Some((result, u.draws)), draws, Some(summary))
        }
        None => (None, Vec::new(), None),
    };
    let selected: std::collections::HashSet<&str> = ranking
        .entries
        .iter()
        .filter(|e| e.selected)
        .map(|e| e.code.as_str())
        .collect();
    let (coverage, projection) = match &joined.population {
        Some(dataset) => {
            let mut tally = Tally::default();
            let mut without = 0;
            for d in &joined.districts {
                match d.under5_population {
                    Some(n) => tally.add(
                        d.stunting_prevalence,
                        n as f64,
                        selected.contains(d.code.as_str()),
                        &params.projection,
                    ),
                    None => without += 1,
                }
            }
            match tally.outcome(&params.projection) {
                Some(nominal) => {
                    let bands = OutcomeBands::of(&draws);
                    let (c, p) = impact::blocks(
                        &nominal,
                        bands.as_ref(),
                        &params.projection,
                        dataset.id,
                        without,
                    );
                    (Some(c), Some(p))
                }
                None => (None, None),
            }
        }
        None => (None, None),
    };
    let position: std::collections::HashMap<&str, usize> = joined
        .districts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let reasons: std::collections::HashMap<&str, &str> = params
        .constraints
        .include
        .iter()
        .chain(&params.constraints.exclude)
        .filter_map(|m| m.stated_reason().map(|r| (m.code.as_str(), r)))
        .collect();
    let districts = ranking
        .entries
        .iter()
        .map(|e| {
            let basis = SelectionBasis::of(e.reason);
            let i = position[e.code.as_str()];
            let d = &joined.districts[i];
            let draws_used = uncertainty.as_ref().map_or(1, |(_, n)| *n);
            let (stunted_children, stunted_children_se) = d.stunted_children();
            let (stunting_change, stunting_change_se) = d.stunting_change();
            let u = uncertainty.as_ref().map(|(u, _)| &u[i]);
            DistrictResult {
                rank: e.rank,
                code: d.code.clone(),
                bps_code: d.bps_code.clone(),
                name: d.name.clone(),
                kind: d.kind.clone(),
                province_code: d.province_code.clone(),
                province_name: d.province_name.clone(),
                stunting_prevalence: d.stunting_prevalence,
                stunting_se: d.stunting_se,
                stunting_band: Some(StuntingBand::of(d.stunting_prevalence)),
                stunting_method: d.stunting_method.clone(),
                spbe_index: d.spbe_index,
                spbe_predicate: d.spbe_predicate.clone(),
                score: e.score,
                selected: e.selected,
                selection_basis: basis,
                data_rank: e.data_rank,
                reason: basis
                    .is_forced()
                    .then(|| reasons.get(e.code.as_str()).map(|r| r.to_string()))
                    .flatten(),
                p_selected: u.map(|u| u.p_selected),
                p_selected_se: u.map(|u| p_selected_se(u.p_selected, draws_used)),
                rank_p05: u.map(|u| u.rank_p05),
                rank_median: u.map(|u| u.rank_median),
                rank_p95: u.map(|u| u.rank_p95),
                // A decided place has no certainty band: the draws cannot move it.
                band: u.map(|u| (!basis.is_forced()).then_some(u.band)),
                se_defaulted: u.map(|u| u.se_defaulted),
                under5_population: d.under5_population,
                stunted_children,
                stunted_children_se,
                stunting_previous: d.stunting_previous,
                stunting_change,
                stunting_change_se,
                explanation: Explanation {
                    reason: e.reason,
                    contributions: e.contributions,
                    cutoff_score: ranking.cutoff_score,
                    margin: e.margin,
                    stunting_change_to_cross: e.stunting_change_to_cross,
                    spbe_change_to_cross: e.spbe_change_to_cross,
                    text: explain_text(
                        e.selected,
                        e.reason,
                        e.margin,
                        e.stunting_change_to_cross,
                        e.data_rank,
                    ),
                },
            }
        })
        .collect::<Vec<_>>();
    let omissions = crate::omissions::omissions(&districts);
    let spbe_tradeoff = crate::omissions::spbe_tradeoff(&candidates, &scenario, &districts);
    let fingerprint = fingerprint(
        &params,
        &joined.datasets,
        &joined.districts,
        &joined.aliases,
    );
    Ok(RankingResult {
        params,
        fingerprint,
        demo: joined.demo,
        datasets: joined.datasets.clone(),
        analysis,
        cutoff_score: ranking.cutoff_score,
        weights_used: ranking.weights_used,
        constraint_effects: ranking.constraint_effects,
        excluded: joined.excluded.clone(),
        uncertainty: summary,
        coverage,
        projection,
        districts,
        omissions,
        spbe_tradeoff,
    })
}

/// The join a scenario ranks: without districts that lack the population or the previous
/// year its scores read (moved to `excluded` with the reason); `None` when nothing is left out.
///
/// # Errors
/// `ModelError::Invalid` (`no_population_data`, `no_previous_year`) when the scenario needs a
/// dataset that does not exist.
/// What a ranking reads from a (restricted) join: the request with the years the join holds,
/// and the candidates, once `k` is known to fit them.
///
/// # Errors
/// `ModelError::Invalid` (`invalid_k`) when `k` is 0 or above the joined districts.
pub(crate) fn ranked_inputs(
    joined: &JoinedData,
    req: &RankingRequest,
) -> Result<(RankingRequest, Vec<crate::ranking::Candidate>)> {
    let mut params = req.clone();
    params.stunting_year = Some(joined.stunting_year);
    params.spbe_year = Some(joined.spbe_year);
    let candidates = joined.candidates();
    if req.k == 0 || req.k > candidates.len() {
        return Err(ModelError::invalid(
            "invalid_k",
            s::RANGE_COUNTED
                .with("field", "k")
                .with("min", 1)
                .with("max", candidates.len())
                .with("counted", &s::THE_JOINED)
                .with("value", req.k),
        ));
    }
    Ok((params, candidates))
}

pub(crate) fn restrict(joined: &JoinedData, req: &RankingRequest) -> Result<Option<JoinedData>> {
    let population = req.uses_population();
    let previous = req.uses_previous_year();
    if population && joined.population.is_none() {
        return Err(ModelError::invalid(
            "no_population_data",
            s::NO_POPULATION_FOR_YEAR.with("year", joined.stunting_year),
        ));
    }
    if previous && joined.previous.is_none() {
        return Err(ModelError::invalid(
            "no_previous_year",
            s::NO_PREVIOUS_STUNTING_YEAR.with("year", joined.stunting_year),
        ));
    }
    let lacks = |d: &crate::analysis::JoinedDistrict| {
        if population && d.under5_population.is_none() {
            Some(ExclusionReason::NoPopulationValue)
        } else if previous && d.stunting_previous.is_none() {
            Some(ExclusionReason::NoPreviousStuntingValue)
        } else {
            None
        }
    };
    if !joined.districts.iter().any(|d| lacks(d).is_some()) {
        return Ok(None);
    }
    let mut out = joined.clone();
    out.districts.clear();
    for d in &joined.districts {
        match lacks(d) {
            Some(reason) => out.excluded.push(Exclusion {
                code: d.code.clone(),
                name: d.name.clone(),
                province_name: d.province_name.clone(),
                reason,
            }),
            None => out.districts.push(d.clone()),
        }
    }
    out.excluded.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Some(out))
}

/// SHA-256 (hex) over the rules version, the resolved params, each dataset's id and hash, and
/// the region reference: the joined districts (codes, names, kinds, provinces), which a region
/// import may change in place, and every alias (`(code, alias)`, sorted), which editors add.
pub fn fingerprint(
    params: &RankingRequest,
    datasets: &[Dataset],
    districts: &[crate::analysis::JoinedDistrict],
    aliases: &[(String, String)],
) -> String {
    let mut h = Sha256::new();
    h.update(RULES_VERSION.as_bytes());
    h.update(serde_json::to_vec(params).unwrap_or_default());
    for d in datasets {
        h.update(format!("|{}:{}:{}", d.id, d.kind, d.sha256).as_bytes());
    }
    for d in districts {
        // Unit separators keep field boundaries unambiguous.
        h.update(
            format!(
                "\u{1e}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                d.code, d.bps_code, d.name, d.kind, d.province_code, d.province_name
            )
            .as_bytes(),
        );
    }
    for (code, alias) in aliases {
        h.update(format!("\u{1d}{code}\u{1f}{alias}").as_bytes());
    }
    hex::encode(h.finalize())
}

/// The snake_case name a unit enum variant has on the wire (e.g. `top_k`, `certain_in`).
pub fn wire_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A district as the diff reads it from a stored ranking body.
#[derive(Debug, Clone, Deserialize)]
struct StoredDistrict {
    code: String,
    name: String,
    rank: usize,
    selected: bool,
    #[serde(default)]
    province_code: String,
    #[serde(default)]
    province_name: String,
}

/// What the diff reads of a stored coverage.
#[derive(Debug, Clone, Deserialize)]
struct StoredCoverage {
    stunted_children: f64,
    share: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct StoredBody {
    districts: Vec<StoredDistrict>,
    #[serde(default)]
    params: serde_json::Value,
    #[serde(default)]
    coverage: Option<StoredCoverage>,
}

/// One district's change between two rankings.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RankChange {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Rank in the first run (None if absent).
    pub rank_before: Option<usize>,
    /// Rank in the second run (None if absent).
    pub rank_after: Option<usize>,
    /// rank_before − rank_after (positive = moved up).
    pub change: Option<i64>,
    /// Selected in the first run.
    pub selected_before: bool,
    /// Selected in the second run.
    pub selected_after: bool,
}

/// One scenario parameter that differs between two rankings.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ParamChange {
    /// Dotted path of the parameter in the run's `params` (`k`, `weights.stunting`,
    /// `constraints.min_spbe`, `uncertainty.draws`, …).
    pub parameter: String,
    /// Its value in the first run (null when unset).
    pub before: serde_json::Value,
    /// Its value in the second run (null when unset).
    pub after: serde_json::Value,
}

/// Stunted children covered by each of two rankings.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CoverageChange {
    /// Estimated stunted children in the first run's selection (null without a population dataset).
    pub stunted_children_before: Option<f64>,
    /// The same for the second run.
    pub stunted_children_after: Option<f64>,
    /// Share of all joined districts' stunted children covered by the first run (0–1).
    pub share_before: Option<f64>,
    /// The same for the second run.
    pub share_after: Option<f64>,
}

/// Selected districts of one province in each of two rankings.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProvinceChange {
    /// Kemendagri province code.
    pub province_code: String,
    /// Province name.
    pub province_name: String,
    /// Districts of the province selected in the first run.
    pub selected_before: usize,
    /// Districts of the province selected in the second run.
    pub selected_after: usize,
    /// selected_after − selected_before.
    pub change: i64,
}

/// Differences between two stored rankings.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RankingDiff {
    /// Selected in the second but not the first.
    pub entered: Vec<RankChange>,
    /// Selected in the first but not the second.
    pub left: Vec<RankChange>,
    /// Every district whose rank changed, largest move first.
    pub rank_changes: Vec<RankChange>,
    /// Number selected in both.
    pub stayed: usize,
    /// The scenario parameters (years resolved) that differ, in path order.
    pub params_changed: Vec<ParamChange>,
    /// Stunted children covered before and after.
    pub coverage: CoverageChange,
    /// Every province with a selected district in either run: selected before and after,
    /// largest change first.
    pub provinces: Vec<ProvinceChange>,
}

/// The leaves of a JSON value as dotted paths; arrays are leaves (a list of codes is one
/// parameter).
fn leaves(
    prefix: &str,
    value: &serde_json::Value,
    out: &mut std::collections::BTreeMap<String, serde_json::Value>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                leaves(&path, v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

/// The parameters that differ between two stored `params` objects.
fn params_changed(before: &serde_json::Value, after: &serde_json::Value) -> Vec<ParamChange> {
    let (mut a, mut b) = (Default::default(), Default::default());
    leaves("", before, &mut a);
    leaves("", after, &mut b);
    let paths: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let null = serde_json::Value::Null;
    paths
        .into_iter()
        .filter_map(|path| {
            let (x, y) = (a.get(path).unwrap_or(&null), b.get(path).unwrap_or(&null));
            (x != y).then(|| ParamChange {
                parameter: path.clone(),
                before: x.clone(),
                after: y.clone(),
            })
        })
        .collect()
}

/// Selected districts per province in two rankings, largest change first.
fn province_changes(a: &[StoredDistrict], b: &[StoredDistrict]) -> Vec<ProvinceChange> {
    let mut by_code: std::collections::BTreeMap<&str, ProvinceChange> = Default::default();
    for (districts, first) in [(a, true), (b, false)] {
        for d in districts.iter().filter(|d| d.selected) {
            let entry = by_code
                .entry(d.province_code.as_str())
                .or_insert_with(|| ProvinceChange {
                    province_code: d.province_code.clone(),
                    province_name: d.province_name.clone(),
                    selected_before: 0,
                    selected_after: 0,
                    change: 0,
                });
            if first {
                entry.selected_before += 1;
            } else {
                entry.selected_after += 1;
            }
        }
    }
    let mut provinces: Vec<ProvinceChange> = by_code
        .into_values()
        .map(|mut p| {
            p.change = p.selected_after as i64 - p.selected_before as i64;
            p
        })
        .collect();
    provinces.sort_by(|x, y| {
        y.change
            .abs()
            .cmp(&x.change.abs())
            .then_with(|| x.province_code.cmp(&y.province_code))
    });
    provinces
}

/// Compares two stored ranking bodies (JSON as saved).
///
/// # Errors
/// `ModelError::Numerical` when a stored body cannot be read.
pub fn diff(before: &str, after: &str) -> Result<RankingDiff> {
    let parse = |s: &str| {
        serde_json::from_str::<StoredBody>(s)
            .map_err(|e| ModelError::Numerical(format!("stored ranking unreadable: {e}")))
    };
    let (a, b) = (parse(before)?, parse(after)?);
    let index_b: std::collections::HashMap<&str, &StoredDistrict> =
        b.districts.iter().map(|d| (d.code.as_str(), d)).collect();
    let index_a: std::collections::HashMap<&str, &StoredDistrict> =
        a.districts.iter().map(|d| (d.code.as_str(), d)).collect();
    let mut all: Vec<RankChange> = Vec::new();
    for d in &a.districts {
        let other = index_b.get(d.code.as_str());
        all.push(RankChange {
            code: d.code.clone(),
            name: d.name.clone(),
            rank_before: Some(d.rank),
            rank_after: other.map(|o| o.rank),
            change: other.map(|o| d.rank as i64 - o.rank as i64),
            selected_before: d.selected,
            selected_after: other.is_some_and(|o| o.selected),
        });
    }
    for d in b
        .districts
        .iter()
        .filter(|d| !index_a.contains_key(d.code.as_str()))
    {
        all.push(RankChange {
            code: d.code.clone(),
            name: d.name.clone(),
            rank_before: None,
            rank_after: Some(d.rank),
            change: None,
            selected_before: false,
            selected_after: d.selected,
        });
    }
    let entered = all
        .iter()
        .filter(|c| c.selected_after && !c.selected_before)
        .cloned()
        .collect();
    let left = all
        .iter()
        .filter(|c| c.selected_before && !c.selected_after)
        .cloned()
        .collect();
    let stayed = all
        .iter()
        .filter(|c| c.selected_before && c.selected_after)
        .count();
    let mut rank_changes: Vec<RankChange> = all
        .into_iter()
        .filter(|c| c.change.is_none_or(|x| x != 0))
        .collect();
    rank_changes.sort_by(|x, y| {
        y.change
            .map(i64::abs)
            .cmp(&x.change.map(i64::abs))
            .then_with(|| x.code.cmp(&y.code))
    });
    Ok(RankingDiff {
        entered,
        left,
        rank_changes,
        stayed,
        params_changed: params_changed(&a.params, &b.params),
        coverage: CoverageChange {
            stunted_children_before: a.coverage.as_ref().map(|c| c.stunted_children),
            stunted_children_after: b.coverage.as_ref().map(|c| c.stunted_children),
            share_before: a.coverage.as_ref().map(|c| c.share),
            share_after: b.coverage.as_ref().map(|c| c.share),
        },
        provinces: province_changes(&a.districts, &b.districts),
    })
}

#[cfg(test)]
mod explain_tests {
    use super::*;

    #[test]
    fn a_district_on_the_line_is_said_to_be_at_the_cut_off_not_zero_points_away() {
        let text = explain_text(true, Reason::TopK, 0.0001, Some(-0.01), 100);
        assert!(text.contains("at the cut-off"), "{text}");
        assert!(!text.contains("0.0 points"), "{text}");
        let text = explain_text(true, Reason::TopK, 0.02, Some(-1.25), 90);
        assert!(
            text.contains("-1.2 points alone would drop it below"),
            "{text}"
        );
    }

    #[test]
    fn a_forced_district_is_explained_as_a_committee_decision_with_its_data_rank() {
        let text = explain_text(true, Reason::Included, -0.3, None, 300);
        assert_eq!(
            text,
            "Selected by committee decision; on score alone it ranks 300 (margin to the cut-off -0.3000)."
        );
    }
}
