use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, spawn_app, spawn_app_with};

async fn audit(app: &TestApp, query: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/audit{query}")))
        .bearer_auth(&app.editor_token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The app behind a gateway at 127.0.0.1 that names its consumer in `X-Consumer-Name`.
fn behind_gateway(trusted_proxies: &str, header: Option<&str>) -> Options {
    Options {
        require_read_token: true,
        trusted_proxies: trusted_proxies.into(),
        trust_gateway_header: header.map(str::to_string),
        ..Options::default()
    }
}

/// Polls the audit log (gateway reads are written in the background) for entries of a request.
async fn entries_of_request(app: &TestApp, request_id: &str) -> Vec<Value> {
    for _ in 0..100 {
        let (status, body) = audit(app, &format!("?request_id={request_id}")).await;
        assert_eq!(status, 200, "{body}");
        let entries = body["entries"].as_array().unwrap().clone();
        if !entries.is_empty() {
            return entries;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    Vec::new()
}

#[actix_web::test]
async fn the_audit_log_is_for_editor_tokens_only() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/audit").await.status().as_u16(), 401);
    let viewer = app
        .client
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&app.viewer_token)
        .send()
        .await
        .unwrap();
    assert_eq!(viewer.status().as_u16(), 403);
    let (status, body) = audit(&app, "").await;
    assert_eq!(status, 200, "{body}");
    // The demo load and the two test tokens are in it from the start.
    let actions: Vec<&str> = body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"create_token"), "{actions:?}");
    assert!(actions.contains(&"import_dataset"), "{actions:?}");
}

#[actix_web::test]
async fn an_import_and_a_saved_run_are_traced_by_their_request_ids_to_their_audit_rows() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/rankings"))
        .bearer_auth(&app.editor_token)
        .header("X-Request-Id", "trace-run-0002")
        .json(&json!({"k": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let run: Value = response.json().await.unwrap();
    let entries = entries_of_request(&app, "trace-run-0002").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "save_ranking");
    assert_eq!(
        entries[0]["target"],
        format!("ranking:{}", run["ranking"]["id"])
    );
    // Without a caller's id the server's own (a UUID) is recorded, the one it answered with.
    let response = app
        .client
        .post(app.url("/api/v1/rankings"))
        .bearer_auth(&app.editor_token)
        .json(&json!({"k": 11}))
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 36, "{id}");
    let entries = entries_of_request(&app, &id).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "save_ranking");

    let response = app
        .client
        .post(app.url("/api/v1/datasets?kind=stunting&year=2023&source=trace"))
        .bearer_auth(&app.editor_token)
        .header("Content-Type", "text/csv")
        .header("X-Request-Id", "trace-import-0001")
        .body("code,prevalence\n11.40,20\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["x-request-id"], "trace-import-0001");
    let dataset: Value = response.json().await.unwrap();
    let entries = entries_of_request(&app, "trace-import-0001").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "import_dataset");
    assert_eq!(entries[0]["actor"], "test-editor");
    assert_eq!(
        entries[0]["target"],
        format!("dataset:{}", dataset["dataset"]["id"])
    );
    assert_eq!(entries[0]["consumer"], Value::Null);
}

#[actix_web::test]
async fn the_audit_log_is_paged_newest_first_and_filtered_by_action() {
    let app = spawn_app().await;
    for k in [5, 6, 7] {
        let (status, body) = app.post_ranking(&json!({"k": k})).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = audit(&app, "?action=save_ranking&per_page=2").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["total"], 3);
    let first: Vec<i64> = body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(first.len(), 2);
    assert!(first[0] > first[1], "newest first: {first:?}");
    let (_, second) = audit(&app, "?action=save_ranking&per_page=2&page=2").await;
    let last = second["entries"][0]["id"].as_i64().unwrap();
    assert!(last < first[1]);
    assert_eq!(second["entries"].as_array().unwrap().len(), 1);
    let (status, body) = audit(&app, "?per_page=0").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "invalid_paging");
}

#[actix_web::test]
async fn a_consumer_named_by_the_trusted_gateway_may_read_and_is_audited_by_request_id() {
    // Published by the gateway under a base path, as SPLP does.
    let app = spawn_app_with(Options {
        base_path: "/lokus/1.0".into(),
        ..behind_gateway("127.0.0.1/32", Some("X-Consumer-Name"))
    })
    .await;
    let response = app
        .client
        .get(app.url("/api/v1/regions/11.40"))
        .header("X-Consumer-Name", "dinkes-aceh")
        .header("X-Request-Id", "gateway-read-0001")
        .send()
        .await
        .unwrap();
    // Read tokens are required, but the gateway authenticated this consumer.
    assert_eq!(response.status().as_u16(), 200);
    let entries = entries_of_request(&app, "gateway-read-0001").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "read");
    assert_eq!(entries[0]["consumer"], "dinkes-aceh");
    assert_eq!(entries[0]["actor"], "anonymous");
    assert_eq!(entries[0]["target"], "/lokus/1.0/api/v1/regions/11.40");
    assert_eq!(entries[0]["detail"], "GET answered 200");
    // Nothing was dropped on the way, and /metrics says so.
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("lokus_audit_reads_dropped_total 0"),
        "{metrics}"
    );
    // The consumer filter finds it too.
    let (_, body) = audit(&app, "?consumer=dinkes-aceh").await;
    assert_eq!(body["meta"]["total"], 1);

    // Writes still need an editor token, whatever the gateway says.
    let write = app
        .client
        .post(app.url("/api/v1/rankings"))
        .header("X-Consumer-Name", "dinkes-aceh")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status().as_u16(), 401);
    // With a token as well, the write is the token's and names the consumer.
    let write = app
        .client
        .post(app.url("/api/v1/rankings"))
        .bearer_auth(&app.editor_token)
        .header("X-Consumer-Name", "dinkes-aceh")
        .header("X-Request-Id", "gateway-write-0002")
        .json(&json!({"k": 12}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status().as_u16(), 201);
    let entries = entries_of_request(&app, "gateway-write-0002").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "save_ranking");
    assert_eq!(entries[0]["actor"], "test-editor");
    assert_eq!(entries[0]["consumer"], "dinkes-aceh");
}

#[actix_web::test]
async fn a_gateway_header_from_an_untrusted_address_or_without_the_setting_is_ignored() {
    for options in [
        // The header is configured but the caller (127.0.0.1) is not a trusted proxy.
        behind_gateway("10.0.0.0/8", Some("X-Consumer-Name")),
        // The caller is trusted but no gateway header is configured (the default).
        behind_gateway("127.0.0.1/32", None),
    ] {
        let app = spawn_app_with(options).await;
        let response = app
            .client
            .get(app.url("/api/v1/regions/11.40"))
            .header("X-Consumer-Name", "forged")
            .header("X-Request-Id", "forged-read-0001")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        // A reader with a token is served, and nothing is attributed to the forged consumer.
        let response = app
            .client
            .get(app.url("/api/v1/regions/11.40"))
            .bearer_auth(&app.viewer_token)
            .header("X-Consumer-Name", "forged")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let (_, body) = audit(&app, "?consumer=forged").await;
        assert_eq!(body["meta"]["total"], 0, "{body}");
        let (_, body) = audit(&app, "?action=read").await;
        assert_eq!(body["meta"]["total"], 0, "{body}");
    }
}
