use serde_json::Value;

use crate::helpers::spawn_app;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

#[actix_web::test]
async fn the_provinces_endpoint_lists_34_provinces_with_counts_and_tiles() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, body) = app.get_json("/api/v1/provinces").await;

    // Assert
    assert_eq!(status, 200, "{body}");
    let provinces = body["provinces"].as_array().unwrap();
    assert_eq!(provinces.len(), 34);
    assert_eq!(body["meta"]["total"], 34);
    let total: i64 = provinces
        .iter()
        .map(|p| p["districts"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 514, "the demo reference has 514 districts");
    let sumut = provinces.iter().find(|p| p["code"] == "12").unwrap();
    assert_eq!(sumut["name"], "Sumatera Utara");
    assert_eq!(sumut["bps_code"], "12");
    assert_eq!(sumut["districts"], 33);
    assert_eq!(sumut["abbr"], "SU");
    let papua = provinces.iter().find(|p| p["code"] == "91").unwrap();
    assert_eq!(papua["bps_code"], "94");
    let mut cells: Vec<(i64, i64)> = provinces
        .iter()
        .map(|p| (p["row"].as_i64().unwrap(), p["col"].as_i64().unwrap()))
        .collect();
    cells.sort_unstable();
    cells.dedup();
    assert_eq!(cells.len(), 34, "one tile per province");
    let aceh = provinces.iter().find(|p| p["code"] == "11").unwrap();
    let papua_col = papua["col"].as_i64().unwrap();
    assert!(aceh["col"].as_i64().unwrap() < papua_col, "west to east");
}

#[actix_web::test]
async fn the_page_is_sent_under_a_strict_content_security_policy() {
    let app = spawn_app().await;

    let response = app.get("/").await;

    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-security-policy"], CSP);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("etag"));
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<script type="module" src="/static/js/main.js"></script>"#));
    assert!(!html.contains("<script>"), "no inline script");
    assert!(!html.contains(" onclick="), "no inline handler");
}

#[actix_web::test]
async fn static_assets_have_their_type_a_strong_etag_and_answer_304() {
    let app = spawn_app().await;

    for (path, content_type) in [
        ("/static/js/main.js", "text/javascript; charset=utf-8"),
        ("/static/css/lokus.css", "text/css; charset=utf-8"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], content_type);
        assert_eq!(headers["cache-control"], "public, no-cache");
        assert_eq!(headers["content-security-policy"], CSP);
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let etag = headers["etag"].to_str().unwrap().to_string();
        assert!(
            etag.starts_with('"') && !etag.starts_with("W/"),
            "strong: {etag}"
        );
        assert!(!response.bytes().await.unwrap().is_empty());

        let again = app.get_with(path, "If-None-Match", &etag).await;
        assert_eq!(again.status().as_u16(), 304, "{path}");
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    }
}

#[actix_web::test]
async fn an_unknown_asset_is_a_json_404() {
    let app = spawn_app().await;

    let (status, body): (u16, Value) = app.get_json("/static/js/nope.js").await;

    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found");
}

#[actix_web::test]
async fn the_boundary_layer_is_served_as_geojson_once_imported() {
    let app = spawn_app().await;
    let (status, _) = app.get_json("/api/v1/boundaries").await;
    assert_eq!(status, 404);
    let geo = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kemendagri_code":"11.40"},"geometry":{"type":"Polygon","coordinates":[[[95,5],[96,5],[96,6],[95,5]]]}}]}"#;
    let (status, _) = app
        .upload("kind=boundaries", "application/geo+json", geo)
        .await;
    assert_eq!(status, 201);

    let response = app.get("/api/v1/boundaries").await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/geo+json");
    let fc: Value = response.json().await.unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["features"].as_array().unwrap().len(), 1);
    assert_eq!(fc["features"][0]["properties"]["code"], "11.40");
    assert!(fc["features"][0]["properties"]["name"].is_string());
    assert_eq!(fc["features"][0]["geometry"]["type"], "Polygon");
    assert_eq!(fc["dataset"]["kind"], "boundaries");
}
