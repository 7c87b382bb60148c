//! Ranking districts under a stated method, selecting k under constraints, and measuring how
//! sure the selection is.

use serde::{Deserialize, Serialize};

use crate::error::Result;

mod explain;
mod normal;
mod prepare;
mod score;
mod select;
#[cfg(test)]
mod tests;
mod uncertainty;

/// One district as the ranking sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Kemendagri code.
    pub code: String,
    /// Kemendagri province code.
    pub province_code: String,
    /// Stunting prevalence, %.
    pub stunting: f64,
    /// Standard error of the prevalence, when known.
    pub stunting_se: Option<f64>,
    /// Indeks SPBE.
    pub spbe: f64,
    /// Children under five, when a population dataset covers the district; needed by
    /// `burden` (stunted children = stunting/100 × under-five population).
    #[serde(default)]
    pub under5: Option<f64>,
    /// Stunting of the previous survey year, %, when one exists; needed by `trend`
    /// (change = stunting − previous).
    #[serde(default)]
    pub previous: Option<f64>,
    /// Standard error of the previous value, when known.
    #[serde(default)]
    pub previous_se: Option<f64>,
}

/// How a score is computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// w_s·norm(stunting) + w_d·norm(spbe).
    #[default]
    Composite,
    /// Stunting alone.
    Need,
    /// Stunting minus the OLS prediction from SPBE.
    Residual,
    /// Estimated stunted children: stunting/100 × under-five population.
    Burden,
    /// Change of stunting since the previous survey year; the largest rise first.
    Trend,
}

/// How indicators are put on one scale for `composite`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    /// (x − min)/(max − min) over the joined districts.
    #[default]
    MinMax,
    /// (x − mean)/sd over the joined districts (population sd).
    ZScore,
    /// Fixed bounds, stunting 0–50 %, SPBE 1–5, values clamped.
    Goalposts,
}

/// Which SPBE direction counts as priority.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpbeDirection {
    /// Higher SPBE = more ready for a digital programme = more priority.
    #[default]
    HigherIsPriority,
    /// Lower SPBE = more need for digital help = more priority.
    LowerIsPriority,
}

/// Indicator weights of `composite`; non-negative, rescaled to sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Weights {
    /// Weight of stunting.
    #[schema(minimum = 0, maximum = 1000000)]
    pub stunting: f64,
    /// Weight of SPBE.
    #[schema(minimum = 0, maximum = 1000000)]
    pub spbe: f64,
    /// Weight of the burden (estimated stunted children); default 0. Needs a population dataset.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000000)]
    pub burden: f64,
    /// Weight of the change since the previous stunting year; default 0. Needs two years.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000000)]
    pub trend: f64,
}

impl Weights {
    /// Stunting and SPBE weights only.
    pub fn two(stunting: f64, spbe: f64) -> Weights {
        Weights {
            stunting,
            spbe,
            burden: 0.0,
            trend: 0.0,
        }
    }
}

impl Default for Weights {
    fn default() -> Self {
        Weights::two(0.6, 0.4)
    }
}

/// A Kemendagri district code, `NN.NN`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(pattern = r"^\d{2}\.\d{2}$", example = "32.04")]
pub struct KemendagriCode(pub String);

/// Selection constraints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Constraints {
    /// Only districts with SPBE ≥ this are eligible (e.g. 2.6 = at least "Baik").
    #[schema(minimum = 1, maximum = 5)]
    pub min_spbe: Option<f64>,
    /// At most this many selected per province (0 could never be satisfied).
    #[schema(minimum = 1, maximum = 514)]
    #[serde(deserialize_with = "crate::wire::optional_integer")]
    pub max_per_province: Option<usize>,
    /// At least this many selected per province (or all its eligible districts if fewer).
    #[schema(minimum = 0, maximum = 514)]
    #[serde(deserialize_with = "crate::wire::optional_integer")]
    pub min_per_province: Option<usize>,
    /// Districts forced in: bare codes, or `{"code", "reason"}` (a reason is needed to propose).
    #[schema(max_items = 514, value_type = Vec<ManualEntry>)]
    pub include: Vec<ManualDecision>,
    /// Districts forced out: bare codes, or `{"code", "reason"}` (a reason is needed to propose).
    #[schema(max_items = 514, value_type = Vec<ManualEntry>)]
    pub exclude: Vec<ManualDecision>,
}

/// A district forced in or out by hand, with the committee's reason when one was given.
///
/// On the wire it is a bare code (`"32.04"`) or `{"code": "32.04", "reason": "…"}`; one
/// without a reason is written back as the bare code, so scenarios saved before reasons
/// existed keep their fingerprints.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ManualDecision {
    /// Kemendagri code.
    pub code: String,
    /// Why the committee decided so (`None` or blank: no reason given).
    pub reason: Option<String>,
}

impl ManualDecision {
    /// The reason, when one was given and is not blank.
    pub fn stated_reason(&self) -> Option<&str> {
        self.reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
    }
}

impl From<&str> for ManualDecision {
    fn from(code: &str) -> Self {
        ManualDecision {
            code: code.to_string(),
            reason: None,
        }
    }
}

impl From<String> for ManualDecision {
    fn from(code: String) -> Self {
        ManualDecision { code, reason: None }
    }
}

impl Serialize for ManualDecision {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match &self.reason {
            None => s.serialize_str(&self.code),
            Some(reason) => {
                let mut st = s.serialize_struct("ManualDecision", 2)?;
                st.serialize_field("code", &self.code)?;
                st.serialize_field("reason", reason)?;
                st.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for ManualDecision {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = ManualDecision;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"a Kemendagri code or {"code": "NN.NN", "reason": "…"}"#)
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> std::result::Result<Self::Value, E> {
                Ok(v.into())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let (mut code, mut reason) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "code" => code = Some(map.next_value::<String>()?),
                        "reason" => reason = map.next_value::<Option<String>>()?,
                        other => {
                            return Err(serde::de::Error::unknown_field(
                                other,
                                &["code", "reason"],
                            ));
                        }
                    }
                }
                let code = code.ok_or_else(|| serde::de::Error::missing_field("code"))?;
                Ok(ManualDecision { code, reason })
            }
        }
        d.deserialize_any(Visit)
    }
}

/// One `include`/`exclude` entry as the document describes it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ManualEntry {
    /// A bare Kemendagri code.
    Code(KemendagriCode),
    /// A code with the committee's reason.
    Decision(ManualDecisionObject),
}

/// `{"code", "reason"}`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualDecisionObject {
    /// Kemendagri code.
    #[schema(pattern = r"^\d{2}\.\d{2}$", example = "32.04")]
    pub code: String,
    /// Why the committee forced it in or out (at most 1,000 characters).
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// On what grounds a district is in or out of the selection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelectionBasis {
    /// In or out on its score.
    #[default]
    Score,
    /// Forced in by the committee (`include`).
    ForcedIn,
    /// Forced out by the committee (`exclude`).
    ForcedOut,
    /// In to meet `min_per_province`.
    ProvinceFloor,
    /// Out because its province reached `max_per_province`.
    ProvinceCap,
    /// Out because its SPBE is below `min_spbe`.
    SpbeFloor,
}

impl SelectionBasis {
    /// The basis a reason code stands on.
    pub fn of(reason: Reason) -> SelectionBasis {
        match reason {
            Reason::TopK | Reason::BelowCutoff => SelectionBasis::Score,
            Reason::Included => SelectionBasis::ForcedIn,
            Reason::Excluded => SelectionBasis::ForcedOut,
            Reason::MinPerProvince => SelectionBasis::ProvinceFloor,
            Reason::ProvinceCap => SelectionBasis::ProvinceCap,
            Reason::BelowMinSpbe => SelectionBasis::SpbeFloor,
        }
    }

    /// True for a place the committee decided by hand.
    pub fn is_forced(self) -> bool {
        matches!(self, SelectionBasis::ForcedIn | SelectionBasis::ForcedOut)
    }
}

/// A complete ranking scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// Scoring method.
    pub method: Method,
    /// Weights for `composite`.
    pub weights: Weights,
    /// Normalisation for `composite`.
    pub normalisation: Normalisation,
    /// SPBE direction for `composite`.
    pub spbe_direction: SpbeDirection,
    /// Number to select.
    pub k: usize,
    /// Constraints.
    pub constraints: Constraints,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            method: Method::Composite,
            weights: Weights::default(),
            normalisation: Normalisation::MinMax,
            spbe_direction: SpbeDirection::HigherIsPriority,
            k: 100,
            constraints: Constraints::default(),
        }
    }
}

/// Why a district is in or out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// In on score.
    TopK,
    /// In because the scenario's `include` forced it.
    Included,
    /// In to meet `min_per_province`.
    MinPerProvince,
    /// Out because `exclude` forced it.
    Excluded,
    /// Out because SPBE < `min_spbe`.
    BelowMinSpbe,
    /// Out because its province reached `max_per_province`.
    ProvinceCap,
    /// Out on score.
    BelowCutoff,
}

/// Per-indicator parts of a score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contributions {
    /// Part from stunting.
    pub stunting: f64,
    /// Part from SPBE.
    pub spbe: f64,
    /// Part from the burden (stunted children).
    #[serde(default)]
    pub burden: f64,
    /// Part from the change since the previous year.
    #[serde(default)]
    pub trend: f64,
}

/// One district's place in a ranking, with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedEntry {
    /// Kemendagri code.
    pub code: String,
    /// 1-based position; selected districts come first, each group by score.
    pub rank: usize,
    /// 1-based position on score alone, before any constraint.
    pub data_rank: usize,
    /// Score; higher is more priority.
    pub score: f64,
    /// In the shortlist.
    pub selected: bool,
    /// Why in or out.
    pub reason: Reason,
    /// Parts of the score.
    pub contributions: Contributions,
    /// score − cut-off score.
    pub margin: f64,
    /// Change in stunting (% points) that alone would move the score across the cut-off, if any.
    pub stunting_change_to_cross: Option<f64>,
    /// Change in SPBE that alone would move the score across the cut-off, if any.
    pub spbe_change_to_cross: Option<f64>,
}

/// What one constraint changed relative to the unconstrained top k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConstraintEffect {
    /// `min_spbe`, `max_per_province`, `min_per_province`, `include` or `exclude`.
    pub constraint: String,
    /// Codes it brought in.
    pub brought_in: Vec<String>,
    /// Codes it pushed out.
    pub pushed_out: Vec<String>,
}

/// A computed ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// Every candidate in rank order.
    pub entries: Vec<RankedEntry>,
    /// Score of the lowest-scoring selected district.
    pub cutoff_score: f64,
    /// Weights after rescaling to sum 1.
    pub weights_used: Weights,
    /// Effects of each active constraint.
    pub constraint_effects: Vec<ConstraintEffect>,
}

/// Settings of the Monte Carlo rank uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UncertaintyParams {
    /// Number of draws (1 to 100,000; default 1,000).
    #[schema(minimum = 1, maximum = 100000)]
    #[serde(deserialize_with = "crate::wire::integer")]
    pub draws: usize,
    /// RNG seed (default 42), 0 to 2^53 − 1.
    #[schema(minimum = 0, maximum = 9007199254740991_u64)]
    #[serde(deserialize_with = "crate::wire::integer")]
    pub seed: u64,
    /// Standard error of every SPBE value (default 0.1), index points, 0–4.
    #[schema(minimum = 0, maximum = 4)]
    pub spbe_se: f64,
    /// Standard error used where a stunting value has none (default 2.0 % points), 0–50.
    #[schema(minimum = 0, maximum = 50)]
    pub default_stunting_se: f64,
    /// Dirichlet concentration around the nominal weights (default 100; larger = tighter).
    #[schema(exclusive_minimum = 0, maximum = 1000000)]
    pub weight_concentration: f64,
    /// Largest Monte Carlo standard error of any `p_selected` wanted (e.g. 0.005): `draws` is
    /// then the first batch, and more draws follow (same seed, so reproducibly) until every
    /// √(p(1−p)/draws) is at or below it, or 100,000 draws are reached. Unset (default): exactly
    /// `draws`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_se: Option<f64>,
}

impl Default for UncertaintyParams {
    fn default() -> Self {
        UncertaintyParams {
            draws: 1000,
            seed: 42,
            spbe_se: 0.1,
            default_stunting_se: 2.0,
            weight_concentration: 100.0,
            target_se: None,
        }
    }
}

/// How sure a district's selection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// p_selected ≥ 0.9.
    CertainIn,
    /// Between.
    Contested,
    /// p_selected ≤ 0.1.
    CertainOut,
}

/// The selection probabilities that bound the [`Band`]s, reported with every Monte Carlo run so
/// that a reader can state them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BandThresholds {
    /// `p_selected` at or above which a district is `certain_in`.
    pub certain_in_min: f64,
    /// `p_selected` at or below which a district is `certain_out`; between the two it is
    /// `contested`.
    pub certain_out_max: f64,
}

/// The thresholds every band is drawn with: selected in at least 90 % of draws, or in at most
/// 10 %.
pub const BAND_THRESHOLDS: BandThresholds = BandThresholds {
    certain_in_min: 0.9,
    certain_out_max: 0.1,
};

impl BandThresholds {
    /// The band of selection probability `p`.
    pub fn band(&self, p: f64) -> Band {
        if p >= self.certain_in_min {
            Band::CertainIn
        } else if p <= self.certain_out_max {
            Band::CertainOut
        } else {
            Band::Contested
        }
    }
}

/// Rank uncertainty of one district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankUncertainty {
    /// Kemendagri code.
    pub code: String,
    /// Share of draws in which it was selected.
    pub p_selected: f64,
    /// Median rank over draws.
    pub rank_median: f64,
    /// 5th percentile rank.
    pub rank_p05: f64,
    /// 95th percentile rank.
    pub rank_p95: f64,
    /// Band from p_selected.
    pub band: Band,
    /// True when its stunting standard error was missing and the default was used.
    pub se_defaulted: bool,
}

/// Ranks `candidates` under `scenario`, selects k and explains every district's place.
///
/// Rules, beyond what the types say:
/// - **Scores.** `min_max` uses the candidates' own minimum and maximum; an indicator whose values
///   are all equal normalises to 0 for every district (also under `z_score`, sd 0), so it adds
///   nothing to any score. Under `lower_is_priority` SPBE enters as 1 − norm (`min_max`,
///   `goalposts`) or −z (`z_score`). `need` ignores the weights (they are still validated) and
///   reports `weights_used` = (1, 0); so does `residual`, whose SPBE adjustment is a fitted line,
///   not a weight. Residual contributions are centred: (stunting − mean stunting,
///   −b·(SPBE − mean SPBE)).
/// - **Order.** Score descending, then stunting descending, then Kemendagri code ascending
///   (byte-wise string order, which is numeric order for the fixed-width codes).
/// - **Selection.** Forced includes; then each province's best eligible districts up to
///   `min_per_province`; then the rest by order, skipping provinces at `max_per_province`.
///   Eligible = not excluded and SPBE ≥ `min_spbe`.
/// - **Reasons.** `min_per_province` = taken by the minimum step *and* not selected when that
///   constraint is dropped; `province_cap` = reached in score order while slots were still open but
///   its province was full; `excluded` and `below_min_spbe` take precedence over the others.
/// - **Constraint effects.** Starting from the unconstrained top k, the active constraints (those
///   set: `min_spbe` given, `exclude`/`include` non-empty, `max_per_province`/`min_per_province`
///   given) are switched on cumulatively in the order `min_spbe`, `exclude`, `include`,
///   `max_per_province`, `min_per_province`; each reports the codes that entered (`brought_in`)
///   and left (`pushed_out`) the selection when it was switched on, in priority order.
/// - **Explanations.** `cutoff_score` is the midpoint between the lowest score among districts
///   in on score (`top_k`) and the best score among districts out on score (`below_cutoff`),
///   so no forced district's score ever sets it (either alone when the other group is empty; the
///   lowest selected score when both are); `margin` = score − cutoff.
///   The changes to cross hold the fitted scale (min/max, mean/sd, goalposts, OLS line) and the
///   other indicator fixed, and move the score exactly onto a threshold: for a district out on
///   score (`below_cutoff`), the lowest score among districts in on score (`top_k`), which is the
///   cut-off unless a forced-in district scores lower; for a district in on score, the best score
///   among districts out on score (a tiny step further crosses). They are `None` for districts
///   whose status the score does not decide (included, minimum, excluded, below min SPBE, province
///   cap), when the indicator's weight is 0 or it does not vary, when no such threshold district
///   exists, and when the new value would leave stunting 0–100 %, SPBE 1–5, or a goalpost's
///   clamped range. For `need` the SPBE change is always `None`.
///
/// # Errors
/// `ModelError::Invalid` for bad parameters (`invalid_k`, `invalid_weights`, `invalid_value`,
/// `duplicate_code`, `invalid_min_spbe`, `unknown_code`, `insufficient_data`),
/// `ModelError::Infeasible` for conflicting constraints, with a message naming the conflict.
pub fn rank(candidates: &[Candidate], scenario: &Scenario) -> Result<Ranking> {
    explain::rank(candidates, scenario)
}

/// Monte Carlo rank uncertainty, one entry per candidate in input order.
///
/// Each draw redraws every stunting value from a normal with its standard error (or
/// `default_stunting_se`) truncated to 0–100 % by redrawing, every SPBE value from a normal with
/// `spbe_se` clamped to 1–5, and, for `composite` with both weights positive, the stunting weight
/// from Beta(c·w_s, c·w_d) — the two-weight Dirichlet — with c = `weight_concentration`; then
/// it refits the scale and re-runs the whole selection with every constraint. Eligibility
/// (`min_spbe`, `exclude`) follows the published SPBE values, not the drawn ones, because it is an
/// administrative rule on the published index; hence a feasible scenario is feasible in every
/// draw and every draw selects exactly k, so the `p_selected` sum to k.
///
/// Percentiles of rank use linear interpolation between order statistics (Hyndman & Fan type 7,
/// the R and NumPy default): with N draws and h = (N − 1)·p, Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ −
/// x₍⌊h⌋₎) over the sorted ranks x₍₀₎ ≤ … ≤ x₍N−1₎; so the median of an even number of draws is the
/// mean of the middle two. Draw d uses a Xoshiro256++ generator seeded from (seed, d) alone, so
/// the output is the same for the same seed whatever the number of threads, and does not depend
/// on the order of the input rows (districts are processed in code order).
///
/// Memory: up to 2,048 districts (and no more than `draws`) the ranks are tallied in one
/// n × n histogram per worker; otherwise every draw's ranks are kept, packed in 2 or 3 bytes, and
/// that table is limited to 1 GiB (84,000 districts: at most 4,260 draws).
///
/// # Errors
/// As [`rank`], plus `ModelError::Invalid` for bad uncertainty parameters (`invalid_draws`,
/// also when the rank table would exceed 1 GiB, `invalid_spbe_se`, `invalid_default_stunting_se`,
/// `invalid_weight_concentration`, `invalid_stunting_se`).
pub fn simulate(
    candidates: &[Candidate],
    scenario: &Scenario,
    params: &UncertaintyParams,
) -> Result<Vec<RankUncertainty>> {
    uncertainty::simulate(candidates, scenario, params, None).map(|(u, _)| u)
}

/// [`simulate`], plus each draw's coverage and projection ([`crate::impact`]) computed from
/// the drawn prevalences over the districts that draw selected, in draw order. Districts
/// without an under-five population count in neither.
///
/// # Errors
/// As [`simulate`].
pub fn simulate_with_outcomes(
    candidates: &[Candidate],
    scenario: &Scenario,
    params: &UncertaintyParams,
    projection: &crate::impact::ProjectionParams,
) -> Result<(Vec<RankUncertainty>, Vec<crate::impact::Outcome>)> {
    uncertainty::simulate(candidates, scenario, params, Some(projection))
}
