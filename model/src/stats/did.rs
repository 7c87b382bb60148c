//! Difference-in-differences for two groups and two periods: OLS of the outcome on a constant,
//! the group, the period and their product over the stacked panel, with standard errors
//! clustered as statsmodels' `OLS(...).fit(cov_type="cluster")` computes them by default
//! (CR1 with the factor G/(G−1)·(N−1)/(N−K), normal 95 % interval).

use std::collections::HashMap;

use serde::Serialize;

use crate::error::{ModelError, Result};
use crate::sentences as s;
use crate::stats::rd::Z_95;

/// One unit observed in both periods.
#[derive(Debug, Clone, PartialEq)]
pub struct DidUnit {
    /// Cluster label (e.g. the province code).
    pub cluster: String,
    /// True for the treated group.
    pub treated: bool,
    /// Outcome in the first period.
    pub before: f64,
    /// Outcome in the second period.
    pub after: f64,
}

/// Settings of [`DidParams::fit`] (none beyond the defaults).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DidParams;

/// A fitted 2×2 difference-in-differences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DidFit {
    /// Coefficient of group × period: (ȳ₁₁ − ȳ₁₀) − (ȳ₀₁ − ȳ₀₀).
    pub estimate: f64,
    /// Its cluster-robust standard error.
    pub se: f64,
    /// 95 % interval, estimate ± 1.96·se.
    pub ci: [f64; 2],
    /// Number of clusters.
    pub clusters: usize,
    /// Treated units.
    pub n_treated: usize,
    /// Control units.
    pub n_control: usize,
}

impl DidParams {
    /// Fits the stacked regression y = α + β·treated + γ·post + δ·treated·post.
    ///
    /// # Errors
    /// `ModelError::InsufficientData` without a treated and a control unit or with fewer than
    /// two clusters; `ModelError::Invalid` (`invalid_value`) for a non-finite outcome.
    pub fn fit(&self, units: &[DidUnit]) -> Result<DidFit> {
        if units
            .iter()
            .any(|u| !u.before.is_finite() || !u.after.is_finite())
        {
            return Err(ModelError::invalid(
                "invalid_value",
                &s::OUTCOMES_NOT_FINITE,
            ));
        }
        let n_treated = units.iter().filter(|u| u.treated).count();
        let n_control = units.len() - n_treated;
        if n_treated == 0 || n_control == 0 {
            return Err(ModelError::InsufficientData {
                needed: 1,
                got: n_treated.min(n_control),
            });
        }
        let mut cluster_index: HashMap<&str, usize> = HashMap::new();
        for u in units {
            let next = cluster_index.len();
            cluster_index.entry(u.cluster.as_str()).or_insert(next);
        }
        let g = cluster_index.len();
        if g < 2 {
            return Err(ModelError::InsufficientData { needed: 2, got: g });
        }
        // Rows (1, T, P, T·P), two per unit.
        let rows: Vec<([f64; 4], f64, usize)> = units
            .iter()
            .flat_map(|u| {
                let t = if u.treated { 1.0 } else { 0.0 };
                let c = cluster_index[u.cluster.as_str()];
                [
                    ([1.0, t, 0.0, 0.0], u.before, c),
                    ([1.0, t, 1.0, t], u.after, c),
                ]
            })
            .collect();
        let mut xtx = [[0.0; 4]; 4];
        let mut xty = [0.0; 4];
        for (x, y, _) in &rows {
            for a in 0..4 {
                xty[a] += x[a] * y;
                for b in 0..4 {
                    xtx[a][b] += x[a] * x[b];
                }
            }
        }
        let inv = invert4(xtx)?;
        let beta: Vec<f64> = (0..4)
            .map(|a| (0..4).map(|b| inv[a][b] * xty[b]).sum())
            .collect();
        let mut scores = vec![[0.0; 4]; g];
        for (x, y, c) in &rows {
            let fitted: f64 = (0..4).map(|a| x[a] * beta[a]).sum();
            for a in 0..4 {
                scores[*c][a] += x[a] * (y - fitted);
            }
        }
        // Only the (3,3) element is needed: e₃ᵀ A (Σ s sᵀ) A e₃ = Σ (A₃·s)².
        let meat: f64 = scores
            .iter()
            .map(|s| (0..4).map(|b| inv[3][b] * s[b]).sum::<f64>().powi(2))
            .sum();
        let n = rows.len() as f64;
        let correction = g as f64 / (g as f64 - 1.0) * (n - 1.0) / (n - 4.0);
        let se = (meat * correction).sqrt();
        let estimate = beta[3];
        Ok(DidFit {
            estimate,
            se,
            ci: [estimate - Z_95 * se, estimate + Z_95 * se],
            clusters: g,
            n_treated,
            n_control,
        })
    }
}

/// Gauss–Jordan inverse of a 4×4 matrix with partial pivoting.
fn invert4(mut a: [[f64; 4]; 4]) -> Result<[[f64; 4]; 4]> {
    let mut inv = [[0.0; 4]; 4];
    for (i, row) in inv.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for col in 0..4 {
        let pivot = (col..4)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        if a[pivot][col].abs() < 1e-12 {
            return Err(ModelError::invalid("singular_design", &s::DID_SINGULAR));
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let p = a[col][col];
        for j in 0..4 {
            a[col][j] /= p;
            inv[col][j] /= p;
        }
        for i in 0..4 {
            if i != col {
                let f = a[i][col];
                for j in 0..4 {
                    a[i][j] -= f * a[col][j];
                    inv[i][j] -= f * inv[col][j];
                }
            }
        }
    }
    Ok(inv)
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;

    use super::*;

    fn unit(cluster: &str, treated: bool, before: f64, after: f64) -> DidUnit {
        DidUnit {
            cluster: cluster.into(),
            treated,
            before,
            after,
        }
    }

    #[test]
    fn the_estimate_is_the_difference_of_the_two_mean_changes() {
        // Treated change: (−2 − 4)/2 = −3; control change: (1 + 0)/2 = 0.5; δ = −3.5.
        let units = [
            unit("a", true, 30.0, 28.0),
            unit("b", true, 20.0, 16.0),
            unit("a", false, 25.0, 26.0),
            unit("b", false, 15.0, 15.0),
        ];
        let fit = DidParams.fit(&units).unwrap();
        assert_abs_diff_eq!(fit.estimate, -3.5, epsilon = 1e-12);
        assert_eq!(fit.clusters, 2);
        assert_eq!((fit.n_treated, fit.n_control), (2, 2));
    }

    #[test]
    fn the_clustered_se_matches_the_closed_form_of_a_two_cluster_design() {
        // With the saturated 2×2 model each unit's contribution to δ̂ is ±(Δᵢ − mean Δ of its
        // group)/n_group. Clusters a = {T: Δ=−2, C: Δ=+1}, b = {T: Δ=−4, C: Δ=0}:
        // treated deviations ±1 /2 → a: +0.5, b: −0.5; control deviations ±0.5 /2 → a: +0.25,
        // b: −0.25; score of δ per cluster = treated part − control part = ±0.25.
        // Σ = 2·0.25² = 0.125; correction 2/1 · 7/4 = 3.5 → se = √0.4375.
        let units = [
            unit("a", true, 30.0, 28.0),
            unit("b", true, 20.0, 16.0),
            unit("a", false, 25.0, 26.0),
            unit("b", false, 15.0, 15.0),
        ];
        let fit = DidParams.fit(&units).unwrap();
        assert_abs_diff_eq!(fit.se, 0.4375f64.sqrt(), epsilon = 1e-12);
        assert_abs_diff_eq!(fit.ci[1] - fit.estimate, Z_95 * fit.se, epsilon = 1e-12);
    }

    #[test]
    fn a_design_without_controls_is_refused() {
        let units = [unit("a", true, 1.0, 2.0), unit("b", true, 1.0, 2.0)];
        assert!(matches!(
            DidParams.fit(&units),
            Err(ModelError::InsufficientData { .. })
        ));
    }
}
