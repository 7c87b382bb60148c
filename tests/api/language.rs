use serde_json::{Value, json};

use crate::helpers::spawn_app;

async fn error_in(
    app: &crate::helpers::TestApp,
    path: &str,
    language: &str,
) -> (u16, Value, String) {
    let response = app.get_with(path, "Accept-Language", language).await;
    let status = response.status().as_u16();
    let content_language = response
        .headers()
        .get("content-language")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, response.json().await.unwrap(), content_language)
}

#[actix_web::test]
async fn error_messages_follow_accept_language_and_the_code_never_changes() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/shortlist?k=0",
        "/api/v1/shortlist?format=xml",
        "/api/v1/regions/99.99",
        "/api/v1/nothing",
        "/api/v1/rankings?page=0",
    ] {
        let (s_en, en, lang_en) = error_in(&app, path, "en-US,en;q=0.9,id;q=0.5").await;
        let (s_id, id, lang_id) = error_in(&app, path, "id-ID,id;q=0.9,en;q=0.8").await;
        let (s_none, none) = app.get_json(path).await;
        assert!(s_en >= 400, "{path}");
        assert_eq!(
            (s_en, s_none),
            (s_id, s_id),
            "{path}: same status in every language"
        );
        assert_eq!(en["error"], id["error"], "{path}: the code never changes");
        assert_eq!(none, en, "{path}: English without a header");
        assert_ne!(en["message"], id["message"], "{path}: translated");
        assert_eq!((lang_en.as_str(), lang_id.as_str()), ("en", "id"), "{path}");
    }
    let (_, id, _) = error_in(&app, "/api/v1/nothing", "id").await;
    assert_eq!(id["message"], "Tidak ada rute untuk /api/v1/nothing");
    let (_, id, _) = error_in(&app, "/api/v1/shortlist?k=0", "id").await;
    let message = id["message"].as_str().unwrap();
    assert_eq!(message, "k harus antara 1 dan 514, bukan 0");
    let (_, en, _) = error_in(&app, "/api/v1/shortlist?k=0", "en").await;
    assert_eq!(en["message"], "k must be between 1 and 514, got 0");
    assert_eq!(
        (&id["params"], &en["params"]),
        (
            &json!({"field": "k", "min": 1, "max": 514, "value": 0}),
            &json!({"field": "k", "min": 1, "max": 514, "value": 0})
        ),
        "the values are the same in every language"
    );
    // A 406 made before any handler runs is translated too.
    let response = app
        .client
        .get(app.url("/api/v1/regions"))
        .header("Accept", "image/png")
        .header("Accept-Language", "id")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 406);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_acceptable");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Tidak satu pun")
    );
}

#[actix_web::test]
async fn import_row_errors_read_in_indonesian_when_asked() {
    let app = spawn_app().await;
    let csv = "code,prevalensi\n11.40,20.5\n11.41,120\n11.42,abc\n";
    let upload = |language: &'static str| {
        app.client
            .post(app.url("/api/v1/datasets?kind=stunting&year=2023"))
            .bearer_auth(&app.editor_token)
            .header("Content-Type", "text/csv")
            .header("Accept-Language", language)
            .body(csv)
            .send()
    };
    let id: Value = upload("id").await.unwrap().json().await.unwrap();
    let en: Value = upload("en").await.unwrap().json().await.unwrap();
    assert_eq!(id["error"], "invalid_rows");
    assert_eq!(en["error"], "invalid_rows");
    assert_eq!(id["message"], "2 baris tidak valid; tidak ada yang diimpor");
    let messages: Vec<&str> = id["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "baris 3, kolom prevalensi: 120 bukan persentase dalam [0, 100]",
            "baris 4, kolom prevalensi: 'abc' bukan angka",
        ]
    );
    // The structured parts are the same in both languages.
    for (a, b) in id["details"]
        .as_array()
        .unwrap()
        .iter()
        .zip(en["details"].as_array().unwrap())
    {
        assert_eq!(
            (&a["line"], &a["field"], &a["column"]),
            (&b["line"], &b["field"], &b["column"])
        );
    }
    assert_eq!(
        en["details"][0]["message"],
        json!("prevalence 120 is not a percentage in [0, 100]")
    );
}

/// English words no Indonesian message may contain (whole words, any case).
const ENGLISH: &[&str] = &[
    "detail", "must", "got", "invalid", "expected", "row", "rows", "line", "the", "is", "not",
    "between", "unknown", "error", "found", "and", "of", "field", "missing",
];

/// The English words of `message`, if any, and whether a `{placeholder}` was left in it.
fn english_in(message: &str) -> Vec<String> {
    let mut found: Vec<String> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| ENGLISH.contains(&w.to_lowercase().as_str()))
        .map(str::to_string)
        .collect();
    if message.contains('{') || message.contains('}') {
        found.push("{placeholder}".into());
    }
    found
}

/// True when every member of `expected` is in `actual` (objects member by member, numbers
/// by value).
fn holds(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|got| holds(got, v))),
        (Value::Number(a), Value::Number(e)) => a.as_f64() == e.as_f64(),
        _ => actual == expected,
    }
}

/// One refusal the test provokes: the request, then what its answer must say.
struct Refusal {
    what: &'static str,
    method: &'static str,
    path: String,
    body: Option<(&'static str, String)>,
    code: &'static str,
    /// Texts the Indonesian message must name (values, limits, lines).
    names: Vec<&'static str>,
    /// Members `params` must hold.
    params: Value,
}

impl Refusal {
    fn get(what: &'static str, path: &str, code: &'static str) -> Self {
        Refusal {
            what,
            method: "GET",
            path: path.into(),
            body: None,
            code,
            names: Vec::new(),
            params: json!({}),
        }
    }

    fn post(what: &'static str, path: &str, body: &str, code: &'static str) -> Self {
        Refusal {
            method: "POST",
            body: Some(("application/json", body.into())),
            ..Refusal::get(what, path, code)
        }
    }

    fn naming(mut self, names: &[&'static str], params: Value) -> Self {
        self.names = names.to_vec();
        self.params = params;
        self
    }
}

#[actix_web::test]
async fn every_refusal_reads_whole_in_indonesian_and_names_its_values_in_params() {
    // Arrange
    let app = spawn_app().await;
    let codes = app.district_codes().await;
    let (a, b, c) = (&codes[0], &codes[1], &codes[2]);
    let csv = format!("code,prevalensi\n{a},abc\n{b},120\n99.99,20\n{c},21\n{c},22\n");
    let refusals = vec![
        Refusal::get(
            "k above the districts",
            "/api/v1/shortlist?k=600",
            "invalid_k",
        )
        .naming(
            &["600", "514"],
            json!({"field": "k", "max": 514, "value": 600}),
        ),
        Refusal::get(
            "a negative weight",
            "/api/v1/shortlist?stunting_weight=-1",
            "invalid_weights",
        )
        .naming(&["-1", "1000000"], json!({"field": "weights", "value": -1})),
        Refusal::post(
            "all weights zero",
            "/api/v1/rankings",
            r#"{"weights": {"stunting": 0, "spbe": 0}}"#,
            "invalid_weights",
        ),
        Refusal::get(
            "an unknown district code",
            "/api/v1/shortlist?include=99.99",
            "unknown_code",
        )
        .naming(
            &["99.99"],
            json!({"code": "99.99", "field": "constraints.include"}),
        ),
        Refusal::get("an unknown region", "/api/v1/regions/99.99", "not_found")
            .naming(&["99.99"], json!({"entity": "region", "id": "99.99"})),
        Refusal::get(
            "constraints no selection meets",
            "/api/v1/shortlist?k=5&min_per_province=1",
            "infeasible_constraints",
        )
        .naming(&["5"], json!({"min": 1, "k": 5})),
        Refusal::get(
            "a page before the first",
            "/api/v1/rankings?page=0",
            "invalid_paging",
        )
        .naming(&["0"], json!({"field": "page", "value": 0})),
        Refusal::post(
            "a JSON body cut short",
            "/api/v1/rankings",
            r#"{"k": 5,"#,
            "invalid_json",
        )
        .naming(&["1"], json!({"line": 1})),
        Refusal::post(
            "an unknown member",
            "/api/v1/rankings",
            r#"{"kk": 5}"#,
            "invalid_json",
        )
        .naming(&["kk"], json!({"field": "kk"})),
        // Unknown query parameters are ignored; unknown values and wrong types are refused.
        Refusal::get(
            "an unknown value in the query",
            "/api/v1/shortlist?method=fastest",
            "invalid_query",
        )
        .naming(&["fastest"], json!({"value": "fastest"})),
        Refusal::get(
            "a query value of the wrong type",
            "/api/v1/shortlist?k=abc",
            "invalid_query",
        )
        .naming(&["k=abc"], json!({"query": "k=abc"})),
        Refusal {
            body: Some(("text/csv", csv)),
            ..Refusal::post(
                "bad rows of a CSV",
                "/api/v1/datasets?kind=stunting&year=2023",
                "",
                "invalid_rows",
            )
            .naming(&["4"], json!({"count": 4}))
        },
    ];
    let mut wrong = Vec::new();
    for r in &refusals {
        // Act
        let mut request = match r.method {
            "GET" => app.client.get(app.url(&r.path)),
            _ => app.client.post(app.url(&r.path)),
        }
        .bearer_auth(&app.editor_token)
        .header("Accept-Language", "id");
        if let Some((content_type, body)) = &r.body {
            request = request
                .header("Content-Type", *content_type)
                .body(body.clone());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        // Assert
        let message = body["message"].as_str().unwrap_or_default();
        let mut problems = Vec::new();
        if status < 400 || body["error"] != r.code {
            problems.push(format!("answered {status} {}", body["error"]));
        }
        let english = english_in(message);
        if !english.is_empty() {
            problems.push(format!("English {english:?}"));
        }
        for name in &r.names {
            if !message.contains(name) {
                problems.push(format!("does not name {name}"));
            }
        }
        if !body["params"].is_object() || !holds(&body["params"], &r.params) {
            problems.push(format!("params {} lack {}", body["params"], r.params));
        }
        if !problems.is_empty() {
            wrong.push(format!("{}: {message:?}: {}", r.what, problems.join("; ")));
        }
    }
    // Each bad row of the upload: its line, its value, and the same values in `params`.
    let upload = &refusals.last().unwrap();
    let response = app
        .client
        .post(app.url(&upload.path))
        .bearer_auth(&app.editor_token)
        .header("Content-Type", "text/csv")
        .header("Accept-Language", "id")
        .body(upload.body.clone().unwrap().1)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let expected = [
        (
            2,
            "not_a_number",
            vec!["baris 2", "abc"],
            json!({"value": "abc"}),
        ),
        (
            3,
            "not_a_percentage",
            vec!["baris 3", "120"],
            json!({"value": 120}),
        ),
        (
            4,
            "unknown_kemendagri_code",
            vec!["baris 4", "99.99"],
            json!({"value": "99.99"}),
        ),
        (
            6,
            "duplicate_district",
            vec!["baris 6", "baris 5", c.as_str()],
            json!({"code": c, "first": 5}),
        ),
    ];
    let details = body["details"].as_array().cloned().unwrap_or_default();
    for (line, problem, names, params) in expected {
        let Some(row) = details.iter().find(|d| d["line"] == line) else {
            wrong.push(format!("row {line}: not reported in {}", body["details"]));
            continue;
        };
        let message = row["message"].as_str().unwrap_or_default();
        let mut problems = Vec::new();
        if row["problem"] != problem {
            problems.push(format!("problem {}", row["problem"]));
        }
        let english = english_in(message);
        if !english.is_empty() {
            problems.push(format!("English {english:?}"));
        }
        for name in names {
            if !message.contains(name) {
                problems.push(format!("does not name {name}"));
            }
        }
        if !holds(&row["params"], &params) {
            problems.push(format!("params {} lack {params}", row["params"]));
        }
        if !problems.is_empty() {
            wrong.push(format!("row {line}: {message:?}: {}", problems.join("; ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers are not whole Indonesian with their values:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[actix_web::test]
async fn the_document_describes_the_values_of_an_error_and_the_problem_of_a_row() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let schemas = &doc["components"]["schemas"];
    for (schema, fields) in [
        ("ErrorBody", ["params", "message"]),
        ("RowError", ["problem", "params"]),
    ] {
        for field in fields {
            assert!(
                schemas[schema]["properties"][field].is_object(),
                "{schema}.{field}: {}",
                schemas[schema]
            );
            assert!(
                schemas[schema]["required"]
                    .as_array()
                    .is_some_and(|r| r.contains(&json!(field))),
                "{schema}.{field} is always sent"
            );
        }
    }
    assert_eq!(
        schemas["ErrorBody"]["properties"]["params"]["type"],
        "object"
    );
    assert_eq!(
        schemas["RowError"]["properties"]["problem"]["type"],
        "string"
    );
}
