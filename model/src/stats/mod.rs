//! Statistics over plain slices: correlation with intervals, OLS regression, and the
//! evaluation designs (regression discontinuity, difference-in-differences).
//!
//! Pure functions and linfa-style parameter types; no database, no HTTP.

pub mod correlation;
pub mod did;
pub mod rd;
pub mod regression;

pub use correlation::{Correlation, CorrelationParams, Pearson, Spearman};
pub use regression::{Coefficient, OlsFit, OlsParams, simple_ols};

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn permuting_the_pairs_changes_neither_r_nor_rho_nor_the_ols_coefficients(
            (pairs, shuffled) in prop::collection::vec((-100.0..100.0f64, -100.0..100.0f64), 4..30)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
        ) {
            let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
            let (xs, ys): (Vec<f64>, Vec<f64>) = shuffled.into_iter().unzip();
            // Few resamples: the bootstrap is not part of the property and only costs time.
            let params = CorrelationParams { resamples: 10, seed: 3 };
            let a = params.fit(&x, &y);
            prop_assume!(a.is_ok());
            let (a, b) = (a.unwrap(), params.fit(&xs, &ys).unwrap());
            prop_assert!((a.pearson.r - b.pearson.r).abs() <= 1e-9);
            prop_assert!((a.spearman.rho - b.spearman.rho).abs() <= 1e-9);

            let fa = OlsParams.fit(&y, &[("x".to_string(), x)]).unwrap();
            let fb = OlsParams.fit(&ys, &[("x".to_string(), xs)]).unwrap();
            prop_assert!((fa.intercept - fb.intercept).abs() <= 1e-9);
            prop_assert!(
                (fa.coefficients[0].estimate - fb.coefficients[0].estimate).abs() <= 1e-9
            );
        }
    }
}
