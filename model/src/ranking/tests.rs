//! Tests of the ranking on tiny hand-computed data, and properties on generated data.

use approx::assert_abs_diff_eq;
use proptest::prelude::*;

use super::*;
use crate::error::ModelError;

const EPS: f64 = 1e-12;

fn cand(code: &str, province: &str, stunting: f64, spbe: f64) -> Candidate {
    Candidate {
        code: code.to_string(),
        province_code: province.to_string(),
        stunting,
        stunting_se: Some(1.0),
        spbe,
        ..Default::default()
    }
}

/// Five districts in three provinces; with min_max, stunting spans 10–40 and SPBE 1–5.
fn five() -> Vec<Candidate> {
    vec![
        cand("01", "P1", 30.0, 2.0),
        cand("02", "P1", 22.0, 5.0),
        cand("03", "P2", 40.0, 1.0),
        cand("04", "P2", 10.0, 3.0),
        cand("05", "P3", 28.0, 4.0),
    ]
}

/// Seven districts in provinces 11, 12, 13; under `need` the score is the stunting value, so the
/// order is 11.01 > 11.02 > 11.03 > 12.01 > 12.02 > 13.01 > 13.02.
fn seven() -> Vec<Candidate> {
    vec![
        cand("11.01", "11", 40.0, 3.0),
        cand("11.02", "11", 35.0, 2.0),
        cand("11.03", "11", 30.0, 4.0),
        cand("12.01", "12", 25.0, 3.5),
        cand("12.02", "12", 20.0, 1.5),
        cand("13.01", "13", 15.0, 2.5),
        cand("13.02", "13", 10.0, 4.5),
    ]
}

fn need(k: usize, constraints: Constraints) -> Scenario {
    Scenario {
        method: Method::Need,
        k,
        constraints,
        ..Scenario::default()
    }
}

fn composite(k: usize) -> Scenario {
    Scenario {
        k,
        ..Scenario::default()
    }
}

fn entry<'a>(r: &'a Ranking, code: &str) -> &'a RankedEntry {
    r.entries
        .iter()
        .find(|e| e.code == code)
        .expect("code in ranking")
}

fn codes_in_rank_order(r: &Ranking) -> Vec<&str> {
    r.entries.iter().map(|e| e.code.as_str()).collect()
}

fn selected(r: &Ranking) -> Vec<&str> {
    r.entries
        .iter()
        .filter(|e| e.selected)
        .map(|e| e.code.as_str())
        .collect()
}

fn infeasible(res: Result<Ranking>) -> String {
    match res {
        Err(ModelError::Infeasible(m)) => m.to_string(),
        other => panic!("expected Infeasible, got {other:?}"),
    }
}

fn invalid<T: std::fmt::Debug>(res: Result<T>) -> (&'static str, String) {
    match res {
        Err(ModelError::Invalid { code, message }) => (code, message.to_string()),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// Codes as strings or as manual decisions without reasons, as the field needs.
fn strings<'a, T: From<&'a str>>(v: &[&'a str]) -> Vec<T> {
    v.iter().map(|&s| s.into()).collect()
}

// ---------------------------------------------------------------- scores

#[test]
fn composite_min_max_scores_match_the_hand_computation() {
    // norm_s = (s − 10)/30, norm_d = (d − 1)/4, score = 0.6·norm_s + 0.4·norm_d:
    // 01: 0.6·20/30 + 0.4·1/4 = 0.50    02: 0.6·12/30 + 0.4·4/4 = 0.64
    // 03: 0.6·30/30 + 0.4·0   = 0.60    04: 0.6·0 + 0.4·2/4     = 0.20
    // 05: 0.6·18/30 + 0.4·3/4 = 0.66
    let r = rank(&five(), &composite(2)).unwrap();
    assert_eq!(codes_in_rank_order(&r), ["05", "02", "03", "01", "04"]);
    for (code, score, cs, cd) in [
        ("01", 0.50, 0.40, 0.10),
        ("02", 0.64, 0.24, 0.40),
        ("03", 0.60, 0.60, 0.00),
        ("04", 0.20, 0.00, 0.20),
        ("05", 0.66, 0.36, 0.30),
    ] {
        let e = entry(&r, code);
        assert_abs_diff_eq!(e.score, score, epsilon = EPS);
        assert_abs_diff_eq!(e.contributions.stunting, cs, epsilon = EPS);
        assert_abs_diff_eq!(e.contributions.spbe, cd, epsilon = EPS);
    }
    assert_eq!(selected(&r), ["05", "02"]);
    // The cut-off lies midway between the last in (02, 0.64) and the first out (03, 0.60).
    assert_abs_diff_eq!(r.cutoff_score, 0.62, epsilon = EPS);
    assert_abs_diff_eq!(entry(&r, "04").margin, 0.20 - 0.62, epsilon = EPS);
    assert_eq!(r.weights_used, Weights::two(0.6, 0.4));
    assert!(r.constraint_effects.is_empty());
}

#[test]
fn weights_are_rescaled_to_sum_one_and_reported() {
    // 3 : 2 is 0.6 : 0.4, so the scores are those of the default weights.
    let mut sc = composite(2);
    sc.weights = Weights::two(3.0, 2.0);
    let r = rank(&five(), &sc).unwrap();
    assert_abs_diff_eq!(r.weights_used.stunting, 0.6, epsilon = EPS);
    assert_abs_diff_eq!(r.weights_used.spbe, 0.4, epsilon = EPS);
    assert_abs_diff_eq!(entry(&r, "05").score, 0.66, epsilon = EPS);
}

#[test]
fn lower_is_priority_uses_one_minus_the_spbe_norm() {
    // norm_d becomes 1 − (d − 1)/4: 01: 0.4 + 0.4·3/4 = 0.70, 02: 0.24 + 0 = 0.24,
    // 03: 0.6 + 0.4 = 1.00, 04: 0 + 0.4·2/4 = 0.20, 05: 0.36 + 0.4·1/4 = 0.46.
    let mut sc = composite(2);
    sc.spbe_direction = SpbeDirection::LowerIsPriority;
    let r = rank(&five(), &sc).unwrap();
    assert_eq!(codes_in_rank_order(&r), ["03", "01", "05", "02", "04"]);
    assert_abs_diff_eq!(entry(&r, "01").score, 0.70, epsilon = EPS);
    assert_abs_diff_eq!(entry(&r, "03").score, 1.00, epsilon = EPS);
    assert_abs_diff_eq!(entry(&r, "05").contributions.spbe, 0.10, epsilon = EPS);
}

#[test]
fn an_indicator_that_does_not_vary_normalises_to_zero() {
    // Stunting is 20 everywhere, so max == min and norm_s = 0; score = 0.4·(d − 1)/4.
    let data = vec![
        cand("1", "P", 20.0, 1.0),
        cand("2", "P", 20.0, 3.0),
        cand("3", "P", 20.0, 5.0),
    ];
    let r = rank(&data, &composite(1)).unwrap();
    for e in &r.entries {
        assert_eq!(e.contributions.stunting, 0.0);
    }
    assert_abs_diff_eq!(entry(&r, "2").score, 0.2, epsilon = EPS);
    assert_abs_diff_eq!(entry(&r, "3").score, 0.4, epsilon = EPS);
    // The stunting change is undefined when the scale has no width.
    assert_eq!(entry(&r, "2").stunting_change_to_cross, None);
}

#[test]
fn z_score_uses_the_population_standard_deviation() {
    // Stunting 10, 20, 30: mean 20, sd √(200/3), z = ∓√1.5, 0.
    // SPBE 3, 1, 2: mean 2, sd √(2/3), z = √1.5, −√1.5, 0. Weights ½, ½:
    // A: ½(−√1.5 + √1.5) = 0, B: ½(0 − √1.5), C: ½(√1.5 + 0).
    let data = vec![
        cand("A", "P", 10.0, 3.0),
        cand("B", "P", 20.0, 1.0),
        cand("C", "P", 30.0, 2.0),
    ];
    let mut sc = composite(1);
    sc.normalisation = Normalisation::ZScore;
    sc.weights = Weights::two(1.0, 1.0);
    let r = rank(&data, &sc).unwrap();
    let h = 1.5f64.sqrt();
    assert_eq!(codes_in_rank_order(&r), ["C", "A", "B"]);
    assert_abs_diff_eq!(entry(&r, "A").score, 0.0, epsilon = EPS);
    assert_abs_diff_eq!(entry(&r, "B").score, -0.5 * h, epsilon = EPS);
    assert_abs_diff_eq!(entry(&r, "C").score, 0.5 * h, epsilon = EPS);
    // Lower is priority negates the SPBE z-score: C: ½(√1.5 − 0), A: ½(−√1.5 − √1.5).
    sc.spbe_direction = SpbeDirection::LowerIsPriority;
    let r = rank(&data, &sc).unwrap();
    assert_abs_diff_eq!(entry(&r, "A").score, -h, epsilon = EPS);
    assert_abs_diff_eq!(entry(&r, "B").score, 0.5 * h, epsilon = EPS);
}

#[test]
fn goalposts_clamp_values_and_ignore_the_other_districts() {
    // Stunting 60 % clamps to norm 1; SPBE 3 → (3 − 1)/4 = 0.5: score 0.6 + 0.2 = 0.8.
    let mut data = vec![
        cand("1", "P", 60.0, 3.0),
        cand("2", "P", 10.0, 1.0),
        cand("3", "P", 20.0, 2.0),
    ];
    let mut sc = composite(1);
    sc.normalisation = Normalisation::Goalposts;
    let before = rank(&data, &sc).unwrap();
    assert_abs_diff_eq!(entry(&before, "1").score, 0.8, epsilon = EPS);
    // 2: 0.6·10/50 + 0 = 0.12.
    assert_abs_diff_eq!(entry(&before, "2").score, 0.12, epsilon = EPS);
    data[1].stunting = 45.0;
    data[2].spbe = 5.0;
    let after = rank(&data, &sc).unwrap();
    assert_eq!(entry(&before, "1").score, entry(&after, "1").score);
}

#[test]
fn need_scores_stunting_alone() {
    let r = rank(&seven(), &need(3, Constraints::default())).unwrap();
    let e = entry(&r, "12.01");
    assert_eq!(e.score, 25.0);
    assert_eq!(
        e.contributions,
        Contributions {
            stunting: 25.0,
            spbe: 0.0,
            ..Contributions::default()
        }
    );
    // Cut-off 30 (11.03); 12.01 needs +5 points; SPBE plays no part.
    assert_abs_diff_eq!(e.stunting_change_to_cross.unwrap(), 5.0, epsilon = EPS);
    assert_eq!(e.spbe_change_to_cross, None);
    assert_eq!(r.weights_used, Weights::two(1.0, 0.0));
}

#[test]
fn residual_scores_stunting_above_the_ols_line() {
    // x = SPBE 1, 2, 3, 4; y = stunting 10, 14, 16, 24: x̄ = 2.5, ȳ = 16, Sxy = 22, Sxx = 5,
    // b = 4.4, a = 16 − 4.4·2.5 = 5; fitted 9.4, 13.8, 18.2, 22.6;
    // residuals 0.6, 0.2, −2.2, 1.4.
    let data = vec![
        cand("d1", "P", 10.0, 1.0),
        cand("d2", "P", 14.0, 2.0),
        cand("d3", "P", 16.0, 3.0),
        cand("d4", "P", 24.0, 4.0),
    ];
    let sc = Scenario {
        method: Method::Residual,
        k: 2,
        ..Scenario::default()
    };
    let r = rank(&data, &sc).unwrap();
    assert_eq!(codes_in_rank_order(&r), ["d4", "d1", "d2", "d3"]);
    for (code, score) in [("d1", 0.6), ("d2", 0.2), ("d3", -2.2), ("d4", 1.4)] {
        assert_abs_diff_eq!(entry(&r, code).score, score, epsilon = 1e-9);
    }
    // Centred parts of d1: 10 − 16 = −6 and −4.4·(1 − 2.5) = 6.6.
    let c = entry(&r, "d1").contributions;
    assert_abs_diff_eq!(c.stunting, -6.0, epsilon = 1e-9);
    assert_abs_diff_eq!(c.spbe, 6.6, epsilon = 1e-9);
    // The cut-off is midway between d1 (0.6) and d2 (0.2): 0.4, so d2's margin is −0.2; to
    // cross it must reach d1's 0.6: stunting +0.4, SPBE −0.4/4.4 (b = 4.4).
    let e = entry(&r, "d2");
    assert_abs_diff_eq!(e.margin, -0.2, epsilon = 1e-9);
    assert_abs_diff_eq!(e.stunting_change_to_cross.unwrap(), 0.4, epsilon = 1e-9);
    assert_abs_diff_eq!(e.spbe_change_to_cross.unwrap(), -0.4 / 4.4, epsilon = 1e-9);
}

#[test]
fn residual_needs_three_districts_and_varying_spbe() {
    let sc = Scenario {
        method: Method::Residual,
        k: 1,
        ..Scenario::default()
    };
    let two = vec![cand("1", "P", 10.0, 1.0), cand("2", "P", 20.0, 2.0)];
    let (code, msg) = invalid(rank(&two, &sc));
    assert_eq!(code, "insufficient_data");
    assert!(msg.contains("at least 3"), "{msg}");
    let flat = vec![
        cand("1", "P", 10.0, 2.0),
        cand("2", "P", 20.0, 2.0),
        cand("3", "P", 30.0, 2.0),
    ];
    let (code, msg) = invalid(rank(&flat, &sc));
    assert_eq!(code, "insufficient_data");
    assert!(msg.contains("SPBE"), "{msg}");
}

// ---------------------------------------------------------------- order and ties

#[test]
fn equal_scores_are_broken_by_higher_stunting_then_lower_code() {
    // Goalposts, weights ½, ½: every district scores exactly 0.5:
    // 02: ½·50/50 + ½·0 ; 01 and 03: ½·25/50 + ½·(3 − 1)/4 ; 04: ½·0 + ½·(5 − 1)/4.
    let data = vec![
        cand("03", "P", 25.0, 3.0),
        cand("04", "P", 0.0, 5.0),
        cand("01", "P", 25.0, 3.0),
        cand("02", "P", 50.0, 1.0),
    ];
    let mut sc = composite(2);
    sc.normalisation = Normalisation::Goalposts;
    sc.weights = Weights::two(0.5, 0.5);
    let r = rank(&data, &sc).unwrap();
    assert!(r.entries.iter().all(|e| e.score == 0.5));
    assert_eq!(codes_in_rank_order(&r), ["02", "01", "03", "04"]);
    assert_eq!(selected(&r), ["02", "01"]);
}

#[test]
fn ranks_list_selected_districts_first_then_the_rest_by_score() {
    // Excluding 11.01 leaves it unselected with the best score: it comes first among the rest.
    let c = Constraints {
        exclude: strings(&["11.01"]),
        ..Constraints::default()
    };
    let r = rank(&seven(), &need(3, c)).unwrap();
    let ranks: Vec<(&str, usize)> = r
        .entries
        .iter()
        .map(|e| (e.code.as_str(), e.rank))
        .collect();
    assert_eq!(
        ranks,
        [
            ("11.02", 1),
            ("11.03", 2),
            ("12.01", 3),
            ("11.01", 4),
            ("12.02", 5),
            ("13.01", 6),
            ("13.02", 7)
        ]
    );
}

// ---------------------------------------------------------------- constraints and reasons

#[test]
fn min_spbe_makes_low_spbe_districts_ineligible() {
    // SPBE < 2.6: 11.02 (2.0), 12.02 (1.5), 13.01 (2.5). Top 3 of the rest: 11.01, 11.03, 12.01.
    let c = Constraints {
        min_spbe: Some(2.6),
        ..Constraints::default()
    };
    let r = rank(&seven(), &need(3, c)).unwrap();
    assert_eq!(selected(&r), ["11.01", "11.03", "12.01"]);
    assert_eq!(entry(&r, "11.02").reason, Reason::BelowMinSpbe);
    assert_eq!(entry(&r, "13.01").reason, Reason::BelowMinSpbe);
    assert_eq!(entry(&r, "13.02").reason, Reason::BelowCutoff);
    assert_eq!(entry(&r, "12.01").reason, Reason::TopK);
    assert_eq!(
        r.constraint_effects,
        [ConstraintEffect {
            constraint: "min_spbe".into(),
            brought_in: strings(&["12.01"]),
            pushed_out: strings(&["11.02"]),
        }]
    );
}

#[test]
fn exclude_forces_a_district_out() {
    let c = Constraints {
        exclude: strings(&["11.01"]),
        ..Constraints::default()
    };
    let r = rank(&seven(), &need(3, c)).unwrap();
    assert_eq!(selected(&r), ["11.02", "11.03", "12.01"]);
    let e = entry(&r, "11.01");
    assert_eq!(e.reason, Reason::Excluded);
    // Its score does not decide its status, so there is no change to cross.
    assert_eq!(e.stunting_change_to_cross, None);
    assert_eq!(
        r.constraint_effects[0].brought_in,
        strings::<String>(&["12.01"])
    );
    assert_eq!(
        r.constraint_effects[0].pushed_out,
        strings::<String>(&["11.01"])
    );
}

#[test]
fn include_forces_a_district_in_and_the_threshold_ignores_it() {
    let c = Constraints {
        include: strings(&["13.02"]),
        ..Constraints::default()
    };
    let r = rank(&seven(), &need(3, c)).unwrap();
    assert_eq!(selected(&r), ["11.01", "11.02", "13.02"]);
    assert_eq!(entry(&r, "13.02").reason, Reason::Included);
    assert_eq!(entry(&r, "13.02").rank, 3);
    assert_eq!(entry(&r, "11.03").rank, 4);
    // The forced district's score (10) never sets the cut-off: it lies midway between the
    // lowest district in on score (11.02 at 35) and the best out on score (11.03 at 30), 32.5,
    // so 11.03 has margin −2.5; the line it must cross is 11.02's 35: +5 points.
    assert_abs_diff_eq!(r.cutoff_score, 32.5, epsilon = EPS);
    let e = entry(&r, "11.03");
    assert_abs_diff_eq!(e.margin, -2.5, epsilon = EPS);
    assert_eq!(entry(&r, "13.02").data_rank, 7);
    assert_eq!(entry(&r, "11.03").data_rank, 3);
    assert_abs_diff_eq!(e.stunting_change_to_cross.unwrap(), 5.0, epsilon = EPS);
    assert_eq!(entry(&r, "13.02").stunting_change_to_cross, None);
    assert_eq!(r.constraint_effects[0].constraint, "include");
    assert_eq!(
        r.constraint_effects[0].brought_in,
        strings::<String>(&["13.02"])
    );
    assert_eq!(
        r.constraint_effects[0].pushed_out,
        strings::<String>(&["11.03"])
    );
}

#[test]
fn max_per_province_skips_full_provinces() {
    // Province 11 is full after 11.01 and 11.02, so 11.03 is skipped for 12.01.
    let c = Constraints {
        max_per_province: Some(2),
        ..Constraints::default()
    };
    let r = rank(&seven(), &need(3, c)).unwrap();
    assert_eq!(selected(&r), ["11.01", "11.02", "12.01"]);
    assert_eq!(entry(&r, "11.03").reason, Reason::ProvinceCap);
    assert_eq!(entry(&r, "11.03").rank, 4);
    assert_eq!(entry(&r, "12.02").reason, Reason::BelowCutoff);
    assert_eq!(
        r.constraint_effects,
        [ConstraintEffect {
            constraint: "max_per_province".into(),
            brought_in: strings(&["12.01"]),
            pushed_out: strings(&["11.03"]),
        }]
    );
}

#[test]
fn min_per_province_takes_each_provinces_best() {
    // One per province: 11.01, 12.01, 13.01 fill all three slots.
    let c = Constraints {
        min_per_province: Some(1),
        ..Constraints::default()
    };
    let r = rank(&seven(), &need(3, c)).unwrap();
    assert_eq!(selected(&r), ["11.01", "12.01", "13.01"]);
    // 11.01 would be in anyway; the other two are in only for the minimum.
    assert_eq!(entry(&r, "11.01").reason, Reason::TopK);
    assert_eq!(entry(&r, "12.01").reason, Reason::MinPerProvince);
    assert_eq!(entry(&r, "13.01").reason, Reason::MinPerProvince);
    assert_eq!(entry(&r, "11.02").reason, Reason::BelowCutoff);
    assert_eq!(
        r.constraint_effects,
        [ConstraintEffect {
            constraint: "min_per_province".into(),
            brought_in: strings(&["12.01", "13.01"]),
            pushed_out: strings(&["11.02", "11.03"]),
        }]
    );
}

#[test]
fn min_per_province_takes_all_eligible_when_a_province_has_fewer() {
    // Minimum 2, but excluding 13.02 leaves province 13 one eligible district:
    // needs 2 + 2 + 1 = 5 = k.
    let c = Constraints {
        min_per_province: Some(2),
        exclude: strings(&["13.02"]),
        ..Constraints::default()
    };
    let r = rank(&seven(), &need(5, c)).unwrap();
    assert_eq!(selected(&r), ["11.01", "11.02", "12.01", "12.02", "13.01"]);
}

#[test]
fn constraint_effects_are_reported_cumulatively_in_fixed_order() {
    // Top 3 {11.01, 11.02, 11.03}
    // + min_spbe 2.6 → {11.01, 11.03, 12.01}: in 12.01, out 11.02
    // + exclude 11.01 → {11.03, 12.01, 13.02}: in 13.02, out 11.01
    // + include 13.02, max 2, min 1 → unchanged.
    let c = Constraints {
        min_spbe: Some(2.6),
        max_per_province: Some(2),
        min_per_province: Some(1),
        include: strings(&["13.02"]),
        exclude: strings(&["11.01"]),
    };
    let r = rank(&seven(), &need(3, c)).unwrap();
    let names: Vec<&str> = r
        .constraint_effects
        .iter()
        .map(|e| e.constraint.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "min_spbe",
            "exclude",
            "include",
            "max_per_province",
            "min_per_province"
        ]
    );
    assert_eq!(
        r.constraint_effects[0].brought_in,
        strings::<String>(&["12.01"])
    );
    assert_eq!(
        r.constraint_effects[0].pushed_out,
        strings::<String>(&["11.02"])
    );
    assert_eq!(
        r.constraint_effects[1].brought_in,
        strings::<String>(&["13.02"])
    );
    assert_eq!(
        r.constraint_effects[1].pushed_out,
        strings::<String>(&["11.01"])
    );
    for e in &r.constraint_effects[2..] {
        assert!(e.brought_in.is_empty() && e.pushed_out.is_empty(), "{e:?}");
    }
    assert_eq!(selected(&r), ["11.03", "12.01", "13.02"]);
    assert_eq!(entry(&r, "13.02").reason, Reason::Included);
}

// ---------------------------------------------------------------- invalid and infeasible

#[test]
fn k_must_be_between_one_and_the_number_of_candidates() {
    for k in [0, 8] {
        let (code, msg) = invalid(rank(&seven(), &need(k, Constraints::default())));
        assert_eq!(code, "invalid_k");
        assert!(msg.contains('7'), "{msg}");
    }
}

#[test]
fn weights_must_be_finite_non_negative_and_not_both_zero() {
    for w in [
        (-0.1, 1.0),
        (f64::NAN, 1.0),
        (1.0, f64::INFINITY),
        (0.0, 0.0),
    ] {
        let mut sc = composite(2);
        sc.weights = Weights::two(w.0, w.1);
        let (code, msg) = invalid(rank(&five(), &sc));
        assert_eq!(code, "invalid_weights");
        assert!(msg.contains("weights"), "{msg}");
    }
}

#[test]
fn unknown_and_duplicate_codes_are_invalid() {
    let c = Constraints {
        include: strings(&["99.99"]),
        ..Constraints::default()
    };
    let (code, msg) = invalid(rank(&seven(), &need(3, c)));
    assert_eq!(code, "unknown_code");
    assert!(msg.contains("99.99") && msg.contains("include"), "{msg}");
    let c = Constraints {
        exclude: strings(&["98.98"]),
        ..Constraints::default()
    };
    let (code, msg) = invalid(rank(&seven(), &need(3, c)));
    assert_eq!(code, "unknown_code");
    assert!(msg.contains("98.98") && msg.contains("exclude"), "{msg}");
    let mut data = seven();
    data[6].code = "11.01".into();
    let (code, msg) = invalid(rank(&data, &need(3, Constraints::default())));
    assert_eq!(code, "duplicate_code");
    assert!(msg.contains("11.01"), "{msg}");
}

#[test]
fn non_finite_values_are_invalid() {
    let mut data = seven();
    data[2].spbe = f64::NAN;
    let (code, msg) = invalid(rank(&data, &need(3, Constraints::default())));
    assert_eq!(code, "invalid_value");
    assert!(msg.contains("11.03") && msg.contains("spbe"), "{msg}");
}

#[test]
fn a_code_in_both_include_and_exclude_is_infeasible() {
    let c = Constraints {
        include: strings(&["12.02"]),
        exclude: strings(&["12.02"]),
        ..Constraints::default()
    };
    let msg = infeasible(rank(&seven(), &need(3, c)));
    assert!(
        msg.contains("12.02") && msg.contains("include") && msg.contains("exclude"),
        "{msg}"
    );
}

#[test]
fn an_include_below_min_spbe_is_infeasible() {
    let c = Constraints {
        include: strings(&["12.02"]),
        min_spbe: Some(2.6),
        ..Constraints::default()
    };
    let msg = infeasible(rank(&seven(), &need(3, c)));
    assert!(msg.contains("12.02") && msg.contains("min_spbe"), "{msg}");
}

#[test]
fn more_includes_than_k_is_infeasible() {
    let c = Constraints {
        include: strings(&["11.01", "12.01"]),
        ..Constraints::default()
    };
    let msg = infeasible(rank(&seven(), &need(1, c)));
    assert!(msg.contains("include") && msg.contains("k is 1"), "{msg}");
}

#[test]
fn includes_above_max_per_province_are_infeasible() {
    let c = Constraints {
        include: strings(&["11.01", "11.02"]),
        max_per_province: Some(1),
        ..Constraints::default()
    };
    let msg = infeasible(rank(&seven(), &need(3, c)));
    assert!(
        msg.contains("province 11") && msg.contains("max_per_province"),
        "{msg}"
    );
}

#[test]
fn min_per_province_above_max_per_province_is_infeasible() {
    let c = Constraints {
        min_per_province: Some(2),
        max_per_province: Some(1),
        ..Constraints::default()
    };
    let msg = infeasible(rank(&seven(), &need(3, c)));
    assert!(
        msg.contains("min_per_province (2)") && msg.contains("max_per_province (1)"),
        "{msg}"
    );
}

#[test]
fn province_minimums_summing_above_k_are_infeasible() {
    // Three provinces × 1 = 3 > k = 2.
    let c = Constraints {
        min_per_province: Some(1),
        ..Constraints::default()
    };
    let msg = infeasible(rank(&seven(), &need(2, c)));
    assert!(
        msg.contains("min_per_province") && msg.contains("needs 3") && msg.contains("k = 2"),
        "{msg}"
    );
}

#[test]
fn fewer_eligible_districts_than_k_is_infeasible() {
    // min_spbe 2.6 leaves 11.01, 11.03, 12.01, 13.02.
    let c = Constraints {
        min_spbe: Some(2.6),
        ..Constraints::default()
    };
    let msg = infeasible(rank(&seven(), &need(5, c)));
    assert!(msg.contains("only 4") && msg.contains("k = 5"), "{msg}");
    // One per province leaves 3.
    let c = Constraints {
        max_per_province: Some(1),
        ..Constraints::default()
    };
    let msg = infeasible(rank(&seven(), &need(4, c)));
    assert!(
        msg.contains("only 3") && msg.contains("max_per_province"),
        "{msg}"
    );
}

// ---------------------------------------------------------------- explanations

#[test]
fn changes_to_cross_match_the_hand_computation() {
    // Scores 05 0.66, 02 0.64 | 03 0.60, 01 0.50, 04 0.20; k = 2.
    // Out: reach 0.64 (02). Δs = gap·30/0.6, Δd = gap·4/0.4.
    //   03: gap 0.04 → +2, +0.4.   01: gap 0.14 → +7, +1.4.
    //   04: gap 0.44 → +22, SPBE 3 + 4.4 > 5 impossible.
    // In: fall to 0.60 (03). 05: gap −0.06 → −3, −0.6. 02: gap −0.04 → −2, −0.4.
    let r = rank(&five(), &composite(2)).unwrap();
    for (code, ds, dd) in [
        ("03", Some(2.0), Some(0.4)),
        ("01", Some(7.0), Some(1.4)),
        ("04", Some(22.0), None),
        ("05", Some(-3.0), Some(-0.6)),
        ("02", Some(-2.0), Some(-0.4)),
    ] {
        let e = entry(&r, code);
        match (e.stunting_change_to_cross, ds) {
            (Some(a), Some(b)) => assert_abs_diff_eq!(a, b, epsilon = 1e-9),
            (a, b) => assert_eq!(a, b, "{code}"),
        }
        match (e.spbe_change_to_cross, dd) {
            (Some(a), Some(b)) => assert_abs_diff_eq!(a, b, epsilon = 1e-9),
            (a, b) => assert_eq!(a, b, "{code}"),
        }
    }
}

#[test]
fn a_zero_weight_gives_no_change_for_that_indicator() {
    let mut sc = composite(2);
    sc.weights = Weights::two(1.0, 0.0);
    let r = rank(&five(), &sc).unwrap();
    assert!(r.entries.iter().all(|e| e.spbe_change_to_cross.is_none()));
    assert!(
        r.entries
            .iter()
            .any(|e| e.stunting_change_to_cross.is_some())
    );
}

#[test]
fn moving_by_the_reported_change_crosses_the_line_under_goalposts() {
    // Goalposts keep the scale fixed when one district's data move, so the reported change
    // plus (or minus) a hair must flip the district's selection.
    let mut sc = composite(2);
    sc.normalisation = Normalisation::Goalposts;
    let base = five();
    let r = rank(&base, &sc).unwrap();
    let hair = 1e-9;
    let mut checked = 0;
    for e in &r.entries {
        let i = base.iter().position(|c| c.code == e.code).unwrap();
        let step = if e.selected { -hair } else { hair };
        for (change, is_stunting) in [
            (e.stunting_change_to_cross, true),
            (e.spbe_change_to_cross, false),
        ] {
            let Some(delta) = change else { continue };
            let mut moved = base.clone();
            if is_stunting {
                moved[i].stunting += delta + step;
            } else {
                moved[i].spbe += delta + step;
            }
            let again = rank(&moved, &sc).unwrap();
            assert_ne!(
                entry(&again, &e.code).selected,
                e.selected,
                "{} stunting={is_stunting}",
                e.code
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "checked {checked}");
}

#[test]
fn moving_by_the_reported_change_crosses_the_line_under_need() {
    let r = rank(&seven(), &need(3, Constraints::default())).unwrap();
    for e in &r.entries {
        let Some(delta) = e.stunting_change_to_cross else {
            continue;
        };
        let mut moved = seven();
        let i = moved.iter().position(|c| c.code == e.code).unwrap();
        moved[i].stunting += delta + if e.selected { -1e-9 } else { 1e-9 };
        let again = rank(&moved, &need(3, Constraints::default())).unwrap();
        assert_ne!(entry(&again, &e.code).selected, e.selected, "{}", e.code);
    }
}

#[test]
fn changes_that_would_leave_the_plausible_range_are_none() {
    // Under goalposts stunting above 50 % adds nothing, so some gaps cannot be closed.
    let data = vec![cand("A", "P", 48.0, 5.0), cand("B", "P", 10.0, 1.0)];
    let mut sc = composite(1);
    sc.normalisation = Normalisation::Goalposts;
    // A: 0.6·48/50 + 0.4 = 0.976; B: 0.6·10/50 = 0.12. B would need norm_s = 0.976/0.6 > 1.
    let r = rank(&data, &sc).unwrap();
    let b = entry(&r, "B");
    assert_eq!(b.stunting_change_to_cross, None);
    // SPBE alone: norm_d = (0.976 − 0.12)/0.4 = 2.14 > 1, also impossible.
    assert_eq!(b.spbe_change_to_cross, None);
}

// ---------------------------------------------------------------- uncertainty

fn params(draws: usize, seed: u64) -> UncertaintyParams {
    UncertaintyParams {
        draws,
        seed,
        ..UncertaintyParams::default()
    }
}

#[test]
fn quantiles_interpolate_between_order_statistics() {
    // 1..=100 shuffled: h = 99p; p05: x₄ + 0.95(x₅ − x₄) = 5.95, median 50.5, p95 95.05.
    let quantiles = |v: &[u32]| super::uncertainty::quantiles(&mut v.to_vec());
    let mut v: Vec<u32> = (1..=100).rev().collect();
    v.swap(3, 70);
    let q = quantiles(&v);
    assert_abs_diff_eq!(q[0], 5.95, epsilon = 1e-9);
    assert_abs_diff_eq!(q[1], 50.5, epsilon = 1e-9);
    assert_abs_diff_eq!(q[2], 95.05, epsilon = 1e-9);
    assert_eq!(quantiles(&[7]), [7.0, 7.0, 7.0]);
    // N = 2: h = 0.05, 0.5, 0.95 between 3 and 5.
    let q = quantiles(&[5, 3]);
    assert_abs_diff_eq!(q[0], 3.1, epsilon = 1e-9);
    assert_abs_diff_eq!(q[1], 4.0, epsilon = 1e-9);
    assert_abs_diff_eq!(q[2], 4.9, epsilon = 1e-9);
}

#[test]
fn without_noise_every_draw_repeats_the_nominal_ranking() {
    let mut data = seven();
    for c in &mut data {
        c.stunting_se = Some(0.0);
    }
    let c = Constraints {
        max_per_province: Some(2),
        ..Constraints::default()
    };
    let sc = need(3, c);
    let nominal = rank(&data, &sc).unwrap();
    // 20 draws tally ranks in histograms, 3 draws (fewer than districts) store them.
    for draws in [20, 3] {
        let p = UncertaintyParams {
            spbe_se: 0.0,
            ..params(draws, 1)
        };
        let u = simulate(&data, &sc, &p).unwrap();
        check_repeats_nominal(&data, &nominal, &u);
    }
}

fn check_repeats_nominal(data: &[Candidate], nominal: &Ranking, u: &[RankUncertainty]) {
    for (cand, x) in data.iter().zip(u) {
        assert_eq!(cand.code, x.code);
        let e = entry(nominal, &cand.code);
        assert_eq!(x.p_selected, if e.selected { 1.0 } else { 0.0 });
        assert_eq!(x.rank_median, e.rank as f64);
        assert_eq!(x.rank_p05, e.rank as f64);
        assert_eq!(x.rank_p95, e.rank as f64);
        assert_eq!(
            x.band,
            if e.selected {
                Band::CertainIn
            } else {
                Band::CertainOut
            }
        );
        assert!(!x.se_defaulted);
    }
}

#[test]
fn simulation_does_not_depend_on_the_order_of_input_rows() {
    let data = five();
    let mut reversed = data.clone();
    reversed.reverse();
    let a = simulate(&data, &composite(2), &params(200, 4)).unwrap();
    let mut b = simulate(&reversed, &composite(2), &params(200, 4)).unwrap();
    b.reverse();
    assert_eq!(a, b);
}

#[test]
fn too_many_draws_for_many_districts_are_rejected() {
    // 84,000 districts keep ranks in 3 bytes: at most 2³⁰/(84,000·3) = 4,260 draws.
    let data: Vec<Candidate> = (0..84_000)
        .map(|i| {
            cand(
                &format!("{i:06}"),
                "P",
                (i % 50) as f64,
                1.0 + (i % 5) as f64,
            )
        })
        .collect();
    let (code, msg) = invalid(simulate(&data, &composite(10), &params(4_261, 1)));
    assert_eq!(code, "invalid_draws");
    assert!(msg.contains("4260") && msg.contains("84000"), "{msg}");
}

#[test]
fn missing_standard_errors_are_flagged_and_defaulted() {
    let mut data = five();
    data[1].stunting_se = None;
    let u = simulate(&data, &composite(2), &params(50, 3)).unwrap();
    let flags: Vec<bool> = u.iter().map(|x| x.se_defaulted).collect();
    assert_eq!(flags, [false, true, false, false, false]);
}

#[test]
fn selection_probabilities_sum_to_k_and_follow_the_bands() {
    let u = simulate(&seven(), &composite(3), &params(400, 9)).unwrap();
    let total: f64 = u.iter().map(|x| x.p_selected).sum();
    assert_abs_diff_eq!(total, 3.0, epsilon = 1e-9);
    for x in &u {
        let expected = if x.p_selected >= 0.9 {
            Band::CertainIn
        } else if x.p_selected <= 0.1 {
            Band::CertainOut
        } else {
            Band::Contested
        };
        assert_eq!(x.band, expected);
        assert!(x.rank_p05 <= x.rank_median && x.rank_median <= x.rank_p95);
    }
}

#[test]
fn the_same_seed_gives_the_same_output_on_any_number_of_threads() {
    let sc = composite(2);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(&five(), &sc, &params(300, 77)).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
    assert_ne!(one, simulate(&five(), &sc, &params(300, 78)).unwrap());
}

#[test]
fn draws_must_be_between_one_and_one_hundred_thousand() {
    for d in [0, 100_001] {
        let (code, msg) = invalid(simulate(&five(), &composite(2), &params(d, 1)));
        assert_eq!(code, "invalid_draws");
        assert!(msg.contains("100000"), "{msg}");
    }
}

#[test]
fn uncertainty_parameters_are_validated() {
    let base = params(10, 1);
    for (p, code) in [
        (
            UncertaintyParams {
                spbe_se: -1.0,
                ..base.clone()
            },
            "invalid_spbe_se",
        ),
        (
            UncertaintyParams {
                default_stunting_se: f64::NAN,
                ..base.clone()
            },
            "invalid_default_stunting_se",
        ),
        (
            UncertaintyParams {
                weight_concentration: 0.0,
                ..base.clone()
            },
            "invalid_weight_concentration",
        ),
    ] {
        assert_eq!(invalid(simulate(&five(), &composite(2), &p)).0, code);
    }
    let mut data = five();
    data[0].stunting_se = Some(-2.0);
    let (code, msg) = invalid(simulate(&data, &composite(2), &base));
    assert_eq!(code, "invalid_stunting_se");
    assert!(msg.contains("01"), "{msg}");
}

#[test]
fn simulation_rejects_infeasible_scenarios_like_rank() {
    let c = Constraints {
        min_per_province: Some(1),
        ..Constraints::default()
    };
    assert!(matches!(
        simulate(&seven(), &need(2, c), &params(10, 1)),
        Err(ModelError::Infeasible(_))
    ));
}

// ---------------------------------------------------------------- properties

/// Candidates with distinct codes in up to four provinces.
fn arb_candidates(max: usize) -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(
        (
            0.0..60.0f64,
            1.0..5.0f64,
            0u8..4,
            prop::option::of(0.0..4.0f64),
        ),
        3..max,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (s, d, p, se))| Candidate {
                code: format!("{:02}.{:04}", p + 11, i),
                province_code: format!("{}", p + 11),
                stunting: s,
                stunting_se: se,
                spbe: d,
                ..Default::default()
            })
            .collect()
    })
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        prop_oneof![
            Just(Method::Composite),
            Just(Method::Need),
            Just(Method::Residual)
        ],
        prop_oneof![
            Just(Normalisation::MinMax),
            Just(Normalisation::ZScore),
            Just(Normalisation::Goalposts)
        ],
        prop_oneof![
            Just(SpbeDirection::HigherIsPriority),
            Just(SpbeDirection::LowerIsPriority)
        ],
        0.0..1.0f64,
    )
        .prop_map(|(method, normalisation, spbe_direction, w)| Scenario {
            method,
            normalisation,
            spbe_direction,
            weights: Weights::two(w + 0.01, 1.0 - w),
            ..Scenario::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn permuting_input_rows_changes_nothing(
        data in arb_candidates(30),
        mut sc in arb_scenario(),
        k_frac in 0.0..1.0f64,
        rot in 0usize..100,
        cap in prop::option::of(1usize..4),
    ) {
        sc.k = 1 + ((data.len() - 1) as f64 * k_frac) as usize;
        sc.constraints.max_per_province = cap;
        let mut permuted = data.clone();
        permuted.reverse();
        let r = rot % permuted.len();
        permuted.rotate_left(r);
        let a = rank(&data, &sc);
        let b = rank(&permuted, &sc);
        match (a, b) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
        }
    }

    #[test]
    fn raising_one_districts_stunting_never_lowers_its_composite_rank(
        data in arb_candidates(30),
        pick in 0usize..100,
        raise in 0.0..30.0f64,
        w in 0.0..1.0f64,
    ) {
        let sc = Scenario {
            k: 1,
            weights: Weights::two(w + 0.01, 1.0 - w),
            ..Scenario::default()
        };
        let i = pick % data.len();
        let before = rank(&data, &sc).unwrap();
        let mut raised = data.clone();
        raised[i].stunting += raise;
        let after = rank(&raised, &sc).unwrap();
        let code = &data[i].code;
        prop_assert!(entry(&after, code).rank <= entry(&before, code).rank);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn selection_probabilities_sum_to_k(
        data in arb_candidates(25),
        mut sc in arb_scenario(),
        k_frac in 0.0..1.0f64,
        seed in any::<u64>(),
        cap in prop::option::of(2usize..5),
    ) {
        sc.k = 1 + ((data.len() - 1) as f64 * k_frac) as usize;
        sc.constraints.max_per_province = cap;
        // The only way these inputs can fail is a province cap too tight for k.
        match simulate(&data, &sc, &params(40, seed)) {
            Ok(u) => {
                let total: f64 = u.iter().map(|x| x.p_selected).sum();
                prop_assert!((total - sc.k as f64).abs() <= 1e-9, "sum {} k {}", total, sc.k);
            }
            Err(ModelError::Infeasible(_)) => {
                // Each province can give at most min(cap, its districts).
                let mut per_province: std::collections::HashMap<&str, usize> =
                    std::collections::HashMap::new();
                for c in &data {
                    *per_province.entry(c.province_code.as_str()).or_default() += 1;
                }
                let room = |cap: usize| per_province.values().map(|&m| m.min(cap)).sum::<usize>();
                prop_assert!(
                    cap.is_some_and(|c| room(c) < sc.k),
                    "infeasible although the provinces hold {:?} under cap {:?} ≥ k {}",
                    cap.map(room), cap, sc.k
                );
            }
            // A cap above the number of candidates is refused as a parameter, by design.
            Err(ModelError::Invalid { code: "invalid_max_per_province", .. })
                if cap.is_some_and(|c| c > data.len()) => {}
            Err(e) => prop_assert!(false, "unexpected error: {}", e),
        }
    }

    #[test]
    fn the_same_seed_gives_identical_output(
        data in arb_candidates(25),
        sc in arb_scenario(),
        seed in any::<u64>(),
    ) {
        let sc = Scenario { k: 2, ..sc };
        let a = simulate(&data, &sc, &params(30, seed));
        let b = simulate(&data, &sc, &params(30, seed));
        match (a, b) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
        }
    }
}
