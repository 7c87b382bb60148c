//! The core cases of the suite, run with the service under a base path (`LOKUS_BASE_PATH`) as
//! an API gateway publishes it (`/{context}/{version}/...`), and once at the root to show the
//! same checks hold there.

use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, spawn_app_with};

const BASE: &str = "/lokus/1.0";

async fn spawn_under(base: &str) -> TestApp {
    spawn_app_with(Options {
        base_path: base.into(),
        ..Options::default()
    })
    .await
}

/// Health, regions, shortlist as JSON and CSV, a saved run and its `Location`, paging links,
/// HEAD and 406, the page with its assets, the docs page and the OpenAPI document: each at
/// `app.address` (which carries the base path) and each emitted link under `base`.
async fn core_cases(app: &TestApp, base: &str) {
    for path in ["/healthz", "/readyz"] {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
    let (status, regions) = app.get_json("/api/v1/regions?q=contoh%20001").await;
    assert_eq!((status, &regions["meta"]["total"]), (200, &json!(1)));
    let code = regions["regions"][0]["code"].as_str().unwrap().to_string();
    let (status, region) = app.get_json(&format!("/api/v1/regions/{code}")).await;
    assert_eq!(
        (status, region["region"]["code"].as_str()),
        (200, Some(code.as_str()))
    );

    let (status, shortlist) = app.get_json("/api/v1/shortlist?k=5").await;
    assert_eq!(status, 200);
    assert_eq!(
        shortlist["shortlist"]["districts"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let csv = app
        .get_with("/api/v1/shortlist?k=5", "Accept", "text/csv")
        .await;
    assert_eq!(csv.status().as_u16(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("rank,code,"));
    assert_eq!(text.lines().count(), 6);

    // A saved run: its Location is a path a client can follow as it is.
    let response = app
        .client
        .post(app.url("/api/v1/rankings"))
        .bearer_auth(&app.editor_token)
        .json(&json!({"k": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let saved: Value = response.json().await.unwrap();
    let id = saved["ranking"]["id"].as_i64().unwrap();
    assert_eq!(location, format!("{base}/api/v1/rankings/{id}"));
    let followed = app
        .client
        .get(format!("{}{location}", app.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status().as_u16(), 200);
    let body: Value = followed.json().await.unwrap();
    assert_eq!(
        body["ranking"]["fingerprint"],
        saved["ranking"]["fingerprint"]
    );

    // Paging links name the full path.
    let page = app.get("/api/v1/regions?per_page=2").await;
    let link = page.headers()["link"].to_str().unwrap().to_string();
    assert!(
        link.starts_with(&format!("<{base}/api/v1/regions?")),
        "{link}"
    );

    // HTTP conformance is the same under the base: HEAD, 406, 405, unknown routes.
    let head = app
        .client
        .head(app.url("/api/v1/shortlist?k=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 200);
    let refused = app.get_with("/api/v1/regions", "Accept", "image/png").await;
    assert_eq!(refused.status().as_u16(), 406);
    let wrong = app
        .client
        .delete(app.url("/api/v1/regions"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 405);
    let (status, body) = app.get_json("/api/v1/nothing-here").await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));

    // The page: its assets and scripts are under the base, and they load.
    let page = app.get("/").await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!(
            r#"<script type="module" src="{base}/static/js/main.js">"#
        )),
        "{html}"
    );
    assert!(html.contains(&format!(r#"href="{base}/static/css/lokus.css""#)));
    assert!(html.contains(&format!(r#"href="{base}/api/v1/docs/""#)));
    assert!(!html.contains("<script>"), "no inline script");
    if !base.is_empty() {
        assert!(html.contains(&format!(r#"<meta name="lokus-base" content="{base}">"#)));
        assert!(!html.contains(r#"="/static"#), "no link outside the base");
    }
    for asset in [
        "/static/js/main.js",
        "/static/js/api.js",
        "/static/css/lokus.css",
    ] {
        assert_eq!(app.get(asset).await.status().as_u16(), 200, "{asset}");
    }

    // The docs page reads the document under the base.
    let docs = app.get("/api/v1/docs/swagger-initializer.js").await;
    assert_eq!(docs.status().as_u16(), 200);
    let script = docs.text().await.unwrap();
    assert!(
        script.contains(&format!("{base}/api/v1/openapi.json")),
        "{script}"
    );
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    if base.is_empty() {
        assert!(
            doc.get("servers").is_none_or(Value::is_null),
            "unchanged at the root"
        );
    } else {
        assert_eq!(doc["servers"], json!([{"url": base}]));
    }
}

#[actix_web::test]
async fn the_core_cases_pass_under_a_gateway_base_path() {
    let app = spawn_under(BASE).await;
    core_cases(&app, BASE).await;
}

#[actix_web::test]
async fn the_core_cases_pass_at_the_root_without_a_base_path() {
    let app = spawn_under("").await;
    core_cases(&app, "").await;
}

#[actix_web::test]
async fn outside_the_base_path_every_route_is_a_json_404() {
    let app = spawn_under("lokus/1.0/").await;
    for path in [
        "/",
        "/healthz",
        "/api/v1/shortlist",
        "/static/js/main.js",
        "/lokus/1.0x/healthz",
        "/lokus/healthz",
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.origin))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "not_found", "{path}");
    }
    // The normalised prefix is the one served.
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}

#[actix_web::test]
async fn the_rate_limit_counts_api_calls_under_the_base_path() {
    let app = spawn_app_with(Options {
        base_path: BASE.into(),
        rate_limit_per_second: 0.001,
        rate_limit_burst: 2.0,
        ..Options::default()
    })
    .await;
    let statuses = [
        app.get("/api/v1/provinces").await.status().as_u16(),
        app.get("/api/v1/provinces").await.status().as_u16(),
        app.get("/api/v1/provinces").await.status().as_u16(),
    ];
    assert_eq!(statuses, [200, 200, 429]);
    // Not an API path: not limited.
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}
