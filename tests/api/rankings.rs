use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn selected(ranking: &Value) -> Vec<String> {
    ranking["districts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["selected"] == true)
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn the_default_shortlist_selects_100_in_rank_order_with_explanations() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/shortlist").await;
    assert_eq!(status, 200, "{body}");
    let s = &body["shortlist"];
    assert_eq!(s["demo"], true);
    assert_eq!(s["k"], 100);
    assert_eq!(s["params"]["method"], "composite");
    assert_eq!(s["params"]["weights"]["stunting"], 0.6);
    assert_eq!(s["params"]["stunting_year"], 2022);
    assert_eq!(s["fingerprint"].as_str().unwrap().len(), 64);
    let districts = s["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 100);
    for (i, d) in districts.iter().enumerate() {
        assert_eq!(d["rank"], i + 1);
        assert_eq!(d["selected"], true);
        for key in [
            "code",
            "name",
            "province_name",
            "stunting_prevalence",
            "spbe_index",
            "score",
            "explanation",
        ] {
            assert!(!d[key].is_null(), "{key} missing in {d}");
        }
    }
    let scores: Vec<f64> = districts
        .iter()
        .map(|d| d["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    // The cut-off lies midway between the last selected and the first left out.
    let (_, all) = app.get_json("/api/v1/shortlist?all=true").await;
    let first_out = all["shortlist"]["districts"][100]["score"]
        .as_f64()
        .unwrap();
    assert_eq!(
        s["cutoff_score"].as_f64().unwrap(),
        (scores.last().unwrap() + first_out) / 2.0
    );
}

#[actix_web::test]
async fn the_composite_score_is_the_weighted_min_max_formula() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/shortlist?k=5").await;
    let demo = model::demo::DemoData::generate();
    let (smin, smax) = demo
        .districts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), d| {
            (a.min(d.stunting), b.max(d.stunting))
        });
    let (xmin, xmax) = demo
        .districts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), d| {
            (a.min(d.spbe), b.max(d.spbe))
        });
    for d in body["shortlist"]["districts"].as_array().unwrap() {
        let s = d["stunting_prevalence"].as_f64().unwrap();
        let x = d["spbe_index"].as_f64().unwrap();
        let expected = 0.6 * (s - smin) / (smax - smin) + 0.4 * (x - xmin) / (xmax - xmin);
        assert!(
            (d["score"].as_f64().unwrap() - expected).abs() < 1e-9,
            "{d}"
        );
    }
}

#[actix_web::test]
async fn a_saved_ranking_is_201_immutable_and_retrievable() {
    let app = spawn_app().await;
    let (status, body) = app.post_ranking(&json!({"k": 10})).await;
    assert_eq!(status, 201, "{body}");
    let ranking = &body["ranking"];
    let id = ranking["id"].as_i64().unwrap();
    assert_eq!(ranking["created_by"], "test-editor");
    // Stunting, SPBE, the under-five population and the stunting of the year before.
    assert_eq!(ranking["datasets"].as_array().unwrap().len(), 4);
    assert_eq!(ranking["analysis"]["n"], 514);
    let districts = ranking["districts"].as_array().unwrap();
    assert_eq!(
        districts.len(),
        514,
        "every joined district, selected first"
    );
    assert_eq!(selected(ranking).len(), 10);
    assert!(districts[..10].iter().all(|d| d["selected"] == true));
    let (status, again) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(again["ranking"]["districts"], ranking["districts"]);
    assert_eq!(again["ranking"]["fingerprint"], ranking["fingerprint"]);
    let (_, list) = app.get_json("/api/v1/rankings").await;
    assert_eq!(list["meta"]["total"], 1);
    assert_eq!(list["rankings"][0]["id"], id);
}

#[actix_web::test]
async fn the_same_scenario_on_the_same_data_reproduces_the_same_result() {
    let app = spawn_app().await;
    let scenario = json!({"k": 20, "uncertainty": {"draws": 200, "seed": 7}});
    let (_, a) = app.post_ranking(&scenario).await;
    let (_, b) = app.post_ranking(&scenario).await;
    assert_ne!(a["ranking"]["id"], b["ranking"]["id"]);
    assert_eq!(a["ranking"]["fingerprint"], b["ranking"]["fingerprint"]);
    assert_eq!(a["ranking"]["districts"], b["ranking"]["districts"]);
}

#[actix_web::test]
async fn uncertainty_gives_probabilities_that_sum_to_k_and_bands() {
    let app = spawn_app().await;
    let (status, body) = app
        .post_ranking(&json!({"k": 30, "uncertainty": {"draws": 300, "seed": 42}}))
        .await;
    assert_eq!(status, 201, "{body}");
    let districts = body["ranking"]["districts"].as_array().unwrap();
    let total: f64 = districts
        .iter()
        .map(|d| d["p_selected"].as_f64().unwrap())
        .sum();
    assert!((total - 30.0).abs() < 1e-9, "sum of p_selected = {total}");
    for d in districts {
        let p = d["p_selected"].as_f64().unwrap();
        let band = d["band"].as_str().unwrap();
        let expected = if p >= 0.9 {
            "certain_in"
        } else if p <= 0.1 {
            "certain_out"
        } else {
            "contested"
        };
        assert_eq!(band, expected);
        let (lo, mid, hi) = (
            d["rank_p05"].as_f64().unwrap(),
            d["rank_median"].as_f64().unwrap(),
            d["rank_p95"].as_f64().unwrap(),
        );
        assert!(lo <= mid && mid <= hi, "{d}");
    }
}

/// The band thresholds of the response, asserted as documented: (certain_in_min, certain_out_max).
fn band_thresholds(uncertainty: &Value) -> (f64, f64) {
    let t = &uncertainty["band_thresholds"];
    (
        t["certain_in_min"]
            .as_f64()
            .unwrap_or_else(|| panic!("{uncertainty}")),
        t["certain_out_max"]
            .as_f64()
            .unwrap_or_else(|| panic!("{uncertainty}")),
    )
}

/// Every district with a band lies on the side of the thresholds its band says.
fn assert_bands_follow(thresholds: (f64, f64), districts: &[Value]) {
    let (stable_in, stable_out) = thresholds;
    for d in districts.iter().filter(|d| d["band"].is_string()) {
        let p = d["p_selected"].as_f64().unwrap();
        let expected = if p >= stable_in {
            "certain_in"
        } else if p <= stable_out {
            "certain_out"
        } else {
            "contested"
        };
        assert_eq!(d["band"], expected, "{d}");
    }
}

// See: issue 21, item 2 (the page states the thresholds, so the API must give them).
#[actix_web::test]
async fn the_band_thresholds_come_with_the_uncertainty_and_every_band_follows_them() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, preview) = app
        .get_json("/api/v1/shortlist?all=true&draws=300&seed=3")
        .await;
    let (saved_status, saved) = app
        .post_ranking(&json!({"k": 40, "uncertainty": {"draws": 300, "seed": 3}}))
        .await;
    let id = saved["ranking"]["id"].as_i64().unwrap();
    let (_, stored) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    let (_, without) = app.get_json("/api/v1/shortlist").await;
    let (_, doc) = app.get_json("/api/v1/openapi.json").await;

    // Assert
    assert_eq!((status, saved_status), (200, 201), "{preview} {saved}");
    let s = &preview["shortlist"];
    assert_eq!(band_thresholds(&s["uncertainty"]), (0.9, 0.1));
    assert_bands_follow(
        band_thresholds(&s["uncertainty"]),
        s["districts"].as_array().unwrap(),
    );
    for run in [&saved["ranking"], &stored["ranking"]] {
        assert_eq!(band_thresholds(&run["uncertainty"]), (0.9, 0.1));
        assert_bands_follow(
            band_thresholds(&run["uncertainty"]),
            run["districts"].as_array().unwrap(),
        );
    }
    // Without draws there are no bands and no thresholds to state.
    assert!(without["shortlist"]["uncertainty"].is_null());
    // The document describes them.
    let schemas = &doc["components"]["schemas"];
    let summary = &schemas["UncertaintySummary"];
    assert!(
        summary["required"]
            .as_array()
            .unwrap()
            .contains(&json!("band_thresholds")),
        "{summary}"
    );
    let thresholds = &schemas["BandThresholds"]["properties"];
    for key in ["certain_in_min", "certain_out_max"] {
        assert_eq!(thresholds[key]["type"], "number", "{thresholds}");
    }
}

#[actix_web::test]
async fn a_run_saved_before_thresholds_were_reported_states_them_when_read() {
    // Arrange: a run whose stored body has no thresholds, as every run saved before them.
    let app = spawn_app().await;
    let (_, saved) = app
        .post_ranking(&json!({"k": 10, "uncertainty": {"draws": 100, "seed": 5}}))
        .await;
    let mut conn = app.pool.get().unwrap();
    let run =
        model::run::RankingRun::find(&mut conn, saved["ranking"]["id"].as_i64().unwrap() as i32)
            .unwrap();
    let mut body: Value = serde_json::from_str(&run.body).unwrap();
    body["uncertainty"]
        .as_object_mut()
        .unwrap()
        .remove("band_thresholds")
        .unwrap();
    let (old, _) = model::run::RankingRun::create(
        &mut conn,
        &model::audit::Actor::local("test"),
        &model::run::NewRun {
            fingerprint: &run.fingerprint,
            params: &run.params,
            body: &body.to_string(),
            demo: run.demo,
            ..Default::default()
        },
    )
    .unwrap();

    // Act
    let (status, read) = app.get_json(&format!("/api/v1/rankings/{old}")).await;

    // Assert
    assert_eq!(status, 200, "{read}");
    assert_eq!(band_thresholds(&read["ranking"]["uncertainty"]), (0.9, 0.1));
}

#[actix_web::test]
async fn constraints_are_honoured_and_their_effects_reported() {
    let app = spawn_app().await;
    let (_, base) = app.get_json("/api/v1/shortlist?k=20").await;
    let top: Vec<String> = base["shortlist"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    let scenario = json!({"k": 20, "constraints": {"exclude": [top[0]], "include": ["11.40"], "max_per_province": 2, "min_spbe": 1.8}});
    let (status, body) = app.post_ranking(&scenario).await;
    assert_eq!(status, 201, "{body}");
    let r = &body["ranking"];
    let chosen = selected(r);
    assert_eq!(chosen.len(), 20);
    assert!(!chosen.contains(&top[0]) && chosen.contains(&"11.40".to_string()));
    let districts = r["districts"].as_array().unwrap();
    let mut per_province = std::collections::HashMap::new();
    for d in districts.iter().filter(|d| d["selected"] == true) {
        *per_province
            .entry(d["province_code"].as_str().unwrap())
            .or_insert(0) += 1;
        assert!(d["spbe_index"].as_f64().unwrap() >= 1.8);
    }
    assert!(per_province.values().all(|&n| n <= 2));
    let excluded = districts
        .iter()
        .find(|d| d["code"] == top[0].as_str())
        .unwrap();
    assert_eq!(excluded["explanation"]["reason"], "excluded");
    let effects = r["constraint_effects"].as_array().unwrap();
    let exclude_effect = effects
        .iter()
        .find(|e| e["constraint"] == "exclude")
        .unwrap();
    assert_eq!(exclude_effect["pushed_out"][0], top[0].as_str());
}

#[actix_web::test]
async fn infeasible_constraints_and_limits_are_422_naming_the_problem() {
    let app = spawn_app().await;
    let (status, body) = app
        .post_ranking(
            &json!({"k": 10, "constraints": {"include": ["11.40"], "exclude": ["11.40"]}}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("infeasible_constraints"))
    );
    assert!(body["message"].as_str().unwrap().contains("11.40"));
    let (status, body) = app.post_ranking(&json!({"k": 600})).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_k")));
    assert!(body["message"].as_str().unwrap().contains("514"));
    let (status, body) = app
        .post_ranking(&json!({"uncertainty": {"draws": 200000}}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("invalid_draws"))
    );
    assert!(body["message"].as_str().unwrap().contains("100000"));
    let (status, body) = app
        .post_ranking(&json!({"weights": {"stunting": -1, "spbe": 1}}))
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app.post_ranking(&json!({"kk": 10})).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_json"))
    );
    assert!(body["message"].as_str().unwrap().contains("kk"));
}

#[actix_web::test]
async fn saving_a_ranking_needs_an_editor_token() {
    let app = spawn_app().await;
    let anonymous = app
        .client
        .post(app.url("/api/v1/rankings"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let viewer = app
        .client
        .post(app.url("/api/v1/rankings"))
        .bearer_auth(&app.viewer_token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(viewer.status().as_u16(), 403);
}

#[actix_web::test]
async fn the_diff_of_two_runs_lists_who_entered_and_who_left() {
    let app = spawn_app().await;
    let (_, a) = app.post_ranking(&json!({"k": 10})).await;
    let (_, b) = app.post_ranking(&json!({"k": 10, "method": "need"})).await;
    let (ia, ib) = (
        a["ranking"]["id"].as_i64().unwrap(),
        b["ranking"]["id"].as_i64().unwrap(),
    );
    let (status, body) = app
        .get_json(&format!("/api/v1/rankings/{ia}/diff/{ib}"))
        .await;
    assert_eq!(status, 200, "{body}");
    let diff = &body["diff"];
    let (sa, sb) = (selected(&a["ranking"]), selected(&b["ranking"]));
    let entered: Vec<&str> = diff["entered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    let left: Vec<&str> = diff["left"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    let mut expected_in: Vec<&str> = sb
        .iter()
        .filter(|c| !sa.contains(c))
        .map(String::as_str)
        .collect();
    let mut expected_out: Vec<&str> = sa
        .iter()
        .filter(|c| !sb.contains(c))
        .map(String::as_str)
        .collect();
    let (mut entered, mut left) = (entered, left);
    entered.sort_unstable();
    left.sort_unstable();
    expected_in.sort_unstable();
    expected_out.sort_unstable();
    assert_eq!(entered, expected_in);
    assert_eq!(left, expected_out);
    assert_eq!(diff["stayed"].as_u64().unwrap() as usize, 10 - left.len());
    let (status, _) = app
        .get_json(&format!("/api/v1/rankings/{ia}/diff/9999"))
        .await;
    assert_eq!(status, 404);
}

/// Every leaf of a run's `params` as `path → value`; a list is one leaf.
fn param_leaves(prefix: &str, value: &Value, out: &mut std::collections::BTreeMap<String, Value>) {
    match value.as_object() {
        Some(map) => {
            for (key, v) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                param_leaves(&path, v, out);
            }
        }
        None => {
            out.insert(prefix.to_string(), value.clone());
        }
    }
}

#[actix_web::test]
async fn the_diff_of_two_runs_names_the_parameters_that_differ_and_the_effect_on_coverage_and_provinces()
 {
    // Arrange: two runs that differ in k and the weights only.
    let app = spawn_app().await;
    let (_, a) = app.post_ranking(&json!({"k": 10})).await;
    let (_, b) = app
        .post_ranking(&json!({"k": 12, "weights": {"stunting": 0.8, "spbe": 0.2}}))
        .await;
    let (ra, rb) = (&a["ranking"], &b["ranking"]);
    let (ia, ib) = (ra["id"].as_i64().unwrap(), rb["id"].as_i64().unwrap());

    // Act
    let (status, body) = app
        .get_json(&format!("/api/v1/rankings/{ia}/diff/{ib}"))
        .await;

    // Assert: the parameters, as paths into `params`, with both values.
    assert_eq!(status, 200, "{body}");
    let diff = &body["diff"];
    let (mut pa, mut pb) = Default::default();
    param_leaves("", &ra["params"], &mut pa);
    param_leaves("", &rb["params"], &mut pb);
    let expected: Vec<Value> = pa
        .keys()
        .chain(pb.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|k| pa.get(*k) != pb.get(*k))
        .map(|k| json!({"parameter": k, "before": pa.get(k).cloned().unwrap_or(Value::Null), "after": pb.get(k).cloned().unwrap_or(Value::Null)}))
        .collect();
    assert_eq!(diff["params_changed"], Value::Array(expected), "{diff}");
    let named: Vec<&str> = diff["params_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["parameter"].as_str().unwrap())
        .collect();
    assert!(
        named.contains(&"k") && named.contains(&"weights.stunting"),
        "{named:?}"
    );
    assert!(!named.contains(&"method"), "{named:?}");
    let k = diff["params_changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["parameter"] == "k")
        .unwrap();
    assert_eq!((&k["before"], &k["after"]), (&json!(10), &json!(12)));

    // Coverage: each run's own figures (the demo has a population dataset).
    let cov = &diff["coverage"];
    assert!(
        ra["coverage"]["stunted_children"].is_number(),
        "{}",
        ra["coverage"]
    );
    assert_eq!(
        cov["stunted_children_before"],
        ra["coverage"]["stunted_children"]
    );
    assert_eq!(
        cov["stunted_children_after"],
        rb["coverage"]["stunted_children"]
    );
    assert_eq!(cov["share_before"], ra["coverage"]["share"]);
    assert_eq!(cov["share_after"], rb["coverage"]["share"]);

    // Provinces: selected districts per province counted from each run's list.
    let per_province = |r: &Value| {
        let mut m = std::collections::BTreeMap::<String, i64>::new();
        for d in r["districts"].as_array().unwrap() {
            if d["selected"] == true {
                *m.entry(d["province_code"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
        m
    };
    let (before, after) = (per_province(ra), per_province(rb));
    let provinces = diff["provinces"].as_array().unwrap();
    let codes: std::collections::BTreeSet<&str> = before
        .keys()
        .chain(after.keys())
        .map(String::as_str)
        .collect();
    assert_eq!(provinces.len(), codes.len(), "{provinces:?}");
    for p in provinces {
        let code = p["province_code"].as_str().unwrap();
        let (x, y) = (
            before.get(code).copied().unwrap_or(0),
            after.get(code).copied().unwrap_or(0),
        );
        assert_eq!(p["selected_before"], x, "{p}");
        assert_eq!(p["selected_after"], y, "{p}");
        assert_eq!(p["change"], y - x, "{p}");
        assert!(p["province_name"].as_str().is_some_and(|n| !n.is_empty()));
    }
    let changes: Vec<i64> = provinces
        .iter()
        .map(|p| p["change"].as_i64().unwrap().abs())
        .collect();
    assert!(
        changes.windows(2).all(|w| w[0] >= w[1]),
        "largest change first: {changes:?}"
    );
    let total: i64 = provinces
        .iter()
        .map(|p| p["change"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 2);
}

#[actix_web::test]
async fn rankings_and_shortlists_download_as_csv() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/shortlist?k=7&format=csv").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8);
    assert!(lines[0].starts_with("rank,code,bps_code,name"));
    assert!(
        lines[1].starts_with("1,") && lines[1].ends_with(",true"),
        "{}",
        lines[1]
    );
    let (_, saved) = app.post_ranking(&json!({"k": 5})).await;
    let id = saved["ranking"]["id"].as_i64().unwrap();
    let response = app
        .get_with(&format!("/api/v1/rankings/{id}"), "Accept", "text/csv")
        .await;
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("lokus-ranking-{id}.csv"))
    );
    assert_eq!(response.text().await.unwrap().lines().count(), 515);
}

#[actix_web::test]
async fn geojson_needs_a_boundary_layer() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/shortlist?format=geojson").await;
    assert_eq!(status, 404, "{body}");
    let geo = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kemendagri_code":"11.40"},"geometry":{"type":"Polygon","coordinates":[[[95,5],[96,5],[96,6],[95,5]]]}}]}"#;
    let (status, _) = app
        .upload("kind=boundaries", "application/geo+json", geo)
        .await;
    assert_eq!(status, 201);
    let response = app
        .get_with("/api/v1/shortlist?k=514", "Accept", "application/geo+json")
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let fc: Value = response.json().await.unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 514);
    let with_shape = features.iter().filter(|f| !f["geometry"].is_null()).count();
    assert_eq!(with_shape, 1);
}

#[actix_web::test]
async fn the_shortlist_query_takes_the_constraints_of_a_saved_run() {
    let app = spawn_app().await;
    let (_, plain) = app.get_json("/api/v1/shortlist?k=10").await;
    let top: Vec<String> = plain["shortlist"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    let path = format!(
        "/api/v1/shortlist?k=10&exclude={}&include=11.40&max_per_province=2&min_spbe=1.5",
        top[0]
    );
    let (status, body) = app.get_json(&path).await;
    assert_eq!(status, 200, "{body}");
    let (_, saved) = app
        .post_ranking(&json!({"k": 10, "constraints": {"exclude": [top[0]], "include": ["11.40"], "max_per_province": 2, "min_spbe": 1.5}}))
        .await;
    assert_eq!(
        body["shortlist"]["fingerprint"],
        saved["ranking"]["fingerprint"]
    );
    assert_eq!(
        body["shortlist"]["districts"],
        json!(
            saved["ranking"]["districts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["selected"] == true)
                .collect::<Vec<_>>()
        )
    );
    let codes = selected(&body["shortlist"]);
    assert!(!codes.contains(&top[0]));
    assert!(codes.contains(&"11.40".to_string()));
}

#[actix_web::test]
async fn the_shortlist_with_all_lists_every_joined_district_in_rank_order() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/shortlist?all=true").await;
    assert_eq!(status, 200);
    let districts = body["shortlist"]["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 514);
    assert_eq!(
        districts.iter().filter(|d| d["selected"] == true).count(),
        100
    );
    for (i, d) in districts.iter().enumerate() {
        assert_eq!(d["rank"], i + 1);
    }
}

#[actix_web::test]
async fn every_p_selected_carries_its_monte_carlo_standard_error() {
    let app = spawn_app().await;
    let (status, body) = app
        .get_json("/api/v1/shortlist?draws=400&seed=9&all=true")
        .await;
    assert_eq!(status, 200);
    let s = &body["shortlist"];
    let mut largest: f64 = 0.0;
    for d in s["districts"].as_array().unwrap() {
        let p = d["p_selected"].as_f64().unwrap();
        let se = d["p_selected_se"].as_f64().unwrap();
        // √(p(1−p)/N) with N = 400.
        assert!((se - (p * (1.0 - p) / 400.0).sqrt()).abs() < 1e-15, "{d}");
        largest = largest.max(se);
    }
    let u = &s["uncertainty"];
    assert_eq!(u["draws_used"], 400);
    assert_eq!(u["max_p_selected_se"].as_f64().unwrap(), largest);
    assert!(u["target_se"].is_null());
}

#[actix_web::test]
async fn a_target_se_draws_more_until_it_is_met_reproducibly() {
    let app = spawn_app().await;
    let scenario = json!({"k": 100, "uncertainty": {"draws": 200, "seed": 3, "target_se": 0.01}});
    let (status, a) = app.post_ranking(&scenario).await;
    assert_eq!(status, 201, "{a}");
    let u = &a["ranking"]["uncertainty"];
    let used = u["draws_used"].as_u64().unwrap();
    assert!(used > 200, "{u}");
    assert!(u["max_p_selected_se"].as_f64().unwrap() <= 0.01, "{u}");
    assert_eq!(u["target_reached"], true);
    // The same request gives the same draws; and asking for that many draws directly gives the
    // same probabilities (draw d depends on the seed and d alone).
    let (_, b) = app.post_ranking(&scenario).await;
    assert_eq!(a["ranking"]["districts"], b["ranking"]["districts"]);
    let (_, direct) = app
        .post_ranking(&json!({"k": 100, "uncertainty": {"draws": used, "seed": 3}}))
        .await;
    let p = |v: &Value| -> Vec<Value> {
        v["ranking"]["districts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["p_selected"].clone())
            .collect()
    };
    assert_eq!(p(&a), p(&direct));
    let (status, bad) = app
        .post_ranking(&json!({"uncertainty": {"draws": 10, "target_se": 0.0}}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(bad["error"], "invalid_target_se");
}

#[actix_web::test]
async fn a_region_named_like_a_formula_comes_out_of_the_csv_as_text() {
    let app = spawn_app().await;
    let (_, list) = app.get_json("/api/v1/shortlist?k=1").await;
    let d = &list["shortlist"]["districts"][0];
    let code = d["code"].as_str().unwrap();
    let (_, region) = app.get_json(&format!("/api/v1/regions/{code}")).await;
    let r = &region["region"];
    let formula = "=HYPERLINK(\"http://example.invalid\",\"x\")";
    let csv = format!(
        "code,bps_code,name,kind,province_code\n{},{},\"{}\",{},{}\n",
        code,
        r["bps_code"].as_str().unwrap(),
        formula.replace('"', "\"\""),
        r["kind"].as_str().unwrap(),
        r["province_code"].as_str().unwrap(),
    );
    let (status, body) = app.upload("kind=regions", "text/csv", csv).await;
    assert_eq!(status, 201, "{body}");
    let text = app
        .get("/api/v1/shortlist?k=1&format=csv")
        .await
        .text()
        .await
        .unwrap();
    let row = text.lines().nth(1).unwrap();
    assert!(row.contains("\"'=HYPERLINK("), "{row}");
    assert!(
        !row.contains(",=HYPERLINK") && !row.contains(",\"=HYPERLINK"),
        "{row}"
    );
    // Numbers stay numbers, negative ones included (the margin of the last selected is ≥ 0,
    // but every numeric column parses).
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let prevalence = header
        .iter()
        .position(|h| *h == "stunting_prevalence")
        .unwrap();
    let fields: Vec<String> = csv_fields(row);
    assert!(fields[prevalence].parse::<f64>().is_ok(), "{row}");
}

/// The fields of one CSV line (quotes removed, doubled quotes undone).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}
