//! Validation of a scenario against its candidates, and compilation into the index form that
//! scoring and selection work on.

use std::collections::{BTreeMap, HashMap};

use super::score::{Columns, ScoreSpec, Scorer};
use super::select::{Constraint, Plan};
use super::{Candidate, Method, Scenario, Weights};
use crate::error::{ModelError, Result};
use crate::sentences as s;

/// Candidates in canonical order (Kemendagri code ascending) with the compiled scenario.
///
/// Working in code order makes every sum (z-score, OLS) and every random draw independent of
/// the order in which rows were given, and turns the last tie-break into an index comparison.
#[derive(Debug)]
pub(super) struct Prepared<'a> {
    /// Codes, ascending.
    pub codes: Vec<&'a str>,
    /// Position in the input of each district.
    pub input_index: Vec<usize>,
    /// Stunting, %.
    pub stunting: Vec<f64>,
    /// Indeks SPBE.
    pub spbe: Vec<f64>,
    /// Children under five (0 where unknown; only read when the scenario needs them).
    pub under5: Vec<f64>,
    /// Previous stunting, % (0 where unknown; only read when the scenario needs it).
    pub previous: Vec<f64>,
    /// Standard error of the previous stunting value, when known.
    pub previous_se: Vec<Option<f64>>,
    /// Whether scores read the previous year (method `trend` or a trend weight).
    pub uses_previous: bool,
    /// Scoring method and scale.
    pub spec: ScoreSpec,
    /// Weights rescaled to sum 1.
    pub weights: Weights,
    /// Compiled constraints.
    pub plan: Plan,
    /// Constraints that are set, in reporting order.
    pub active: Vec<Constraint>,
    /// The score fitted to the nominal data.
    pub scorer: Scorer,
}

impl Prepared<'_> {
    /// The nominal values as scoring reads them.
    pub fn columns(&self) -> Columns<'_> {
        Columns {
            s: &self.stunting,
            d: &self.spbe,
            n: &self.under5,
            prev: &self.previous,
        }
    }

    /// Number of districts.
    pub fn len(&self) -> usize {
        self.codes.len()
    }
}

/// Validates `scenario` against `candidates` and compiles it.
///
/// Checks, in this order: k, weights, values, duplicate codes, `min_spbe`, unknown codes in
/// `include`/`exclude`, the data `residual` needs, then feasibility of the constraints.
pub(super) fn prepare<'a>(
    candidates: &'a [Candidate],
    scenario: &Scenario,
) -> Result<Prepared<'a>> {
    let n = candidates.len();
    let k = scenario.k;
    if k < 1 || k > n {
        return Err(ModelError::invalid(
            "invalid_k",
            s::RANGE_COUNTED
                .with("field", "k")
                .with("min", 1)
                .with("max", n)
                .with("counted", &s::THE_CANDIDATES)
                .with("value", k),
        ));
    }
    let weights = rescale(scenario.weights)?;
    for c in candidates {
        if !c.stunting.is_finite() {
            return Err(ModelError::invalid(
                "invalid_value",
                s::NOT_FINITE
                    .with("field", "stunting")
                    .with("code", c.code.as_str())
                    .with("value", c.stunting),
            ));
        }
        if !c.spbe.is_finite() {
            return Err(ModelError::invalid(
                "invalid_value",
                s::NOT_FINITE
                    .with("field", "spbe")
                    .with("code", c.code.as_str())
                    .with("value", c.spbe),
            ));
        }
    }

    let mut by_code: Vec<usize> = (0..n).collect();
    by_code.sort_unstable_by(|&a, &b| candidates[a].code.cmp(&candidates[b].code));
    if let Some(w) = by_code
        .windows(2)
        .find(|w| candidates[w[0]].code == candidates[w[1]].code)
    {
        return Err(ModelError::invalid(
            "duplicate_code",
            s::DUPLICATE_CANDIDATE.with("code", candidates[w[0]].code.as_str()),
        ));
    }
    let codes: Vec<&str> = by_code
        .iter()
        .map(|&j| candidates[j].code.as_str())
        .collect();
    // + 0.0 removes −0, which `total_cmp` in the tie-break would rank below +0.
    let stunting: Vec<f64> = by_code
        .iter()
        .map(|&j| candidates[j].stunting + 0.0)
        .collect();
    let spbe: Vec<f64> = by_code.iter().map(|&j| candidates[j].spbe + 0.0).collect();
    let composite = scenario.method == Method::Composite;
    let uses_population = scenario.method == Method::Burden || (composite && weights.burden > 0.0);
    let uses_previous = scenario.method == Method::Trend || (composite && weights.trend > 0.0);
    if uses_population
        && let Some(c) = candidates
            .iter()
            .find(|c| !c.under5.is_some_and(|n| n.is_finite() && n >= 0.0))
    {
        return Err(ModelError::invalid(
            "missing_population",
            s::MISSING_POPULATION.with("code", c.code.as_str()),
        ));
    }
    if uses_previous
        && let Some(c) = candidates
            .iter()
            .find(|c| !c.previous.is_some_and(f64::is_finite))
    {
        return Err(ModelError::invalid(
            "missing_previous_year",
            s::MISSING_PREVIOUS_YEAR.with("code", c.code.as_str()),
        ));
    }
    let under5: Vec<f64> = by_code
        .iter()
        .map(|&j| candidates[j].under5.unwrap_or(0.0))
        .collect();
    let previous: Vec<f64> = by_code
        .iter()
        .map(|&j| candidates[j].previous.unwrap_or(0.0))
        .collect();
    let previous_se: Vec<Option<f64>> =
        by_code.iter().map(|&j| candidates[j].previous_se).collect();

    let cons = &scenario.constraints;
    if let Some(m) = cons.min_spbe
        && !(1.0..=5.0).contains(&m)
    {
        return Err(ModelError::invalid(
            "invalid_min_spbe",
            s::MIN_SPBE_RANGE.with("value", m),
        ));
    }
    // Counts beyond the number of districts mean nothing and would not survive the u32 indices.
    for (name, value) in [
        ("max_per_province", cons.max_per_province),
        ("min_per_province", cons.min_per_province),
    ] {
        if let Some(v) = value
            && v > n
        {
            return Err(ModelError::invalid(
                if name == "max_per_province" {
                    "invalid_max_per_province"
                } else {
                    "invalid_min_per_province"
                },
                s::RANGE_COUNTED
                    .with("field", format!("constraints.{name}"))
                    .with("min", 0)
                    .with("max", n)
                    .with("counted", &s::THE_CANDIDATES)
                    .with("value", v),
            ));
        }
    }
    for (name, codes) in [("include", &cons.include), ("exclude", &cons.exclude)] {
        if codes.len() > n {
            return Err(ModelError::invalid(
                "invalid_constraints",
                s::TOO_MANY_CODES
                    .with("field", format!("constraints.{name}"))
                    .with("count", codes.len())
                    .with("max", n),
            ));
        }
    }
    let index: HashMap<&str, u32> = codes
        .iter()
        .enumerate()
        .map(|(i, &c)| (c, i as u32))
        .collect();
    let lookup = |list: &[super::ManualDecision], field: &str| -> Result<Vec<u32>> {
        let mut out = Vec::with_capacity(list.len());
        for decision in list {
            let code = &decision.code;
            match index.get(code.as_str()) {
                Some(&i) => out.push(i),
                None => {
                    return Err(ModelError::invalid(
                        "unknown_code",
                        s::NOT_A_CANDIDATE
                            .with("field", format!("constraints.{field}"))
                            .with("code", code.as_str()),
                    ));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    };
    let include = lookup(&cons.include, "include")?;
    let exclude = lookup(&cons.exclude, "exclude")?;

    let spec = ScoreSpec {
        method: scenario.method,
        normalisation: scenario.normalisation,
        direction: scenario.spbe_direction,
    };
    if spec.method == Method::Residual && n < 3 {
        return Err(ModelError::invalid(
            "insufficient_data",
            s::RESIDUAL_TOO_FEW.with("count", n),
        ));
    }
    let columns = Columns {
        s: &stunting,
        d: &spbe,
        n: &under5,
        prev: &previous,
    };
    let scorer = Scorer::fit(spec, weights, columns)
        .ok_or_else(|| ModelError::invalid("insufficient_data", &s::RESIDUAL_CONSTANT_SPBE))?;

    let mut provinces: BTreeMap<&str, u32> = BTreeMap::new();
    for &j in &by_code {
        let next = provinces.len() as u32;
        provinces
            .entry(candidates[j].province_code.as_str())
            .or_insert(next);
    }
    let province: Vec<u32> = by_code
        .iter()
        .map(|&j| provinces[candidates[j].province_code.as_str()])
        .collect();
    let province_names: Vec<&str> = {
        let mut v = vec![""; provinces.len()];
        for (&name, &p) in &provinces {
            v[p as usize] = name;
        }
        v
    };
    let mut excluded = vec![false; n];
    for &i in &exclude {
        excluded[i as usize] = true;
    }
    let below_min_spbe: Vec<bool> = match cons.min_spbe {
        Some(m) => spbe.iter().map(|&d| d < m).collect(),
        None => vec![false; n],
    };
    let plan = Plan {
        k,
        province,
        n_provinces: provinces.len(),
        include,
        excluded,
        below_min_spbe,
        max_per_province: cons.max_per_province,
        min_per_province: cons.min_per_province,
        unconstrained: cons.min_spbe.is_none()
            && cons.max_per_province.is_none()
            && cons.min_per_province.is_none()
            && cons.include.is_empty()
            && cons.exclude.is_empty(),
    };
    check_feasible(&plan, &codes, &spbe, cons.min_spbe, &province_names)?;

    let mut active = Vec::new();
    for c in Constraint::ORDER {
        let set = match c {
            Constraint::MinSpbe => cons.min_spbe.is_some(),
            Constraint::Exclude => !cons.exclude.is_empty(),
            Constraint::Include => !cons.include.is_empty(),
            Constraint::MaxPerProvince => cons.max_per_province.is_some(),
            Constraint::MinPerProvince => cons.min_per_province.is_some(),
        };
        if set {
            active.push(c);
        }
    }

    Ok(Prepared {
        codes,
        input_index: by_code,
        stunting,
        spbe,
        under5,
        previous,
        previous_se,
        uses_previous,
        spec,
        weights,
        plan,
        active,
        scorer,
    })
}

/// Checks weights and rescales them to sum 1.
pub(super) fn rescale(w: Weights) -> Result<Weights> {
    let all = [w.stunting, w.spbe, w.burden, w.trend];
    if !all.iter().all(|x| x.is_finite() && *x >= 0.0) {
        return Err(ModelError::invalid(
            "invalid_weights",
            s::WEIGHTS_NOT_FINITE
                .with("stunting", w.stunting)
                .with("spbe", w.spbe)
                .with("burden", w.burden)
                .with("trend", w.trend),
        ));
    }
    // Summed in this order so that two-indicator weights rescale exactly as they always have.
    let total = w.stunting + w.spbe + w.burden + w.trend;
    if !total.is_finite() {
        return Err(ModelError::invalid(
            "invalid_weights",
            s::WEIGHT_SUM_NOT_FINITE
                .with("stunting", w.stunting)
                .with("spbe", w.spbe)
                .with("burden", w.burden)
                .with("trend", w.trend),
        ));
    }
    if total <= 0.0 {
        return Err(ModelError::invalid("invalid_weights", &s::ALL_WEIGHTS_ZERO));
    }
    Ok(Weights {
        stunting: w.stunting / total,
        spbe: w.spbe / total,
        burden: w.burden / total,
        trend: w.trend / total,
    })
}

/// Rejects constraints that no selection can satisfy, naming the conflict.
///
/// Because feasibility depends only on the published data (never on scores), a scenario that
/// passes here is feasible in every Monte Carlo draw as well.
fn check_feasible(
    plan: &Plan,
    codes: &[&str],
    spbe: &[f64],
    min_spbe: Option<f64>,
    provinces: &[&str],
) -> Result<()> {
    let k = plan.k;
    for &i in &plan.include {
        let i = i as usize;
        if plan.excluded[i] {
            return Err(ModelError::Infeasible(
                s::INCLUDED_AND_EXCLUDED.with("code", codes[i]),
            ));
        }
        if plan.below_min_spbe[i] {
            return Err(ModelError::Infeasible(
                s::INCLUDED_BELOW_MIN_SPBE
                    .with("code", codes[i])
                    .with("spbe", spbe[i])
                    .with("min_spbe", min_spbe.unwrap_or(f64::NAN)),
            ));
        }
    }
    if plan.include.len() > k {
        return Err(ModelError::Infeasible(
            s::INCLUDE_ABOVE_K
                .with("count", plan.include.len())
                .with("k", k),
        ));
    }
    let mut included = vec![0usize; plan.n_provinces];
    for &i in &plan.include {
        included[plan.province[i as usize] as usize] += 1;
    }
    let mut eligible = vec![0usize; plan.n_provinces];
    for i in 0..codes.len() {
        if !plan.excluded[i] && !plan.below_min_spbe[i] {
            eligible[plan.province[i] as usize] += 1;
        }
    }
    if let Some(max) = plan.max_per_province {
        if let Some(p) = (0..plan.n_provinces).find(|&p| included[p] > max) {
            return Err(ModelError::Infeasible(
                s::INCLUDE_ABOVE_MAX_PER_PROVINCE
                    .with("count", included[p])
                    .with("province", provinces[p])
                    .with("max", max),
            ));
        }
        if let Some(min) = plan.min_per_province
            && min > max
        {
            return Err(ModelError::Infeasible(
                s::MIN_ABOVE_MAX_PER_PROVINCE
                    .with("min", min)
                    .with("max", max),
            ));
        }
    }
    if let Some(min) = plan.min_per_province {
        // Per province: its includes, or the minimum, or all its eligible districts if fewer.
        let needed: usize = (0..plan.n_provinces)
            .map(|p| included[p].max(min.min(eligible[p])))
            .sum();
        if needed > k {
            return Err(ModelError::Infeasible(
                s::MIN_PER_PROVINCE_ABOVE_K
                    .with("min", min)
                    .with("needed", needed)
                    .with("provinces", plan.n_provinces)
                    .with("k", k),
            ));
        }
    }
    let cap = plan.max_per_province.unwrap_or(usize::MAX);
    let available: usize = eligible.iter().map(|&e| e.min(cap)).sum();
    if available < k {
        return Err(ModelError::Infeasible(
            s::TOO_FEW_ELIGIBLE
                .with("available", available)
                .with("k", k),
        ));
    }
    Ok(())
}
