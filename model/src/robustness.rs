//! Robustness of a selection across reasonable modelling choices: the same k and constraints
//! ranked under a grid of methods, stunting weights, normalisations and SPBE directions, and
//! for every district the share of scenarios that select it (the uncertainty and sensitivity
//! analysis of composite-indicator practice, over the choices rather than the data).
//!
//! Each scenario is exactly the request `GET /api/v1/shortlist` builds from the same
//! parameters, ranked by the same code, so its selection and fingerprint are the shortlist's.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::JoinedData;
use crate::error::{ModelError, Result};
use crate::ranking::{Constraints, Method, Normalisation, SpbeDirection, Weights, rank};
use crate::scenario::{RankingRequest, fingerprint, ranked_inputs, restrict};
use crate::sentences as s;

/// Most stunting weights a grid may list.
pub const MAX_STUNTING_WEIGHTS: usize = 11;

/// Stunting weights of the default grid.
pub const DEFAULT_STUNTING_WEIGHTS: [f64; 4] = [0.5, 0.6, 0.7, 0.8];

/// The scenario on screen, to relate to the grid (it takes the grid's `k` and constraints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CurrentScenario {
    /// Method (default `composite`).
    pub method: Method,
    /// Weights (default 0.6 / 0.4); read by `composite` only.
    pub weights: Weights,
    /// Normalisation (default `min_max`).
    pub normalisation: Normalisation,
    /// SPBE direction (default `higher_is_priority`).
    pub spbe_direction: SpbeDirection,
}

impl Default for CurrentScenario {
    fn default() -> Self {
        let d = RankingRequest::default();
        CurrentScenario {
            method: d.method,
            weights: d.weights,
            normalisation: d.normalisation,
            spbe_direction: d.spbe_direction,
        }
    }
}

/// The grid of scenarios; every list is optional (the default grid's values when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RobustnessRequest {
    /// Methods (default `composite`, `need`, `residual`, and `burden` when a population
    /// dataset exists). In this and every list a repeated value counts once.
    #[schema(min_items = 1, max_items = 5)]
    pub methods: Option<Vec<Method>>,
    /// Stunting weights of the `composite` scenarios, each 0–1; SPBE gets 1 − it (default
    /// 0.5, 0.6, 0.7, 0.8). Other methods read no weights and are not multiplied by them.
    #[schema(min_items = 1, max_items = 11, value_type = Option<Vec<StuntingWeight>>)]
    pub stunting_weights: Option<Vec<f64>>,
    /// Normalisations (default all three).
    #[schema(min_items = 1, max_items = 3)]
    pub normalisations: Option<Vec<Normalisation>>,
    /// SPBE directions (default both).
    #[schema(min_items = 1, max_items = 2)]
    pub spbe_directions: Option<Vec<SpbeDirection>>,
    /// How many each scenario selects (default 100).
    #[schema(minimum = 1, maximum = 514)]
    pub k: usize,
    /// Constraints, the same in every scenario.
    pub constraints: Constraints,
    /// The scenario on screen; the answer's `current` then says how its selection relates.
    pub current: Option<CurrentScenario>,
    /// Stunting year; latest when `null` (as the shortlist's `stunting_year`).
    #[schema(minimum = 2000, maximum = 2100)]
    pub stunting_year: Option<i32>,
    /// SPBE year; latest when `null`.
    #[schema(minimum = 2000, maximum = 2100)]
    pub spbe_year: Option<i32>,
}

/// A stunting weight of the grid.
#[derive(utoipa::ToSchema)]
#[schema(minimum = 0, maximum = 1)]
pub struct StuntingWeight(pub f64);

impl Default for RobustnessRequest {
    fn default() -> Self {
        RobustnessRequest {
            methods: None,
            stunting_weights: None,
            normalisations: None,
            spbe_directions: None,
            k: RankingRequest::default().k,
            constraints: Constraints::default(),
            current: None,
            stunting_year: None,
            spbe_year: None,
        }
    }
}

fn check_list<T: PartialEq>(name: &str, list: Option<&Vec<T>>, max: usize) -> Result<()> {
    let Some(list) = list else { return Ok(()) };
    if list.is_empty() || list.len() > max {
        return Err(ModelError::invalid(
            "invalid_grid",
            s::LIST_LENGTH
                .with("field", name)
                .with("max", max)
                .with("count", list.len()),
        ));
    }
    Ok(())
}

/// The values of a list in order, each once (a repeated value would only weight it twice).
fn once<T: PartialEq + Clone>(list: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(list.len());
    for x in list {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

impl RobustnessRequest {
    /// Checks the grid's lists against their limits (before any data is read).
    ///
    /// # Errors
    /// `invalid_grid` naming the list and its limit; `invalid_weights` for a stunting weight
    /// outside 0–1.
    pub fn validate(&self) -> Result<()> {
        check_list("methods", self.methods.as_ref(), 5)?;
        check_list(
            "stunting_weights",
            self.stunting_weights.as_ref(),
            MAX_STUNTING_WEIGHTS,
        )?;
        check_list("normalisations", self.normalisations.as_ref(), 3)?;
        check_list("spbe_directions", self.spbe_directions.as_ref(), 2)?;
        if let Some(w) = self
            .stunting_weights
            .iter()
            .flatten()
            .find(|w| !(0.0..=1.0).contains(*w))
        {
            return Err(ModelError::invalid(
                "invalid_weights",
                s::EACH_BETWEEN
                    .with("field", "stunting_weights")
                    .with("min", 0)
                    .with("max", 1)
                    .with("value", *w),
            ));
        }
        Ok(())
    }

    /// A shortlist request with this grid's `k` and constraints.
    fn request(
        &self,
        method: Method,
        weights: Weights,
        normalisation: Normalisation,
        spbe_direction: SpbeDirection,
    ) -> RankingRequest {
        RankingRequest {
            method,
            weights,
            normalisation,
            spbe_direction,
            k: self.k,
            constraints: self.constraints.clone(),
            stunting_year: self.stunting_year,
            spbe_year: self.spbe_year,
            ..RankingRequest::default()
        }
    }

    /// The scenarios of the grid, in order: methods, then stunting weights (composite only),
    /// normalisations, directions. `population` says whether the default grid includes
    /// `burden`.
    pub fn scenarios(&self, population: bool) -> Vec<RankingRequest> {
        let methods = self.methods.as_deref().map(once).unwrap_or_else(|| {
            let mut m = vec![Method::Composite, Method::Need, Method::Residual];
            if population {
                m.push(Method::Burden);
            }
            m
        });
        let weights = self
            .stunting_weights
            .as_deref()
            .map(once)
            .unwrap_or_else(|| DEFAULT_STUNTING_WEIGHTS.to_vec());
        let normalisations = self.normalisations.as_deref().map(once).unwrap_or_else(|| {
            vec![
                Normalisation::MinMax,
                Normalisation::ZScore,
                Normalisation::Goalposts,
            ]
        });
        let directions = self
            .spbe_directions
            .as_deref()
            .map(once)
            .unwrap_or_else(|| {
                vec![
                    SpbeDirection::HigherIsPriority,
                    SpbeDirection::LowerIsPriority,
                ]
            });
        let mut out = Vec::new();
        for &method in &methods {
            let weight_set: Vec<Weights> = if method == Method::Composite {
                weights.iter().map(|&w| Weights::two(w, 1.0 - w)).collect()
            } else {
                vec![Weights::default()]
            };
            for &w in &weight_set {
                for &n in &normalisations {
                    for &d in &directions {
                        out.push(self.request(method, w, n, d));
                    }
                }
            }
        }
        out
    }

    /// The request whose join every scenario ranks.
    pub fn join_request(&self) -> RankingRequest {
        self.request(
            Method::Composite,
            Weights::default(),
            Normalisation::MinMax,
            SpbeDirection::HigherIsPriority,
        )
    }

    /// The request of the scenario on screen, if one was sent.
    pub fn current_request(&self) -> Option<RankingRequest> {
        self.current
            .as_ref()
            .map(|c| self.request(c.method, c.weights, c.normalisation, c.spbe_direction))
    }
}

/// How often a district is selected across the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RobustnessClass {
    /// Selected in every scenario.
    Core,
    /// Selected in at least 75 % of them (not all).
    Mostly,
    /// Selected in some (more than none, fewer than 75 %).
    Sometimes,
    /// Selected in none.
    Never,
}

impl RobustnessClass {
    /// The class of a district selected in `selected` of `scenarios` scenarios.
    pub fn of(selected: usize, scenarios: usize) -> RobustnessClass {
        if selected == scenarios {
            RobustnessClass::Core
        } else if 4 * selected >= 3 * scenarios {
            RobustnessClass::Mostly
        } else if selected > 0 {
            RobustnessClass::Sometimes
        } else {
            RobustnessClass::Never
        }
    }
}

/// One scenario of the grid, as the shortlist names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RobustnessScenario {
    /// Method.
    pub method: Method,
    /// Stunting weight (SPBE gets 1 − it); null for methods that read no weights (they use
    /// the defaults, as the shortlist does without weight parameters).
    pub stunting_weight: Option<f64>,
    /// Normalisation.
    pub normalisation: Normalisation,
    /// SPBE direction.
    pub spbe_direction: SpbeDirection,
    /// The fingerprint `GET /api/v1/shortlist` reports for it.
    pub fingerprint: String,
}

/// One district across the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RobustDistrict {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Share of scenarios selecting it (0–1).
    pub share: f64,
    /// Its best rank in any scenario (null when no scenario ranks it).
    pub best_rank: Option<usize>,
    /// Its worst rank in any scenario that ranks it.
    pub worst_rank: Option<usize>,
    /// Class by share.
    pub class: RobustnessClass,
}

/// Districts per class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClassCounts {
    /// Selected in every scenario.
    pub core: usize,
    /// In ≥ 75 %.
    pub mostly: usize,
    /// In > 0.
    pub sometimes: usize,
    /// In none.
    pub never: usize,
}

impl ClassCounts {
    fn add(&mut self, class: RobustnessClass) {
        match class {
            RobustnessClass::Core => self.core += 1,
            RobustnessClass::Mostly => self.mostly += 1,
            RobustnessClass::Sometimes => self.sometimes += 1,
            RobustnessClass::Never => self.never += 1,
        }
    }
}

/// How the scenario on screen relates to the grid: its selected districts per class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CurrentRelation {
    /// Its fingerprint (as the shortlist reports it).
    pub fingerprint: String,
    /// Its selected districts per class.
    pub counts: ClassCounts,
    /// Its selected districts selected in every scenario of the grid.
    pub core: Vec<String>,
    /// … in at least 75 %.
    pub mostly: Vec<String>,
    /// … in some.
    pub sometimes: Vec<String>,
    /// … in none (only this scenario picks them).
    pub never: Vec<String>,
}

/// The robustness of the selection across the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Robustness {
    /// The scenarios, in grid order.
    pub scenarios: Vec<RobustnessScenario>,
    /// Every joined district: share descending, then best rank, then code.
    pub districts: Vec<RobustDistrict>,
    /// Districts per class.
    pub counts: ClassCounts,
    /// The scenario on screen, when the request named one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<CurrentRelation>,
}

/// One scenario's point selection.
struct Selection {
    fingerprint: String,
    /// (code, rank, selected).
    entries: Vec<(String, usize, bool)>,
}

/// The point selection and fingerprint of a request, exactly as
/// [`crate::scenario::compute_from_join`] makes them, without the explanations and the
/// correlation model that a robustness grid does not read.
fn select(joined: &JoinedData, req: &RankingRequest) -> Result<Selection> {
    let restricted = restrict(joined, req)?;
    let joined = restricted.as_ref().unwrap_or(joined);
    let (params, candidates) = ranked_inputs(joined, req)?;
    let ranking = rank(&candidates, &params.scenario())?;
    Ok(Selection {
        fingerprint: fingerprint(
            &params,
            &joined.datasets,
            &joined.districts,
            &joined.aliases,
        ),
        entries: ranking
            .entries
            .into_iter()
            .map(|e| (e.code, e.rank, e.selected))
            .collect(),
    })
}

/// Ranks every scenario of the grid over one join (in parallel) and measures how often each
/// district is selected.
///
/// # Errors
/// As [`RobustnessRequest::validate`], and as the shortlist for any scenario the data refuse
/// (`invalid_k`, `unknown_code`, `infeasible_constraints`, `no_population_data`, …).
pub fn robustness(joined: &JoinedData, request: &RobustnessRequest) -> Result<Robustness> {
    request.validate()?;
    let grid = request.scenarios(joined.population.is_some());
    let current = request.current_request();
    let mut all: Vec<&RankingRequest> = grid.iter().collect();
    all.extend(current.iter());
    let mut selections = all
        .par_iter()
        .map(|req| select(joined, req))
        .collect::<Result<Vec<_>>>()?;
    let current_selection = current.as_ref().and_then(|_| selections.pop());
    let n = selections.len();
    let index: HashMap<&str, usize> = joined
        .districts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let mut tally = vec![(0usize, None::<usize>, None::<usize>); joined.districts.len()];
    for s in &selections {
        for (code, rank, selected) in &s.entries {
            let Some(&i) = index.get(code.as_str()) else {
                continue;
            };
            let t = &mut tally[i];
            t.0 += usize::from(*selected);
            t.1 = Some(t.1.map_or(*rank, |b| b.min(*rank)));
            t.2 = Some(t.2.map_or(*rank, |w| w.max(*rank)));
        }
    }
    let mut counts = ClassCounts::default();
    let mut districts: Vec<RobustDistrict> = joined
        .districts
        .iter()
        .zip(&tally)
        .map(|(d, &(selected, best, worst))| {
            let class = RobustnessClass::of(selected, n);
            counts.add(class);
            RobustDistrict {
                code: d.code.clone(),
                name: d.name.clone(),
                share: selected as f64 / n as f64,
                best_rank: best,
                worst_rank: worst,
                class,
            }
        })
        .collect();
    districts.sort_by(|a, b| {
        b.share
            .total_cmp(&a.share)
            .then_with(|| {
                a.best_rank
                    .unwrap_or(usize::MAX)
                    .cmp(&b.best_rank.unwrap_or(usize::MAX))
            })
            .then_with(|| a.code.cmp(&b.code))
    });
    let current = current_selection.map(|s| {
        let class: HashMap<&str, RobustnessClass> = districts
            .iter()
            .map(|d| (d.code.as_str(), d.class))
            .collect();
        let picked: HashSet<&str> = s
            .entries
            .iter()
            .filter(|e| e.2)
            .map(|e| e.0.as_str())
            .collect();
        let mut relation = CurrentRelation {
            fingerprint: s.fingerprint.clone(),
            counts: ClassCounts::default(),
            core: Vec::new(),
            mostly: Vec::new(),
            sometimes: Vec::new(),
            never: Vec::new(),
        };
        // In the order of the districts list: the most robust first.
        for d in districts
            .iter()
            .filter(|d| picked.contains(d.code.as_str()))
        {
            let c = class
                .get(d.code.as_str())
                .copied()
                .unwrap_or(RobustnessClass::Never);
            relation.counts.add(c);
            match c {
                RobustnessClass::Core => relation.core.push(d.code.clone()),
                RobustnessClass::Mostly => relation.mostly.push(d.code.clone()),
                RobustnessClass::Sometimes => relation.sometimes.push(d.code.clone()),
                RobustnessClass::Never => relation.never.push(d.code.clone()),
            }
        }
        relation
    });
    let scenarios = grid
        .iter()
        .zip(&selections)
        .map(|(r, s)| RobustnessScenario {
            method: r.method,
            stunting_weight: (r.method == Method::Composite).then_some(r.weights.stunting),
            normalisation: r.normalisation,
            spbe_direction: r.spbe_direction,
            fingerprint: s.fingerprint.clone(),
        })
        .collect();
    Ok(Robustness {
        scenarios,
        districts,
        counts,
        current,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_follow_the_share_of_scenarios() {
        assert_eq!(RobustnessClass::of(8, 8), RobustnessClass::Core);
        assert_eq!(RobustnessClass::of(6, 8), RobustnessClass::Mostly);
        assert_eq!(RobustnessClass::of(5, 8), RobustnessClass::Sometimes);
        assert_eq!(RobustnessClass::of(1, 8), RobustnessClass::Sometimes);
        assert_eq!(RobustnessClass::of(0, 8), RobustnessClass::Never);
    }

    #[test]
    fn the_default_grid_has_at_most_48_scenarios_and_weights_only_multiply_composite() {
        let request = RobustnessRequest::default();
        let with = request.scenarios(true);
        let without = request.scenarios(false);
        // composite 4 × 3 × 2, then need, residual (and burden) 3 × 2 each.
        assert_eq!(with.len(), 24 + 3 * 6);
        assert_eq!(without.len(), 24 + 2 * 6);
        assert!(with.len() <= 48);
        let composite = with.iter().filter(|r| r.method == Method::Composite);
        assert!(
            composite
                .clone()
                .all(|r| r.weights.spbe == 1.0 - r.weights.stunting)
        );
        assert_eq!(composite.count(), 24);
        assert!(
            with.iter()
                .filter(|r| r.method != Method::Composite)
                .all(|r| r.weights == Weights::default())
        );
    }

    #[test]
    fn lists_beyond_their_limit_or_empty_are_refused_naming_the_list_and_repeats_count_once() {
        let too_many = RobustnessRequest {
            stunting_weights: Some((0..12).map(|i| f64::from(i) / 12.0).collect()),
            ..Default::default()
        };
        let e = too_many.validate().unwrap_err().to_string();
        assert!(e.contains("stunting_weights") && e.contains("11"), "{e}");
        let twice = RobustnessRequest {
            methods: Some(vec![Method::Need, Method::Need]),
            normalisations: Some(vec![Normalisation::MinMax]),
            spbe_directions: Some(vec![SpbeDirection::LowerIsPriority]),
            ..Default::default()
        };
        assert!(twice.validate().is_ok());
        assert_eq!(twice.scenarios(true).len(), 1);
        let empty = RobustnessRequest {
            normalisations: Some(Vec::new()),
            ..Default::default()
        };
        assert!(empty.validate().is_err());
    }
}
