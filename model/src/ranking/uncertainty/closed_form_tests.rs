//! Closed-form checks of what one Monte Carlo draw ([`Simulation::draw`]) produces: the
//! Dirichlet weight draws, the truncated stunting draws and the clamped SPBE draws.
//!
//! These read a draw's private workspace, so they live inside the crate; the selection-level
//! checks are in `model/tests/monte_carlo_closed_forms.rs`. Every comparison allows 4 standard
//! errors of the estimate (a miss has probability about 6·10⁻⁵), with fixed seeds.

use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use super::*;
use crate::ranking::{Normalisation, Weights};

/// Standard errors allowed between an estimate and its closed form.
const Z_ALLOWED: f64 = 4.0;

fn cand(code: &str, stunting: f64, se: Option<f64>, spbe: f64) -> Candidate {
    Candidate {
        code: code.to_string(),
        province_code: "11".to_string(),
        stunting,
        stunting_se: se,
        spbe,
        ..Default::default()
    }
}

/// Runs draws 0..`draws` of the simulation and returns, per draw, the workspace fields that
/// `read` picks (in code order).
fn run_draws<T>(
    candidates: &[Candidate],
    scenario: &Scenario,
    params: &UncertaintyParams,
    draws: usize,
    read: impl Fn(&Workspace) -> T,
) -> Vec<T> {
    let prep = prepare(candidates, scenario).unwrap();
    let se = prep
        .input_index
        .iter()
        .map(|&j| {
            candidates[j]
                .stunting_se
                .unwrap_or(params.default_stunting_se)
        })
        .collect();
    let sim = Simulation::new(&prep, se, params, None);
    let mut ws = Workspace::new(&prep);
    (0..draws)
        .map(|d| {
            sim.draw(d, &mut ws);
            read(&ws)
        })
        .collect()
}

/// Sample mean and the standard error of the sample variance estimated from the sample itself:
/// (mean, variance, sd((x − mean)²)/√N).
fn moments(xs: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sq: Vec<f64> = xs.iter().map(|x| (x - mean).powi(2)).collect();
    let var = sq.iter().sum::<f64>() / n;
    let var_of_sq = sq.iter().map(|s| (s - var).powi(2)).sum::<f64>() / n;
    (mean, var, (var_of_sq / n).sqrt())
}

fn assert_close(observed: f64, expected: f64, se: f64, what: &str) {
    let allowed = Z_ALLOWED * se;
    assert!(
        (observed - expected).abs() <= allowed,
        "{what}: observed {observed}, closed form {expected}, |diff| {} > {allowed} \
         (= {Z_ALLOWED} SE of {se})",
        (observed - expected).abs()
    );
}

fn std_normal() -> Normal {
    Normal::new(0.0, 1.0).unwrap()
}

/// A composite scenario under goalposts in which district "01" (stunting 50 %, SPBE 1) scores
/// exactly the drawn stunting weight W: W·(50 − 0)/50 + (1 − W)·(1 − 1)/4 = W. No data noise
/// (stunting se 0, `spbe_se` 0), so the score is the weight of that draw.
fn weight_probe(ws: f64, wd: f64, c: f64) -> (Vec<Candidate>, Scenario, UncertaintyParams) {
    let candidates = vec![
        cand("01", 50.0, Some(0.0), 1.0),
        cand("02", 0.0, Some(0.0), 5.0),
    ];
    let scenario = Scenario {
        method: Method::Composite,
        normalisation: Normalisation::Goalposts,
        weights: Weights::two(ws, wd),
        k: 1,
        ..Scenario::default()
    };
    let params = UncertaintyParams {
        spbe_se: 0.0,
        weight_concentration: c,
        ..UncertaintyParams::default()
    };
    (candidates, scenario, params)
}

/// Closed form: the stunting weight of a draw is W ~ Beta(c·w, c·(1 − w)) (the two-weight
/// Dirichlet with concentration c around the rescaled nominal weight w), so
/// E[W] = w and Var[W] = w(1 − w)/(c + 1). The standard error of the sample mean is
/// √(Var/N); that of the sample variance is √((μ₄ − Var²)/N) with μ₄ = (κ + 3)·Var² and the
/// Beta(α, β) excess kurtosis κ = 6[(α − β)²(α + β + 1) − αβ(α + β + 2)] / [αβ(α + β + 2)(α + β + 3)].
#[test]
fn drawn_weights_have_mean_w_and_variance_w_times_one_minus_w_over_c_plus_one() {
    let draws = 100_000;
    // (w_s, w_d as given, c): the default 0.6 / 0.4 with c = 100, an unnormalised pair, a
    // loose and a tight concentration.
    for (ws, wd, c) in [
        (0.6, 0.4, 100.0),
        (3.0, 1.0, 100.0),
        (0.3, 0.7, 5.0),
        (0.5, 0.5, 1000.0),
    ] {
        let (candidates, scenario, params) = weight_probe(ws, wd, c);
        let w: Vec<f64> = run_draws(&candidates, &scenario, &params, draws, |s| s.scores[0]);

        let p = ws / (ws + wd);
        let var = p * (1.0 - p) / (c + 1.0);
        let (a, b) = (c * p, c * (1.0 - p));
        let kurt = 6.0 * ((a - b).powi(2) * (a + b + 1.0) - a * b * (a + b + 2.0))
            / (a * b * (a + b + 2.0) * (a + b + 3.0));
        let mu4 = (kurt + 3.0) * var * var;
        let (m, v, _) = moments(&w);
        let n = draws as f64;
        assert_close(m, p, (var / n).sqrt(), &format!("mean of W, w {p} c {c}"));
        assert_close(
            v,
            var,
            ((mu4 - var * var) / n).sqrt(),
            &format!("variance of W, w {p} c {c}"),
        );
        assert!(w.iter().all(|x| (0.0..=1.0).contains(x)));
    }
}

/// Documented rule: weights are drawn only for `composite` with both weights positive; a zero
/// weight stays 0 and a lone positive weight stays 1 (Beta(c·1, c·0) does not exist). With
/// weights (1, 0) district "01" scores exactly 1 in every draw.
#[test]
fn a_lone_positive_weight_is_not_redrawn() {
    let (candidates, scenario, params) = weight_probe(1.0, 0.0, 100.0);
    let w: Vec<f64> = run_draws(&candidates, &scenario, &params, 1000, |s| s.scores[0]);
    assert!(w.iter().all(|&x| x == 1.0));
}

/// Closed form: a stunting value is N(μ, σ²) truncated to [0, 100] (by redrawing, as
/// documented on `simulate`). With α = (0 − μ)/σ, β = (100 − μ)/σ and Z = Φ(β) − Φ(α):
/// mean = μ + σ·(φ(α) − φ(β))/Z,
/// variance = σ²·[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²].
/// For μ = 0.5, σ = 2 (one bound active) the mean is 1.7917, not 0.5; for μ = 99.5 it is
/// 98.2083. A clamp at the bound would put mass Φ(α) exactly on 0 instead, so every draw is
/// also checked to be strictly inside (0, 100).
#[test]
fn stunting_draws_have_the_moments_of_the_normal_truncated_to_0_100() {
    let draws = 100_000;
    let cases = [(0.5, 2.0), (99.5, 2.0), (1.0, 5.0), (30.0, 2.0), (2.0, 1.0)];
    let candidates: Vec<Candidate> = cases
        .iter()
        .enumerate()
        .map(|(i, &(mu, sd))| cand(&format!("{i:02}"), mu, Some(sd), 2.0))
        .collect();
    let scenario = Scenario {
        method: Method::Need,
        k: 1,
        ..Scenario::default()
    };
    let params = UncertaintyParams {
        seed: 11,
        ..UncertaintyParams::default()
    };
    let rows: Vec<Vec<f64>> = run_draws(&candidates, &scenario, &params, draws, |s| {
        s.stunting.clone()
    });

    let phi = std_normal();
    for (i, &(mu, sd)) in cases.iter().enumerate() {
        let xs: Vec<f64> = rows.iter().map(|r| r[i]).collect();
        let (alpha, beta) = ((0.0 - mu) / sd, (100.0 - mu) / sd);
        let z = phi.cdf(beta) - phi.cdf(alpha);
        let dpdf = phi.pdf(alpha) - phi.pdf(beta);
        let mean = mu + sd * dpdf / z;
        let var = sd
            * sd
            * (1.0 + (alpha * phi.pdf(alpha) - beta * phi.pdf(beta)) / z - (dpdf / z).powi(2));
        if (mu, sd) == (0.5, 2.0) {
            // Hand value, to catch a wrong formula in this test itself.
            approx::assert_abs_diff_eq!(mean, 1.7917, epsilon = 1e-4);
        }
        let (m, v, v_se) = moments(&xs);
        assert_close(
            m,
            mean,
            (var / draws as f64).sqrt(),
            &format!("mean, μ {mu} σ {sd}"),
        );
        assert_close(v, var, v_se, &format!("variance, μ {mu} σ {sd}"));
        assert!(
            xs.iter().all(|&x| x > 0.0 && x < 100.0),
            "μ {mu} σ {sd}: a draw at or outside the bounds, min {} max {}",
            xs.iter().copied().fold(f64::INFINITY, f64::min),
            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        );
    }
}

/// Closed form: an SPBE value is N(μ, σ²) *clamped* to 1–5 (documented on `simulate`), so
/// P(draw = 1 exactly) = Φ((1 − μ)/σ) and P(draw = 5 exactly) = 1 − Φ((5 − μ)/σ). With
/// `spbe_se` 0.1: μ = 1.05 gives Φ(−0.5) = 0.3085 at 1 and μ = 4.95 gives 0.3085 at 5; μ = 3
/// is never clamped (20σ away) and has mean 3 and variance 0.01.
#[test]
fn spbe_draws_are_clamped_to_1_5_with_the_normal_mass_beyond_each_bound() {
    let draws = 100_000;
    let candidates = vec![
        cand("01", 20.0, Some(1.0), 1.05),
        cand("02", 20.0, Some(1.0), 4.95),
        cand("03", 20.0, Some(1.0), 3.0),
    ];
    let scenario = Scenario {
        method: Method::Need,
        k: 1,
        ..Scenario::default()
    };
    let params = UncertaintyParams {
        seed: 5,
        spbe_se: 0.1,
        ..UncertaintyParams::default()
    };
    let rows: Vec<Vec<f64>> = run_draws(&candidates, &scenario, &params, draws, |s| s.spbe.clone());
    let n = draws as f64;
    let share = |i: usize, v: f64| rows.iter().filter(|r| r[i] == v).count() as f64 / n;
    let expected = std_normal().cdf(-0.5);
    let se = (expected * (1.0 - expected) / n).sqrt();

    assert_close(share(0, 1.0), expected, se, "P(SPBE 1.05 drawn as 1)");
    assert_close(share(1, 5.0), expected, se, "P(SPBE 4.95 drawn as 5)");
    assert!(rows.iter().flatten().all(|&x| (1.0..=5.0).contains(&x)));
    let mid: Vec<f64> = rows.iter().map(|r| r[2]).collect();
    let (m, v, v_se) = moments(&mid);
    assert_close(m, 3.0, (0.01 / n).sqrt(), "mean of SPBE 3");
    assert_close(v, 0.01, v_se, "variance of SPBE 3");
}
