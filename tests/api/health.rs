use crate::helpers::spawn_app;

#[actix_web::test]
async fn healthz_and_readyz_answer_ok_on_a_fresh_database() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
}

#[actix_web::test]
async fn an_unknown_route_is_a_json_404() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("/api/v1/nothing-here")
    );
    assert!(body["details"].is_array());
}

#[actix_web::test]
async fn a_wrong_method_on_a_known_route_is_a_json_405() {
    let app = spawn_app().await;
    let response = app
        .client
        .delete(app.url("/api/v1/regions"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");
}

#[actix_web::test]
async fn metrics_count_requests_by_route_in_prometheus_format() {
    let app = spawn_app().await;
    app.get("/api/v1/regions").await;
    app.get("/api/v1/regions").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(
            "lokus_http_requests_total{method=\"GET\",route=\"/api/v1/regions\",status=\"200\"} 2"
        ),
        "{text}"
    );
    assert!(text.contains("# TYPE lokus_http_request_duration_seconds histogram"));
}

#[actix_web::test]
async fn every_answer_carries_the_callers_request_id_or_a_new_one() {
    let app = spawn_app().await;
    let given = app
        .get_with("/api/v1/datasets", "X-Request-Id", "splp-2026.11.28_0001")
        .await;
    assert_eq!(given.headers()["x-request-id"], "splp-2026.11.28_0001");
    // Errors too, and a made-up id where none (or an implausible one) was sent.
    let missing = app.get("/api/v1/nothing-here").await;
    assert_eq!(missing.status().as_u16(), 404);
    let made = missing.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(made.len(), 36, "{made}");
    let odd = app
        .get_with("/healthz", "X-Request-Id", "two words; DROP")
        .await;
    assert_ne!(odd.headers()["x-request-id"], "two words; DROP");
    assert_ne!(odd.headers()["x-request-id"].to_str().unwrap(), made);
}

#[actix_web::test]
async fn every_answer_forbids_sniffing_framing_and_referrers() {
    let app = spawn_app().await;
    for path in [
        "/healthz",
        "/api/v1/shortlist?k=3",
        "/api/v1/nothing-here",
        "/",
    ] {
        let response = app.get(path).await;
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    }
}
