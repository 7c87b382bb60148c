//! Did it work? `GET /api/v1/evaluation`: a regression discontinuity at a saved run's cut-off
//! and a difference-in-differences against a later survey, checked against the demo's planted
//! effect and against the Python packages `rdrobust` and `statsmodels`.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::helpers::{TestApp, skip_or_fail, spawn_app};

/// The effect the demo plants in 2024 for the districts of its default list.
const PLANTED: f64 = model::demo::PLANTED_EFFECT;

async fn save_run(app: &TestApp, scenario: &Value) -> i64 {
    let (status, body) = app.post_ranking(scenario).await;
    assert_eq!(status, 201, "{body}");
    body["ranking"]["id"].as_i64().unwrap()
}

async fn evaluation(app: &TestApp, run: i64, year: i32) -> (u16, Value) {
    app.get_json(&format!("/api/v1/evaluation?run={run}&outcome_year={year}"))
        .await
}

#[actix_web::test]
async fn the_demo_outcome_year_is_a_demo_stunting_dataset_that_states_its_planted_effect() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/datasets").await;
    assert_eq!(status, 200);
    let datasets = body["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 6, "{body}");
    let outcome: Vec<&Value> = datasets
        .iter()
        .filter(|d| d["kind"] == "stunting" && d["year"] == 2024)
        .collect();
    assert_eq!(outcome.len(), 1);
    let d = outcome[0];
    assert_eq!(d["demo"], true);
    assert_eq!(d["indicator"], "evaluation_only");
    assert_eq!(d["row_count"], 514);
    let source = d["source"].as_str().unwrap();
    assert!(source.contains("planted effect -1.5 points"), "{source}");
    assert!(source.contains("not official statistics"), "{source}");
}

#[actix_web::test]
async fn the_effect_is_planted_on_the_list_the_service_ranks_by_default() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/shortlist").await;
    assert_eq!(status, 200, "{body}");
    let mut served: Vec<String> = body["shortlist"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    let mut planted: Vec<String> = model::demo::DemoData::generate()
        .default_list()
        .unwrap()
        .into_iter()
        .filter(|(_, _, selected)| *selected)
        .map(|(code, _, _)| code)
        .collect();
    served.sort();
    planted.sort();
    assert_eq!(served.len(), 100);
    assert_eq!(served, planted);
}

#[actix_web::test]
async fn the_default_ranking_still_reads_the_demo_baseline_year_not_the_outcome_year() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/shortlist").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["shortlist"]["params"]["stunting_year"], 2022);
    // Asking for the outcome year explicitly finds no table the ranking may read.
    let (status, body) = app.get_json("/api/v1/shortlist?stunting_year=2024").await;
    assert_eq!(status, 404, "{body}");
}

#[actix_web::test]
async fn the_default_list_evaluated_against_2024_covers_the_planted_effect() {
    // Arrange
    let app = spawn_app().await;
    let run = save_run(&app, &json!({})).await;

    // Act
    let (status, body) = evaluation(&app, run, 2024).await;

    // Assert
    assert_eq!(status, 200, "{body}");
    let e = &body["evaluation"];
    assert_eq!(e["run_id"], run);
    assert_eq!(e["baseline_year"], 2022);
    assert_eq!(e["outcome_year"], 2024);
    assert_eq!(e["demo"], true);
    let rd = &e["rd"];
    assert_eq!(rd["design"], "sharp");
    let robust: Vec<f64> = serde_json::from_value(rd["ci_robust"].clone()).unwrap();
    assert!(
        robust[0] < PLANTED && PLANTED < robust[1],
        "robust interval {robust:?} misses the planted {PLANTED}"
    );
    let conventional: Vec<f64> = serde_json::from_value(rd["ci_conventional"].clone()).unwrap();
    let (estimate, se) = (rd["estimate"].as_f64().unwrap(), rd["se"].as_f64().unwrap());
    assert!((conventional[0] - (estimate - 1.959_963_984_540_054 * se)).abs() < 1e-9);
    assert!(rd["bandwidth"].as_f64().unwrap() > 0.0);
    assert!(rd["n_left"].as_u64().unwrap() >= 20 && rd["n_right"].as_u64().unwrap() >= 20);
    assert_eq!(e["did"]["clusters"], 34);
    let did_ci: Vec<f64> = serde_json::from_value(e["did"]["ci"].clone()).unwrap();
    assert!(did_ci[0] < did_ci[1]);
    let (id, en) = (
        e["reading"]["id"].as_str().unwrap(),
        e["reading"]["en"].as_str().unwrap(),
    );
    assert!(en.contains("Synthetic demo data") && id.contains("Data demo sintetis"));
    assert!(en.contains("sampling error") && en.contains("No causal claim"));
    // The reading quotes the robust interval it was computed from, in each language's notation.
    let fmt = |x: f64| {
        let t = format!("{:.2}", x.abs());
        if x < 0.0 { format!("−{t}") } else { t }
    };
    assert!(
        en.contains(&format!("[{}, {}]", fmt(robust[0]), fmt(robust[1]))),
        "{en}"
    );
    assert!(
        id.contains(&format!("[{}; {}]", fmt(robust[0]), fmt(robust[1])).replace('.', ",")),
        "{id}"
    );
}

#[actix_web::test]
async fn an_evaluation_is_a_read_that_every_role_may_ask_for() {
    let app = spawn_app().await;
    let run = save_run(&app, &json!({})).await;
    let path = format!("/api/v1/evaluation?run={run}&outcome_year=2024");
    for token in [
        &app.viewer_token,
        &app.editor_token,
        &app.steward_token,
        &app.approver_token,
    ] {
        let response = app
            .get_with(&path, "Authorization", &format!("Bearer {token}"))
            .await;
        assert_eq!(response.status().as_u16(), 200);
    }
}

#[actix_web::test]
async fn a_real_survey_of_the_outcome_year_is_read_before_the_demo_one() {
    // Arrange: a stunting table for 2024 imported as an ordinary year.
    let app = spawn_app().await;
    let run = save_run(&app, &json!({})).await;
    let (_, stored) = app.get_json(&format!("/api/v1/rankings/{run}")).await;
    let baseline: HashMap<String, f64> = stored["ranking"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let code = d["code"].as_str().unwrap().to_string();
            (code, d["stunting_prevalence"].as_f64().unwrap())
        })
        .collect();
    let mut csv = String::from("code,prevalence\n");
    let mut codes: Vec<&String> = baseline.keys().collect();
    codes.sort();
    for (i, code) in codes.iter().enumerate() {
        let change = ((i * 37) % 11) as f64 / 10.0 - 0.5;
        csv.push_str(&format!("{code},{:.1}\n", baseline[*code] + change));
    }
    let (status, _) = app.upload("kind=stunting&year=2024", "text/csv", csv).await;
    assert_eq!(status, 201);

    // Act
    let (_, plot) = app
        .get_json(&format!(
            "/api/v1/evaluation/plot?run={run}&outcome_year=2024"
        ))
        .await;

    // Assert: every change is the imported value minus the baseline, within ±0.55.
    let points = plot["plot"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 514);
    assert!(
        points
            .iter()
            .all(|p| p["y"].as_f64().unwrap().abs() <= 0.55 + 1e-9)
    );
}

#[actix_web::test]
async fn a_constant_change_is_422_zero_variance_not_a_server_error() {
    let app = spawn_app().await;
    let run = save_run(&app, &json!({})).await;
    let (_, stored) = app.get_json(&format!("/api/v1/rankings/{run}")).await;
    let mut csv = String::from("code,prevalence\n");
    for d in stored["ranking"]["districts"].as_array().unwrap() {
        let value = d["stunting_prevalence"].as_f64().unwrap();
        csv.push_str(&format!("{},{value}\n", d["code"].as_str().unwrap()));
    }
    let (status, _) = app.upload("kind=stunting&year=2025", "text/csv", csv).await;
    assert_eq!(status, 201);
    let (status, body) = evaluation(&app, run, 2025).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "zero_variance");
}

#[actix_web::test]
async fn an_outcome_year_without_a_stunting_dataset_is_422_no_outcome_data() {
    let app = spawn_app().await;
    let run = save_run(&app, &json!({})).await;
    let (status, body) = evaluation(&app, run, 2023).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "no_outcome_data");
    assert!(body["message"].as_str().unwrap().contains("2023"));
}

#[actix_web::test]
async fn an_outcome_year_not_after_the_baseline_is_422_and_bad_queries_are_4xx() {
    let app = spawn_app().await;
    let run = save_run(&app, &json!({})).await;
    let (status, body) = evaluation(&app, run, 2022).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_outcome_year");
    let (status, body) = evaluation(&app, run + 100, 2024).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"], "not_found");
    let (status, body) = app.get_json(&format!("/api/v1/evaluation?run={run}")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_query");
    let (status, body) = evaluation(&app, run, 1990).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_year");
}

#[actix_web::test]
async fn districts_placed_by_hand_are_left_out_of_the_sharp_discontinuity() {
    // Arrange: force the lowest-scoring district in and the highest-scoring one out.
    let app = spawn_app().await;
    let default = save_run(&app, &json!({})).await;
    let (_, run) = app.get_json(&format!("/api/v1/rankings/{default}")).await;
    let districts = run["ranking"]["districts"].as_array().unwrap();
    let top = districts[0]["code"].as_str().unwrap().to_string();
    let bottom = districts.last().unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let forced = save_run(
        &app,
        &json!({"constraints": {"include": [bottom], "exclude": [top]}}),
    )
    .await;

    // Act
    let (status, body) = evaluation(&app, forced, 2024).await;
    let (_, plot) = app
        .get_json(&format!(
            "/api/v1/evaluation/plot?run={forced}&outcome_year=2024"
        ))
        .await;

    // Assert
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["evaluation"]["rd"]["design"], "sharp");
    assert_eq!(plot["plot"]["left_out"], 2);
    let codes: Vec<&str> = plot["plot"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 512);
    assert!(!codes.contains(&top.as_str()) && !codes.contains(&bottom.as_str()));
    let en = body["evaluation"]["reading"]["en"].as_str().unwrap();
    assert!(
        en.contains("2 districts placed by hand or by a constraint are left out"),
        "{en}"
    );
}

#[actix_web::test]
async fn the_plot_has_binned_means_on_each_side_and_fits_meeting_the_estimate_at_the_cutoff() {
    let app = spawn_app().await;
    let run = save_run(&app, &json!({})).await;
    let (status, body) = app
        .get_json(&format!(
            "/api/v1/evaluation/plot?run={run}&outcome_year=2024"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    let plot = &body["plot"];
    let (_, e) = evaluation(&app, run, 2024).await;
    let jump = plot["fit_right"]["intercept"].as_f64().unwrap()
        - plot["fit_left"]["intercept"].as_f64().unwrap();
    assert!((jump - e["evaluation"]["rd"]["estimate"].as_f64().unwrap()).abs() < 1e-9);
    let bins = plot["bins"].as_array().unwrap();
    assert!(bins.iter().any(|b| b["x"].as_f64().unwrap() < 0.0));
    assert!(bins.iter().any(|b| b["x"].as_f64().unwrap() >= 0.0));
    let n: u64 = bins.iter().map(|b| b["n"].as_u64().unwrap()).sum();
    assert_eq!(n as usize, plot["points"].as_array().unwrap().len());
}

/// The Python of `.ci/python.sh`'s venv, which has `rdrobust` and `statsmodels`.
fn ci_python() -> Option<PathBuf> {
    let path = std::env::var_os("LOKUS_CI_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/ci-venv/bin/python"),
        PathBuf::from,
    );
    let ok = path.exists()
        && std::process::Command::new(&path)
            .args(["-c", "import rdrobust, statsmodels"])
            .output()
            .is_ok_and(|o| o.status.success());
    ok.then_some(path)
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-12)
}

#[actix_web::test]
async fn the_estimates_equal_rdrobust_and_statsmodels_on_the_same_data() {
    // Arrange: the data exported through the API (the plot's points for the discontinuity, the
    // run's districts for the difference-in-differences) with the outcome regenerated from the
    // demo generator, independently of the database.
    let app = spawn_app().await;
    let run = save_run(&app, &json!({})).await;
    let (_, plot) = app
        .get_json(&format!(
            "/api/v1/evaluation/plot?run={run}&outcome_year=2024"
        ))
        .await;
    let (_, stored) = app.get_json(&format!("/api/v1/rankings/{run}")).await;
    let (_, body) = evaluation(&app, run, 2024).await;
    let Some(python) = ci_python() else {
        skip_or_fail(
            "no Python with rdrobust and statsmodels (run .ci/python.sh, or set LOKUS_CI_PYTHON)",
        );
        return;
    };
    let demo = model::demo::DemoData::generate();
    let outcome: HashMap<String, f64> = demo
        .districts
        .iter()
        .map(|d| d.code.clone())
        .zip(demo.outcome_stunting().unwrap())
        .collect();
    let points = plot["plot"]["points"].as_array().unwrap();
    let districts = stored["ranking"]["districts"].as_array().unwrap();
    let input = json!({
        "x": points.iter().map(|p| p["x"].clone()).collect::<Vec<_>>(),
        "y": points.iter().map(|p| p["y"].clone()).collect::<Vec<_>>(),
        "did": {
            "cluster": districts.iter().map(|d| d["province_code"].clone()).collect::<Vec<_>>(),
            "treated": districts.iter().map(|d| d["selected"].clone()).collect::<Vec<_>>(),
            "before": districts.iter().map(|d| d["stunting_prevalence"].clone()).collect::<Vec<_>>(),
            "after": districts.iter().map(|d| outcome[d["code"].as_str().unwrap()]).collect::<Vec<_>>(),
        }
    });
    // The exported change is the outcome minus the stored baseline.
    for p in points {
        let code = p["code"].as_str().unwrap();
        let base = districts.iter().find(|d| d["code"] == code).unwrap()["stunting_prevalence"]
            .as_f64()
            .unwrap();
        assert!((p["y"].as_f64().unwrap() - (outcome[code] - base)).abs() < 1e-12);
    }

    // Act
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python/evaluation_check.py");
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.to_string().as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let py: Value = serde_json::from_slice(&out.stdout).unwrap();

    // Assert
    let rd = &body["evaluation"]["rd"];
    let f = |v: &Value| v.as_f64().unwrap();
    for key in ["estimate", "se", "bandwidth"] {
        assert!(
            close(f(&rd[key]), f(&py["rd"][key]), 1e-6),
            "{key}: {} vs {}",
            rd[key],
            py["rd"][key]
        );
    }
    for key in ["ci_robust", "ci_conventional"] {
        for i in 0..2 {
            assert!(
                close(f(&rd[key][i]), f(&py["rd"][key][i]), 1e-6),
                "{key}[{i}]: {} vs {}",
                rd[key][i],
                py["rd"][key][i]
            );
        }
    }
    assert_eq!(rd["n_left"], py["rd"]["n_left"]);
    assert_eq!(rd["n_right"], py["rd"]["n_right"]);
    let did = &body["evaluation"]["did"];
    for key in ["estimate", "se"] {
        assert!(
            close(f(&did[key]), f(&py["did"][key]), 1e-6),
            "{key}: {} vs {}",
            did[key],
            py["did"][key]
        );
    }
    for i in 0..2 {
        assert!(close(f(&did["ci"][i]), f(&py["did"]["ci"][i]), 1e-6));
    }
    assert_eq!(did["clusters"], py["did"]["clusters"]);
}
