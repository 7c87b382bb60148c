//! What a list buys: stunted children covered and the projected national prevalence against
//! the target, from prevalence p (%) and under-five population N per district.
//!
//! Over the districts with both values:
//! - now = Σ p·N / Σ N (population-weighted national prevalence);
//! - after = the same with p replaced by the reduced prevalence in selected districts:
//!   max(p − effect_points, 0), or p·(1 − effect_relative);
//! - children_averted = Σ over selected of (p − reduced p)/100 · N;
//! - gap_closed_share = (now − after) / (now − target), defined while now > target;
//! - coverage share = Σ over selected of p/100·N / Σ over all of p/100·N.

use serde::{Deserialize, Serialize};

use crate::error::{ModelError, Result};
use crate::sentences as s;

/// WHO/UNICEF prevalence band of stunting among children under five (de Onis et al., Public
/// Health Nutrition 2019, Table 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StuntingBand {
    /// Below 2.5 %.
    VeryLow,
    /// 2.5 % to below 10 %.
    Low,
    /// 10 % to below 20 %.
    Medium,
    /// 20 % to below 30 %.
    High,
    /// 30 % and above.
    VeryHigh,
}

impl StuntingBand {
    /// Every band, lowest first.
    pub const ALL: [StuntingBand; 5] = [
        StuntingBand::VeryLow,
        StuntingBand::Low,
        StuntingBand::Medium,
        StuntingBand::High,
        StuntingBand::VeryHigh,
    ];

    /// The band of a prevalence, %.
    pub fn of(prevalence: f64) -> StuntingBand {
        match prevalence {
            p if p < 2.5 => StuntingBand::VeryLow,
            p if p < 10.0 => StuntingBand::Low,
            p if p < 20.0 => StuntingBand::Medium,
            p if p < 30.0 => StuntingBand::High,
            _ => StuntingBand::VeryHigh,
        }
    }
}

/// The national target of the programme, % (RPJMN 2020–2024: 14 % by 2024).
pub const NATIONAL_TARGET: f64 = 14.0;

/// The assumed programme effect and the target it is read against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectionParams {
    /// Percentage points lower in each selected district (default 2.0; never below 0 %), 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub effect_points: f64,
    /// Relative reduction in each selected district (e.g. 0.10 = 10 % lower); replaces
    /// `effect_points` when set; 0–1.
    #[schema(minimum = 0, maximum = 1)]
    pub effect_relative: Option<f64>,
    /// Target national prevalence, % (default 14.0), 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub target: f64,
}

impl Default for ProjectionParams {
    fn default() -> Self {
        ProjectionParams {
            effect_points: 2.0,
            effect_relative: None,
            target: NATIONAL_TARGET,
        }
    }
}

impl ProjectionParams {
    /// Checks the ranges: effect 0–100 points or 0–1 relative, target 0–100 %.
    ///
    /// # Errors
    /// `ModelError::Invalid` naming the parameter and its range.
    pub fn validate(&self) -> Result<()> {
        if !(0.0..=100.0).contains(&self.effect_points) {
            return Err(ModelError::invalid(
                "invalid_effect",
                s::EFFECT_POINTS_RANGE.with("value", self.effect_points),
            ));
        }
        if let Some(r) = self.effect_relative
            && !(0.0..=1.0).contains(&r)
        {
            return Err(ModelError::invalid(
                "invalid_effect",
                s::RANGE
                    .with("field", "effect_relative")
                    .with("min", 0)
                    .with("max", 1)
                    .with("value", r),
            ));
        }
        if !(0.0..=100.0).contains(&self.target) {
            return Err(ModelError::invalid(
                "invalid_target",
                s::TARGET_RANGE.with("value", self.target),
            ));
        }
        Ok(())
    }

    /// Prevalence of a selected district after the programme, %.
    #[inline]
    pub fn reduced(&self, p: f64) -> f64 {
        match self.effect_relative {
            Some(r) => p * (1.0 - r),
            None => (p - self.effect_points).max(0.0),
        }
    }
}

/// Running sums over districts with a known population.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    population: f64,
    prevalence_now: f64,
    prevalence_after: f64,
    children: f64,
    children_selected: f64,
    averted: f64,
}

impl Tally {
    /// Adds one district: prevalence `p` %, under-five population `n`, selected or not.
    #[inline]
    pub fn add(&mut self, p: f64, n: f64, selected: bool, params: &ProjectionParams) {
        let children = p / 100.0 * n;
        let after = if selected { params.reduced(p) } else { p };
        self.population += n;
        self.prevalence_now += p * n;
        self.prevalence_after += after * n;
        self.children += children;
        if selected {
            self.children_selected += children;
            self.averted += (p - after) / 100.0 * n;
        }
    }

    /// The figures these sums give; `None` without any population.
    pub fn outcome(&self, params: &ProjectionParams) -> Option<Outcome> {
        if self.population <= 0.0 {
            return None;
        }
        let now = self.prevalence_now / self.population;
        let after = self.prevalence_after / self.population;
        Some(Outcome {
            stunted_children: self.children_selected,
            share: if self.children > 0.0 {
                self.children_selected / self.children
            } else {
                0.0
            },
            national_prevalence_now: now,
            national_prevalence_after: after,
            gap_closed_share: (now > params.target).then(|| (now - after) / (now - params.target)),
            children_averted: self.averted,
        })
    }
}

/// The figures of one selection (nominal, or one Monte Carlo draw).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Estimated stunted children in the selected districts.
    pub stunted_children: f64,
    /// Their share of all estimated stunted children in the joined districts.
    pub share: f64,
    /// Population-weighted prevalence now, %.
    pub national_prevalence_now: f64,
    /// The same after the assumed effect in the selected districts, %.
    pub national_prevalence_after: f64,
    /// Share of the distance from now to the target that the effect closes (None when the
    /// prevalence is already at or below the target).
    pub gap_closed_share: Option<f64>,
    /// Stunted children fewer after the effect.
    pub children_averted: f64,
}

/// Stunted children covered by a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Coverage {
    /// Estimated stunted children in the selected districts.
    pub stunted_children: f64,
    /// Share of the estimated stunted children of all joined districts with a population (0–1).
    pub share: f64,
    /// 5th percentile of the share over the Monte Carlo draws (uncertainty on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_p05: Option<f64>,
    /// 95th percentile of the share over the Monte Carlo draws (uncertainty on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_p95: Option<f64>,
    /// Id of the population dataset used.
    pub population_dataset_id: i32,
    /// Joined districts without a population value (left out of these sums).
    pub districts_without_population: usize,
}

/// Progress toward the target under an assumed effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Projection {
    /// Population-weighted prevalence over the joined districts now, %.
    pub national_prevalence_now: f64,
    /// The same after the effect in the selected districts, %.
    pub national_prevalence_after: f64,
    /// Target, %.
    pub target: f64,
    /// (now − after) / (now − target); null when now is at or below the target.
    pub gap_closed_share: Option<f64>,
    /// Stunted children fewer after the effect.
    pub children_averted: f64,
    /// Effect assumed, % points (null when a relative effect was used).
    pub effect_points: Option<f64>,
    /// Relative effect assumed (null when points were used).
    pub effect_relative: Option<f64>,
    /// Monte Carlo 5th/95th percentiles (uncertainty on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_prevalence_now_p05: Option<f64>,
    /// See `national_prevalence_now_p05`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_prevalence_now_p95: Option<f64>,
    /// See `national_prevalence_now_p05`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_prevalence_after_p05: Option<f64>,
    /// See `national_prevalence_now_p05`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_prevalence_after_p95: Option<f64>,
    /// See `national_prevalence_now_p05`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_closed_share_p05: Option<f64>,
    /// See `national_prevalence_now_p05`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_closed_share_p95: Option<f64>,
    /// See `national_prevalence_now_p05`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children_averted_p05: Option<f64>,
    /// See `national_prevalence_now_p05`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children_averted_p95: Option<f64>,
}

/// 5th and 95th percentiles (type 7) of the per-draw outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OutcomeBands {
    /// Coverage share.
    pub share: (f64, f64),
    /// Prevalence now.
    pub now: (f64, f64),
    /// Prevalence after.
    pub after: (f64, f64),
    /// Gap closed (None when any draw is at or below the target).
    pub gap_closed: Option<(f64, f64)>,
    /// Children averted.
    pub averted: (f64, f64),
}

impl OutcomeBands {
    /// Bands of the given per-draw outcomes; `None` for no draws.
    pub fn of(draws: &[Outcome]) -> Option<OutcomeBands> {
        if draws.is_empty() {
            return None;
        }
        let band = |f: &dyn Fn(&Outcome) -> f64| {
            let mut v: Vec<f64> = draws.iter().map(f).collect();
            v.sort_unstable_by(f64::total_cmp);
            (percentile(&v, 0.05), percentile(&v, 0.95))
        };
        let gap: Option<Vec<f64>> = draws.iter().map(|o| o.gap_closed_share).collect();
        Some(OutcomeBands {
            share: band(&|o| o.share),
            now: band(&|o| o.national_prevalence_now),
            after: band(&|o| o.national_prevalence_after),
            gap_closed: gap.map(|mut v| {
                v.sort_unstable_by(f64::total_cmp);
                (percentile(&v, 0.05), percentile(&v, 0.95))
            }),
            averted: band(&|o| o.children_averted),
        })
    }
}

/// Type-7 percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let j = h.floor() as usize;
    let next = sorted[(j + 1).min(sorted.len() - 1)];
    sorted[j] + (h - j as f64) * (next - sorted[j])
}

/// The coverage and projection blocks of a result.
pub fn blocks(
    nominal: &Outcome,
    bands: Option<&OutcomeBands>,
    params: &ProjectionParams,
    population_dataset_id: i32,
    districts_without_population: usize,
) -> (Coverage, Projection) {
    let lo = |b: Option<(f64, f64)>| b.map(|x| x.0);
    let hi = |b: Option<(f64, f64)>| b.map(|x| x.1);
    let coverage = Coverage {
        stunted_children: nominal.stunted_children,
        share: nominal.share,
        share_p05: lo(bands.map(|b| b.share)),
        share_p95: hi(bands.map(|b| b.share)),
        population_dataset_id,
        districts_without_population,
    };
    let projection = Projection {
        national_prevalence_now: nominal.national_prevalence_now,
        national_prevalence_after: nominal.national_prevalence_after,
        target: params.target,
        gap_closed_share: nominal.gap_closed_share,
        children_averted: nominal.children_averted,
        effect_points: params
            .effect_relative
            .is_none()
            .then_some(params.effect_points),
        effect_relative: params.effect_relative,
        national_prevalence_now_p05: lo(bands.map(|b| b.now)),
        national_prevalence_now_p95: hi(bands.map(|b| b.now)),
        national_prevalence_after_p05: lo(bands.map(|b| b.after)),
        national_prevalence_after_p95: hi(bands.map(|b| b.after)),
        gap_closed_share_p05: lo(bands.and_then(|b| b.gap_closed)),
        gap_closed_share_p95: hi(bands.and_then(|b| b.gap_closed)),
        children_averted_p05: lo(bands.map(|b| b.averted)),
        children_averted_p95: hi(bands.map(|b| b.averted)),
    };
    (coverage, projection)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-12;

    /// Three districts: (p %, N, selected) = (30, 1000, yes), (20, 3000, no), (10, 6000, yes).
    fn tally(params: &ProjectionParams) -> Outcome {
        let mut t = Tally::default();
        for (p, n, sel) in [
            (30.0, 1000.0, true),
            (20.0, 3000.0, false),
            (10.0, 6000.0, true),
        ] {
            t.add(p, n, sel, params);
        }
        t.outcome(params).unwrap()
    }

    #[test]
    fn coverage_and_projection_match_the_hand_computation_with_an_effect_in_points() {
        let params = ProjectionParams::default();
        let o = tally(&params);
        // Children: 300, 600, 600 → selected 900 of 1,500.
        assert!((o.stunted_children - 900.0).abs() < EPS);
        assert!((o.share - 0.6).abs() < EPS);
        // now = (30·1000 + 20·3000 + 10·6000) / 10000 = 150000 / 10000 = 15 %.
        assert!((o.national_prevalence_now - 15.0).abs() < EPS);
        // after = (28·1000 + 20·3000 + 8·6000) / 10000 = 136000 / 10000 = 13.6 %.
        assert!((o.national_prevalence_after - 13.6).abs() < EPS);
        // averted = 2/100·1000 + 2/100·6000 = 140.
        assert!((o.children_averted - 140.0).abs() < EPS);
        // gap closed = (15 − 13.6) / (15 − 14) = 1.4.
        assert!((o.gap_closed_share.unwrap() - 1.4).abs() < 1e-9);
    }

    #[test]
    fn a_relative_effect_scales_each_selected_prevalence() {
        let params = ProjectionParams {
            effect_relative: Some(0.1),
            target: 10.0,
            ..ProjectionParams::default()
        };
        let o = tally(&params);
        // after = (27·1000 + 20·3000 + 9·6000) / 10000 = 141000 / 10000 = 14.1 %.
        assert!((o.national_prevalence_after - 14.1).abs() < EPS);
        // averted = 3/100·1000 + 1/100·6000 = 90; gap = 0.9 / 5 = 0.18.
        assert!((o.children_averted - 90.0).abs() < EPS);
        assert!((o.gap_closed_share.unwrap() - 0.18).abs() < 1e-9);
    }

    #[test]
    fn the_effect_never_takes_a_prevalence_below_zero() {
        let params = ProjectionParams {
            effect_points: 15.0,
            ..ProjectionParams::default()
        };
        let o = tally(&params);
        // Selected: 30 → 15, 10 → 0 (not −5). after = (15·1000 + 20·3000 + 0) / 10000 = 7.5 %.
        assert!((o.national_prevalence_after - 7.5).abs() < EPS);
        // averted = 15/100·1000 + 10/100·6000 = 750.
        assert!((o.children_averted - 750.0).abs() < EPS);
    }

    #[test]
    fn no_gap_share_is_claimed_at_or_below_the_target() {
        let params = ProjectionParams {
            target: 15.0,
            ..ProjectionParams::default()
        };
        assert_eq!(tally(&params).gap_closed_share, None);
        assert!(Tally::default().outcome(&params).is_none());
    }

    #[test]
    fn effects_and_targets_outside_their_ranges_are_rejected() {
        for bad in [
            ProjectionParams {
                effect_points: -1.0,
                ..ProjectionParams::default()
            },
            ProjectionParams {
                effect_relative: Some(1.5),
                ..ProjectionParams::default()
            },
            ProjectionParams {
                target: f64::NAN,
                ..ProjectionParams::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn who_bands_split_at_2_5_10_20_and_30_percent() {
        let cases = [
            (0.0, StuntingBand::VeryLow),
            (2.49, StuntingBand::VeryLow),
            (2.5, StuntingBand::Low),
            (9.99, StuntingBand::Low),
            (10.0, StuntingBand::Medium),
            (14.0, StuntingBand::Medium),
            (20.0, StuntingBand::High),
            (21.6, StuntingBand::High),
            (29.99, StuntingBand::High),
            (30.0, StuntingBand::VeryHigh),
            (100.0, StuntingBand::VeryHigh),
        ];
        for (p, band) in cases {
            assert_eq!(StuntingBand::of(p), band, "{p}");
        }
    }

    #[test]
    fn bands_are_type_7_percentiles_of_the_draws() {
        let draws: Vec<Outcome> = (0..=100)
            .map(|i| Outcome {
                stunted_children: 0.0,
                share: f64::from(i) / 100.0,
                national_prevalence_now: 20.0,
                national_prevalence_after: 19.0,
                gap_closed_share: Some(0.5),
                children_averted: f64::from(i),
            })
            .collect();
        let b = OutcomeBands::of(&draws).unwrap();
        // 101 sorted values 0..=100: h = 100·0.05 = 5 exactly.
        assert!((b.share.0 - 0.05).abs() < EPS && (b.share.1 - 0.95).abs() < EPS);
        assert!((b.averted.0 - 5.0).abs() < EPS && (b.averted.1 - 95.0).abs() < EPS);
        assert_eq!(b.gap_closed, Some((0.5, 0.5)));
    }
}
