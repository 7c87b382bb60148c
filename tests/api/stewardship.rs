//! Data stewardship: uploads are staged, reviewed and published (or rejected) by a second
//! person; the review's figures are checked against computations made here by another route.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, shared_data, spawn_app, spawn_app_with};

/// The demo data's survey year (and 2021 before it).
const DEMO_YEAR: i32 = 2022;

/// The values of the live dataset of a kind and year, by district code, read from storage.
async fn live_values(app: &TestApp, kind: &'static str, year: i32) -> BTreeMap<String, f64> {
    let pool = app.pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let kind = model::dataset::DatasetKind::parse(kind).unwrap();
        model::dataset::Dataset::current(&mut conn, kind, year, None)
            .unwrap()
            .expect("a live dataset")
            .observations(&mut conn)
            .unwrap()
            .into_iter()
            .map(|o| (o.region_code, o.value))
            .collect()
    })
    .await
    .unwrap()
}

fn stunting_csv(values: &BTreeMap<String, f64>) -> String {
    let mut csv = String::from("code,prevalence\n");
    for (code, v) in values {
        csv.push_str(&format!("{code},{v}\n"));
    }
    csv
}

async fn shortlist(app: &TestApp) -> Value {
    let (status, body) = app.get_json("/api/v1/shortlist").await;
    assert_eq!(status, 200, "{body}");
    body["shortlist"].clone()
}

fn selected_codes(shortlist: &Value) -> BTreeSet<String> {
    shortlist["districts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["selected"] == true)
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

async fn datasets_with_status(app: &TestApp, status: &str) -> Vec<Value> {
    let (code, body) = app
        .get_json(&format!("/api/v1/datasets?status={status}&per_page=1000"))
        .await;
    assert_eq!(code, 200, "{body}");
    body["datasets"].as_array().unwrap().clone()
}

async fn audit_actions(app: &TestApp, target: &str) -> Vec<(String, String)> {
    let (status, body) = app
        .get_json_as(&app.editor_token, "/api/v1/audit?per_page=1000")
        .await;
    assert_eq!(status, 200, "{body}");
    body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == target)
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["actor"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every demo stunting value of 2022 moved by +1.5 points, except the first three districts.
async fn shifted_demo_stunting(app: &TestApp) -> (BTreeMap<String, f64>, String) {
    let mut values = live_values(app, "stunting", DEMO_YEAR).await;
    for (i, v) in values.values_mut().enumerate() {
        if i >= 3 {
            *v = ((*v + 1.5) * 10.0).round() / 10.0;
        }
    }
    let csv = stunting_csv(&values);
    (values, csv)
}

#[actix_web::test]
async fn an_upload_is_staged_and_feeds_nothing_until_a_steward_publishes_it() {
    let app = spawn_app().await;
    let before = shortlist(&app).await;
    let demo_2022 = datasets_with_status(&app, "published")
        .await
        .into_iter()
        .find(|d| d["kind"] == "stunting" && d["year"] == DEMO_YEAR)
        .unwrap();
    let (_, csv) = shifted_demo_stunting(&app).await;

    let (status, body) = app
        .stage(
            &format!("kind=stunting&year={DEMO_YEAR}&source=dinkes"),
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let staged = &body["dataset"];
    assert_eq!(staged["status"], "staged");
    assert_eq!(staged["data_version"], Value::Null);
    let id = staged["id"].as_i64().unwrap();

    // Staged: in no list of live data, in no computation, in no cache.
    let listed: Vec<i64> = datasets_with_status(&app, "staged")
        .await
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, vec![id]);
    assert!(
        !datasets_with_status(&app, "published")
            .await
            .iter()
            .any(|d| d["id"] == id)
    );
    let during = shortlist(&app).await;
    assert_eq!(during["fingerprint"], before["fingerprint"]);
    assert!(
        !during["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id)
    );
    let (_, analysis) = app.get_json("/api/v1/analysis").await;
    assert!(
        !analysis["analysis"]["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id)
    );

    let (status, body) = app.publish(id, false).await;
    assert_eq!(status, 200, "{body}");
    let published = &body["dataset"];
    assert_eq!(published["status"], "published");
    assert_eq!(published["reviewed_by"], "test-steward");
    assert!(
        published["data_version"].as_i64().unwrap() > demo_2022["data_version"].as_i64().unwrap()
    );

    let after = shortlist(&app).await;
    assert_ne!(after["fingerprint"], before["fingerprint"]);
    assert!(
        after["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id)
    );
    // The demo dataset of that year is superseded by the real one.
    let (_, old) = app
        .get_json(&format!("/api/v1/datasets/{}", demo_2022["id"]))
        .await;
    assert_eq!(old["dataset"]["status"], "superseded");
    assert_eq!(old["dataset"]["superseded_by"], id);
    assert_eq!(
        audit_actions(&app, &format!("dataset:{id}")).await,
        vec![
            ("publish_dataset".to_string(), "test-steward".to_string()),
            ("import_dataset".to_string(), "test-editor".to_string()),
        ]
    );
    // Published twice is refused: it is not staged any more.
    let (status, body) = app.publish(id, false).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("not_staged")));
}

#[actix_web::test]
async fn a_newer_import_of_the_same_kind_and_year_supersedes_the_older_one() {
    let app = spawn_app().await;
    let codes = app.district_codes().await;
    let first = crate::helpers::csv_of("code,value", &codes, |i| i as f64);
    let second = crate::helpers::csv_of("code,value", &codes, |i| 2.0 * i as f64);
    let (_, a) = app
        .upload(
            "kind=covariate&indicator=poverty_rate&year=2022",
            "text/csv",
            first,
        )
        .await;
    let (_, b) = app
        .upload(
            "kind=covariate&indicator=poverty_rate&year=2022",
            "text/csv",
            second,
        )
        .await;
    let (_, a) = app
        .get_json(&format!("/api/v1/datasets/{}", a["dataset"]["id"]))
        .await;
    assert_eq!(a["dataset"]["status"], "superseded");
    assert_eq!(a["dataset"]["superseded_by"], b["dataset"]["id"]);
    assert_eq!(b["dataset"]["status"], "published");
    // Another indicator of the same year is not touched.
    let third = crate::helpers::csv_of("code,value", &codes, |i| 3.0 * i as f64);
    app.upload(
        "kind=covariate&indicator=water&year=2022",
        "text/csv",
        third,
    )
    .await;
    let (_, b) = app
        .get_json(&format!("/api/v1/datasets/{}", b["dataset"]["id"]))
        .await;
    assert_eq!(b["dataset"]["status"], "published");
}

#[actix_web::test]
async fn the_uploader_cannot_publish_its_own_upload_and_editors_cannot_publish_at_all() {
    let app = spawn_app().await;
    let (_, csv) = shifted_demo_stunting(&app).await;
    let (status, body) = app
        .upload_as(
            &app.steward_token,
            "kind=stunting&year=2022",
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["dataset"]["id"].as_i64().unwrap();
    assert_eq!(body["dataset"]["imported_by"], "test-steward");
    let path = format!("/api/v1/datasets/{id}/publish");

    let (status, body) = app.publish(id, false).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("four_eyes")),
        "{body}"
    );
    for token in [&app.editor_token, &app.viewer_token, &app.approver_token] {
        let (status, body) = app.post_json_as(token, &path, &json!({})).await;
        assert_eq!((status, body["error"].as_str()), (403, Some("forbidden")));
    }
    let anonymous = app.client.post(app.url(&path)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let (status, body) = app
        .post_json_as(
            &app.editor_token,
            &format!("/api/v1/datasets/{id}/reject"),
            &json!({"reason": "no"}),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (403, Some("forbidden")));
    // Still staged after every refusal.
    let (_, body) = app.get_json(&format!("/api/v1/datasets/{id}")).await;
    assert_eq!(body["dataset"]["status"], "staged");
}

#[actix_web::test]
async fn without_four_eyes_the_uploader_may_publish_its_own_upload() {
    let app = spawn_app_with(Options {
        four_eyes: false,
        ..Options::default()
    })
    .await;
    let (_, csv) = shifted_demo_stunting(&app).await;
    let (_, body) = app
        .upload_as(
            &app.steward_token,
            "kind=stunting&year=2022",
            "text/csv",
            csv,
        )
        .await;
    let id = body["dataset"]["id"].as_i64().unwrap();
    let (status, body) = app.publish(id, false).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataset"]["status"], "published");
    assert_eq!(
        body["dataset"]["imported_by"],
        body["dataset"]["reviewed_by"]
    );
}

#[actix_web::test]
async fn publish_true_on_an_upload_needs_a_steward_and_no_four_eyes_and_writes_nothing_when_refused()
 {
    let app = spawn_app().await;
    let (_, csv) = shifted_demo_stunting(&app).await;
    let count = app.stored_row_counts().await.len();
    let query = "kind=stunting&year=2022&publish=true";
    let (status, body) = app
        .upload_as(&app.editor_token, query, "text/csv", csv.clone())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    let (status, body) = app
        .upload_as(&app.steward_token, query, "text/csv", csv.clone())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("four_eyes")),
        "{body}"
    );
    assert_eq!(
        app.stored_row_counts().await.len(),
        count,
        "nothing written"
    );

    let single = spawn_app_with(Options {
        four_eyes: false,
        ..Options::default()
    })
    .await;
    let before = shortlist(&single).await;
    let (status, body) = single
        .upload_as(&single.steward_token, query, "text/csv", csv)
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["status"], "published");
    let id = body["dataset"]["id"].as_i64().unwrap();
    let after = shortlist(&single).await;
    assert_ne!(after["fingerprint"], before["fingerprint"]);
    assert!(
        after["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id)
    );

    // A partial file with publish=true is refused whole unless acknowledged.
    let partial = "code,prevalence\n".to_string()
        + &single.district_codes().await[..3]
            .iter()
            .map(|c| format!("{c},30\n"))
            .collect::<String>();
    let count = single.stored_row_counts().await.len();
    let (status, body) = single
        .upload_as(
            &single.steward_token,
            "kind=stunting&year=2023&publish=true",
            "text/csv",
            partial.clone(),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("partial_coverage")),
        "{body}"
    );
    assert_eq!(
        single.stored_row_counts().await.len(),
        count,
        "nothing written"
    );
    let (status, body) = single
        .upload_as(
            &single.steward_token,
            "kind=stunting&year=2023&publish=true&acknowledge_partial=true",
            "text/csv",
            partial,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["status"], "published");
}

#[actix_web::test]
async fn a_partial_dataset_needs_acknowledge_partial_and_the_refusal_names_both_counts() {
    let app = spawn_app().await;
    // The careless upload of the issue: three rows for a newer year.
    let codes = app.district_codes().await;
    let csv = "code,prevalence\n".to_string()
        + &codes[..3]
            .iter()
            .map(|c| format!("{c},30\n"))
            .collect::<String>();
    let (status, body) = app.stage("kind=stunting&year=2023", "text/csv", csv).await;
    assert_eq!(status, 201, "{body}");
    let id = body["dataset"]["id"].as_i64().unwrap();
    let before = shortlist(&app).await;

    let (status, body) = app
        .post_json_as(
            &app.steward_token,
            &format!("/api/v1/datasets/{id}/publish"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("partial_coverage")),
        "{body}"
    );
    assert_eq!(body["coverage"]["staged"], 3);
    assert_eq!(body["coverage"]["live"], 514);
    assert!(body["message"].as_str().unwrap().contains("514"));
    // The anonymous default list still answers, unchanged.
    assert_eq!(shortlist(&app).await["fingerprint"], before["fingerprint"]);

    // No body at all is the same as {}.
    let empty = app
        .client
        .post(app.url(&format!("/api/v1/datasets/{id}/publish")))
        .bearer_auth(&app.steward_token)
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status().as_u16(), 409);
    let (status, body) = app
        .post_json_as(
            &app.steward_token,
            &format!("/api/v1/datasets/{id}/publish"),
            &json!({"acknowledge": true}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_json"))
    );

    let (status, body) = app.publish(id, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataset"]["status"], "published");
}

#[actix_web::test]
async fn a_rejected_upload_keeps_its_reason_feeds_nothing_and_can_be_sent_again() {
    let app = spawn_app().await;
    let (_, csv) = shifted_demo_stunting(&app).await;
    let (_, body) = app
        .stage("kind=stunting&year=2022", "text/csv", csv.clone())
        .await;
    let id = body["dataset"]["id"].as_i64().unwrap();
    let reject = format!("/api/v1/datasets/{id}/reject");
    for reason in ["", "   "] {
        let (status, body) = app
            .post_json_as(&app.steward_token, &reject, &json!({ "reason": reason }))
            .await;
        assert_eq!(
            (status, body["error"].as_str()),
            (422, Some("invalid_reason"))
        );
    }
    let (status, body) = app
        .post_json_as(
            &app.steward_token,
            &reject,
            &json!({"reason": "values shifted by a typo"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataset"]["status"], "rejected");
    assert_eq!(
        body["dataset"]["rejection_reason"],
        "values shifted by a typo"
    );
    assert_eq!(body["dataset"]["reviewed_by"], "test-steward");
    let (status, body) = app.publish(id, false).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("not_staged")));
    let (status, _) = app
        .get_json_as(&app.editor_token, &format!("/api/v1/datasets/{id}/review"))
        .await;
    assert_eq!(status, 409);
    assert_eq!(
        audit_actions(&app, &format!("dataset:{id}")).await[0],
        ("reject_dataset".to_string(), "test-steward".to_string())
    );
    // The same bytes again: a new staged dataset, not the rejected one.
    let (status, body) = app.stage("kind=stunting&year=2022", "text/csv", csv).await;
    assert_eq!(status, 201, "{body}");
    assert_ne!(body["dataset"]["id"], id);
    assert_eq!(body["dataset"]["status"], "staged");
}

/// A small triangle inside Indonesia's bounding box (longitude 100 + x, latitude 0 to 1).
fn square(code: &str, x: f64) -> Value {
    let x = 100.0 + x;
    json!({"type": "Feature", "properties": {"kemendagri_code": code},
        "geometry": {"type": "Polygon", "coordinates": [[[x, 0.0], [x + 1.0, 0.0], [x + 1.0, 1.0], [x, 0.0]]]}})
}

#[actix_web::test]
async fn boundaries_are_staged_and_a_smaller_layer_needs_acknowledge_partial() {
    let app = spawn_app().await;
    let codes = app.district_codes().await;
    let layer = |n: usize| {
        json!({"type": "FeatureCollection",
            "features": codes[..n].iter().enumerate().map(|(i, c)| square(c, i as f64)).collect::<Vec<_>>()})
        .to_string()
    };
    let (status, _) = app
        .upload("kind=boundaries", "application/geo+json", layer(5))
        .await;
    assert_eq!(status, 201);
    let (status, body) = app
        .stage("kind=boundaries", "application/geo+json", layer(1))
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["dataset"]["id"].as_i64().unwrap();
    let map = app
        .get_with("/api/v1/boundaries", "Accept", "application/geo+json")
        .await
        .json::<Value>()
        .await
        .unwrap();
    let with_geometry = map["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["geometry"].is_null())
        .count();
    assert_eq!(with_geometry, 5, "the staged layer is not served");
    let (_, review) = app
        .get_json_as(&app.editor_token, &format!("/api/v1/datasets/{id}/review"))
        .await;
    assert_eq!(review["review"]["compared_with"], "same_kind");
    assert_eq!(review["review"]["removed"].as_array().unwrap().len(), 4);
    assert_eq!(review["review"]["coverage"]["partial"], true);
    let (status, body) = app.publish(id, false).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("partial_coverage"))
    );
    assert_eq!(
        (
            body["coverage"]["staged"].as_i64(),
            body["coverage"]["live"].as_i64()
        ),
        (Some(1), Some(5))
    );
}

// ---- The review, against computations made here by another route. ----

/// The p-quantile of the piecewise-linear curve through (i/(n−1), x(i)) of sorted values: the
/// definition the review states, reached by walking the segments rather than by index arithmetic.
fn quantile_by_segments(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let step = 1.0 / (n - 1) as f64;
    for (i, pair) in sorted.windows(2).enumerate() {
        let (left, right) = (i as f64 * step, (i + 1) as f64 * step);
        if p <= right + 1e-12 {
            let t = (p - left) / step;
            return pair[0] + t * (pair[1] - pair[0]);
        }
    }
    sorted[n - 1]
}

/// The median as the textbook states it: the middle value, or the mean of the middle two.
fn textbook_median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

#[actix_web::test]
async fn the_review_figures_match_an_independent_computation_and_the_effect_of_publishing() {
    let app = spawn_app().await;
    let live = live_values(&app, "stunting", DEMO_YEAR).await;
    let previous = live_values(&app, "stunting", DEMO_YEAR - 1).await;
    // Drop five districts, move every tenth value by +12 points (jumps), plant one extreme value.
    let mut staged = live.clone();
    let dropped: Vec<String> = staged.keys().take(5).cloned().collect();
    for code in &dropped {
        staged.remove(code);
    }
    for (i, v) in staged.values_mut().enumerate() {
        if i % 10 == 0 {
            *v = ((*v + 12.0) * 10.0).round() / 10.0;
        }
    }
    let planted = staged.keys().nth(7).unwrap().clone();
    staged.insert(planted.clone(), 97.0);
    let (status, body) = app
        .stage(
            "kind=stunting&year=2022&source=review-check",
            "text/csv",
            stunting_csv(&staged),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["dataset"]["id"].as_i64().unwrap();

    // Readers may not see a staged dataset's review; editors may.
    let (status, _) = app.get_json(&format!("/api/v1/datasets/{id}/review")).await;
    assert_eq!(status, 401);
    let (status, body) = app
        .get_json_as(&app.editor_token, &format!("/api/v1/datasets/{id}/review"))
        .await;
    assert_eq!(status, 200, "{body}");
    let review = &body["review"];
    assert_eq!(review["compared_with"], "same_year");
    assert_eq!(review["dataset"]["id"], id);

    // Coverage: the demo reference is the 514 demo districts.
    let coverage = &review["coverage"];
    assert_eq!(coverage["reference"], 514);
    assert_eq!(coverage["covered"], 509);
    assert!(close(&coverage["share"], 509.0 / 514.0));
    assert_eq!(coverage["live_covered"], 514);
    assert_eq!(coverage["partial"], true);
    let missing: Vec<&str> = coverage["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        missing,
        dropped.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(review["added"].as_array().unwrap().is_empty());
    assert_eq!(review["removed"].as_array().unwrap().len(), 5);

    // Changed values, counted here.
    let changed: Vec<(&String, f64, f64)> = staged
        .iter()
        .filter_map(|(c, v)| live.get(c).filter(|old| *old != v).map(|old| (c, *old, *v)))
        .collect();
    assert_eq!(review["changes"]["compared"], 509);
    assert_eq!(review["changes"]["changed"], changed.len());
    let largest = &review["changes"]["largest"][0];
    assert_eq!(largest["code"], planted.as_str());
    assert!(close(&largest["live"], live[&planted]));
    assert!(close(&largest["staged"], 97.0));
    assert!(close(&largest["difference"], 97.0 - live[&planted]));
    assert_eq!(review["changes"]["largest"].as_array().unwrap().len(), 10);

    // Distributions, by the segment walk and the textbook median.
    for (side, values) in [("staged", &staged), ("live", &live)] {
        let xs: Vec<f64> = values.values().copied().collect();
        let d = &review["distributions"][side];
        assert_eq!(d["n"], xs.len());
        assert!(close(
            &d["min"],
            xs.iter().copied().fold(f64::INFINITY, f64::min)
        ));
        assert!(close(
            &d["max"],
            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        ));
        assert!(
            close(&d["q1"], quantile_by_segments(&xs, 0.25)),
            "{side} q1 {d}"
        );
        assert!(
            close(&d["median"], textbook_median(&xs)),
            "{side} median {d}"
        );
        assert!(
            close(&d["q3"], quantile_by_segments(&xs, 0.75)),
            "{side} q3 {d}"
        );
        assert!(
            (d["mean"].as_f64().unwrap() - xs.iter().sum::<f64>() / xs.len() as f64).abs() < 1e-9
        );
    }

    // Outliers: robust z within the province (code prefix) and jumps against 2021.
    let mut by_province: HashMap<&str, Vec<(&String, f64)>> = HashMap::new();
    for (code, v) in &staged {
        by_province
            .entry(code.split('.').next().unwrap())
            .or_default()
            .push((code, *v));
    }
    let mut expected: BTreeMap<String, (Option<f64>, bool)> = BTreeMap::new();
    for members in by_province.values() {
        let xs: Vec<f64> = members.iter().map(|(_, v)| *v).collect();
        let m = textbook_median(&xs);
        let mad = textbook_median(&xs.iter().map(|x| (x - m).abs()).collect::<Vec<_>>());
        for (code, x) in members {
            let z = (mad > 0.0).then(|| 0.6745 * (x - m) / mad);
            let jump = previous.get(*code).is_some_and(|p| (x - p).abs() > 10.0);
            if z.is_some_and(|z| z.abs() > 3.5) || jump {
                expected.insert((*code).clone(), (z, jump));
            }
        }
    }
    let outliers = &review["outliers"];
    assert_eq!(outliers["previous_year"], 2021);
    let got: BTreeMap<String, &Value> = outliers["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["code"].as_str().unwrap().to_string(), o))
        .collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(
        expected.contains_key(&planted),
        "the planted value is flagged"
    );
    assert!(
        expected.values().any(|(_, jump)| *jump),
        "some jumps are flagged"
    );
    for (code, (z, jump)) in &expected {
        let o = got[code];
        if let Some(z) = z {
            assert!(close(&o["robust_z"], *z), "{code}: {o}");
        }
        let rules: Vec<&str> = o["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(rules.contains(&"jump"), *jump, "{code}: {o}");
    }

    // The effect on the default list, then the list after publishing for real.
    let before = shortlist(&app).await;
    let effect = &review["shortlist"];
    assert_eq!(effect["fingerprint_before"], before["fingerprint"]);
    assert_eq!(effect["changed"], true);
    let (status, body) = app.publish(id, true).await;
    assert_eq!(status, 200, "{body}");
    let after = shortlist(&app).await;
    assert_eq!(effect["fingerprint_after"], after["fingerprint"]);
    let codes = |key: &str| -> BTreeSet<String> {
        effect[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["code"].as_str().unwrap().to_string())
            .collect()
    };
    let (sb, sa) = (selected_codes(&before), selected_codes(&after));
    assert_eq!(codes("entering"), sa.difference(&sb).cloned().collect());
    assert_eq!(codes("leaving"), sb.difference(&sa).cloned().collect());
    assert!(!codes("entering").is_empty());
}

// ---- The real, partial press table (../shared/data, read in place). ----

/// Rows of the press table for one year as an upload (code, prevalence), and the values.
fn press_year(text: &str, year: &str) -> (String, BTreeMap<String, f64>) {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (code, y, value) = (col("kemendagri_code"), col("year"), col("prevalence"));
    let mut values = BTreeMap::new();
    for line in lines {
        // The first columns are never quoted; the note and URLs come after.
        let cells: Vec<&str> = line.split(',').collect();
        if cells[y] == year {
            values.insert(
                cells[code].to_string(),
                cells[value].parse::<f64>().unwrap(),
            );
        }
    }
    let mut csv = String::from("kemendagri_code,prevalence\n");
    for (c, v) in &values {
        csv.push_str(&format!("{c},{v}\n"));
    }
    (csv, values)
}

#[actix_web::test]
async fn the_real_press_table_is_reviewed_as_partial_published_with_acknowledgement_and_ranks_by_trend()
 {
    let (Some(regions), Some(press)) = (
        shared_data("regions.csv"),
        shared_data("stunting_ssgi_kabkota_press.csv"),
    ) else {
        return;
    };
    let app = spawn_app_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    let (status, body) = app
        .upload(
            "kind=regions&source=Kemendagri regions.csv",
            "text/csv",
            std::fs::read(&regions).unwrap(),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let text = std::fs::read_to_string(&press).unwrap();
    let (csv_2021, values_2021) = press_year(&text, "2021");
    let (csv_2022, values_2022) = press_year(&text, "2022");
    assert_eq!((values_2021.len(), values_2022.len()), (233, 345));
    let source =
        "SSGI as printed in the press (stunting_ssgi_kabkota_press.csv; pages in SOURCES.md)";
    let query = |year: i32| format!("kind=stunting&year={year}&source={}", urlencode(source));

    let (status, body) = app.upload(&query(2021), "text/csv", csv_2021).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app.stage(&query(2022), "text/csv", csv_2022).await;
    assert_eq!(status, 201, "{body}");
    let staged = &body["dataset"];
    assert_eq!(staged["demo"], false);
    assert_eq!(staged["source"], source);
    let id = staged["id"].as_i64().unwrap();

    let (status, body) = app
        .get_json_as(&app.steward_token, &format!("/api/v1/datasets/{id}/review"))
        .await;
    assert_eq!(status, 200, "{body}");
    let review = &body["review"];
    // Nothing of 2022 is live: the review compares with 2021, the latest earlier year.
    assert_eq!(review["compared_with"], "earlier_year");
    assert_eq!(review["live"]["year"], 2021);
    let coverage = &review["coverage"];
    assert_eq!(
        (coverage["covered"].as_i64(), coverage["reference"].as_i64()),
        (Some(345), Some(514))
    );
    assert!(close(&coverage["share"], 345.0 / 514.0));
    let reference = app.district_codes().await;
    let expected_missing: Vec<&String> = reference
        .iter()
        .filter(|c| !values_2022.contains_key(*c))
        .collect();
    assert_eq!(expected_missing.len(), 169);
    let missing: Vec<&str> = coverage["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        missing,
        expected_missing
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
    );
    assert!(
        coverage["missing"][0]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    let both: BTreeSet<&String> = values_2022
        .keys()
        .filter(|c| values_2021.contains_key(*c))
        .collect();
    assert_eq!(review["changes"]["compared"], both.len());
    assert_eq!(review["added"].as_array().unwrap().len(), 345 - both.len());
    assert_eq!(
        review["removed"].as_array().unwrap().len(),
        233 - both.len()
    );
    // Jumps of more than 10 points between the two press years, counted here.
    let jumps: BTreeSet<String> = both
        .iter()
        .filter(|c| (values_2022[**c] - values_2021[**c]).abs() > 10.0)
        .map(|c| (*c).clone())
        .collect();
    let flagged_jumps: BTreeSet<String> = review["outliers"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["rules"].as_array().unwrap().iter().any(|r| r == "jump"))
        .map(|o| o["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(flagged_jumps, jumps);
    // No SPBE data exists for real districts: the list cannot be computed either way, and says why.
    assert!(review["shortlist"]["error_after"].as_str().is_some());

    // 345 districts after the 233 of 2021: the live 2021 set is the one compared with.
    assert_eq!(review["coverage"]["partial"], false);
    let (status, body) = app.publish(id, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataset"]["status"], "published");
    assert_eq!(body["dataset"]["source"], source);

    // The trend method on the districts with both years. The ranking joins an SPBE index,
    // which no real table gives per district: a made-up test fixture (labelled as such; the
    // trend method does not score it) stands in.
    let spbe = "code,index\n".to_string()
        + &reference
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c},{}\n", 1.0 + (i % 40) as f64 / 10.0))
            .collect::<String>();
    let (status, body) = app
        .upload(
            &format!(
                "kind=spbe&year=2022&source={}",
                urlencode("test fixture: made-up SPBE values, not data")
            ),
            "text/csv",
            spbe,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app.post_ranking(&json!({"method": "trend", "k": 10})).await;
    assert_eq!(status, 201, "{body}");
    let ranking = &body["ranking"];
    assert_eq!(ranking["demo"], false);
    let ranked: BTreeSet<String> = ranking["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ranked, both.iter().map(|c| (*c).clone()).collect());
    let no_previous = ranking["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reason"] == "no_previous_stunting_value")
        .count();
    assert_eq!(no_previous, 345 - both.len());
    // The first-ranked district has the largest rise from 2021 to 2022.
    let rise = |c: &String| values_2022[c] - values_2021[c];
    let top = ranking["districts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rank"] == 1)
        .unwrap();
    let top_code = top["code"].as_str().unwrap().to_string();
    let best = both
        .iter()
        .map(|c| rise(c))
        .fold(f64::NEG_INFINITY, f64::max);
    assert!((rise(&top_code) - best).abs() < 1e-9, "{top}");
    let sources: Vec<&str> = ranking["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&source), "{sources:?}");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
