//! Pearson and Spearman correlation with confidence intervals and p-values.
//!
//! [`CorrelationParams`] holds the bootstrap settings; [`CorrelationParams::fit`] validates the
//! pairs and returns a [`Correlation`]. Distributions come from `statrs`; the bootstrap is
//! seeded per resample so that its result does not depend on the number of threads.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::error::{ModelError, Result};
use crate::sentences as s;

/// Two-sided 95 % standard normal quantile used by the Fisher-z interval.
const Z_975: f64 = 1.959964;

/// Distance from ±1 below which a coefficient is taken to be exactly ±1.
///
/// A perfect line computed in floating point can come out as 0.9999999999999998; snapping
/// keeps the documented r = ±1 behaviour (degenerate interval, p = 0) for such data.
const PERFECT_TOLERANCE: f64 = 1e-12;

/// Settings for [`CorrelationParams::fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationParams {
    /// Bootstrap resamples for the percentile interval of r (default 2,000).
    pub resamples: usize,
    /// Seed of the bootstrap (default 42).
    pub seed: u64,
}

impl Default for CorrelationParams {
    fn default() -> Self {
        CorrelationParams {
            resamples: 2000,
            seed: 42,
        }
    }
}

/// Pearson's r with its Fisher-z 95 % interval and a two-sided t-test p-value.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Pearson {
    /// Correlation coefficient.
    pub r: f64,
    /// 95 % confidence interval, tanh(atanh(r) ± 1.959964/√(n−3)).
    pub ci95: [f64; 2],
    /// Two-sided p-value from Student's t with n−2 degrees of freedom.
    pub p_value: f64,
}

/// Spearman's rho (average ranks for ties) with a t-approximation p-value.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Spearman {
    /// Rank correlation coefficient.
    pub rho: f64,
    /// Two-sided p-value, t = rho·√((n−2)/(1−rho²)), n−2 degrees of freedom.
    pub p_value: f64,
}

/// A fitted correlation between two variables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    /// Number of pairs.
    pub n: usize,
    /// Pearson.
    pub pearson: Pearson,
    /// Spearman.
    pub spearman: Spearman,
    /// Bootstrap 95 % percentile interval for Pearson's r.
    pub bootstrap_ci95: [f64; 2],
    /// Resamples used for the bootstrap.
    pub bootstrap_resamples: usize,
    /// Seed used for the bootstrap.
    pub bootstrap_seed: u64,
}

impl CorrelationParams {
    /// Fits the correlation of `x` and `y` (same length, at least 4 pairs, both varying).
    ///
    /// The bootstrap draws `resamples` samples of n pairs with replacement; resample `b` uses
    /// its own `ChaCha8Rng` seeded with `seed` on stream `b`, so the interval is identical for
    /// any number of threads. Resamples in which x or y does not vary (r undefined) are
    /// skipped. The interval is the 2.5 % and 97.5 % percentile of the remaining r values by
    /// linear interpolation between order statistics (Hyndman–Fan type 7, as R's default).
    /// `bootstrap_resamples` reports the requested number, so that it and the seed reproduce
    /// the interval.
    ///
    /// # Errors
    /// `ModelError::InsufficientData` with fewer than 4 pairs; `ModelError::Invalid` with
    /// code `length_mismatch`, `non_finite_value`, `zero_variance` (x or y constant) or
    /// `invalid_resamples` (zero resamples); `ModelError::Numerical` if every bootstrap
    /// resample was degenerate.
    pub fn fit(&self, x: &[f64], y: &[f64]) -> Result<Correlation> {
        validate_pairs(x, y)?;
        if self.resamples == 0 {
            return Err(ModelError::invalid("invalid_resamples", &s::NO_RESAMPLES));
        }
        let n = x.len();
        let r = pearson_r(x, y).ok_or_else(|| {
            ModelError::Numerical("Pearson's r is undefined for varying data".into())
        })?;
        let pearson = Pearson {
            r,
            ci95: fisher_ci95(r, n),
            p_value: correlation_p_value(r, n)?,
        };

        let rho = spearman_rho(x, y).ok_or_else(|| {
            ModelError::Numerical("Spearman's rho is undefined for varying data".into())
        })?;
        let spearman = Spearman {
            rho,
            p_value: correlation_p_value(rho, n)?,
        };

        Ok(Correlation {
            n,
            pearson,
            spearman,
            bootstrap_ci95: bootstrap_ci95(x, y, self.resamples, self.seed)?,
            bootstrap_resamples: self.resamples,
            bootstrap_seed: self.seed,
        })
    }
}

/// Checks lengths, finiteness, the minimum of 4 pairs and that both variables vary.
fn validate_pairs(x: &[f64], y: &[f64]) -> Result<()> {
    if x.len() != y.len() {
        return Err(ModelError::invalid(
            "length_mismatch",
            s::LENGTHS_DIFFER.with("x", x.len()).with("y", y.len()),
        ));
    }
    if x.iter().chain(y).any(|v| !v.is_finite()) {
        return Err(ModelError::invalid(
            "non_finite_value",
            &s::CORRELATION_NOT_FINITE,
        ));
    }
    if x.len() < 4 {
        // Fisher's interval divides by √(n−3).
        return Err(ModelError::InsufficientData {
            needed: 4,
            got: x.len(),
        });
    }
    if is_constant(x) || is_constant(y) {
        return Err(ModelError::invalid(
            "zero_variance",
            &s::CORRELATION_OF_A_CONSTANT,
        ));
    }
    Ok(())
}

/// True when every value equals the first.
///
/// Exact comparison, because a mean of equal values can be off by an ulp and then the
/// centred sum of squares would not be exactly zero.
fn is_constant(v: &[f64]) -> bool {
    v.iter().all(|&a| a == v[0])
}

/// Pearson's r of two equally long slices, or `None` when either is constant or shorter than 2.
///
/// Computed from centred sums (two passes) for accuracy; clamped to [−1, 1] and snapped to
/// ±1 within 1e-12 (rounding of a perfect line).
pub fn pearson_r(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 || is_constant(&x[..n]) || is_constant(&y[..n]) {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x[..n].iter().zip(&y[..n]) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some(snap_unit(sxy / (sxx.sqrt() * syy.sqrt())))
}

/// Clamps a correlation to [−1, 1] and rounds values within the tolerance of ±1 to ±1.
fn snap_unit(r: f64) -> f64 {
    let r = r.clamp(-1.0, 1.0);
    if 1.0 - r.abs() <= PERFECT_TOLERANCE {
        r.signum()
    } else {
        r
    }
}

/// 1-based ranks of `v`, ties receiving the average of the ranks they span.
pub fn average_ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut ranks = vec![0.0; v.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && v[order[end]] == v[order[start]] {
            end += 1;
        }
        // Positions start..end hold ranks start+1 ..= end; their mean is (start+1+end)/2.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

/// Spearman's rho as Pearson's r of the average ranks, or `None` when either is constant.
pub fn spearman_rho(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson_r(&average_ranks(x), &average_ranks(y))
}

/// Fisher-z 95 % interval tanh(atanh(r) ± 1.959964/√(n−3)); `[r, r]` when |r| = 1 (n ≥ 4).
fn fisher_ci95(r: f64, n: usize) -> [f64; 2] {
    if r.abs() == 1.0 {
        // atanh(±1) is infinite: a perfect sample leaves no sampling spread to report.
        return [r, r];
    }
    let z = r.atanh();
    let half = Z_975 / ((n - 3) as f64).sqrt();
    [(z - half).tanh(), (z + half).tanh()]
}

/// Two-sided p-value of a correlation coefficient by Student's t with n−2 degrees of freedom.
///
/// t = c·√((n−2)/(1−c²)); p = 0 when |c| = 1, where t is infinite.
fn correlation_p_value(c: f64, n: usize) -> Result<f64> {
    if c.abs() == 1.0 {
        return Ok(0.0);
    }
    let df = (n - 2) as f64;
    let t = c * (df / (1.0 - c * c)).sqrt();
    two_sided_t_p_value(t, df)
}

/// Two-sided p-value 2·P(T > |t|) for Student's t with `df` degrees of freedom.
pub(crate) fn two_sided_t_p_value(t: f64, df: f64) -> Result<f64> {
    let dist = StudentsT::new(0.0, 1.0, df)
        .map_err(|e| ModelError::Numerical(format!("Student's t with {df} df: {e}")))?;
    // The survival function avoids the cancellation of 1 − cdf for large |t|.
    Ok((2.0 * dist.sf(t.abs())).min(1.0))
}

/// Bootstrap 95 % percentile interval of Pearson's r (see [`CorrelationParams::fit`]).
fn bootstrap_ci95(x: &[f64], y: &[f64], resamples: usize, seed: u64) -> Result<[f64; 2]> {
    let n = x.len();
    let mut rs: Vec<f64> = (0..resamples)
        .into_par_iter()
        .map_init(
            || (Vec::with_capacity(n), Vec::with_capacity(n)),
            |(bx, by): &mut (Vec<f64>, Vec<f64>), b| {
                // One stream per resample: the draws of resample b never depend on scheduling.
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(b as u64);
                bx.clear();
                by.clear();
                for _ in 0..n {
                    let i = rng.random_range(0..n);
                    bx.push(x[i]);
                    by.push(y[i]);
                }
                pearson_r(bx, by)
            },
        )
        .flatten()
        .collect();
    if rs.is_empty() {
        return Err(ModelError::Numerical(
            "every bootstrap resample had a constant variable".into(),
        ));
    }
    rs.sort_by(f64::total_cmp);
    Ok([percentile_type7(&rs, 0.025), percentile_type7(&rs, 0.975)])
}

/// Quantile `q` of sorted, non-empty `sorted` by linear interpolation (Hyndman–Fan type 7).
///
/// h = (m−1)·q; the result is x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) with 0-based x.
pub fn percentile_type7(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;

    use super::*;

    /// The textbook example: x = 1..5, y = [2, 4, 5, 4, 5].
    const X: [f64; 5] = [1.0, 2.0, 3.0, 4.0, 5.0];
    const Y: [f64; 5] = [2.0, 4.0, 5.0, 4.0, 5.0];

    fn quick() -> CorrelationParams {
        CorrelationParams {
            resamples: 500,
            seed: 7,
        }
    }

    #[test]
    fn pearson_of_the_textbook_example_matches_the_closed_form() {
        let c = quick().fit(&X, &Y).unwrap();
        // Sxy = 6, Sxx = 10, Syy = 6, so r = 6/√60.
        assert_eq!(c.n, 5);
        assert_abs_diff_eq!(c.pearson.r, 6.0 / 60f64.sqrt(), epsilon = 1e-12);
        assert_abs_diff_eq!(c.pearson.r, 0.7745966692414834, epsilon = 1e-12);
        // t = r·√(3/(1−r²)) = 2.1213203435596424; 2·P(T₃ > t) from scipy.stats.t.sf.
        assert_abs_diff_eq!(c.pearson.p_value, 0.12402706265755449, epsilon = 1e-9);
    }

    #[test]
    fn fisher_interval_matches_a_hand_computation() {
        let c = quick().fit(&X, &Y).unwrap();
        // z = atanh(0.7745966692) = 1.0317185344477804, half-width 1.959964/√2 =
        // 1.3859038352815103, so the interval is [tanh(−0.35418530083), tanh(2.41762236973)].
        let z = 1.0317185344477804_f64;
        let half = 1.3859038352815103_f64;
        assert_abs_diff_eq!(c.pearson.ci95[0], (z - half).tanh(), epsilon = 1e-12);
        assert_abs_diff_eq!(c.pearson.ci95[1], (z + half).tanh(), epsilon = 1e-12);
        assert_abs_diff_eq!(c.pearson.ci95[0], -0.3400820448550131, epsilon = 1e-12);
        assert_abs_diff_eq!(c.pearson.ci95[1], 0.9842357554926742, epsilon = 1e-12);
    }

    #[test]
    fn pearson_of_a_perfect_line_is_one_with_a_degenerate_interval() {
        let y: Vec<f64> = X.iter().map(|x| 3.0 * x - 1.0).collect();
        let c = quick().fit(&X, &y).unwrap();
        assert_eq!(c.pearson.r, 1.0);
        assert_eq!(c.pearson.ci95, [1.0, 1.0]);
        assert_eq!(c.pearson.p_value, 0.0);
        assert_eq!(c.spearman.rho, 1.0);
        assert_eq!(c.spearman.p_value, 0.0);
        // Every non-degenerate resample of a perfect line is perfect too.
        assert_eq!(c.bootstrap_ci95, [1.0, 1.0]);
    }

    #[test]
    fn pearson_of_a_falling_line_with_rounding_is_minus_one() {
        // 0.1 steps are not exact in binary: the raw quotient Sxy/(√Sxx·√Syy) is
        // −0.9999999999999998 here (checked with the same two-pass sums in Python).
        let x = [0.1, 0.2, 0.3, 0.4, 0.5];
        let y: Vec<f64> = x.iter().map(|v| 0.3 - 0.7 * v).collect();
        let c = quick().fit(&x, &y).unwrap();
        assert_eq!(c.pearson.r, -1.0);
        assert_eq!(c.pearson.ci95, [-1.0, -1.0]);
        assert_eq!(c.pearson.p_value, 0.0);
    }

    #[test]
    fn spearman_with_ties_uses_average_ranks() {
        let x = [1.0, 2.0, 2.0, 4.0, 5.0];
        let y = [1.0, 3.0, 2.0, 2.0, 5.0];
        // Ranks x: [1, 2.5, 2.5, 4, 5]; ranks y: [1, 4, 2.5, 2.5, 5]; both have mean 3.
        // Deviations [−2, −.5, −.5, 1, 2] and [−2, 1, −.5, −.5, 2]:
        // Sxy = 4 − .5 + .25 − .5 + 4 = 7.25, Sxx = Syy = 9.5, so rho = 7.25/9.5.
        assert_eq!(average_ranks(&x), vec![1.0, 2.5, 2.5, 4.0, 5.0]);
        assert_eq!(average_ranks(&y), vec![1.0, 4.0, 2.5, 2.5, 5.0]);
        let c = quick().fit(&x, &y).unwrap();
        assert_abs_diff_eq!(c.spearman.rho, 7.25 / 9.5, epsilon = 1e-12);
        // t = rho·√(3/(1−rho²)) = 2.045502285989935; 2·P(T₃ > t) from scipy.stats.t.sf.
        assert_abs_diff_eq!(c.spearman.p_value, 0.13333911953180624, epsilon = 1e-9);
    }

    #[test]
    fn percentile_interpolates_linearly_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        // h = 4·0.025 = 0.1 → 1 + 0.1·1; h = 4·0.975 = 3.9 → 4 + 0.9·1.
        assert_abs_diff_eq!(percentile_type7(&v, 0.025), 1.1, epsilon = 1e-12);
        assert_abs_diff_eq!(percentile_type7(&v, 0.975), 4.9, epsilon = 1e-12);
        assert_eq!(percentile_type7(&v, 0.0), 1.0);
        assert_eq!(percentile_type7(&v, 1.0), 5.0);
        assert_eq!(percentile_type7(&[3.0], 0.5), 3.0);
    }

    /// Twenty noisy points around a rising line, fixed so tests are reproducible.
    fn noisy_line() -> (Vec<f64>, Vec<f64>) {
        let noise = [
            0.3, -1.2, 0.8, 1.5, -0.4, -0.9, 0.2, 1.1, -1.6, 0.5, 0.0, -0.7, 1.3, -0.2, 0.9, -1.1,
            0.6, -0.3, 1.0, -0.8,
        ];
        let x: Vec<f64> = (0..20).map(|i| i as f64).collect();
        let y = x
            .iter()
            .zip(noise)
            .map(|(x, e)| 0.5 * x + 2.0 * e)
            .collect();
        (x, y)
    }

    #[test]
    fn bootstrap_with_the_same_seed_gives_the_same_interval() {
        let (x, y) = noisy_line();
        let a = quick().fit(&x, &y).unwrap();
        let b = quick().fit(&x, &y).unwrap();
        assert_eq!(a.bootstrap_ci95, b.bootstrap_ci95);
        assert_eq!(a.bootstrap_resamples, 500);
        assert_eq!(a.bootstrap_seed, 7);
    }

    #[test]
    fn bootstrap_interval_does_not_depend_on_the_number_of_threads() {
        let (x, y) = noisy_line();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| quick().fit(&x, &y).unwrap());
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| quick().fit(&x, &y).unwrap());
        assert_eq!(one.bootstrap_ci95, three.bootstrap_ci95);
    }

    #[test]
    fn bootstrap_interval_contains_r_for_a_noisy_line() {
        let (x, y) = noisy_line();
        let c = CorrelationParams::default().fit(&x, &y).unwrap();
        let [lo, hi] = c.bootstrap_ci95;
        assert!(
            lo < c.pearson.r && c.pearson.r < hi,
            "{lo} < {} < {hi}",
            c.pearson.r
        );
        assert!(-1.0 <= lo && hi <= 1.0);
        assert_eq!(c.bootstrap_resamples, 2000);
        assert_eq!(c.bootstrap_seed, 42);
    }

    #[test]
    fn bootstrap_with_different_seeds_gives_different_intervals() {
        let (x, y) = noisy_line();
        let a = quick().fit(&x, &y).unwrap();
        let b = CorrelationParams { seed: 8, ..quick() }
            .fit(&x, &y)
            .unwrap();
        assert_ne!(a.bootstrap_ci95, b.bootstrap_ci95);
    }

    #[test]
    fn fewer_than_four_pairs_are_insufficient() {
        let err = quick().fit(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]).unwrap_err();
        assert!(matches!(
            err,
            ModelError::InsufficientData { needed: 4, got: 3 }
        ));
    }

    #[test]
    fn mismatched_lengths_are_invalid() {
        let err = quick().fit(&X, &Y[..4]).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "length_mismatch",
                ..
            }
        ));
    }

    #[test]
    fn non_finite_values_are_invalid() {
        let mut y = Y;
        y[2] = f64::NAN;
        let err = quick().fit(&X, &y).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "non_finite_value",
                ..
            }
        ));
        y[2] = f64::INFINITY;
        let err = quick().fit(&X, &y).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "non_finite_value",
                ..
            }
        ));
    }

    #[test]
    fn a_constant_variable_has_zero_variance() {
        let err = quick().fit(&X, &[0.1; 5]).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "zero_variance",
                ..
            }
        ));
        let err = quick().fit(&[2.0; 5], &Y).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "zero_variance",
                ..
            }
        ));
    }

    #[test]
    fn zero_resamples_are_invalid() {
        let params = CorrelationParams {
            resamples: 0,
            seed: 1,
        };
        let err = params.fit(&X, &Y).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "invalid_resamples",
                ..
            }
        ));
    }
}
