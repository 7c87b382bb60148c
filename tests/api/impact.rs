//! What the list buys: burden, coverage, projection toward the target, change over time.
//! Figures are checked against sums computed here from the demo generator's own tables.

use std::collections::HashMap;

use model::demo::DemoData;
use serde_json::Value;

use crate::helpers::{Options, spawn_app, spawn_app_with};

/// (prevalence %, under-fives) of every demo district, by code.
fn demo_values() -> HashMap<String, (f64, f64)> {
    DemoData::generate()
        .districts
        .iter()
        .map(|d| (d.code.clone(), (d.stunting, d.under5 as f64)))
        .collect()
}

fn codes(districts: &Value) -> Vec<String> {
    districts
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn close(a: f64, b: f64, eps: f64) -> bool {
    (a - b).abs() <= eps * b.abs().max(1.0)
}

#[actix_web::test]
async fn every_district_carries_its_under_five_population_and_stunted_children() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/shortlist?all=true").await;
    assert_eq!(status, 200);
    let demo = demo_values();
    for d in body["shortlist"]["districts"].as_array().unwrap() {
        let (p, n) = demo[d["code"].as_str().unwrap()];
        assert_eq!(d["under5_population"].as_f64().unwrap(), n);
        let children = d["stunted_children"].as_f64().unwrap();
        assert!(close(children, p / 100.0 * n, 1e-12), "{d}");
        match d["stunting_se"].as_f64() {
            Some(se) => assert!(close(
                d["stunted_children_se"].as_f64().unwrap(),
                se / 100.0 * n,
                1e-12
            )),
            None => assert!(d["stunted_children_se"].is_null()),
        }
    }
}

#[actix_web::test]
async fn the_default_coverage_and_projection_equal_sums_over_the_demo_tables() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/shortlist").await;
    let s = &body["shortlist"];
    let selected = codes(&s["districts"]);
    assert_eq!(selected.len(), 100);
    let demo = demo_values();
    let (mut all, mut covered, mut pn, mut pn_after, mut pop, mut averted) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for (code, &(p, n)) in &demo {
        let chosen = selected.contains(code);
        let after = if chosen { (p - 2.0_f64).max(0.0) } else { p };
        all += p / 100.0 * n;
        pn += p * n;
        pn_after += after * n;
        pop += n;
        if chosen {
            covered += p / 100.0 * n;
            averted += (p - after) / 100.0 * n;
        }
    }
    let coverage = &s["coverage"];
    assert!(close(
        coverage["stunted_children"].as_f64().unwrap(),
        covered,
        1e-9
    ));
    assert!(close(
        coverage["share"].as_f64().unwrap(),
        covered / all,
        1e-9
    ));
    let projection = &s["projection"];
    let (now, after) = (pn / pop, pn_after / pop);
    assert!(close(
        projection["national_prevalence_now"].as_f64().unwrap(),
        now,
        1e-9
    ));
    assert!(close(
        projection["national_prevalence_after"].as_f64().unwrap(),
        after,
        1e-9
    ));
    assert!(close(
        projection["children_averted"].as_f64().unwrap(),
        averted,
        1e-9
    ));
    assert_eq!(projection["target"], 14.0);
    assert_eq!(projection["effect_points"], 2.0);
    assert!(close(
        projection["gap_closed_share"].as_f64().unwrap(),
        (now - after) / (now - 14.0),
        1e-9
    ));
    // The projection endpoint answers the same figures for the same scenario.
    let (status, p) = app.get_json("/api/v1/projection").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(
        p["projection"]["national_prevalence_after"],
        projection["national_prevalence_after"]
    );
    assert_eq!(p["projection"]["coverage"]["share"], coverage["share"]);
    assert_eq!(p["projection"]["demo"], true);
    println!(
        "demo default: coverage {covered:.0} children ({:.1} %), prevalence now {now:.2} %, after {after:.2} %",
        100.0 * covered / all
    );
}

#[actix_web::test]
async fn a_relative_effect_and_another_target_change_the_projection_as_computed_here() {
    let app = spawn_app().await;
    let (_, list) = app.get_json("/api/v1/shortlist?k=50").await;
    let selected = codes(&list["shortlist"]["districts"]);
    let (status, body) = app
        .get_json("/api/v1/projection?k=50&effect_relative=0.1&target=20")
        .await;
    assert_eq!(status, 200, "{body}");
    let demo = demo_values();
    let (mut pn, mut pn_after, mut pop) = (0.0, 0.0, 0.0);
    for (code, &(p, n)) in &demo {
        let after = if selected.contains(code) { p * 0.9 } else { p };
        pn += p * n;
        pn_after += after * n;
        pop += n;
    }
    let p = &body["projection"];
    let (now, after) = (pn / pop, pn_after / pop);
    assert!(close(
        p["national_prevalence_after"].as_f64().unwrap(),
        after,
        1e-9
    ));
    assert!(p["effect_points"].is_null());
    assert_eq!(p["effect_relative"], 0.1);
    let expected_gap = (now > 20.0).then(|| (now - after) / (now - 20.0));
    match expected_gap {
        Some(g) => assert!(close(p["gap_closed_share"].as_f64().unwrap(), g, 1e-9)),
        None => assert!(p["gap_closed_share"].is_null()),
    }
    let (status, bad) = app.get_json("/api/v1/projection?effect_relative=1.5").await;
    assert_eq!(status, 422);
    assert_eq!(bad["error"], "invalid_effect");
}

#[actix_web::test]
async fn with_uncertainty_coverage_and_projection_carry_monte_carlo_intervals() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/shortlist?draws=300&seed=5").await;
    let c = &body["shortlist"]["coverage"];
    let (lo, hi) = (
        c["share_p05"].as_f64().unwrap(),
        c["share_p95"].as_f64().unwrap(),
    );
    assert!(0.0 < lo && lo < hi && hi < 1.0, "{c}");
    let p = &body["shortlist"]["projection"];
    let (a, b) = (
        p["national_prevalence_after_p05"].as_f64().unwrap(),
        p["national_prevalence_after_p95"].as_f64().unwrap(),
    );
    assert!(a < b, "{p}");
    // The nominal list's figure lies within or near its own draws.
    let share = c["share"].as_f64().unwrap();
    assert!(share > lo - 0.05 && share < hi + 0.05, "{c}");
}

#[actix_web::test]
async fn the_burden_ranking_equals_sorting_by_prevalence_times_population() {
    let app = spawn_app().await;
    let (status, body) = app
        .get_json("/api/v1/shortlist?method=burden&all=true")
        .await;
    assert_eq!(status, 200, "{body}");
    let demo = demo_values();
    let mut expected: Vec<(&String, f64, f64)> = demo
        .iter()
        .map(|(code, &(p, n))| (code, p / 100.0 * n, p))
        .collect();
    expected.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.total_cmp(&a.2))
            .then(a.0.cmp(b.0))
    });
    let expected: Vec<String> = expected.into_iter().map(|e| e.0.clone()).collect();
    assert_eq!(codes(&body["shortlist"]["districts"]), expected);
    assert_eq!(body["shortlist"]["weights_used"]["burden"], 1.0);
}

#[actix_web::test]
async fn a_zero_burden_weight_keeps_the_default_list_and_a_positive_one_moves_it() {
    let app = spawn_app().await;
    let (_, default) = app.get_json("/api/v1/shortlist").await;
    let (_, zero) = app.get_json("/api/v1/shortlist?burden_weight=0").await;
    assert_eq!(
        zero["shortlist"]["fingerprint"],
        default["shortlist"]["fingerprint"]
    );
    let (status, weighted) = app
        .get_json("/api/v1/shortlist?stunting_weight=0.4&spbe_weight=0.3&burden_weight=0.3")
        .await;
    assert_eq!(status, 200, "{weighted}");
    assert_ne!(
        codes(&weighted["shortlist"]["districts"]),
        codes(&default["shortlist"]["districts"])
    );
    let first = &weighted["shortlist"]["districts"][0]["explanation"]["contributions"];
    assert!(first["burden"].as_f64().unwrap() > 0.0, "{first}");
    // The parts still add up to the score.
    let d = &weighted["shortlist"]["districts"][0];
    let parts: f64 = ["stunting", "spbe", "burden", "trend"]
        .iter()
        .map(|k| d["explanation"]["contributions"][k].as_f64().unwrap())
        .sum();
    assert!(close(parts, d["score"].as_f64().unwrap(), 1e-12));
}

/// (2022 prevalence, 2021 prevalence, se) by code, from the generator's CSVs.
fn demo_change() -> HashMap<String, (f64, f64, Option<f64>)> {
    let demo = DemoData::generate();
    let before: HashMap<String, f64> = demo
        .previous_stunting_csv()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].parse().unwrap())
        })
        .collect();
    demo.districts
        .iter()
        .map(|d| (d.code.clone(), (d.stunting, before[&d.code], d.stunting_se)))
        .collect()
}

#[actix_web::test]
async fn each_district_carries_its_change_since_the_previous_year() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/shortlist?all=true").await;
    let change = demo_change();
    for d in body["shortlist"]["districts"].as_array().unwrap() {
        let (now, before, se) = change[d["code"].as_str().unwrap()];
        assert_eq!(d["stunting_previous"].as_f64().unwrap(), before);
        assert!(close(
            d["stunting_change"].as_f64().unwrap(),
            now - before,
            1e-12
        ));
        match se {
            // The demo's earlier year reuses each district's se.
            Some(se) => assert!(close(
                d["stunting_change_se"].as_f64().unwrap(),
                se.hypot(se),
                1e-12
            )),
            None => assert!(d["stunting_change_se"].is_null()),
        }
    }
}

#[actix_web::test]
async fn the_trend_method_ranks_the_largest_rise_first() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/shortlist?method=trend&k=20").await;
    assert_eq!(status, 200, "{body}");
    let change = demo_change();
    let mut expected: Vec<(&String, f64, f64)> = change
        .iter()
        .map(|(c, &(now, before, _))| (c, now - before, now))
        .collect();
    expected.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.total_cmp(&a.2))
            .then(a.0.cmp(b.0))
    });
    let expected: Vec<String> = expected.iter().take(20).map(|e| e.0.clone()).collect();
    assert_eq!(codes(&body["shortlist"]["districts"]), expected);
}

#[actix_web::test]
async fn the_analysis_counts_districts_that_rose_fell_or_stayed_within_their_uncertainty() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/analysis").await;
    assert_eq!(status, 200);
    let c = &body["analysis"]["change"];
    assert_eq!(c["previous_year"], 2021);
    let (mut rose, mut fell) = (0, 0);
    for (now, before, se) in demo_change().into_values() {
        let se = se.unwrap_or(2.0).hypot(se.unwrap_or(2.0));
        if now - before > 1.96 * se {
            rose += 1;
        } else if now - before < -1.96 * se {
            fell += 1;
        }
    }
    assert_eq!(c["rose"], rose);
    assert_eq!(c["fell"], fell);
    assert_eq!(c["stable"], 514 - rose - fell);
    assert!(
        fell > rose,
        "the demo's earlier year is higher on average: {c}"
    );
}

#[actix_web::test]
async fn without_a_population_dataset_the_projection_says_so_and_never_guesses() {
    let app = spawn_app_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    let demo = DemoData::generate();
    for (query, csv) in [
        ("kind=regions", demo.regions_csv()),
        ("kind=stunting&year=2022", demo.stunting_csv()),
        ("kind=spbe&year=2022", demo.spbe_csv()),
    ] {
        let (status, body) = app.upload(query, "text/csv", csv).await;
        assert_eq!(status, 201, "{body}");
    }
    // A conflict with the data held, not a malformed request.
    let (status, body) = app.get_json("/api/v1/projection").await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "no_population_data");
    assert!(body["message"].as_str().unwrap().contains("population"));
    let (status, list) = app.get_json("/api/v1/shortlist").await;
    assert_eq!(status, 200);
    assert!(list["shortlist"]["coverage"].is_null());
    assert!(list["shortlist"]["districts"][0]["stunted_children"].is_null());
    let (status, body) = app.get_json("/api/v1/shortlist?method=burden").await;
    assert_eq!(status, 409);
    assert_eq!(body["error"], "no_population_data");
    let (status, body) = app.get_json("/api/v1/shortlist?method=trend").await;
    assert_eq!(status, 409);
    assert_eq!(body["error"], "no_previous_year");
}

#[actix_web::test]
async fn a_small_table_gives_the_hand_computed_coverage_and_projection() {
    let app = spawn_app_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    // Four districts: (p %, N) = (30, 1000), (20, 3000), (10, 6000), (5, 0); k = 2 by need
    // picks the first two. Children 300 + 600 of 1,500 → share 0.6. now = 150000/10000 = 15 %;
    // after (−2 points in the two) = (28·1000 + 18·3000 + 10·6000)/10000 = 14.2 %;
    // averted = 20 + 60 = 80; gap closed = 0.8 / 1 = 0.8.
    let tables = [
        (
            "kind=regions",
            "code,bps_code,name,kind,province_code\n11.40,1140,Kabupaten Satu,kabupaten,11\n11.41,1141,Kabupaten Dua,kabupaten,11\n11.42,1142,Kabupaten Tiga,kabupaten,11\n11.43,1143,Kabupaten Empat,kabupaten,11\n",
        ),
        (
            "kind=stunting&year=2022",
            "code,prevalence\n11.40,30\n11.41,20\n11.42,10\n11.43,5\n",
        ),
        (
            "kind=spbe&year=2022",
            "code,index\n11.40,2\n11.41,3\n11.42,4\n11.43,5\n",
        ),
        (
            "kind=population&year=2022",
            "code,value\n11.40,1000\n11.41,3000\n11.42,6000\n11.43,0\n",
        ),
    ];
    for (query, csv) in tables {
        let (status, body) = app.upload(query, "text/csv", csv).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = app.get_json("/api/v1/projection?method=need&k=2").await;
    assert_eq!(status, 200, "{body}");
    let p = &body["projection"];
    assert!(close(
        p["coverage"]["stunted_children"].as_f64().unwrap(),
        900.0,
        1e-12
    ));
    assert!(close(p["coverage"]["share"].as_f64().unwrap(), 0.6, 1e-12));
    assert!(close(
        p["national_prevalence_now"].as_f64().unwrap(),
        15.0,
        1e-12
    ));
    assert!(close(
        p["national_prevalence_after"].as_f64().unwrap(),
        14.2,
        1e-12
    ));
    assert!(close(p["children_averted"].as_f64().unwrap(), 80.0, 1e-12));
    assert!(close(p["gap_closed_share"].as_f64().unwrap(), 0.8, 1e-9));
}
