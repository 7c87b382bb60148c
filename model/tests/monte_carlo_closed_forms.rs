//! The Monte Carlo rank uncertainty (`model::ranking::simulate`) checked against closed forms,
//! through the public API only: tiny scenarios whose selection probability, truncation and rank
//! percentiles can be computed by hand.
//!
//! Statistical checks allow 4 Monte Carlo standard errors, √(p(1−p)/draws), evaluated at the
//! *expected* p; every seed is fixed, so the tests are deterministic. A closed form that the
//! simulation misses by more than that is a real discrepancy, not bad luck (a 4-SE miss has
//! probability about 6·10⁻⁵ per comparison).

use model::ranking::{
    Candidate, Constraints, Method, Normalisation, RankUncertainty, Scenario, UncertaintyParams,
    Weights, simulate,
};
use statrs::distribution::{Beta, Continuous, ContinuousCDF, Normal};

/// Monte Carlo standard errors allowed between an estimate and its closed form.
const Z_ALLOWED: f64 = 4.0;

fn cand(code: &str, province: &str, stunting: f64, se: Option<f64>, spbe: f64) -> Candidate {
    Candidate {
        code: code.to_string(),
        province_code: province.to_string(),
        stunting,
        stunting_se: se,
        spbe,
        ..Default::default()
    }
}

fn need(k: usize) -> Scenario {
    Scenario {
        method: Method::Need,
        k,
        ..Scenario::default()
    }
}

fn params(draws: usize, seed: u64) -> UncertaintyParams {
    UncertaintyParams {
        draws,
        seed,
        ..UncertaintyParams::default()
    }
}

fn of<'a>(u: &'a [RankUncertainty], code: &str) -> &'a RankUncertainty {
    u.iter().find(|r| r.code == code).expect("code in output")
}

fn std_normal() -> Normal {
    Normal::new(0.0, 1.0).expect("standard normal")
}

/// Φ, the standard normal CDF.
fn phi_cdf(z: f64) -> f64 {
    std_normal().cdf(z)
}

/// φ, the standard normal density.
fn phi_pdf(z: f64) -> f64 {
    std_normal().pdf(z)
}

/// Asserts |observed − expected| ≤ 4·√(p(1−p)/draws) with p = expected, and reports both.
fn assert_within_mc_error(observed: f64, expected: f64, draws: usize, what: &str) {
    let se = (expected * (1.0 - expected) / draws as f64).sqrt();
    let allowed = Z_ALLOWED * se;
    assert!(
        (observed - expected).abs() <= allowed,
        "{what}: observed {observed}, closed form {expected}, |diff| {} > {allowed} \
         (= {Z_ALLOWED} Monte Carlo SE of {se} at {draws} draws)",
        (observed - expected).abs()
    );
}

// ---------------------------------------------------------------------------------------------
// (a) Two districts, k = 1, method `need`.
// ---------------------------------------------------------------------------------------------

/// Closed form: with X_A ~ N(μ_A, σ_A²) and X_B ~ N(μ_B, σ_B²) independent, `need` selects A
/// (k = 1) exactly when X_A > X_B, so
/// P(A selected) = P(X_A − X_B > 0) = Φ((μ_A − μ_B)/√(σ_A² + σ_B²)).
/// The means are 30–45 % with σ ≤ 4, at least 7σ from 0 and 100, so the truncation to 0–100 %
/// changes the probabilities by less than 10⁻¹¹. One case takes σ_B from
/// `default_stunting_se` (no standard error on the row).
#[test]
fn p_selected_of_two_districts_matches_the_normal_cdf_of_their_difference() {
    let draws = 20_000;
    // (μ_A, σ_A, μ_B, σ_B (None = default), default_stunting_se): p ≈ 0.5, 0.84, 0.98, 0.25, 0.92.
    let cases: [(f64, f64, f64, Option<f64>, f64); 5] = [
        (30.0, 2.0, 30.0, Some(2.0), 2.0),
        (35.0, 3.0, 30.0, Some(4.0), 2.0),
        (34.6, 1.0, 30.0, Some(2.0), 2.0),
        (40.0, 2.5, 42.0, Some(1.5), 2.0),
        (45.0, 2.0, 40.0, None, 3.0),
    ];
    for (i, &(mu_a, sd_a, mu_b, sd_b, default_se)) in cases.iter().enumerate() {
        // Arrange
        let candidates = vec![
            cand("11.01", "11", mu_a, Some(sd_a), 2.0),
            cand("12.01", "12", mu_b, sd_b, 3.0),
        ];
        let p = UncertaintyParams {
            default_stunting_se: default_se,
            ..params(draws, 1000 + i as u64)
        };
        let sd_b = sd_b.unwrap_or(default_se);
        let expected = phi_cdf((mu_a - mu_b) / (sd_a * sd_a + sd_b * sd_b).sqrt());

        // Act
        let u = simulate(&candidates, &need(1), &p).unwrap();

        // Assert
        let (a, b) = (of(&u, "11.01"), of(&u, "12.01"));
        assert_within_mc_error(
            a.p_selected,
            expected,
            draws,
            &format!("case {i}: P(A selected), μ_A {mu_a} σ_A {sd_a}, μ_B {mu_b} σ_B {sd_b}"),
        );
        // Exactly one of the two is selected in every draw.
        assert_eq!(a.p_selected + b.p_selected, 1.0, "case {i}");
    }
}

// ---------------------------------------------------------------------------------------------
// (b) The Dirichlet (two-weight Beta) weight draws, seen through the selection.
// ---------------------------------------------------------------------------------------------

/// Closed form: under `goalposts` (stunting 0–50 %, SPBE 1–5) with no data noise
/// (stunting se 0, `spbe_se` 0), a district A at stunting 50·a, SPBE 1 scores W·a and a district
/// B at stunting 0, SPBE 1 + 4·b scores (1 − W)·b, where W ~ Beta(c·w, c·(1 − w)) is the drawn
/// stunting weight (the two-weight Dirichlet). With a = 1, b = t/(1 − t) (t < ½) or a = (1 − t)/t,
/// b = 1 (t ≥ ½), A is selected (k = 1) exactly when W > t, so
/// P(A selected) = 1 − I_t(c·w, c·(1 − w)), I the regularised incomplete beta function.
/// Probing t across the distribution checks the whole law of the drawn weight, not only two moments.
#[test]
fn p_selected_under_drawn_weights_matches_the_beta_cdf_of_the_stunting_weight() {
    let draws = 20_000;
    // (w_s, w_d as given, concentration c, thresholds t).
    let cases: [(f64, f64, f64, &[f64]); 3] = [
        (0.6, 0.4, 100.0, &[0.45, 0.55, 0.6, 0.65, 0.7]),
        // Unnormalised weights: rescaled to 0.25 / 0.75 before the draw.
        (1.0, 3.0, 20.0, &[0.1, 0.2, 0.3, 0.4]),
        (0.5, 0.5, 2.0, &[0.05, 0.3, 0.5, 0.8, 0.95]),
    ];
    for (i, &(ws, wd, c, thresholds)) in cases.iter().enumerate() {
        let w = ws / (ws + wd);
        let law = Beta::new(c * w, c * (1.0 - w)).unwrap();
        for (j, &t) in thresholds.iter().enumerate() {
            // Arrange
            let (a, b) = if t < 0.5 {
                (1.0, t / (1.0 - t))
            } else {
                ((1.0 - t) / t, 1.0)
            };
            let candidates = vec![
                cand("11.01", "11", 50.0 * a, Some(0.0), 1.0),
                cand("12.01", "12", 0.0, Some(0.0), 1.0 + 4.0 * b),
            ];
            let scenario = Scenario {
                method: Method::Composite,
                normalisation: Normalisation::Goalposts,
                weights: Weights::two(ws, wd),
                k: 1,
                ..Scenario::default()
            };
            let p = UncertaintyParams {
                spbe_se: 0.0,
                weight_concentration: c,
                ..params(draws, 7 + 100 * i as u64 + j as u64)
            };
            let expected = 1.0 - law.cdf(t);

            // Act
            let u = simulate(&candidates, &scenario, &p).unwrap();

            // Assert
            assert_within_mc_error(
                of(&u, "11.01").p_selected,
                expected,
                draws,
                &format!("P(W > {t}) for W ~ Beta({}, {})", c * w, c * (1.0 - w)),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (c) Truncation of stunting draws to 0–100 %.
// ---------------------------------------------------------------------------------------------

/// P(X > b) for X ~ N(μ, σ²) truncated to [0, 100]:
/// (Φ(β) − Φ((b − μ)/σ)) / (Φ(β) − Φ(α)), α = (0 − μ)/σ, β = (100 − μ)/σ.
fn truncated_survival(mu: f64, sd: f64, b: f64) -> f64 {
    let (alpha, beta) = ((0.0 - mu) / sd, (100.0 - mu) / sd);
    let z = phi_cdf(beta) - phi_cdf(alpha);
    ((phi_cdf(beta) - phi_cdf(((b - mu) / sd).clamp(alpha, beta))) / z).clamp(0.0, 1.0)
}

/// Documented rule (`simulate`): a stunting value is drawn from N(value, se²) *truncated* to
/// 0–100 % by redrawing (not clamped). A district A at 0.5 % with se 2 against a fixed B at b
/// (se 0), k = 1, `need`: P(A selected) = P(X_A > b) = (Φ(β) − Φ((b − μ)/σ))/(Φ(β) − Φ(α)).
/// Untruncated this would be 1 − Φ((b − μ)/σ) (b = 1: 0.40 instead of 0.67), and clamping at 0
/// would give P(A selected | b = 0) = 1 − Φ(−μ/σ) = 0.60; truncation gives exactly 1 at b = 0,
/// since every draw is > 0 and a draw of exactly 0 would tie with B and lose on code.
#[test]
fn a_district_near_zero_draws_from_the_normal_truncated_at_zero() {
    let draws = 20_000;
    let (mu, sd) = (0.5, 2.0);
    for (i, &b) in [0.0, 0.5, 1.0, 2.0, 4.0].iter().enumerate() {
        // Arrange: B has the smaller code, so it wins a tie.
        let candidates = vec![
            cand("11.01", "11", b, Some(0.0), 2.0),
            cand("11.02", "11", mu, Some(sd), 2.0),
        ];
        let expected = truncated_survival(mu, sd, b);

        // Act
        let u = simulate(&candidates, &need(1), &params(draws, 300 + i as u64)).unwrap();

        // Assert
        let p = of(&u, "11.02").p_selected;
        if b == 0.0 {
            assert_eq!(expected, 1.0);
            assert_eq!(p, 1.0, "a draw of A fell at or below 0 %");
        } else {
            assert_within_mc_error(p, expected, draws, &format!("P(X_A > {b})"));
        }
    }
}

/// Mirror image at the upper bound: A at 99.5 % with se 2 against a fixed B at b. At b = 100
/// A (now with the smaller code, so it would win a tie) must never be selected: every draw is
/// below 100. Elsewhere P(A selected) = P(X_A > b) of the truncated normal, e.g. b = 99.5:
/// (Φ(0.25) − Φ(0))/(Φ(0.25) − Φ(−49.75)) = 0.165, where the untruncated value is 0.5.
#[test]
fn a_district_near_one_hundred_draws_from_the_normal_truncated_at_one_hundred() {
    let draws = 20_000;
    let (mu, sd) = (99.5, 2.0);
    for (i, &b) in [100.0, 99.9, 99.5, 99.0, 97.0].iter().enumerate() {
        // Arrange: A has the smaller code, so it wins a tie.
        let candidates = vec![
            cand("11.01", "11", mu, Some(sd), 2.0),
            cand("11.02", "11", b, Some(0.0), 2.0),
        ];
        let expected = truncated_survival(mu, sd, b);

        // Act
        let u = simulate(&candidates, &need(1), &params(draws, 400 + i as u64)).unwrap();

        // Assert
        let p = of(&u, "11.01").p_selected;
        if b == 100.0 {
            assert_eq!(expected, 0.0);
            assert_eq!(p, 0.0, "a draw of A reached 100 % or more");
        } else {
            assert_within_mc_error(p, expected, draws, &format!("P(X_A > {b})"));
        }
    }
}

/// Truncation changes the distribution, not only its support: the mean of N(μ, σ²) truncated
/// below at 0 is μ + σ·φ(α)/(1 − Φ(α)), α = −μ/σ. For μ = 0.5, σ = 2 that is 1.7917, and a
/// fixed B placed at the truncated mean m is beaten with probability
/// P(X_A > m) = (1 − Φ((m − μ)/σ))/(1 − Φ(α)) = 0.4329 — not 1 − Φ((m − μ)/σ) = 0.2592
/// (untruncated) and not 0.5.
#[test]
fn a_fixed_district_at_the_truncated_mean_is_beaten_with_the_truncated_probability() {
    let draws = 40_000;
    let (mu, sd) = (0.5, 2.0);
    let alpha = -mu / sd;
    let m = mu + sd * phi_pdf(alpha) / (1.0 - phi_cdf(alpha));
    let expected = (1.0 - phi_cdf((m - mu) / sd)) / (1.0 - phi_cdf(alpha));
    // Hand values above, to catch a wrong formula in this test itself.
    assert!((m - 1.7917).abs() < 1e-4, "{m}");
    assert!((expected - 0.4329).abs() < 1e-4, "{expected}");
    let candidates = vec![
        cand("11.01", "11", m, Some(0.0), 2.0),
        cand("11.02", "11", mu, Some(sd), 2.0),
    ];

    let u = simulate(&candidates, &need(1), &params(draws, 77)).unwrap();

    assert_within_mc_error(
        of(&u, "11.02").p_selected,
        expected,
        draws,
        "P(X_A > truncated mean)",
    );
}

// ---------------------------------------------------------------------------------------------
// (d) The histogram path (≤ 2,048 districts, n ≤ draws) against hand-computed ranks.
// ---------------------------------------------------------------------------------------------

/// Type-7 quantile of a sorted list, written out from the definition: h = (N − 1)·p,
/// Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎).
fn type7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// (p05, median, p95) of `m` draws at rank `r1` and `n − m` draws at rank `r2` > `r1`.
fn two_point_quantiles(m: usize, r1: f64, n: usize, r2: f64) -> [f64; 3] {
    let mut v = vec![r1; m];
    v.extend(std::iter::repeat_n(r2, n - m));
    [0.05, 0.5, 0.95].map(|p| type7(&v, p))
}

/// With every standard error 0 each draw reproduces the nominal data, so under `need` the rank
/// is the position by stunting (40 > 30 > 25 > 20 > 10 → ranks 1…5), every percentile equals
/// it, and p_selected is 1 for the top k = 2 and 0 for the rest. 5 districts ≤ 50 draws: the
/// histogram path.
#[test]
fn without_noise_every_rank_percentile_equals_the_rank_by_stunting() {
    let candidates = vec![
        cand("11.01", "11", 10.0, Some(0.0), 2.0),
        cand("11.02", "11", 40.0, Some(0.0), 3.0),
        cand("12.01", "12", 25.0, Some(0.0), 4.0),
        cand("12.02", "12", 30.0, Some(0.0), 1.5),
        cand("13.01", "13", 20.0, Some(0.0), 2.5),
    ];
    let p = UncertaintyParams {
        spbe_se: 0.0,
        ..params(50, 3)
    };

    let u = simulate(&candidates, &need(2), &p).unwrap();

    for (code, rank, p_sel) in [
        ("11.02", 1.0, 1.0),
        ("12.02", 2.0, 1.0),
        ("12.01", 3.0, 0.0),
        ("13.01", 4.0, 0.0),
        ("11.01", 5.0, 0.0),
    ] {
        let r = of(&u, code);
        assert_eq!(
            (r.rank_p05, r.rank_median, r.rank_p95, r.p_selected),
            (rank, rank, rank, p_sel),
            "{code}"
        );
    }
}

/// Constrained ranks: selected districts first in score order, then the rest in score order.
/// Stunting 40 (P11), 30 (P11), 25 (P12), 20 (P12), 10 (P13); k = 2 and at most 1 per province
/// selects 40 and 25, so the ranks are 40 → 1, 25 → 2, 30 → 3, 20 → 4, 10 → 5, in every draw.
#[test]
fn without_noise_constrained_ranks_put_the_selected_districts_first() {
    let candidates = vec![
        cand("11.01", "11", 40.0, Some(0.0), 2.0),
        cand("11.02", "11", 30.0, Some(0.0), 3.0),
        cand("12.01", "12", 25.0, Some(0.0), 4.0),
        cand("12.02", "12", 20.0, Some(0.0), 1.5),
        cand("13.01", "13", 10.0, Some(0.0), 2.5),
    ];
    let scenario = Scenario {
        constraints: Constraints {
            max_per_province: Some(1),
            ..Constraints::default()
        },
        ..need(2)
    };

    let u = simulate(&candidates, &scenario, &params(40, 9)).unwrap();

    for (code, rank, p_sel) in [
        ("11.01", 1.0, 1.0),
        ("12.01", 2.0, 1.0),
        ("11.02", 3.0, 0.0),
        ("12.02", 4.0, 0.0),
        ("13.01", 5.0, 0.0),
    ] {
        let r = of(&u, code);
        assert_eq!(
            (r.rank_p05, r.rank_median, r.rank_p95, r.p_selected),
            (rank, rank, rank, p_sel),
            "{code}"
        );
    }
}

/// Two districts that swap: C (60 %, se 0) is always rank 1; A (30 %, se 3) and B (25 %, se 4)
/// take ranks 2 and 3, A ahead with probability q = Φ(5/√(3² + 4²)) = Φ(1) = 0.8413. With
/// N = 2,000 draws A's count at rank 2 is 1,683 ± 16, far from the boundaries of the type-7
/// positions h = 99.95, 999.5 and 1,899.05, so the percentiles are known: A (2, 2, 3),
/// B (2, 3, 3), C (1, 1, 1); and k = 2 gives p_A ≈ q, p_B = 1 − p_A, p_C = 1.
#[test]
fn a_pair_swapping_with_known_probability_has_the_expected_rank_percentiles() {
    let draws = 2000;
    let candidates = vec![
        cand("11.01", "11", 60.0, Some(0.0), 2.0),
        cand("11.02", "11", 30.0, Some(3.0), 2.0),
        cand("11.03", "11", 25.0, Some(4.0), 2.0),
    ];

    let u = simulate(&candidates, &need(2), &params(draws, 2024)).unwrap();

    let (c, a, b) = (of(&u, "11.01"), of(&u, "11.02"), of(&u, "11.03"));
    assert_eq!(
        (c.rank_p05, c.rank_median, c.rank_p95, c.p_selected),
        (1.0, 1.0, 1.0, 1.0)
    );
    assert_eq!((a.rank_p05, a.rank_median, a.rank_p95), (2.0, 2.0, 3.0));
    assert_eq!((b.rank_p05, b.rank_median, b.rank_p95), (2.0, 3.0, 3.0));
    assert_within_mc_error(a.p_selected, phi_cdf(1.0), draws, "P(A ahead of B)");
    assert_eq!(a.p_selected + b.p_selected, 1.0);
}

/// Type-7 interpolation on few draws, computed by hand from the counts: with C fixed at rank 1
/// and A, B swapping, A holds rank 2 in m of the N draws (m = N·p_A, as k = 2), so A's sorted
/// ranks are m twos then N − m threes and B's are N − m twos then m threes; each percentile
/// follows from Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), h = (N − 1)p — e.g. N = 10, m = 5:
/// median = 2.5; N = 11, m = 1: p05 = 2.5. Over 300 seeds per N the fractional positions and
/// the even-N "mean of the middle two" cases all occur; the pooled share of draws with A ahead
/// matches Φ((μ_A − μ_B)/√(σ_A² + σ_B²)) = Φ(1).
#[test]
fn rank_percentiles_of_few_draws_follow_type_7_interpolation_of_the_rank_counts() {
    let candidates = vec![
        cand("11.01", "11", 60.0, Some(0.0), 2.0),
        cand("11.02", "11", 30.0, Some(3.0), 2.0),
        cand("11.03", "11", 25.0, Some(4.0), 2.0),
    ];
    let (mut ahead, mut total, mut interpolated) = (0usize, 0usize, 0usize);
    for n in [3usize, 10, 11, 20, 21] {
        for seed in 0..300u64 {
            let u = simulate(&candidates, &need(2), &params(n, seed)).unwrap();
            let (c, a, b) = (of(&u, "11.01"), of(&u, "11.02"), of(&u, "11.03"));
            let m = (a.p_selected * n as f64).round() as usize;
            assert_eq!(a.p_selected, m as f64 / n as f64, "N {n} seed {seed}");
            assert_eq!(b.p_selected, (n - m) as f64 / n as f64, "N {n} seed {seed}");
            assert_eq!(
                [c.rank_p05, c.rank_median, c.rank_p95, c.p_selected],
                [1.0; 4]
            );
            let qa = two_point_quantiles(m, 2.0, n, 3.0);
            let qb = two_point_quantiles(n - m, 2.0, n, 3.0);
            assert_eq!(
                [a.rank_p05, a.rank_median, a.rank_p95],
                qa,
                "A, N {n} seed {seed}, m {m}"
            );
            assert_eq!(
                [b.rank_p05, b.rank_median, b.rank_p95],
                qb,
                "B, N {n} seed {seed}, m {m}"
            );
            interpolated += qa.iter().chain(&qb).filter(|q| q.fract() != 0.0).count();
            ahead += m;
            total += n;
        }
    }
    // The hand formula was exercised off the integers, not only at whole ranks.
    assert!(interpolated > 100, "{interpolated}");
    assert_within_mc_error(
        ahead as f64 / total as f64,
        phi_cdf(1.0),
        total,
        "pooled P(A ahead)",
    );
}
