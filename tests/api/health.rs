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
