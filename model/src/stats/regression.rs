//! Ordinary least squares through linfa-linear, with coefficient standard errors.
//!
//! The estimates come from `linfa_linear::LinearRegression`; the standard errors from
//! σ²·(XᵀX)⁻¹, where the small inverse is computed here by Gauss–Jordan elimination on the
//! centred predictors (which also detects a singular design).

use linfa::Dataset;
use linfa::traits::Fit;
use linfa_linear::LinearRegression;
use ndarray::{Array1, Array2};
use serde::Serialize;

use crate::error::{ModelError, Result};
use crate::sentences as s;
use crate::stats::correlation::two_sided_t_p_value;

/// Smallest pivot accepted when inverting the predictors' correlation matrix.
///
/// The pivots are 1 − R² of a predictor on those eliminated before it, so 1e-10 rejects designs
/// whose columns are collinear to within rounding rather than merely strongly correlated.
const SINGULAR_PIVOT: f64 = 1e-10;

/// Intercept and slope of the least-squares line of `y` on `x`; `None` when `x` does not vary.
///
/// Closed form: slope = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², intercept = ȳ − slope·x̄.
pub fn simple_ols(x: &[f64], y: &[f64]) -> Option<(f64, f64)> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for i in 0..n {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some((my - slope * mx, slope))
}

/// Settings for [`OlsParams::fit`] (none yet beyond the default: with intercept).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OlsParams;

/// One estimated coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Coefficient {
    /// Predictor name (`spbe`, or a covariate's indicator).
    pub name: String,
    /// Estimate.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// t statistic.
    pub t: f64,
    /// Two-sided p-value, n−p−1 degrees of freedom.
    pub p_value: f64,
}

/// A fitted OLS regression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OlsFit {
    /// Observations.
    pub n: usize,
    /// Intercept estimate.
    pub intercept: f64,
    /// Standard error of the intercept.
    pub intercept_std_error: f64,
    /// One per predictor, in the order given.
    pub coefficients: Vec<Coefficient>,
    /// R².
    pub r_squared: f64,
    /// Adjusted R².
    pub adj_r_squared: f64,
    /// Residual standard error, √(RSS/(n−p−1)).
    pub residual_std_error: f64,
    /// Residual degrees of freedom, n−p−1.
    pub df_residual: usize,
    /// y − ŷ per observation, in input order.
    pub residuals: Vec<f64>,
    /// ŷ per observation, in input order.
    pub fitted: Vec<f64>,
}

impl OlsParams {
    /// Fits `y` on the named predictors (each as long as `y`) with an intercept.
    ///
    /// Coefficients are linfa-linear's least-squares solution. With Xc the centred predictors
    /// and x̄ their means, the block inverse of XᵀX gives Var(β) = σ²·(XcᵀXc)⁻¹ and
    /// Var(intercept) = σ²·(1/n + x̄ᵀ(XcᵀXc)⁻¹x̄), where σ² = RSS/(n−p−1). Centring keeps the
    /// inverse accurate when a predictor has a large mean and a small spread. When a standard
    /// error is exactly zero (a perfect fit), t is ±∞ with p = 0 for a non-zero estimate, and
    /// t = 0 with p = 1 for a zero estimate.
    ///
    /// # Errors
    /// `ModelError::InsufficientData` when n ≤ p+1; `ModelError::Invalid` with code
    /// `no_predictors`, `length_mismatch`, `non_finite_value`, `zero_variance` (y constant) or
    /// `singular_design` (a constant predictor or collinear predictors);
    /// `ModelError::Numerical` when linfa's solver fails.
    pub fn fit(&self, y: &[f64], predictors: &[(String, Vec<f64>)]) -> Result<OlsFit> {
        let n = y.len();
        let p = predictors.len();
        validate(y, predictors)?;

        let means: Vec<f64> = predictors.iter().map(|(_, v)| mean(v)).collect();
        let centred: Vec<Vec<f64>> = predictors
            .iter()
            .zip(&means)
            .map(|((_, v), m)| v.iter().map(|a| a - m).collect())
            .collect();
        let xtx_inv = centred_gram_inverse(&centred, predictors)?;

        let records = Array2::from_shape_fn((n, p), |(i, j)| predictors[j].1[i]);
        let targets = Array1::from(y.to_vec());
        let model = LinearRegression::default()
            .fit(&Dataset::new(records.clone(), targets))
            .map_err(|e| ModelError::Numerical(format!("least squares failed: {e}")))?;
        let intercept = model.intercept();
        let beta = model.params().to_vec();
        if !intercept.is_finite() || beta.iter().any(|b| !b.is_finite()) {
            return Err(ModelError::Numerical(
                "least squares gave a non-finite estimate".into(),
            ));
        }

        let fitted: Vec<f64> = records
            .rows()
            .into_iter()
            .map(|row| intercept + row.iter().zip(&beta).map(|(x, b)| x * b).sum::<f64>())
            .collect();
        let residuals: Vec<f64> = y.iter().zip(&fitted).map(|(y, f)| y - f).collect();
        let rss: f64 = residuals.iter().map(|e| e * e).sum();
        let my = mean(y);
        let tss: f64 = y.iter().map(|v| (v - my) * (v - my)).sum();

        let df_residual = n - p - 1;
        let df = df_residual as f64;
        let sigma2 = rss / df;
        let r_squared = 1.0 - rss / tss;
        let adj_r_squared = 1.0 - (1.0 - r_squared) * (n - 1) as f64 / df;

        let coefficients = predictors
            .iter()
            .zip(&beta)
            .enumerate()
            .map(|(j, ((name, _), &estimate))| {
                let std_error = (sigma2 * xtx_inv[j][j]).sqrt();
                let (t, p_value) = t_test(estimate, std_error, df)?;
                Ok(Coefficient {
                    name: name.clone(),
                    estimate,
                    std_error,
                    t,
                    p_value,
                })
            })
            .collect::<Result<Vec<_>>>()?;

        let mut quad = 0.0;
        for (j, mj) in means.iter().enumerate() {
            for (k, mk) in means.iter().enumerate() {
                quad += mj * xtx_inv[j][k] * mk;
            }
        }
        let intercept_std_error = (sigma2 * (1.0 / n as f64 + quad)).sqrt();

        Ok(OlsFit {
            n,
            intercept,
            intercept_std_error,
            coefficients,
            r_squared,
            adj_r_squared,
            residual_std_error: sigma2.sqrt(),
            df_residual,
            residuals,
            fitted,
        })
    }
}

/// Checks that there are predictors, that lengths agree, values are finite, n > p+1 and y varies.
fn validate(y: &[f64], predictors: &[(String, Vec<f64>)]) -> Result<()> {
    if predictors.is_empty() {
        return Err(ModelError::invalid("no_predictors", &s::NO_PREDICTORS));
    }
    if let Some((name, v)) = predictors.iter().find(|(_, v)| v.len() != y.len()) {
        return Err(ModelError::invalid(
            "length_mismatch",
            s::PREDICTOR_LENGTH
                .with("name", name.as_str())
                .with("count", v.len())
                .with("expected", y.len()),
        ));
    }
    let mut all = y.iter().chain(predictors.iter().flat_map(|(_, v)| v));
    if all.any(|v| !v.is_finite()) {
        return Err(ModelError::invalid(
            "non_finite_value",
            &s::REGRESSION_NOT_FINITE,
        ));
    }
    let needed = predictors.len() + 2;
    if y.len() < needed {
        // At least one residual degree of freedom is needed to estimate σ².
        return Err(ModelError::InsufficientData {
            needed,
            got: y.len(),
        });
    }
    if y.iter().all(|&v| v == y[0]) {
        return Err(ModelError::invalid(
            "zero_variance",
            &s::REGRESSION_OF_A_CONSTANT,
        ));
    }
    Ok(())
}

/// Arithmetic mean of a non-empty slice.
fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// (XcᵀXc)⁻¹ of the centred predictor columns, or `singular_design` when it does not exist.
///
/// The Gram matrix is scaled to unit diagonal (a correlation matrix) before Gauss–Jordan
/// elimination with partial pivoting, so the pivot threshold does not depend on units.
fn centred_gram_inverse(
    centred: &[Vec<f64>],
    predictors: &[(String, Vec<f64>)],
) -> Result<Vec<Vec<f64>>> {
    let p = centred.len();
    for (name, v) in predictors {
        // Exact test, as for correlation: a constant column duplicates the intercept.
        if v.iter().all(|&a| a == v[0]) {
            return Err(ModelError::invalid(
                "singular_design",
                s::CONSTANT_PREDICTOR.with("name", name.as_str()),
            ));
        }
    }
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let scale: Vec<f64> = centred.iter().map(|c| dot(c, c).sqrt()).collect();
    let corr: Vec<Vec<f64>> = (0..p)
        .map(|j| {
            (0..p)
                .map(|k| dot(&centred[j], &centred[k]) / (scale[j] * scale[k]))
                .collect()
        })
        .collect();
    let inv = invert(corr).ok_or_else(|| {
        let names: Vec<String> = predictors.iter().map(|(n, _)| n.clone()).collect();
        ModelError::invalid(
            "singular_design",
            s::COLLINEAR_PREDICTORS.with("names", names),
        )
    })?;
    // Undo the scaling: (XcᵀXc)⁻¹ = D⁻¹·C⁻¹·D⁻¹ with D the column norms.
    Ok((0..p)
        .map(|j| (0..p).map(|k| inv[j][k] / (scale[j] * scale[k])).collect())
        .collect())
}

/// Inverse of a small square matrix by Gauss–Jordan elimination with partial pivoting.
///
/// Returns `None` when a pivot falls below [`SINGULAR_PIVOT`]; meant for well-scaled
/// matrices such as a correlation matrix.
fn invert(mut a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let p = a.len();
    let mut inv: Vec<Vec<f64>> = (0..p)
        .map(|j| (0..p).map(|k| if j == k { 1.0 } else { 0.0 }).collect())
        .collect();
    for col in 0..p {
        let pivot_row = (col..p).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot_row][col].abs() < SINGULAR_PIVOT {
            return None;
        }
        a.swap(col, pivot_row);
        inv.swap(col, pivot_row);
        let pivot = a[col][col];
        for k in 0..p {
            a[col][k] /= pivot;
            inv[col][k] /= pivot;
        }
        for row in 0..p {
            if row != col {
                let factor = a[row][col];
                if factor != 0.0 {
                    for k in 0..p {
                        a[row][k] -= factor * a[col][k];
                        inv[row][k] -= factor * inv[col][k];
                    }
                }
            }
        }
    }
    Some(inv)
}

/// t statistic and two-sided p-value of `estimate` with standard error `std_error`.
fn t_test(estimate: f64, std_error: f64, df: f64) -> Result<(f64, f64)> {
    if std_error == 0.0 {
        // A perfect fit: any non-zero estimate is infinitely many standard errors from 0.
        return Ok(if estimate == 0.0 {
            (0.0, 1.0)
        } else {
            (estimate.signum() * f64::INFINITY, 0.0)
        });
    }
    let t = estimate / std_error;
    Ok((t, two_sided_t_p_value(t, df)?))
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;

    use super::*;

    fn named(name: &str, v: &[f64]) -> (String, Vec<f64>) {
        (name.to_string(), v.to_vec())
    }

    /// The textbook example: x = 1..5, y = [2, 4, 5, 4, 5].
    const X: [f64; 5] = [1.0, 2.0, 3.0, 4.0, 5.0];
    const Y: [f64; 5] = [2.0, 4.0, 5.0, 4.0, 5.0];

    #[test]
    fn simple_regression_matches_the_closed_form() {
        let fit = OlsParams.fit(&Y, &[named("x", &X)]).unwrap();
        // Sxy = 6, Sxx = 10: slope 0.6, intercept 4 − 0.6·3 = 2.2.
        // Fitted [2.8, 3.4, 4.0, 4.6, 5.2]; residuals [−.8, .6, 1, −.6, −.2]; RSS = 2.4.
        // TSS = 6, R² = 1 − 2.4/6 = 0.6, adjusted 1 − 0.4·4/3 = 7/15.
        let c = &fit.coefficients[0];
        assert_eq!(fit.n, 5);
        assert_eq!(fit.df_residual, 3);
        assert_eq!(c.name, "x");
        assert_abs_diff_eq!(c.estimate, 0.6, epsilon = 1e-9);
        assert_abs_diff_eq!(fit.intercept, 2.2, epsilon = 1e-9);
        assert_abs_diff_eq!(fit.r_squared, 0.6, epsilon = 1e-9);
        assert_abs_diff_eq!(fit.adj_r_squared, 7.0 / 15.0, epsilon = 1e-9);
        assert_abs_diff_eq!(
            fit.residual_std_error,
            (2.4f64 / 3.0).sqrt(),
            epsilon = 1e-9
        );
        // SE(slope) = √((2.4/3)/10) = 0.28284271247461906; t = 0.6/SE = 2.1213203435596424.
        assert_abs_diff_eq!(c.std_error, 0.28284271247461906, epsilon = 1e-9);
        assert_abs_diff_eq!(c.t, 2.1213203435596424, epsilon = 1e-9);
        // 2·P(T₃ > 2.1213203) from scipy.stats.t.sf.
        assert_abs_diff_eq!(c.p_value, 0.12402706265755449, epsilon = 1e-9);
        // SE(intercept) = √(0.8·(1/5 + 9/10)) = √0.88; t = 2.2/√0.88; p from scipy.
        assert_abs_diff_eq!(fit.intercept_std_error, 0.88f64.sqrt(), epsilon = 1e-9);
        let fitted = [2.8, 3.4, 4.0, 4.6, 5.2];
        let residuals = [-0.8, 0.6, 1.0, -0.6, -0.2];
        for i in 0..5 {
            assert_abs_diff_eq!(fit.fitted[i], fitted[i], epsilon = 1e-9);
            assert_abs_diff_eq!(fit.residuals[i], residuals[i], epsilon = 1e-9);
        }
    }

    #[test]
    fn simple_ols_agrees_with_the_full_fit() {
        let (a, b) = simple_ols(&X, &Y).unwrap();
        assert_abs_diff_eq!(a, 2.2, epsilon = 1e-12);
        assert_abs_diff_eq!(b, 0.6, epsilon = 1e-12);
        assert_eq!(simple_ols(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(simple_ols(&[1.0], &[1.0]), None);
    }

    #[test]
    fn two_predictor_regression_matches_numpy() {
        // y = 1 + 2a − 3b + e with the perturbation e below.
        let a = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [1.0, 0.0, 2.0, 1.0, 3.0, 2.0, 4.0];
        let e = [0.1, -0.2, 0.0, 0.15, -0.1, 0.05, 0.0];
        let y: Vec<f64> = (0..7)
            .map(|i| 1.0 + 2.0 * a[i] - 3.0 * b[i] + e[i])
            .collect();
        let fit = OlsParams
            .fit(&y, &[named("a", &a), named("b", &b)])
            .unwrap();
        // Reference: numpy.linalg.lstsq for the estimates, σ²·inv(XᵀX) for the standard
        // errors and scipy.stats.t.sf with 4 df for the p-values. Exactly, the estimates are
        // 277/280, 561/280 and −3.
        assert_eq!(fit.df_residual, 4);
        assert_abs_diff_eq!(fit.intercept, 277.0 / 280.0, epsilon = 1e-9);
        assert_abs_diff_eq!(fit.intercept_std_error, 0.1025883834419549, epsilon = 1e-9);
        let expected = [
            (
                "a",
                561.0 / 280.0,
                0.04612231101859646,
                43.44039542519001,
                1.6789719632472057e-06,
            ),
            (
                "b",
                -3.0,
                0.07406828681096325,
                -40.50316443333686,
                2.2204071070733416e-06,
            ),
        ];
        for (c, (name, est, se, t, p)) in fit.coefficients.iter().zip(expected) {
            assert_eq!(c.name, name);
            assert_abs_diff_eq!(c.estimate, est, epsilon = 1e-9);
            assert_abs_diff_eq!(c.std_error, se, epsilon = 1e-9);
            assert_abs_diff_eq!(c.t, t, epsilon = 1e-7);
            assert_abs_diff_eq!(c.p_value, p, epsilon = 1e-12);
        }
        assert_abs_diff_eq!(fit.r_squared, 0.9979798496394415, epsilon = 1e-9);
        assert_abs_diff_eq!(fit.adj_r_squared, 0.9969697744591624, epsilon = 1e-9);
        assert_abs_diff_eq!(fit.residual_std_error, 0.14546722753154503, epsilon = 1e-9);
        let residuals = [
            0.1107142857142871,
            -0.19285714285714217,
            0.00357142857142989,
            0.1500000000000008,
            -0.10357142857142679,
            0.04285714285714448,
            -0.01071428571428434,
        ];
        for i in 0..7 {
            assert_abs_diff_eq!(fit.residuals[i], residuals[i], epsilon = 1e-9);
            assert_abs_diff_eq!(fit.fitted[i] + fit.residuals[i], y[i], epsilon = 1e-12);
        }
    }

    #[test]
    fn intercept_test_matches_scipy() {
        let fit = OlsParams.fit(&Y, &[named("x", &X)]).unwrap();
        // scipy.stats.linregress: intercept_stderr 0.9380831519646857; t = 2.345207879911715,
        // 2·P(T₃ > t) = 0.10074345608542003. The fit exposes the SE; the test recomputes p.
        assert_abs_diff_eq!(fit.intercept_std_error, 0.9380831519646857, epsilon = 1e-9);
        let (t, p) = t_test(fit.intercept, fit.intercept_std_error, 3.0).unwrap();
        assert_abs_diff_eq!(t, 2.345207879911715, epsilon = 1e-9);
        assert_abs_diff_eq!(p, 0.10074345608542003, epsilon = 1e-9);
    }

    #[test]
    fn collinear_predictors_are_a_singular_design() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b: Vec<f64> = a.iter().map(|v| 2.0 * v + 1.0).collect();
        let y = [1.0, 3.0, 2.0, 5.0, 4.0, 6.0];
        let err = OlsParams
            .fit(&y, &[named("a", &a), named("b", &b)])
            .unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "singular_design",
                ..
            }
        ));
    }

    #[test]
    fn a_constant_predictor_is_a_singular_design() {
        let err = OlsParams
            .fit(&Y, &[named("x", &X), named("c", &[0.3; 5])])
            .unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "singular_design",
                ..
            }
        ));
    }

    #[test]
    fn a_regression_needs_more_observations_than_parameters() {
        // p = 2 predictors plus the intercept need n ≥ 4.
        let err = OlsParams
            .fit(
                &Y[..3],
                &[named("a", &X[..3]), named("b", &[1.0, 0.0, 2.0])],
            )
            .unwrap_err();
        assert!(matches!(
            err,
            ModelError::InsufficientData { needed: 4, got: 3 }
        ));
    }

    #[test]
    fn bad_inputs_are_invalid() {
        let code = |r: Result<OlsFit>| match r {
            Err(ModelError::Invalid { code, .. }) => code,
            other => panic!("expected an invalid error, got {other:?}"),
        };
        assert_eq!(code(OlsParams.fit(&Y, &[])), "no_predictors");
        assert_eq!(
            code(OlsParams.fit(&Y, &[named("x", &X[..4])])),
            "length_mismatch"
        );
        let mut y = Y;
        y[0] = f64::NAN;
        assert_eq!(
            code(OlsParams.fit(&y, &[named("x", &X)])),
            "non_finite_value"
        );
        assert_eq!(
            code(OlsParams.fit(&[2.0; 5], &[named("x", &X)])),
            "zero_variance"
        );
    }

    #[test]
    fn a_perfect_fit_has_zero_standard_errors_and_zero_p_values() {
        // y = 1 + 2x exactly; RSS is 0 (or within rounding of it).
        let y: Vec<f64> = X.iter().map(|x| 1.0 + 2.0 * x).collect();
        let fit = OlsParams.fit(&y, &[named("x", &X)]).unwrap();
        let c = &fit.coefficients[0];
        assert_abs_diff_eq!(c.estimate, 2.0, epsilon = 1e-12);
        assert_abs_diff_eq!(c.std_error, 0.0, epsilon = 1e-12);
        assert!(c.p_value < 1e-12);
        assert_abs_diff_eq!(fit.r_squared, 1.0, epsilon = 1e-12);
    }

    #[test]
    fn a_large_offset_in_a_predictor_does_not_look_singular() {
        // x around 2 000 000 with unit spread: same fit as x = 1..5 shifted by 2e6.
        let x: Vec<f64> = X.iter().map(|v| v + 2.0e6).collect();
        let fit = OlsParams.fit(&Y, &[named("x", &x)]).unwrap();
        assert_abs_diff_eq!(fit.coefficients[0].estimate, 0.6, epsilon = 1e-6);
        assert_abs_diff_eq!(
            fit.coefficients[0].std_error,
            0.28284271247461906,
            epsilon = 1e-9
        );
    }
}
