//! From a saved run to an adopted list: titles, manual decisions with reasons, the workflow
//! with four eyes, and the official lists other systems read.

use serde_json::{Value, json};

use model::demo::DemoData;

use crate::helpers::{Options, TestApp, spawn_app, spawn_app_with};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An app without demo data holding the demo tables imported as if they were real, so that
/// its runs can be adopted.
pub(crate) async fn real_app(options: Options) -> TestApp {
    let app = spawn_app_with(Options {
        demo: false,
        ..options
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
    app
}

/// POSTs JSON (or nothing) with a token; the status and the JSON answer.
async fn post(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.client.post(app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Saves a scenario as the editor; its id.
async fn save(app: &TestApp, body: Value) -> i64 {
    let (status, saved) = app.post_ranking(&body).await;
    assert_eq!(status, 201, "{saved}");
    saved["ranking"]["id"].as_i64().unwrap()
}

fn decision(number: &str) -> Value {
    json!({
        "programme": "digital-stunting",
        "year": 2025,
        "decision_number": number,
        "decision_date": "2025-01-15",
        "signatories": ["Menteri Kesehatan", "Menteri PPN/Bappenas"]
    })
}

/// Saves a titled run and takes it through propose (editor) and approve (approver).
pub(crate) async fn approved_run(app: &TestApp, title: &str) -> i64 {
    let id = save(app, json!({"title": title, "k": 10})).await;
    let (status, body) = post(
        app,
        &app.editor_token,
        &format!("/api/v1/rankings/{id}/propose"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(
        app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    id
}

pub(crate) async fn adopt(app: &TestApp, id: i64, number: &str) -> (u16, Value) {
    post(
        app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/adopt"),
        Some(decision(number)),
    )
    .await
}

fn statuses(run: &Value) -> Vec<(String, String)> {
    run["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["status"].as_str().unwrap().to_string(),
                h["by"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[actix_web::test]
async fn a_saved_run_names_itself_with_its_title_notes_and_the_token_label() {
    let app = spawn_app().await;
    let (status, saved) = app
        .post_ranking(&json!({"title": "Usulan lokus 2025", "notes": "Bobot bawaan", "k": 10}))
        .await;
    assert_eq!(status, 201, "{saved}");
    let run = &saved["ranking"];
    assert_eq!(run["title"], "Usulan lokus 2025");
    assert_eq!(run["notes"], "Bobot bawaan");
    assert_eq!(run["created_by"], "test-editor");
    assert_eq!(run["status"], "draft");
    assert_eq!(statuses(run), pairs(&[("draft", "test-editor")]));
    assert!(run["adoption"].is_null());
    // The title and notes are not part of the scenario: same fingerprint as a bare save.
    let (_, bare) = app.post_ranking(&json!({"k": 10})).await;
    assert_eq!(bare["ranking"]["title"], Value::Null);
    assert_eq!(bare["ranking"]["fingerprint"], run["fingerprint"]);
    let id = run["id"].as_i64().unwrap();
    let (_, read) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    assert_eq!(read["ranking"]["title"], "Usulan lokus 2025");
    assert_eq!(read["ranking"]["history"], run["history"]);
    let (_, list) = app.get_json("/api/v1/rankings").await;
    let listed = list["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap();
    assert_eq!(listed["title"], "Usulan lokus 2025");
    assert_eq!(listed["status"], "draft");
    assert_eq!(listed["created_by"], "test-editor");
}

#[actix_web::test]
async fn a_title_longer_than_200_characters_is_refused() {
    let app = spawn_app().await;
    let (status, body) = app.post_ranking(&json!({"title": "x".repeat(201)})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_title");
    let (status, body) = app.post_ranking(&json!({"title": 12})).await;
    assert_eq!(status, 400, "{body}");
}

/// The district at `data_rank` (1-based) of the default scenario on score alone.
async fn at_data_rank(app: &TestApp, data_rank: usize) -> Value {
    let (_, all) = app.get_json("/api/v1/shortlist?all=true").await;
    all["shortlist"]["districts"][data_rank - 1].clone()
}

#[actix_web::test]
async fn a_district_forced_in_from_rank_300_is_a_committee_decision_and_the_cutoff_stays_between_score_neighbours()
 {
    let app = spawn_app().await;
    let (_, all) = app.get_json("/api/v1/shortlist?all=true").await;
    let order = all["shortlist"]["districts"].as_array().unwrap().clone();
    let score = |rank: usize| order[rank - 1]["score"].as_f64().unwrap();
    let code = |rank: usize| order[rank - 1]["code"].as_str().unwrap().to_string();
    let (forced, dropped) = (code(300), code(1));
    let (status, saved) = app
        .post_ranking(&json!({
            "constraints": {
                "include": [{"code": forced, "reason": "Daerah percontohan SPBE"}],
                "exclude": [dropped]
            },
            "uncertainty": {"draws": 200, "seed": 7}
        }))
        .await;
    assert_eq!(status, 201, "{saved}");
    let run = &saved["ranking"];
    let find = |c: &str| {
        run["districts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == c)
            .unwrap()
            .clone()
    };
    let f = find(&forced);
    assert_eq!(f["selected"], true);
    assert_eq!(f["selection_basis"], "forced_in");
    assert_eq!(f["data_rank"], 300);
    assert_eq!(f["reason"], "Daerah percontohan SPBE");
    assert!(f.get("band").is_some() && f["band"].is_null(), "{f}");
    assert!(
        f["explanation"]["text"]
            .as_str()
            .unwrap()
            .contains("committee")
    );
    let x = find(&dropped);
    assert_eq!(x["selected"], false);
    assert_eq!(x["selection_basis"], "forced_out");
    assert_eq!(x["data_rank"], 1);
    assert!(x["reason"].is_null(), "a bare code carries no reason");
    assert!(x["band"].is_null());
    // On score: data ranks 2..=100 are in (99 places beside the forced one), 101 is the first
    // out; the cut-off is midway between them, never the forced district's score.
    let cutoff = (score(100) + score(101)) / 2.0;
    assert!((run["cutoff_score"].as_f64().unwrap() - cutoff).abs() < 1e-12);
    let last_on_score = find(&code(100));
    assert_eq!(last_on_score["selection_basis"], "score");
    assert_eq!(last_on_score["data_rank"], 100);
    assert!(last_on_score["explanation"]["margin"].as_f64().unwrap() > 0.0);
    assert!(
        !last_on_score["band"].is_null(),
        "a district in on score keeps its band"
    );
    assert_eq!(find(&code(101))["selected"], false);
    // The scenario keeps the reason as sent, the bare code as a bare code.
    assert_eq!(
        run["params"]["constraints"]["include"],
        json!([{"code": forced, "reason": "Daerah percontohan SPBE"}])
    );
    assert_eq!(run["params"]["constraints"]["exclude"], json!([dropped]));
    // The CSV carries the basis, the data rank and the reason.
    let id = run["id"].as_i64().unwrap();
    let csv = app
        .get(&format!("/api/v1/rankings/{id}?format=csv"))
        .await
        .text()
        .await
        .unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row = csv
        .lines()
        .find(|l| l.contains(&format!(",{forced},")))
        .unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(cells[col("selection_basis")], "forced_in");
    assert_eq!(cells[col("data_rank")], "300");
    assert_eq!(cells[col("decision_reason")], "Daerah percontohan SPBE");
}

#[actix_web::test]
async fn every_district_says_on_what_grounds_it_is_in_or_out() {
    let app = spawn_app().await;
    let (status, body) = app
        .get_json(
            "/api/v1/shortlist?all=true&k=50&max_per_province=2&min_per_province=1&min_spbe=2.0",
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for d in body["shortlist"]["districts"].as_array().unwrap() {
        let expected = match d["explanation"]["reason"].as_str().unwrap() {
            "top_k" | "below_cutoff" => "score",
            "min_per_province" => "province_floor",
            "province_cap" => "province_cap",
            "below_min_spbe" => "spbe_floor",
            other => panic!("unexpected reason {other}"),
        };
        assert_eq!(d["selection_basis"], expected, "{}", d["code"]);
        assert!(d["data_rank"].as_u64().unwrap() >= 1);
    }
}

#[actix_web::test]
async fn a_reason_longer_than_1000_characters_is_refused() {
    let app = spawn_app().await;
    let forced = at_data_rank(&app, 300).await["code"].clone();
    let (status, body) = app
        .post_ranking(
            &json!({"constraints": {"include": [{"code": forced, "reason": "x".repeat(1001)}]}}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_constraints");
    let (status, body) = app
        .post_ranking(&json!({"constraints": {"include": [{"code": forced, "why": "x"}]}}))
        .await;
    assert_eq!(status, 400, "{body}");
}

#[actix_web::test]
async fn proposing_needs_a_title_and_a_reason_for_every_manual_decision() {
    let app = spawn_app().await;
    let (a, b) = (
        at_data_rank(&app, 300).await["code"]
            .as_str()
            .unwrap()
            .to_string(),
        at_data_rank(&app, 1).await["code"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let untitled = save(&app, json!({"k": 10})).await;
    let (status, body) = post(
        &app,
        &app.editor_token,
        &format!("/api/v1/rankings/{untitled}/propose"),
        None,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "title_required");
    let id = save(
        &app,
        json!({"title": "Dengan keputusan manual", "constraints": {
            "include": [a.clone()],
            "exclude": [{"code": b.clone(), "reason": "  "}]}}),
    )
    .await;
    let (status, body) = post(
        &app,
        &app.editor_token,
        &format!("/api/v1/rankings/{id}/propose"),
        None,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "reason_required");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("include {a}")) && message.contains(&format!("exclude {b}")),
        "{message}"
    );
    let (_, run) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    assert_eq!(
        run["ranking"]["status"], "draft",
        "a refused step changes nothing"
    );
    let id = save(
        &app,
        json!({"title": "Dengan alasan", "constraints": {
            "include": [{"code": a, "reason": "Percontohan"}],
            "exclude": [{"code": b, "reason": "Sudah menerima program lain"}]}}),
    )
    .await;
    let (status, body) = post(
        &app,
        &app.editor_token,
        &format!("/api/v1/rankings/{id}/propose"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ranking"]["status"], "proposed");
}

#[actix_web::test]
async fn a_run_goes_from_draft_to_adopted_with_its_history_and_audit_rows() {
    let app = real_app(Options::default()).await;
    let id = save(&app, json!({"title": "Lokus 2025", "k": 10})).await;
    let (status, body) = post(
        &app,
        &app.editor_token,
        &format!("/api/v1/rankings/{id}/propose"),
        Some(json!({"reason": "Hasil rapat teknis"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ranking"]["status"], "proposed");
    let (status, body) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ranking"]["status"], "approved");
    let (status, body) = adopt(&app, id, "KEP-1/2025").await;
    assert_eq!(status, 200, "{body}");
    let run = &body["ranking"];
    assert_eq!(run["status"], "adopted");
    assert_eq!(run["adoption"]["decision_number"], "KEP-1/2025");
    assert_eq!(run["adoption"]["status"], "adopted");
    assert_eq!(
        statuses(run),
        pairs(&[
            ("draft", "test-editor"),
            ("proposed", "test-editor"),
            ("approved", "test-approver"),
            ("adopted", "test-approver"),
        ])
    );
    assert_eq!(run["history"][1]["reason"], "Hasil rapat teknis");
    let response = app
        .client
        .get(app.url("/api/v1/audit?per_page=50"))
        .bearer_auth(&app.editor_token)
        .send()
        .await
        .unwrap();
    let audit: Value = response.json().await.unwrap();
    let target = format!("ranking:{id}");
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == target.as_str())
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "adopt_ranking",
            "approve_ranking",
            "propose_ranking",
            "save_ranking"
        ],
        "{audit}"
    );
}

#[actix_web::test]
async fn the_proposer_may_not_approve_their_own_proposal() {
    let app = spawn_app().await;
    let id = save(&app, json!({"title": "Sendiri", "k": 10})).await;
    // An approver is an editor too, so it may propose, but then not approve.
    let (status, _) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/propose"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "four_eyes");
    let (_, run) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    assert_eq!(run["ranking"]["status"], "proposed");
}

#[actix_web::test]
async fn with_four_eyes_off_one_person_may_propose_and_approve() {
    let app = spawn_app_with(Options {
        four_eyes: false,
        ..Options::default()
    })
    .await;
    let id = save(&app, json!({"title": "Satu orang", "k": 10})).await;
    let (status, _) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/propose"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ranking"]["status"], "approved");
}

#[actix_web::test]
async fn each_step_needs_its_role() {
    let app = spawn_app().await;
    let id = save(&app, json!({"title": "Peran", "k": 10})).await;
    let path = |step: &str| format!("/api/v1/rankings/{id}/{step}");
    let (status, _) = post(&app, &app.viewer_token, &path("propose"), None).await;
    assert_eq!(status, 403);
    let (status, _) = post(&app, &app.editor_token, &path("propose"), None).await;
    assert_eq!(status, 200);
    for step in ["approve", "reject"] {
        let (status, body) = post(
            &app,
            &app.editor_token,
            &path(step),
            Some(json!({"reason": "x"})),
        )
        .await;
        assert_eq!(status, 403, "{step}: {body}");
        let (status, _) = post(
            &app,
            &app.steward_token,
            &path(step),
            Some(json!({"reason": "x"})),
        )
        .await;
        assert_eq!(status, 403, "a steward is not an approver");
    }
    let response = app
        .client
        .post(app.url(&path("approve")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[actix_web::test]
async fn a_step_not_allowed_from_the_current_status_is_an_invalid_transition() {
    let app = real_app(Options::default()).await;
    let id = save(&app, json!({"title": "Urutan", "k": 10})).await;
    let path = |step: &str| format!("/api/v1/rankings/{id}/{step}");
    let refused = |status: u16, body: &Value, what: &str| {
        assert_eq!(status, 409, "{what}: {body}");
        assert_eq!(body["error"], "invalid_transition", "{what}");
    };
    // From draft: only propose.
    let (s, b) = post(&app, &app.approver_token, &path("approve"), None).await;
    refused(s, &b, "approve a draft");
    let (s, b) = post(
        &app,
        &app.approver_token,
        &path("reject"),
        Some(json!({"reason": "x"})),
    )
    .await;
    refused(s, &b, "reject a draft");
    let (s, b) = adopt(&app, id, "KEP-X").await;
    refused(s, &b, "adopt a draft");
    let (s, b) = post(
        &app,
        &app.approver_token,
        &path("withdraw"),
        Some(json!({"reason": "x"})),
    )
    .await;
    refused(s, &b, "withdraw a draft");
    // From proposed: approve or reject.
    post(&app, &app.editor_token, &path("propose"), None).await;
    let (s, b) = post(&app, &app.editor_token, &path("propose"), None).await;
    refused(s, &b, "propose twice");
    let (s, b) = adopt(&app, id, "KEP-X").await;
    refused(s, &b, "adopt a proposal");
    // From approved: adopt.
    post(&app, &app.approver_token, &path("approve"), None).await;
    let (s, b) = post(
        &app,
        &app.approver_token,
        &path("reject"),
        Some(json!({"reason": "x"})),
    )
    .await;
    refused(s, &b, "reject an approved run");
    let (s, b) = post(
        &app,
        &app.approver_token,
        &path("withdraw"),
        Some(json!({"reason": "x"})),
    )
    .await;
    refused(s, &b, "withdraw an approved run");
    // From adopted: withdraw.
    let (s, _) = adopt(&app, id, "KEP-1").await;
    assert_eq!(s, 200);
    let (s, b) = adopt(&app, id, "KEP-2").await;
    refused(s, &b, "adopt twice");
    let (s, b) = post(&app, &app.editor_token, &path("propose"), None).await;
    refused(s, &b, "propose an adopted run");
    let (status, _) = post(
        &app,
        &app.approver_token,
        "/api/v1/rankings/9999/approve",
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn rejecting_sends_a_proposal_back_to_draft_with_its_reason() {
    let app = spawn_app().await;
    let id = save(&app, json!({"title": "Ditolak", "k": 10})).await;
    let path = |step: &str| format!("/api/v1/rankings/{id}/{step}");
    post(&app, &app.editor_token, &path("propose"), None).await;
    let (status, body) = post(&app, &app.approver_token, &path("reject"), None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "reason_required");
    let (status, body) = post(
        &app,
        &app.approver_token,
        &path("reject"),
        Some(json!({"reason": " "})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = post(
        &app,
        &app.approver_token,
        &path("reject"),
        Some(json!({"reason": "Bobot SPBE perlu dibahas ulang"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let run = &body["ranking"];
    assert_eq!(run["status"], "draft");
    assert_eq!(
        statuses(run),
        pairs(&[
            ("draft", "test-editor"),
            ("proposed", "test-editor"),
            ("draft", "test-approver"),
        ])
    );
    assert_eq!(
        run["history"][2]["reason"],
        "Bobot SPBE perlu dibahas ulang"
    );
    // A rejected run can be proposed again.
    let (status, _) = post(&app, &app.editor_token, &path("propose"), None).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn a_run_on_demo_data_can_be_proposed_and_approved_but_never_adopted() {
    let app = spawn_app().await;
    let id = approved_run(&app, "Demo").await;
    let (status, body) = adopt(&app, id, "KEP-DEMO").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "demo_data");
    let (_, run) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    assert_eq!(run["ranking"]["status"], "approved");
    let (status, body) = app.get_json("/api/v1/lokus/digital-stunting/2025").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "no_adopted_list");
}

#[actix_web::test]
async fn a_decision_with_a_broken_field_is_refused_naming_it() {
    let app = real_app(Options::default()).await;
    let id = approved_run(&app, "Keputusan").await;
    let mut bad = decision("KEP-1");
    bad["decision_date"] = json!("15-01-2025");
    let (status, body) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/adopt"),
        Some(bad),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_decision");
    assert!(body["message"].as_str().unwrap().contains("decision_date"));
    let (status, _) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/adopt"),
        Some(json!({"programme": "digital-stunting"})),
    )
    .await;
    assert_eq!(status, 400, "missing fields are malformed JSON");
    let (_, run) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    assert_eq!(run["ranking"]["status"], "approved");
}

#[actix_web::test]
async fn adopting_another_run_for_the_same_programme_and_year_supersedes_the_first() {
    let app = real_app(Options::default()).await;
    let first = approved_run(&app, "Pertama").await;
    assert_eq!(adopt(&app, first, "KEP-1/2025").await.0, 200);
    let second = approved_run(&app, "Kedua").await;
    let (status, body) = adopt(&app, second, "KEP-2/2025").await;
    assert_eq!(status, 200, "{body}");
    let (_, earlier) = app.get_json(&format!("/api/v1/rankings/{first}")).await;
    let earlier = &earlier["ranking"];
    assert_eq!(earlier["status"], "superseded");
    assert_eq!(earlier["adoption"]["status"], "superseded");
    let last = earlier["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["status"], "superseded");
    assert_eq!(last["by"], "test-approver");
    assert!(last["reason"].as_str().unwrap().contains("KEP-2/2025"));
    let (_, list) = app.get_json("/api/v1/lokus").await;
    let lokus = list["lokus"].as_array().unwrap();
    assert_eq!(lokus.len(), 2);
    assert_eq!(lokus[0]["run_id"], second);
    assert_eq!(lokus[0]["status"], "adopted");
    assert_eq!(lokus[0]["title"], "Kedua");
    assert_eq!(lokus[1]["run_id"], first);
    assert_eq!(lokus[1]["status"], "superseded");
    let (_, current) = app.get_json("/api/v1/lokus/digital-stunting/2025").await;
    assert_eq!(current["lokus"]["run_id"], second);
    assert_eq!(current["lokus"]["decision_number"], "KEP-2/2025");
    // Another year is another list.
    let third = approved_run(&app, "Tahun lain").await;
    let mut d = decision("KEP-9/2026");
    d["year"] = json!(2026);
    let (status, _) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{third}/adopt"),
        Some(d),
    )
    .await;
    assert_eq!(status, 200);
    let (_, still) = app.get_json(&format!("/api/v1/rankings/{second}")).await;
    assert_eq!(still["ranking"]["status"], "adopted");
}

#[actix_web::test]
async fn withdrawing_an_adoption_leaves_the_programme_and_year_without_a_list() {
    let app = real_app(Options::default()).await;
    let id = approved_run(&app, "Ditarik").await;
    assert_eq!(adopt(&app, id, "KEP-1/2025").await.0, 200);
    let path = format!("/api/v1/rankings/{id}/withdraw");
    let (status, body) = post(&app, &app.approver_token, &path, None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "reason_required");
    let (status, body) = post(
        &app,
        &app.approver_token,
        &path,
        Some(json!({"reason": "Putusan dibatalkan"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let run = &body["ranking"];
    assert_eq!(run["status"], "withdrawn");
    assert_eq!(run["adoption"]["status"], "withdrawn");
    assert_eq!(run["adoption"]["end_reason"], "Putusan dibatalkan");
    let (status, body) = app.get_json("/api/v1/lokus/digital-stunting/2025").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "no_adopted_list");
    let (_, list) = app.get_json("/api/v1/lokus").await;
    assert_eq!(list["lokus"][0]["status"], "withdrawn");
}

#[actix_web::test]
async fn the_official_list_comes_as_json_csv_and_xlsx_with_a_strong_etag_and_a_link_to_the_run() {
    let app = real_app(Options::default()).await;
    let path = "/api/v1/lokus/digital-stunting/2025";
    let (status, body) = app.get_json(path).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"], "no_adopted_list");
    let forced = at_data_rank(&app, 30).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let id = save(
        &app,
        json!({"title": "Resmi", "k": 10, "constraints": {"include": [{"code": forced, "reason": "Percontohan"}]}}),
    )
    .await;
    post(
        &app,
        &app.editor_token,
        &format!("/api/v1/rankings/{id}/propose"),
        None,
    )
    .await;
    post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(adopt(&app, id, "KEP-7/2025").await.0, 200);

    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "a strong ETag: {etag}"
    );
    let link = response.headers()["link"].to_str().unwrap().to_string();
    assert_eq!(link, format!("</api/v1/rankings/{id}>; rel=\"related\""));
    let body: Value = response.json().await.unwrap();
    let l = &body["lokus"];
    assert_eq!(l["programme"], "digital-stunting");
    assert_eq!(l["year"], 2025);
    assert_eq!(l["run_id"], id);
    assert_eq!(l["title"], "Resmi");
    assert_eq!(l["decision_number"], "KEP-7/2025");
    assert_eq!(l["decision_date"], "2025-01-15");
    assert_eq!(l["signatories"][1], "Menteri PPN/Bappenas");
    assert_eq!(l["status"], "adopted");
    assert_eq!(l["k"], 10);
    let districts = l["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 10);
    let (_, run) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    let selected: Vec<&Value> = run["ranking"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["selected"] == true)
        .collect();
    for (official, d) in districts.iter().zip(&selected) {
        assert_eq!(official["code"], d["code"]);
        assert_eq!(official["bps_code"], d["bps_code"]);
        assert_eq!(official["name"], d["name"]);
        assert_eq!(official["province"], d["province_name"]);
        assert_eq!(official["rank"], d["rank"]);
        assert_eq!(official["selection_basis"], d["selection_basis"]);
    }
    let f = districts
        .iter()
        .find(|d| d["code"] == forced.as_str())
        .unwrap();
    assert_eq!(f["selection_basis"], "forced_in");
    assert_eq!(f["reason"], "Percontohan");
    assert_eq!(f["data_rank"], 30);

    let again = app.get_with(path, "If-None-Match", &etag).await;
    assert_eq!(again.status().as_u16(), 304);

    let csv = app.get(&format!("{path}?format=csv")).await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.headers()["etag"].to_str().unwrap().starts_with('"'));
    assert!(
        csv.headers()["link"]
            .to_str()
            .unwrap()
            .contains(&format!("/api/v1/rankings/{id}"))
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11, "a header and ten districts");
    assert!(lines[0].starts_with(
        "rank,code,bps_code,name,province_code,province,selection_basis,data_rank,reason"
    ));
    assert!(lines.iter().any(|l| l.contains(&forced)
        && l.contains("forced_in")
        && l.contains("Percontohan")
        && l.contains("KEP-7/2025")));

    let xlsx = app.get_with(path, "Accept", XLSX).await;
    assert_eq!(xlsx.status().as_u16(), 200);
    assert_eq!(xlsx.headers()["content-type"].to_str().unwrap(), XLSX);
    let bytes = xlsx.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an Excel workbook is a zip");
}

#[actix_web::test]
async fn importing_new_data_leaves_the_official_list_byte_identical() {
    let app = real_app(Options::default()).await;
    let id = approved_run(&app, "Tetap").await;
    assert_eq!(adopt(&app, id, "KEP-1/2025").await.0, 200);
    let path = "/api/v1/lokus/digital-stunting/2025";
    let before = app.get(path).await;
    let etag = before.headers()["etag"].to_str().unwrap().to_string();
    let bytes = before.bytes().await.unwrap();
    let csv_before = app
        .get(&format!("{path}?format=csv"))
        .await
        .bytes()
        .await
        .unwrap();
    let (_, shortlist_before) = app.get_json("/api/v1/shortlist?k=10").await;

    // New stunting data for a later year, every prevalence turned around: the shortlist
    // changes, the adopted list must not.
    let demo = DemoData::generate();
    let mut csv = String::from("code,prevalence\n");
    for d in &demo.districts {
        csv.push_str(&format!("{},{}\n", d.code, 60.0 - d.stunting));
    }
    let (status, body) = app.upload("kind=stunting&year=2024", "text/csv", csv).await;
    assert_eq!(status, 201, "{body}");
    let (_, shortlist_after) = app.get_json("/api/v1/shortlist?k=10").await;
    assert_ne!(
        shortlist_before["shortlist"]["districts"],
        shortlist_after["shortlist"]["districts"]
    );
    let after = app.get(path).await;
    assert_eq!(after.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(after.bytes().await.unwrap(), bytes);
    let csv_after = app
        .get(&format!("{path}?format=csv"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(csv_after, csv_before);
}

#[actix_web::test]
async fn a_district_history_lists_its_place_in_every_adopted_list() {
    let app = real_app(Options::default()).await;
    let top = at_data_rank(&app, 1).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let first = approved_run(&app, "Pertama").await;
    assert_eq!(adopt(&app, first, "KEP-1/2025").await.0, 200);
    let id = save(
        &app,
        json!({"title": "Tanpa yang teratas", "k": 10, "constraints": {"exclude": [{"code": top, "reason": "Sudah dibiayai"}]}}),
    )
    .await;
    post(
        &app,
        &app.editor_token,
        &format!("/api/v1/rankings/{id}/propose"),
        None,
    )
    .await;
    post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(adopt(&app, id, "KEP-2/2025").await.0, 200);
    let (status, body) = app.get_json(&format!("/api/v1/regions/{top}/lokus")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], top.as_str());
    let lokus = body["lokus"].as_array().unwrap();
    assert_eq!(lokus.len(), 2);
    assert_eq!(lokus[0]["run_id"], id);
    assert_eq!(lokus[0]["selected"], false);
    assert_eq!(lokus[0]["selection_basis"], "forced_out");
    assert_eq!(lokus[0]["reason"], "Sudah dibiayai");
    assert_eq!(lokus[0]["data_rank"], 1);
    assert_eq!(lokus[1]["run_id"], first);
    assert_eq!(lokus[1]["status"], "superseded");
    assert_eq!(lokus[1]["selected"], true);
    assert_eq!(lokus[1]["rank"], 1);
    assert_eq!(lokus[1]["selection_basis"], "score");
    let (status, _) = app.get_json("/api/v1/regions/99.99/lokus").await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn an_adoption_and_its_withdrawal_are_events_naming_the_decision_and_the_listed_districts() {
    // Issue 20: the outbox row is written in the adoption's own transaction, so the feed (and
    // every webhook) learns of it with the districts of the official list.
    let app = real_app(Options::default()).await;
    let id = approved_run(&app, "Diumumkan").await;
    let (_, before) = app.get_json("/api/v1/events").await;
    let published = before["events"].as_array().unwrap().len();
    assert_eq!(adopt(&app, id, "KEP-7/2025").await.0, 200);
    let (_, official) = app.get_json("/api/v1/lokus/digital-stunting/2025").await;
    let mut listed: Vec<String> = official["lokus"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    // The run keeps k = 10 districts.
    assert_eq!(listed.len(), 10);
    let (status, body) = post(
        &app,
        &app.approver_token,
        &format!("/api/v1/rankings/{id}/withdraw"),
        Some(json!({"reason": "Diganti"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (_, feed) = app.get_json("/api/v1/events").await;
    let events = &feed["events"].as_array().unwrap()[published..];
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["lokus.adopted", "lokus.withdrawn"]);
    for event in events {
        let data = &event["data"];
        assert_eq!(data["programme"], "digital-stunting");
        assert_eq!(data["year"], 2025);
        assert_eq!(data["run_id"], id);
        assert_eq!(data["decision_number"], "KEP-7/2025");
        assert_eq!(data["decision_date"], "2025-01-15");
        assert_eq!(data["href"], "/api/v1/lokus/digital-stunting/2025");
        let mut codes: Vec<String> = data["district_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        codes.sort();
        assert_eq!(codes, listed);
    }
}
