use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn post_grid(app: &TestApp, body: Option<&Value>) -> (u16, Value) {
    let mut request = app.client.post(app.url("/api/v1/robustness"));
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The shortlist query of a scenario as the robustness answer names it.
fn shortlist_query(scenario: &Value, k: usize, extra: &str) -> String {
    let mut q = format!(
        "/api/v1/shortlist?all=true&k={k}&method={}&normalisation={}&spbe_direction={}{extra}",
        scenario["method"].as_str().unwrap(),
        scenario["normalisation"].as_str().unwrap(),
        scenario["spbe_direction"].as_str().unwrap(),
    );
    if let Some(w) = scenario["stunting_weight"].as_f64() {
        q.push_str(&format!("&stunting_weight={w}&spbe_weight={}", 1.0 - w));
    }
    q
}

#[actix_web::test]
async fn the_shares_of_a_small_grid_equal_a_count_over_the_shortlist_of_every_scenario() {
    let app = spawn_app().await;
    let k = 30;
    let grid = json!({
        "methods": ["composite", "need"],
        "stunting_weights": [0.5, 0.8],
        "normalisations": ["min_max"],
        "spbe_directions": ["higher_is_priority", "lower_is_priority"],
        "k": k,
        "constraints": {"max_per_province": 3}
    });
    let (status, body) = post_grid(&app, Some(&grid)).await;
    assert_eq!(status, 200, "{body}");
    let r = &body["robustness"];
    let scenarios = r["scenarios"].as_array().unwrap();
    // composite: 2 weights × 1 normalisation × 2 directions; need: 1 × 2 (no weights).
    assert_eq!(scenarios.len(), 6);
    assert_eq!(
        scenarios.iter().filter(|s| s["method"] == "need").count(),
        2
    );
    assert!(
        scenarios
            .iter()
            .filter(|s| s["method"] == "need")
            .all(|s| s["stunting_weight"].is_null())
    );
    // Independently: every scenario's shortlist, counted here.
    let mut picked: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for s in scenarios {
        let (status, list) = app
            .get_json(&shortlist_query(s, k, "&max_per_province=3"))
            .await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["shortlist"]["fingerprint"], s["fingerprint"], "{s}");
        for d in list["shortlist"]["districts"].as_array().unwrap() {
            let rank = d["rank"].as_u64().unwrap() as usize;
            let e = picked
                .entry(d["code"].as_str().unwrap().to_string())
                .or_insert((0, usize::MAX, 0));
            e.0 += usize::from(d["selected"] == true);
            e.1 = e.1.min(rank);
            e.2 = e.2.max(rank);
        }
    }
    let n = scenarios.len();
    let districts = r["districts"].as_array().unwrap();
    assert_eq!(districts.len(), picked.len());
    let mut counts = BTreeMap::new();
    for d in districts {
        let (times, best, worst) = picked[d["code"].as_str().unwrap()];
        assert_eq!(d["share"].as_f64().unwrap(), times as f64 / n as f64, "{d}");
        assert_eq!(d["best_rank"], best, "{d}");
        assert_eq!(d["worst_rank"], worst, "{d}");
        let class = if times == n {
            "core"
        } else if times as f64 >= 0.75 * n as f64 {
            "mostly"
        } else if times > 0 {
            "sometimes"
        } else {
            "never"
        };
        assert_eq!(d["class"], class, "{d}");
        *counts.entry(class).or_insert(0) += 1;
    }
    for class in ["core", "mostly", "sometimes", "never"] {
        assert_eq!(
            r["counts"][class],
            counts.get(class).copied().unwrap_or(0),
            "{class}"
        );
    }
    // Most robust first.
    let shares: Vec<f64> = districts
        .iter()
        .map(|d| d["share"].as_f64().unwrap())
        .collect();
    assert!(shares.windows(2).all(|w| w[0] >= w[1]));
    assert!(r.get("current").is_none());
}

#[actix_web::test]
async fn an_empty_body_is_the_documented_default_grid_of_at_most_48_scenarios() {
    let app = spawn_app().await;
    let (status, empty) = post_grid(&app, None).await;
    assert_eq!(status, 200, "{empty}");
    let (status, braces) = post_grid(&app, Some(&json!({}))).await;
    assert_eq!(status, 200, "{braces}");
    assert_eq!(empty, braces);
    let (status, null) = post_grid(&app, Some(&Value::Null)).await;
    assert_eq!(status, 200, "{null}");
    assert_eq!(empty, null);
    let r = &empty["robustness"];
    let scenarios = r["scenarios"].as_array().unwrap();
    // The demo data has a population dataset: composite 4 × 3 × 2, need, residual and
    // burden 3 × 2 each.
    assert_eq!(scenarios.len(), 42);
    let methods: HashSet<&str> = scenarios
        .iter()
        .map(|s| s["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        HashSet::from(["composite", "need", "residual", "burden"])
    );
    let weights: HashSet<String> = scenarios
        .iter()
        .filter_map(|s| s["stunting_weight"].as_f64())
        .map(|w| w.to_string())
        .collect();
    assert_eq!(
        weights,
        HashSet::from(["0.5", "0.6", "0.7", "0.8"].map(String::from))
    );
    let fingerprints: HashSet<&str> = scenarios
        .iter()
        .map(|s| s["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), 42, "every scenario is distinct");
    let c = &r["counts"];
    let total: u64 = ["core", "mostly", "sometimes", "never"]
        .iter()
        .map(|k| c[k].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, r["districts"].as_array().unwrap().len());
    // Shares sum to k per scenario: Σ share = k.
    let sum: f64 = r["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["share"].as_f64().unwrap())
        .sum();
    assert!((sum - 100.0).abs() < 1e-9, "{sum}");
}

#[actix_web::test]
async fn the_scenario_on_screen_is_split_into_the_classes_of_its_selected_districts() {
    let app = spawn_app().await;
    let grid = json!({
        "methods": ["composite"],
        "stunting_weights": [0.6, 0.7],
        "normalisations": ["min_max", "z_score"],
        "spbe_directions": ["higher_is_priority"],
        "k": 50,
        "current": {"method": "composite", "weights": {"stunting": 0.9, "spbe": 0.1}, "normalisation": "goalposts", "spbe_direction": "lower_is_priority"}
    });
    let (status, body) = post_grid(&app, Some(&grid)).await;
    assert_eq!(status, 200, "{body}");
    let r = &body["robustness"];
    let current = &r["current"];
    let (_, list) = app
        .get_json("/api/v1/shortlist?k=50&stunting_weight=0.9&spbe_weight=0.1&normalisation=goalposts&spbe_direction=lower_is_priority")
        .await;
    assert_eq!(current["fingerprint"], list["shortlist"]["fingerprint"]);
    let class: BTreeMap<&str, &str> = r["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["class"].as_str().unwrap()))
        .collect();
    let mut seen = Vec::new();
    for name in ["core", "mostly", "sometimes", "never"] {
        let codes = current[name].as_array().unwrap();
        assert_eq!(current["counts"][name], codes.len());
        for code in codes {
            assert_eq!(class[code.as_str().unwrap()], name, "{code}");
            seen.push(code.as_str().unwrap().to_string());
        }
    }
    seen.sort();
    let mut selected: Vec<String> = list["shortlist"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    selected.sort();
    assert_eq!(seen, selected);
    // The grid alone does not count the current scenario.
    assert_eq!(r["scenarios"].as_array().unwrap().len(), 4);
}

#[actix_web::test]
async fn grid_lists_beyond_their_limits_are_refused_naming_the_limit() {
    let app = spawn_app().await;
    let weights: Vec<f64> = (0..12).map(|i| f64::from(i) / 12.0).collect();
    for (grid, code, words) in [
        (json!({"stunting_weights": weights}), "invalid_grid", "11"),
        (json!({"methods": []}), "invalid_grid", "methods"),
        (
            json!({"normalisations": []}),
            "invalid_grid",
            "normalisations",
        ),
        (
            json!({"stunting_weights": [1.5]}),
            "invalid_weights",
            "between 0 and 1",
        ),
        (json!({"k": 0}), "invalid_k", "k"),
        (json!({"k": 515}), "invalid_k", "514"),
    ] {
        let (status, body) = post_grid(&app, Some(&grid)).await;
        assert_eq!(status, 422, "{grid}: {body}");
        assert_eq!(body["error"], code, "{grid}");
        assert!(
            body["message"].as_str().unwrap().contains(words),
            "{grid}: {body}"
        );
    }
    for grid in [
        json!({"method": "need"}),
        json!({"constraints": [null, null]}),
        json!([null, null]),
        json!({"current": {"weights": [1, 0]}}),
    ] {
        let (status, body) = post_grid(&app, Some(&grid)).await;
        assert_eq!(status, 400, "{grid}: {body}");
        assert_eq!(body["error"], "invalid_json");
    }
    let response = app
        .client
        .post(app.url("/api/v1/robustness"))
        .header("Content-Type", "text/plain")
        .body("k=5")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
}

#[actix_web::test]
async fn the_same_grid_again_is_the_same_answer_from_the_cache() {
    let app = spawn_app().await;
    let grid = json!({"methods": ["need", "residual"], "normalisations": ["min_max"], "spbe_directions": ["higher_is_priority"], "k": 10});
    let first = app
        .client
        .post(app.url("/api/v1/robustness"))
        .json(&grid)
        .send()
        .await
        .unwrap();
    let etag = first.headers()["etag"].clone();
    let first = first.bytes().await.unwrap();
    let second = app
        .client
        .post(app.url("/api/v1/robustness"))
        .json(&grid)
        .send()
        .await
        .unwrap();
    assert_eq!(second.headers()["etag"], etag);
    assert_eq!(second.bytes().await.unwrap(), first);
}

#[actix_web::test]
async fn a_repeated_value_in_a_grid_list_counts_once() {
    let app = spawn_app().await;
    let once = json!({"methods": ["need"], "normalisations": ["min_max"], "spbe_directions": ["higher_is_priority"], "k": 10});
    let twice = json!({"methods": ["need", "need"], "normalisations": ["min_max", "min_max"], "spbe_directions": ["higher_is_priority"], "k": 10});
    let (_, a) = post_grid(&app, Some(&once)).await;
    let (status, b) = post_grid(&app, Some(&twice)).await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(a, b);
    assert_eq!(b["robustness"]["scenarios"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_grid_the_data_held_refuse_is_409_with_the_shortlist_code_and_an_integral_float_is_an_integer()
 {
    let app = spawn_app().await;
    // A real Kemendagri code that the demo data do not hold.
    let (status, body) = post_grid(
        &app,
        Some(&json!({"methods": ["need"], "constraints": {"include": ["32.04"]}})),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "unknown_code");
    let (status, list) = app
        .get_json("/api/v1/shortlist?method=need&include=32.04")
        .await;
    assert_eq!((status, &list["error"]), (422, &body["error"]));
    let (status, body) = post_grid(
        &app,
        Some(&json!({"methods": ["need"], "k": 5, "constraints": {"min_per_province": 100}})),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "infeasible_constraints");
    // JSON Schema counts 10.0 as an integer.
    let (status, a) = post_grid(&app, Some(&json!({"methods": ["need"], "k": 10.0}))).await;
    assert_eq!(status, 200, "{a}");
    let (_, b) = post_grid(&app, Some(&json!({"methods": ["need"], "k": 10}))).await;
    assert_eq!(a, b);
    let (status, _) = post_grid(&app, Some(&json!({"methods": ["need"], "k": 10.5}))).await;
    assert_eq!(status, 400);
}

#[actix_web::test]
async fn robustness_is_a_read_any_token_or_none_gets_the_same_answer() {
    let app = spawn_app().await;
    let grid = json!({"methods": ["need"], "normalisations": ["min_max"], "spbe_directions": ["higher_is_priority"], "k": 10});
    let (status, anonymous) = post_grid(&app, Some(&grid)).await;
    assert_eq!(status, 200, "{anonymous}");
    for token in [
        &app.viewer_token,
        &app.editor_token,
        &app.steward_token,
        &app.approver_token,
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/robustness"))
            .bearer_auth(token)
            .json(&grid)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.json::<Value>().await.unwrap(), anonymous);
    }
}
