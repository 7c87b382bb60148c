use serde_json::Value;

use crate::helpers::{Options, spawn_app, spawn_app_with};

#[actix_web::test]
async fn the_openapi_document_describes_every_route_in_the_router() {
    let app = spawn_app().await;
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let routes = api::routes::route_list();
    assert!(routes.len() >= 16);
    for (method, path) in &routes {
        let operation = &doc["paths"][path.as_str()][method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
        assert!(
            !operation["responses"].as_object().unwrap().is_empty(),
            "{method} {path} has no responses"
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        routes.len(),
        "the document lists routes the router does not serve"
    );
}

#[actix_web::test]
async fn the_docs_page_is_served_without_internet_access() {
    let app = spawn_app().await;
    let page = app.get("/api/v1/docs/").await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://cdn"),
        "no CDN links"
    );
    let initializer = app
        .get("/api/v1/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/api/v1/openapi.json"));
    assert_eq!(
        app.get("/api/v1/docs/swagger-ui-bundle.js")
            .await
            .status()
            .as_u16(),
        200
    );
}

#[actix_web::test]
async fn the_planners_page_labels_demo_data_and_loads_no_external_assets() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("DATA DEMO SINTETIS"));
    assert!(html.contains("/api/v1/shortlist"));
    assert!(!html.contains("<script src=\"http") && !html.contains("<link href=\"http"));
}

#[actix_web::test]
async fn a_get_answers_304_when_the_etag_matches() {
    let app = spawn_app().await;
    let first = app.get("/api/v1/shortlist?k=5").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let again = app
        .get_with("/api/v1/shortlist?k=5", "If-None-Match", &etag)
        .await;
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    // New data changes the representation, so the old tag no longer matches.
    app.upload(
        "kind=stunting&year=2023",
        "text/csv",
        "code,prevalence\n11.40,20\n11.41,30\n11.42,40\n11.43,25\n11.44,26\n",
    )
    .await;
    app.upload(
        "kind=spbe&year=2023",
        "text/csv",
        "code,index\n11.40,2\n11.41,3\n11.42,4\n11.43,2.5\n11.44,3.5\n",
    )
    .await;
    let changed = app
        .get_with("/api/v1/shortlist?k=5", "If-None-Match", &etag)
        .await;
    let status = changed.status().as_u16();
    let body: Value = changed.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["shortlist"]["params"]["stunting_year"], 2023);
}

#[actix_web::test]
async fn responses_are_gzipped_when_asked() {
    let app = spawn_app().await;
    let response = app
        .get_with("/api/v1/regions?per_page=1000", "Accept-Encoding", "gzip")
        .await;
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[actix_web::test]
async fn a_client_over_the_rate_limit_gets_429_with_retry_after() {
    let app = spawn_app_with(Options {
        rate_limit_per_second: 1.0,
        rate_limit_burst: 3.0,
        ..Options::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.get("/api/v1/datasets").await.status().as_u16());
    }
    assert_eq!(&statuses[..3], &[200, 200, 200]);
    let limited = app.get("/api/v1/datasets").await;
    assert_eq!(limited.status().as_u16(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    assert_eq!(
        app.get("/healthz").await.status().as_u16(),
        200,
        "health checks are not limited"
    );
}

#[actix_web::test]
async fn reads_can_be_made_to_require_a_viewer_token() {
    let app = spawn_app_with(Options {
        require_read_token: true,
        ..Options::default()
    })
    .await;
    assert_eq!(app.get("/api/v1/regions").await.status().as_u16(), 401);
    let ok = app
        .client
        .get(app.url("/api/v1/regions"))
        .bearer_auth(&app.viewer_token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
}

#[actix_web::test]
async fn a_broken_database_gives_an_opaque_500() {
    let app = spawn_app().await;
    {
        use diesel::RunQueryDsl;
        let mut conn = app.pool.get().unwrap();
        // Adoptions refer to runs: PostgreSQL drops the table only with what depends on it.
        let drop = match crate::helpers::Backend::selected() {
            crate::helpers::Backend::Postgres => "DROP TABLE ranking_runs CASCADE",
            crate::helpers::Backend::Sqlite => "DROP TABLE ranking_runs",
        };
        diesel::sql_query(drop).execute(&mut *conn).unwrap();
    }
    let (status, body) = app.get_json("/api/v1/rankings").await;
    assert_eq!(status, 500);
    assert_eq!(body["error"], "internal_error");
    let message = body["message"].as_str().unwrap();
    assert!(
        !message.contains("ranking_runs") && !message.to_lowercase().contains("sql"),
        "{message}"
    );
}

#[actix_web::test]
async fn malformed_query_parameters_are_400() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/shortlist?k=many").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_query"))
    );
    let (status, body) = app.get_json("/api/v1/datasets/abc").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_path"))
    );
}

#[actix_web::test]
async fn a_wrong_method_is_405_with_allow_and_options_lists_the_methods() {
    let app = spawn_app().await;
    let response = app
        .client
        .delete(app.url("/api/v1/datasets"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "GET, POST, HEAD, OPTIONS");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");

    let options = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/shortlist"))
        .send()
        .await
        .unwrap();
    assert_eq!(options.status().as_u16(), 204);
    assert_eq!(options.headers()["allow"], "GET, HEAD, OPTIONS");
}

#[actix_web::test]
async fn head_answers_wherever_get_does_with_headers_and_no_body() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/api/v1/regions", "/api/v1/shortlist?k=5"] {
        let response = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "HEAD {path}");
        assert!(response.headers().contains_key("content-type"), "{path}");
        assert!(response.bytes().await.unwrap().is_empty(), "{path}");
    }
    // An unknown path is 404 for HEAD as for GET.
    let unknown = app
        .client
        .head(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 404);
}

#[actix_web::test]
async fn an_accept_header_nothing_matches_is_406_with_the_error_body() {
    let app = spawn_app().await;
    let response = app.get_with("/api/v1/regions", "Accept", "image/png").await;
    assert_eq!(response.status().as_u16(), 406);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_acceptable");
    assert!(body["details"].as_array().unwrap().is_empty());
    for accept in [
        "*/*",
        "application/*",
        "application/json",
        "text/html;q=0.5, */*;q=0.1",
    ] {
        let ok = app.get_with("/api/v1/regions", "Accept", accept).await;
        assert_eq!(ok.status().as_u16(), 200, "{accept}");
    }
    // A wildcard type picks the representation it covers.
    let csv = app
        .get_with("/api/v1/shortlist?k=3", "Accept", "text/*")
        .await;
    assert_eq!(csv.status().as_u16(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
}

#[actix_web::test]
async fn lists_carry_link_headers_to_the_next_and_previous_pages() {
    let app = spawn_app().await;
    let first = app.get("/api/v1/regions?kind=kota&per_page=10").await;
    assert_eq!(
        first.headers()["link"],
        "</api/v1/regions?kind=kota&page=2&per_page=10>; rel=\"next\""
    );
    let middle = app
        .get("/api/v1/regions?page=2&per_page=100&kind=kota")
        .await;
    let link = middle.headers()["link"].to_str().unwrap().to_string();
    let body: Value = middle.json().await.unwrap();
    let total = body["meta"]["total"].as_i64().unwrap();
    assert!(total <= 200, "{total} kota");
    assert_eq!(
        link,
        "</api/v1/regions?kind=kota&page=1&per_page=100>; rel=\"prev\""
    );
    let datasets = app.get("/api/v1/datasets?per_page=1").await;
    assert!(
        datasets.headers()["link"]
            .to_str()
            .unwrap()
            .contains("</api/v1/datasets?page=2&per_page=1>; rel=\"next\"")
    );
    let only = app.get("/api/v1/rankings").await;
    assert!(!only.headers().contains_key("link"), "one page, no links");
}
