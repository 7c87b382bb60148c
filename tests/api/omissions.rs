use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The not-selected districts with the highest `key`, ties by code, at most 20 — sorted here.
fn highest_unselected(districts: &[Value], key: &str) -> Vec<String> {
    let mut rows: Vec<(f64, String)> = districts
        .iter()
        .filter(|d| d["selected"] == false && d[key].is_number())
        .map(|d| {
            (
                d[key].as_f64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    rows.into_iter().take(20).map(|(_, c)| c).collect()
}

#[actix_web::test]
async fn the_omissions_are_the_highest_stunting_unselected_districts_of_the_joined_data() {
    let app = spawn_app().await;
    let (status, body) = app
        .get_json("/api/v1/shortlist?all=true&k=60&max_per_province=2")
        .await;
    assert_eq!(status, 200, "{body}");
    let s = &body["shortlist"];
    let districts = s["districts"].as_array().unwrap();
    let o = &s["omissions"];
    assert_eq!(
        codes(&o["by_prevalence"]),
        highest_unselected(districts, "stunting_prevalence")
    );
    assert_eq!(
        codes(&o["by_stunted_children"]),
        highest_unselected(districts, "stunted_children")
    );
    assert_eq!(o["by_prevalence"].as_array().unwrap().len(), 20);
    // The stunted children are prevalence/100 × under-fives.
    for d in o["by_stunted_children"].as_array().unwrap() {
        let full = districts.iter().find(|x| x["code"] == d["code"]).unwrap();
        let expected = full["stunting_prevalence"].as_f64().unwrap() / 100.0
            * full["under5_population"].as_f64().unwrap();
        assert!((d["stunted_children"].as_f64().unwrap() - expected).abs() < 1e-6);
    }
    // Each says why, in numbers consistent with the list.
    let cutoff = districts
        .iter()
        .filter(|d| d["selected"] == true)
        .map(|d| d["score"].as_f64().unwrap())
        .fold(f64::INFINITY, f64::min);
    for d in o["by_prevalence"].as_array().unwrap() {
        let full = districts.iter().find(|x| x["code"] == d["code"]).unwrap();
        let gap = d["gap"].as_f64().unwrap();
        assert!((gap - (full["score"].as_f64().unwrap() - cutoff)).abs() < 1e-12);
        let cost = d["spbe_cost"].as_f64().unwrap();
        let cause = d["cause"].as_str().unwrap();
        match full["explanation"]["reason"].as_str().unwrap() {
            "province_cap" => assert_eq!(cause, "province_cap"),
            "below_cutoff" if cost > -gap => assert_eq!(cause, "spbe"),
            "below_cutoff" => assert_eq!(cause, "score"),
            other => panic!("unexpected reason {other}"),
        }
        assert!(!d["text"]["id"].as_str().unwrap().is_empty());
        assert!(!d["text"]["en"].as_str().unwrap().is_empty());
    }
    // The province cap of 2 leaves some high-stunting districts out for it.
    assert!(
        o["by_prevalence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["cause"] == "province_cap")
    );
    // Provinces with no selected district, counted here.
    let mut provinces: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for d in districts {
        let e = provinces
            .entry(d["province_code"].as_str().unwrap())
            .or_default();
        e.0 += 1;
        e.1 += usize::from(d["selected"] == true);
    }
    let empty: Vec<&str> = provinces
        .iter()
        .filter(|(_, (_, picked))| *picked == 0)
        .map(|(code, _)| *code)
        .collect();
    let reported: Vec<&str> = o["provinces_without_selection"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(reported, empty);
    for p in o["provinces_without_selection"].as_array().unwrap() {
        assert_eq!(p["districts"], provinces[p["code"].as_str().unwrap()].0);
    }
    // Data quality among the selected, counted here.
    let selected: Vec<&Value> = districts.iter().filter(|d| d["selected"] == true).collect();
    let q = &o["data_quality"];
    assert_eq!(q["selected"], selected.len());
    let sae = selected
        .iter()
        .filter(|d| d["stunting_method"] == "sae")
        .count();
    assert!(sae > 0, "the demo data has small-area estimates");
    assert_eq!(q["sae"], sae);
    assert_eq!(q["sae_share"], sae as f64 / selected.len() as f64);
    let no_se = selected
        .iter()
        .filter(|d| d["stunting_se"].is_null())
        .count();
    assert_eq!(q["se_defaulted"], no_se);
    let no_pop = selected
        .iter()
        .filter(|d| d["under5_population"].is_null())
        .count();
    assert_eq!(q["population_missing"], no_pop);
}

#[actix_web::test]
async fn an_excluded_or_below_minimum_district_is_omitted_for_that_constraint() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/shortlist?all=true").await;
    let districts = body["shortlist"]["districts"].as_array().unwrap().clone();
    // The highest-prevalence district, forced out.
    let mut by_prevalence = districts.clone();
    by_prevalence.sort_by(|a, b| {
        b["stunting_prevalence"]
            .as_f64()
            .unwrap()
            .total_cmp(&a["stunting_prevalence"].as_f64().unwrap())
    });
    let top = by_prevalence[0]["code"].as_str().unwrap();
    let (_, body) = app
        .get_json(&format!("/api/v1/shortlist?exclude={top}&min_spbe=2.6"))
        .await;
    let o = &body["shortlist"]["omissions"]["by_prevalence"];
    let first = &o[0];
    assert_eq!(first["code"], top);
    assert_eq!(first["cause"], "excluded");
    assert_eq!(first["stunting_rank"], 1);
    for d in o.as_array().unwrap().iter().skip(1) {
        if d["spbe_index"].as_f64().unwrap() < 2.6 {
            assert_eq!(d["cause"], "below_min_spbe", "{d}");
        }
    }
}

#[actix_web::test]
async fn the_spbe_tradeoff_counts_equal_a_direct_count_under_both_directions() {
    let app = spawn_app().await;
    for (direction, other) in [
        ("higher_is_priority", "lower_is_priority"),
        ("lower_is_priority", "higher_is_priority"),
    ] {
        let (_, here) = app
            .get_json(&format!(
                "/api/v1/shortlist?all=true&spbe_direction={direction}"
            ))
            .await;
        let (_, there) = app
            .get_json(&format!("/api/v1/shortlist?spbe_direction={other}"))
            .await;
        let districts = here["shortlist"]["districts"].as_array().unwrap();
        let t = &here["shortlist"]["spbe_tradeoff"];
        let out_high: Vec<&Value> = districts
            .iter()
            .filter(|d| {
                d["selected"] == false && d["stunting_prevalence"].as_f64().unwrap() >= 30.0
            })
            .collect();
        let low = out_high
            .iter()
            .filter(|d| d["spbe_index"].as_f64().unwrap() < 2.0)
            .count();
        assert_eq!(t["direction"], direction);
        assert_eq!(t["other_direction"], other);
        assert_eq!(t["applies"], true);
        assert_eq!(t["high_stunting_not_selected"], out_high.len());
        assert_eq!(t["high_stunting_low_spbe_not_selected"], low);
        let other_selected: HashSet<String> = codes(&there["shortlist"]["districts"])
            .into_iter()
            .collect();
        let changes = districts
            .iter()
            .filter(|d| d["selected"] == true)
            .filter(|d| !other_selected.contains(d["code"].as_str().unwrap()))
            .count();
        assert!(changes > 0);
        assert_eq!(t["changes_under_other"], changes);
        // The sentences carry the numbers.
        let en = t["text"]["en"].as_str().unwrap();
        let id = t["text"]["id"].as_str().unwrap();
        assert!(
            en.contains(&format!(
                " {low} districts with stunting ≥ 30 % and SPBE < 2.0"
            )),
            "{en}"
        );
        assert!(
            en.contains(&format!("{changes} of the 100 would change")),
            "{en}"
        );
        assert!(
            id.contains(&format!("{changes} dari 100 akan berganti")),
            "{id}"
        );
        assert!(id.contains(if direction == "higher_is_priority" {
            "SPBE lebih tinggi = prioritas"
        } else {
            "SPBE lebih rendah = prioritas"
        }));
    }
}

#[actix_web::test]
async fn a_method_without_spbe_direction_says_the_other_direction_changes_nothing() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/shortlist?method=need").await;
    let t = &body["shortlist"]["spbe_tradeoff"];
    assert_eq!(t["applies"], false);
    assert_eq!(t["changes_under_other"], 0);
    assert!(
        t["text"]["en"]
            .as_str()
            .unwrap()
            .contains("changes nothing")
    );
}

#[actix_web::test]
async fn a_saved_run_carries_its_omissions_and_tradeoff() {
    let app = spawn_app().await;
    let (status, run) = app.post_ranking(&json!({"k": 40})).await;
    assert_eq!(status, 201, "{run}");
    let (_, list) = app.get_json("/api/v1/shortlist?k=40").await;
    for key in ["omissions", "spbe_tradeoff"] {
        assert_eq!(run["ranking"][key], list["shortlist"][key], "{key}");
    }
    let id = run["ranking"]["id"].as_i64().unwrap();
    let (_, stored) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    assert_eq!(stored["ranking"]["omissions"], run["ranking"]["omissions"]);
}
