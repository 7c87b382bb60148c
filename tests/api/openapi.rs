//! The published OpenAPI document as integrators read it: valid OpenAPI 3.1 (checked by the
//! reference validator `openapi-spec-validator`, which `.ci/run` installs), and every real
//! response of every operation matches the schema the document gives for its status.

use std::collections::BTreeSet;
use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, skip_or_fail, spawn_app, spawn_app_with};

/// The Python that has `openapi-spec-validator`: `LOKUS_CI_PYTHON`, or the virtualenv that
/// `.ci/run` creates in `target/ci-venv`.
fn validator_python() -> Option<PathBuf> {
    let path = std::env::var_os("LOKUS_CI_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/ci-venv/bin/python"),
        PathBuf::from,
    );
    path.exists().then_some(path)
}

#[actix_web::test]
async fn the_published_document_passes_the_openapi_3_1_validator() {
    let app = spawn_app().await;
    let text = app.get("/api/v1/openapi.json").await.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let Some(python) = validator_python() else {
        skip_or_fail("no Python with openapi-spec-validator (run .ci/run, or set LOKUS_CI_PYTHON)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &text).unwrap();
    let out = std::process::Command::new(python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the document is not valid OpenAPI 3.1:\n{report}"
    );
    assert!(report.contains(": OK"), "{report}");
}

/// Sends requests and checks each answer against the document: the status is documented for
/// the operation, the media type is one it lists, and a JSON body validates against its schema.
struct Walker {
    doc: Value,
    seen: BTreeSet<(String, String)>,
}

/// One request: method, path template (as in the document), the concrete URL path, headers and
/// an optional body.
#[derive(Clone)]
struct Call<'a> {
    method: Method,
    template: &'a str,
    path: String,
    headers: Vec<(&'a str, String)>,
    body: Option<Vec<u8>>,
}

fn get(template: &str, path: impl Into<String>) -> Call<'_> {
    Call {
        method: Method::GET,
        template,
        path: path.into(),
        headers: Vec::new(),
        body: None,
    }
}

impl<'a> Call<'a> {
    fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn delete(mut self) -> Self {
        self.method = Method::DELETE;
        self
    }

    fn post(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.method = Method::POST;
        self.body = Some(body.into());
        self.header("Content-Type", content_type.to_string())
    }
}

impl Walker {
    fn new(doc: Value) -> Self {
        Walker {
            doc,
            seen: BTreeSet::new(),
        }
    }

    /// Sends `call`, expects `status`, validates the answer; returns the JSON body (or Null).
    async fn expect(&mut self, app: &TestApp, call: Call<'_>, status: u16) -> Value {
        let method = call.method.as_str().to_lowercase();
        let label = format!("{} {} ({})", call.method, call.path, call.template);
        let mut request = app.client.request(call.method.clone(), app.url(&call.path));
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        if let Some(body) = call.body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        let got = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = response.bytes().await.unwrap();
        assert_eq!(got, status, "{label}: {}", String::from_utf8_lossy(&bytes));

        let operation = &self.doc["paths"][call.template][&method];
        assert!(operation.is_object(), "{label}: not in the document");
        let documented = &operation["responses"][status.to_string()];
        assert!(
            documented.is_object(),
            "{label}: status {status} is not documented"
        );
        self.seen.insert((method, call.template.to_string()));
        let Some(content) = documented["content"].as_object() else {
            assert!(
                bytes.is_empty(),
                "{label}: a body the document does not describe"
            );
            return Value::Null;
        };
        let essence = content_type
            .as_deref()
            .and_then(|c| c.split(';').next())
            .unwrap_or_default()
            .trim()
            .to_string();
        let media = content
            .get(&essence)
            .unwrap_or_else(|| panic!("{label}: media type '{essence}' is not documented"));
        if essence != "application/json" {
            return Value::Null;
        }
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        if let Some(schema) = media.get("schema") {
            self.validate(&label, schema, &body);
        }
        body
    }

    /// Validates `body` against `schema`, resolving `#/components/...` in the document.
    fn validate(&self, label: &str, schema: &Value, body: &Value) {
        let mut root = schema.clone();
        root["components"] = self.doc["components"].clone();
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("{label}: the schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(body)
            .take(10)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{label}: the response does not match its schema:\n{}",
            errors.join("\n")
        );
    }

    /// Every operation of the document has had at least one real response checked.
    fn assert_every_operation_seen(&self) {
        let mut missing = Vec::new();
        for (path, item) in self.doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if !self.seen.contains(&(method.clone(), path.clone())) {
                    missing.push(format!("{method} {path}"));
                }
            }
        }
        assert!(missing.is_empty(), "operations never checked: {missing:?}");
    }
}

#[actix_web::test]
async fn every_operation_answers_as_its_schema_says() {
    // Webhooks may target the discard port on loopback only (nothing listens; nothing else
    // is ever contacted).
    let app = spawn_app_with(Options {
        webhooks: api::config::WebhookSettings {
            allowed_hosts: Some(vec!["127.0.0.1:9".into()]),
            ..Default::default()
        },
        ..Options::default()
    })
    .await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let mut w = Walker::new(doc);
    let editor = format!("Bearer {}", app.editor_token);
    let viewer = format!("Bearer {}", app.viewer_token);

    // Page, health, metrics, the document itself.
    w.expect(&app, get("/", "/"), 200).await;
    w.expect(&app, get("/healthz", "/healthz"), 200).await;
    w.expect(&app, get("/readyz", "/readyz"), 200).await;
    w.expect(&app, get("/metrics", "/metrics"), 200).await;
    w.expect(
        &app,
        get("/api/v1/openapi.json", "/api/v1/openapi.json"),
        200,
    )
    .await;

    // Regions.
    let regions = w
        .expect(
            &app,
            get("/api/v1/regions", "/api/v1/regions?per_page=3"),
            200,
        )
        .await;
    let code = regions["regions"][0]["code"].as_str().unwrap().to_string();
    for (path, status) in [
        ("/api/v1/regions?province=Atlantis", 404),
        ("/api/v1/regions?page=0", 422),
        ("/api/v1/regions?demo=maybe", 400),
        ("/api/v1/regions?q=x", 200),
    ] {
        w.expect(&app, get("/api/v1/regions", path), status).await;
    }
    let t = "/api/v1/regions/{code}";
    w.expect(&app, get(t, format!("/api/v1/regions/{code}")), 200)
        .await;
    w.expect(&app, get(t, "/api/v1/regions/99.99"), 404).await;

    // Datasets: uploads with every answer an integrator can get.
    let t = "/api/v1/datasets";
    let csv = "code,prevalence\n11.40,20\n11.41,30\n";
    let upload = |query: &str| get(t, format!("/api/v1/datasets?{query}"));
    let staged = w
        .expect(
            &app,
            upload("kind=stunting&year=2019")
                .post("text/csv", csv)
                .header("Authorization", editor.clone()),
            201,
        )
        .await;
    let staged_id = staged["dataset"]["id"].as_i64().unwrap();
    w.expect(
        &app,
        upload("kind=stunting&year=2019")
            .post("text/csv", csv)
            .header("Authorization", editor.clone()),
        200,
    )
    .await;
    w.expect(&app, upload("kind=stunting").post("text/csv", csv), 401)
        .await;
    w.expect(
        &app,
        upload("kind=stunting")
            .post("text/csv", csv)
            .header("Authorization", viewer.clone()),
        403,
    )
    .await;
    let rows = w
        .expect(
            &app,
            upload("kind=stunting&year=2019")
                .post("text/csv", "code,prevalence\n99.99,abc\n")
                .header("Authorization", editor.clone()),
            422,
        )
        .await;
    assert!(!rows["details"].as_array().unwrap().is_empty());
    w.expect(
        &app,
        upload("kind=stunting")
            .post("image/png", "x")
            .header("Authorization", editor.clone()),
        415,
    )
    .await;
    w.expect(&app, get(t, "/api/v1/datasets?per_page=2"), 200)
        .await;
    let t = "/api/v1/indicators";
    w.expect(&app, get(t, t), 200).await;
    let t = "/api/v1/datasets/{id}";
    w.expect(&app, get(t, "/api/v1/datasets/1"), 200).await;

    // Stewardship: the review, publish and reject.
    let steward = format!("Bearer {}", app.steward_token);
    let t = "/api/v1/datasets";
    w.expect(&app, get(t, "/api/v1/datasets?status=staged"), 200)
        .await;
    w.expect(&app, get(t, "/api/v1/datasets?status=bogus"), 400)
        .await;
    let t = "/api/v1/datasets/{id}/review";
    let review = |id: i64| get(t, format!("/api/v1/datasets/{id}/review"));
    w.expect(
        &app,
        review(staged_id).header("Authorization", editor.clone()),
        200,
    )
    .await;
    w.expect(&app, review(staged_id), 401).await;
    w.expect(
        &app,
        review(staged_id).header("Authorization", viewer.clone()),
        403,
    )
    .await;
    w.expect(
        &app,
        review(9999).header("Authorization", editor.clone()),
        404,
    )
    .await;
    w.expect(&app, review(1).header("Authorization", editor.clone()), 409)
        .await;
    let t = "/api/v1/datasets/{id}/reject";
    let other = w
        .expect(
            &app,
            upload("kind=stunting&year=2018")
                .post("text/csv", csv)
                .header("Authorization", editor.clone()),
            201,
        )
        .await;
    let reject = get(
        t,
        format!("/api/v1/datasets/{}/reject", other["dataset"]["id"]),
    );
    w.expect(
        &app,
        reject
            .clone()
            .post("application/json", r#"{"reason": " "}"#)
            .header("Authorization", steward.clone()),
        422,
    )
    .await;
    w.expect(
        &app,
        reject
            .clone()
            .post("application/json", r#"{"reason": "typed from a photo"}"#)
            .header("Authorization", editor.clone()),
        403,
    )
    .await;
    w.expect(
        &app,
        reject
            .clone()
            .post("application/json", r#"{"reason": "typed from a photo"}"#)
            .header("Authorization", steward.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        reject
            .post("application/json", r#"{"reason": "again"}"#)
            .header("Authorization", steward.clone()),
        409,
    )
    .await;
    let t = "/api/v1/datasets/{id}/publish";
    let publish = get(t, format!("/api/v1/datasets/{staged_id}/publish"));
    w.expect(
        &app,
        publish
            .clone()
            .post("application/json", "{}")
            .header("Authorization", editor.clone()),
        403,
    )
    .await;
    w.expect(
        &app,
        publish
            .clone()
            .post("application/json", r#"{"acknowledge_partial": true}"#)
            .header("Authorization", steward.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        publish
            .post("application/json", "{}")
            .header("Authorization", steward.clone()),
        409,
    )
    .await;
    w.expect(
        &app,
        get(t, "/api/v1/datasets/9999/publish")
            .post("application/json", "{}")
            .header("Authorization", steward.clone()),
        404,
    )
    .await;
    let t = "/api/v1/datasets/{id}";
    w.expect(&app, get(t, "/api/v1/datasets/9999"), 404).await;
    w.expect(&app, get(t, "/api/v1/datasets/abc"), 400).await;

    // Validation and aliases.
    let t = "/api/v1/datasets/validate";
    let check = |query: &str| get(t, format!("/api/v1/datasets/validate?{query}"));
    let codes = app.district_codes().await;
    let body = w
        .expect(
            &app,
            check("kind=stunting&year=2019")
                .post(
                    "text/csv",
                    format!(
                        "code,name,prevalence\n{},,20\n,Nowhere Regency,21\n",
                        codes[0]
                    ),
                )
                .header("Authorization", editor.clone()),
            200,
        )
        .await;
    assert_eq!(body["validation"]["valid"], false);
    w.expect(
        &app,
        check("kind=stunting").post("text/csv", "code,prevalence\n"),
        401,
    )
    .await;
    w.expect(
        &app,
        check("kind=stunting&year=2019")
            .post("text/csv", "code,prevalence\n")
            .header("Authorization", viewer.clone()),
        403,
    )
    .await;
    w.expect(
        &app,
        check("kind=stunting")
            .post("text/csv", "code,prevalence\n11.40,20\n")
            .header("Authorization", editor.clone()),
        422,
    )
    .await;
    w.expect(
        &app,
        check("kind=stunting&year=2019")
            .post("image/png", "x")
            .header("Authorization", editor.clone()),
        415,
    )
    .await;
    let t = "/api/v1/aliases";
    let add = |body: Value| get(t, t).post("application/json", body.to_string());
    w.expect(
        &app,
        add(json!({"aliases": [{"alias": "Nama Uji", "code": codes[0]}]}))
            .header("Authorization", editor.clone()),
        201,
    )
    .await;
    w.expect(
        &app,
        add(json!({"aliases": [{"alias": "Nama Uji", "code": codes[0]}]}))
            .header("Authorization", editor.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        add(json!({"aliases": [{"alias": "Nama Uji", "code": codes[1]}]}))
            .header("Authorization", editor.clone()),
        409,
    )
    .await;
    w.expect(
        &app,
        add(json!({"aliases": [{"alias": "Nama", "code": "99.99"}]}))
            .header("Authorization", editor.clone()),
        422,
    )
    .await;
    w.expect(&app, add(json!({"aliases": []})), 401).await;
    w.expect(
        &app,
        add(json!({"aliases": []})).header("Authorization", viewer.clone()),
        403,
    )
    .await;
    w.expect(
        &app,
        add(json!({"alias": "x"})).header("Authorization", editor.clone()),
        400,
    )
    .await;
    w.expect(
        &app,
        get(t, t)
            .post("text/plain", "{}")
            .header("Authorization", editor.clone()),
        415,
    )
    .await;
    w.expect(&app, get(t, "/api/v1/aliases?source=user"), 200)
        .await;
    w.expect(&app, get(t, "/api/v1/aliases?source=nobody"), 400)
        .await;
    w.expect(&app, get(t, "/api/v1/aliases?page=0"), 422).await;

    // Templates.
    let t = "/api/v1/templates/{kind}.csv";
    w.expect(&app, get(t, "/api/v1/templates/stunting.csv"), 200)
        .await;
    w.expect(&app, get(t, "/api/v1/templates/boundaries.csv"), 404)
        .await;
    let t = "/api/v1/templates/{kind}.xlsx";
    w.expect(&app, get(t, "/api/v1/templates/spbe.xlsx"), 200)
        .await;

    // Analysis.
    let t = "/api/v1/analysis";
    w.expect(&app, get(t, t), 200).await;
    w.expect(&app, get(t, "/api/v1/analysis?stunting_year=2001"), 404)
        .await;
    w.expect(&app, get(t, "/api/v1/analysis?exclude=11"), 400)
        .await;

    // Saved runs.
    let t = "/api/v1/rankings";
    let post = |body: Value| get(t, t).post("application/json", body.to_string());
    let run = w
        .expect(
            &app,
            post(json!({"k": 5, "uncertainty": {"draws": 50, "seed": 1}}))
                .header("Authorization", editor.clone()),
            201,
        )
        .await;
    let first = run["ranking"]["id"].as_i64().unwrap();
    let run = w
        .expect(
            &app,
            post(json!({"k": 8, "method": "need"})).header("Authorization", editor.clone()),
            201,
        )
        .await;
    let second = run["ranking"]["id"].as_i64().unwrap();
    w.expect(&app, post(json!({})), 401).await;
    w.expect(
        &app,
        post(json!({})).header("Authorization", viewer.clone()),
        403,
    )
    .await;
    w.expect(
        &app,
        post(json!({"kk": 1})).header("Authorization", editor.clone()),
        400,
    )
    .await;
    w.expect(
        &app,
        post(json!({"k": 0})).header("Authorization", editor.clone()),
        422,
    )
    .await;
    w.expect(
        &app,
        post(json!({"k": 5, "constraints": {"include": ["11.40"], "exclude": ["11.40"]}}))
            .header("Authorization", editor.clone()),
        422,
    )
    .await;
    w.expect(
        &app,
        get(t, t)
            .post("text/plain", "{}")
            .header("Authorization", editor.clone()),
        415,
    )
    .await;
    w.expect(&app, get(t, "/api/v1/rankings?per_page=1"), 200)
        .await;
    let t = "/api/v1/rankings/{id}";
    w.expect(&app, get(t, format!("/api/v1/rankings/{first}")), 200)
        .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/rankings/{first}?format=csv")),
        200,
    )
    .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/rankings/{first}?format=xlsx")),
        200,
    )
    .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/rankings/{first}?format=csv&locale=id")),
        200,
    )
    .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/rankings/{first}?format=csv&locale=xx")),
        400,
    )
    .await;
    w.expect(&app, get(t, "/api/v1/rankings/9999"), 404).await;
    w.expect(
        &app,
        get(t, format!("/api/v1/rankings/{first}?format=xml")),
        400,
    )
    .await;
    let t = "/api/v1/rankings/{id}/diff/{other_id}";
    w.expect(
        &app,
        get(t, format!("/api/v1/rankings/{first}/diff/{second}")),
        200,
    )
    .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/rankings/{first}/diff/9999")),
        404,
    )
    .await;
    w.expect(
        &app,
        get(
            t,
            format!("/api/v1/rankings/{first}/diff/{second}?format=xlsx"),
        ),
        200,
    )
    .await;
    w.expect(
        &app,
        get(
            t,
            format!("/api/v1/rankings/{first}/diff/{second}?format=csv"),
        ),
        400,
    )
    .await;

    // Evaluation of a saved default list against the demo outcome year.
    let t = "/api/v1/rankings";
    let run = w
        .expect(
            &app,
            get(t, t)
                .post("application/json", "{}".to_string())
                .header("Authorization", editor.clone()),
            201,
        )
        .await;
    let default = run["ranking"]["id"].as_i64().unwrap();
    for t in ["/api/v1/evaluation", "/api/v1/evaluation/plot"] {
        w.expect(
            &app,
            get(t, format!("{t}?run={default}&outcome_year=2024")),
            200,
        )
        .await;
        w.expect(
            &app,
            get(t, format!("{t}?run={default}&outcome_year=2023")),
            422,
        )
        .await;
        w.expect(&app, get(t, format!("{t}?run=9999&outcome_year=2024")), 404)
            .await;
        w.expect(&app, get(t, format!("{t}?run={default}")), 400)
            .await;
    }

    // The shortlist and the projection.
    let t = "/api/v1/shortlist";
    for (path, status) in [
        ("/api/v1/shortlist", 200),
        ("/api/v1/shortlist?k=10&draws=200&seed=3&all=true", 200),
        ("/api/v1/shortlist?format=csv", 200),
        ("/api/v1/shortlist?k=5&format=csv&locale=id", 200),
        ("/api/v1/shortlist?format=csv&locale=fr", 400),
        ("/api/v1/shortlist?k=5&format=xlsx", 200),
        ("/api/v1/shortlist?draws=6000", 422),
        ("/api/v1/shortlist?k=0", 422),
        ("/api/v1/shortlist?stunting_weight=0&spbe_weight=0", 422),
        ("/api/v1/shortlist?min_per_province=100", 422),
        ("/api/v1/shortlist?stunting_year=2001", 404),
        ("/api/v1/shortlist?format=geojson", 404),
        ("/api/v1/shortlist?k=many", 400),
    ] {
        w.expect(&app, get(t, path), status).await;
    }
    w.expect(&app, get(t, t).header("Accept", "image/png"), 406)
        .await;
    let t = "/api/v1/projection";
    w.expect(&app, get(t, t), 200).await;
    w.expect(&app, get(t, "/api/v1/projection?draws=100&k=20"), 200)
        .await;
    w.expect(&app, get(t, "/api/v1/projection?effect_relative=1.5"), 422)
        .await;

    // Robustness across a grid of scenarios.
    let t = "/api/v1/robustness";
    for (body, status) in [
        (
            r#"{"methods":["need","residual"],"k":20,"current":{"method":"need"}}"#,
            200,
        ),
        (
            r#"{"stunting_weights":[0.5,0.9],"normalisations":["z_score"],"spbe_directions":["lower_is_priority"],"methods":["composite"]}"#,
            200,
        ),
        (r#"{"stunting_weights":[2]}"#, 422),
        (r#"{"methods":[]}"#, 422),
        (r#"{"k":5,"constraints":{"min_per_province":100}}"#, 409),
        (r#"{"k":5.0,"constraints":{"max_per_province":3.0}}"#, 200),
        (r#"{"stunting_year":2001}"#, 404),
        (r#"{"grid":1}"#, 400),
    ] {
        w.expect(&app, get(t, t).post("application/json", body), status)
            .await;
    }
    w.expect(&app, get(t, t).post("application/json", ""), 200)
        .await;
    w.expect(&app, get(t, t).post("text/plain", "k=5"), 415)
        .await;

    // The page's own reads: provinces for the tile map, the boundary layer, embedded assets.
    let t = "/api/v1/provinces";
    w.expect(&app, get(t, t), 200).await;
    let t = "/api/v1/boundaries";
    w.expect(&app, get(t, t), 404).await;
    let t = "/static/{dir}/{file}";
    w.expect(&app, get(t, "/static/js/main.js"), 200).await;
    w.expect(&app, get(t, "/static/js/nothing.js"), 404).await;

    // The audit log.
    let t = "/api/v1/audit";
    w.expect(
        &app,
        get(t, "/api/v1/audit?per_page=5").header("Authorization", editor.clone()),
        200,
    )
    .await;
    w.expect(&app, get(t, t), 401).await;
    w.expect(&app, get(t, t).header("Authorization", viewer.clone()), 403)
        .await;
    w.expect(
        &app,
        get(t, "/api/v1/audit?page=0").header("Authorization", editor.clone()),
        422,
    )
    .await;

    // Webhooks and the event feed.
    let approver = format!("Bearer {}", app.approver_token);
    let t = "/api/v1/webhooks";
    let subscription = |url: &str| {
        json!({"url": url, "events": ["dataset.published"], "description": "walker"}).to_string()
    };
    let created = w
        .expect(
            &app,
            get(t, t)
                .post("application/json", subscription("http://127.0.0.1:9/hook"))
                .header("Authorization", approver.clone()),
            201,
        )
        .await;
    let hook = created["webhook"]["id"].as_i64().unwrap();
    w.expect(
        &app,
        get(t, t).post("application/json", subscription("http://127.0.0.1:9/")),
        401,
    )
    .await;
    w.expect(
        &app,
        get(t, t)
            .post("application/json", subscription("http://127.0.0.1:9/"))
            .header("Authorization", editor.clone()),
        403,
    )
    .await;
    w.expect(
        &app,
        get(t, t)
            .post("application/json", subscription("http://127.0.0.1:10/"))
            .header("Authorization", approver.clone()),
        422,
    )
    .await;
    w.expect(
        &app,
        get(t, t)
            .post("application/json", "{")
            .header("Authorization", approver.clone()),
        400,
    )
    .await;
    w.expect(
        &app,
        get(t, t).header("Authorization", approver.clone()),
        200,
    )
    .await;
    w.expect(&app, get(t, t).header("Authorization", viewer.clone()), 403)
        .await;
    let staged = w
        .expect(
            &app,
            get(
                "/api/v1/datasets",
                "/api/v1/datasets?kind=stunting&year=2018",
            )
            .post("text/csv", csv)
            .header("Authorization", editor.clone()),
            201,
        )
        .await;
    // Published by the steward: the publication is the event the subscription hears of.
    let staged = staged["dataset"]["id"].as_i64().unwrap();
    w.expect(
        &app,
        get(
            "/api/v1/datasets/{id}/publish",
            format!("/api/v1/datasets/{staged}/publish"),
        )
        .post("application/json", r#"{"acknowledge_partial": true}"#)
        .header("Authorization", format!("Bearer {}", app.steward_token)),
        200,
    )
    .await;
    let t = "/api/v1/webhooks/{id}/deliveries";
    let deliveries = w
        .expect(
            &app,
            get(t, format!("/api/v1/webhooks/{hook}/deliveries"))
                .header("Authorization", approver.clone()),
            200,
        )
        .await;
    let delivery = deliveries["deliveries"][0]["id"].as_i64().unwrap();
    w.expect(
        &app,
        get(t, "/api/v1/webhooks/9999/deliveries").header("Authorization", approver.clone()),
        404,
    )
    .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/webhooks/{hook}/deliveries?page=0"))
            .header("Authorization", approver.clone()),
        422,
    )
    .await;
    let t = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry";
    w.expect(
        &app,
        get(
            t,
            format!("/api/v1/webhooks/{hook}/deliveries/{delivery}/retry"),
        )
        .post("application/json", "")
        .header("Authorization", approver.clone()),
        202,
    )
    .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/webhooks/{hook}/deliveries/9999/retry"))
            .post("application/json", "")
            .header("Authorization", approver.clone()),
        404,
    )
    .await;
    let t = "/api/v1/webhooks/{id}/rotate-secret";
    w.expect(
        &app,
        get(t, format!("/api/v1/webhooks/{hook}/rotate-secret"))
            .post("application/json", "")
            .header("Authorization", approver.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        get(t, "/api/v1/webhooks/9999/rotate-secret")
            .post("application/json", "")
            .header("Authorization", approver.clone()),
        404,
    )
    .await;
    let t = "/api/v1/webhooks/{id}";
    w.expect(
        &app,
        get(t, format!("/api/v1/webhooks/{hook}")).delete(),
        401,
    )
    .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/webhooks/{hook}"))
            .delete()
            .header("Authorization", approver.clone()),
        204,
    )
    .await;
    w.expect(
        &app,
        get(t, format!("/api/v1/webhooks/{hook}"))
            .delete()
            .header("Authorization", approver.clone()),
        404,
    )
    .await;
    let t = "/api/v1/events";
    let feed = w.expect(&app, get(t, "/api/v1/events?limit=1"), 200).await;
    assert_eq!(feed["events"][0]["type"], "dataset.published");
    w.expect(&app, get(t, "/api/v1/events?after=-1"), 422).await;
    w.expect(&app, get(t, "/api/v1/events?after=x"), 400).await;
    // The decision workflow and the official lists, on data that may be adopted.
    decision_operations(&mut w).await;
    let t = "/api/v1/me";
    w.expect(&app, get(t, t), 200).await;
    w.expect(&app, get(t, t).header("Authorization", editor.clone()), 200)
        .await;

    w.assert_every_operation_seen();

    // Reads that require a token, and the rate limit, answer as documented too.
    let strict = spawn_app_with(Options {
        require_read_token: true,
        rate_limit_per_second: 0.001,
        rate_limit_burst: 1.0,
        ..Options::default()
    })
    .await;
    w.expect(&strict, get("/api/v1/regions", "/api/v1/regions"), 401)
        .await;
    w.expect(&strict, get("/api/v1/regions", "/api/v1/regions"), 429)
        .await;
}

/// Walks every workflow step and official-list read (demo data may not be adopted, so this app
/// imports the demo tables as if they were real).
async fn decision_operations(w: &mut Walker) {
    let app = spawn_app_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    let demo = model::demo::DemoData::generate();
    for (query, csv) in [
        ("kind=regions", demo.regions_csv()),
        ("kind=stunting&year=2022", demo.stunting_csv()),
        ("kind=spbe&year=2022", demo.spbe_csv()),
    ] {
        assert_eq!(app.upload(query, "text/csv", csv).await.0, 201);
    }
    let code = demo.districts[200].code.clone();
    let editor = format!("Bearer {}", app.editor_token);
    let approver = format!("Bearer {}", app.approver_token);
    let (_, saved) = app
        .post_ranking(
            &json!({"title": "Lokus", "k": 5, "constraints": {"include": [code.clone()]}}),
        )
        .await;
    let id = saved["ranking"]["id"].as_i64().unwrap();
    let step = |name: &str, body: Value| {
        let t: &'static str = match name {
            "propose" => "/api/v1/rankings/{id}/propose",
            "approve" => "/api/v1/rankings/{id}/approve",
            "reject" => "/api/v1/rankings/{id}/reject",
            "adopt" => "/api/v1/rankings/{id}/adopt",
            _ => "/api/v1/rankings/{id}/withdraw",
        };
        get(t, format!("/api/v1/rankings/{id}/{name}")).post("application/json", body.to_string())
    };
    let decision = json!({"programme": "digital-stunting", "year": 2025, "decision_number": "KEP-1",
        "decision_date": "2025-01-15", "signatories": ["Menteri"]});
    let (list, one, region) = (
        "/api/v1/lokus",
        "/api/v1/lokus/{programme}/{year}",
        "/api/v1/regions/{code}/lokus",
    );
    w.expect(&app, get(list, list), 200).await;
    w.expect(&app, get(one, "/api/v1/lokus/digital-stunting/2025"), 404)
        .await;
    w.expect(&app, get(one, "/api/v1/lokus/digital-stunting/next"), 400)
        .await;
    // The bare include has no reason: proposing is refused until a run gives one.
    w.expect(
        &app,
        step("propose", json!({})).header("Authorization", editor.clone()),
        422,
    )
    .await;
    w.expect(&app, step("propose", json!({})), 401).await;
    let (_, saved) = app
        .post_ranking(&json!({"title": "Lokus", "k": 5, "constraints": {"include": [{"code": code.clone(), "reason": "Percontohan"}]}}))
        .await;
    let id2 = saved["ranking"]["id"].as_i64().unwrap();
    let step2 = |name: &str, body: Value| {
        let t: &'static str = match name {
            "propose" => "/api/v1/rankings/{id}/propose",
            "approve" => "/api/v1/rankings/{id}/approve",
            "reject" => "/api/v1/rankings/{id}/reject",
            "adopt" => "/api/v1/rankings/{id}/adopt",
            _ => "/api/v1/rankings/{id}/withdraw",
        };
        get(t, format!("/api/v1/rankings/{id2}/{name}")).post("application/json", body.to_string())
    };
    w.expect(
        &app,
        step2("propose", json!({"reason": "Rapat"})).header("Authorization", editor.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        step2("approve", json!({})).header("Authorization", editor.clone()),
        403,
    )
    .await;
    w.expect(
        &app,
        step2("reject", json!({})).header("Authorization", approver.clone()),
        422,
    )
    .await;
    w.expect(
        &app,
        step2("reject", json!({"reason": "Ulang"})).header("Authorization", approver.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        step2("propose", json!({})).header("Authorization", editor.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        step2("adopt", decision.clone()).header("Authorization", approver.clone()),
        409,
    )
    .await;
    w.expect(
        &app,
        step2("approve", json!({})).header("Authorization", approver.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        step2("approve", json!({"why": 1})).header("Authorization", approver.clone()),
        400,
    )
    .await;
    w.expect(
        &app,
        step2(
            "adopt",
            json!({"programme": "digital-stunting", "year": 2025, "decision_number": "KEP-1",
        "decision_date": "2025-13-01", "signatories": ["Menteri"]}),
        )
        .header("Authorization", approver.clone()),
        422,
    )
    .await;
    w.expect(
        &app,
        step2("adopt", decision.clone()).header("Authorization", approver.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        get(
            "/api/v1/rankings/{id}/withdraw",
            format!("/api/v1/rankings/{id2}/withdraw"),
        )
        .post("text/plain", "x")
        .header("Authorization", approver.clone()),
        415,
    )
    .await;
    w.expect(&app, get(list, list), 200).await;
    w.expect(&app, get(one, "/api/v1/lokus/digital-stunting/2025"), 200)
        .await;
    w.expect(
        &app,
        get(one, "/api/v1/lokus/digital-stunting/2025?format=csv"),
        200,
    )
    .await;
    w.expect(
        &app,
        get(one, "/api/v1/lokus/digital-stunting/2025?format=xlsx"),
        200,
    )
    .await;
    w.expect(
        &app,
        get(one, "/api/v1/lokus/digital-stunting/2025?format=geojson"),
        400,
    )
    .await;
    w.expect(
        &app,
        get(region, format!("/api/v1/regions/{code}/lokus")),
        200,
    )
    .await;
    w.expect(&app, get(region, "/api/v1/regions/99.99/lokus"), 404)
        .await;
    w.expect(
        &app,
        step2("withdraw", json!({"reason": "Batal"})).header("Authorization", approver.clone()),
        200,
    )
    .await;
    w.expect(
        &app,
        step("approve", json!({})).header("Authorization", approver.clone()),
        409,
    )
    .await;
    w.expect(
        &app,
        step("withdraw", json!({"reason": "x"})).header("Authorization", approver.clone()),
        409,
    )
    .await;
    w.expect(
        &app,
        get(
            "/api/v1/rankings/{id}/propose",
            "/api/v1/rankings/9999/propose",
        )
        .post("application/json", "{}")
        .header("Authorization", editor.clone()),
        404,
    )
    .await;
}
