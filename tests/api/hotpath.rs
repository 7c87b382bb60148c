//! The hot path: answers computed once per data version, kept in memory within stated bounds,
//! warmed before anyone asks, and fresh across replicas within the check interval.

use std::time::{Duration, Instant};

use model::demo::DemoData;

use crate::helpers::{TestApp, spawn_app, spawn_replica};

/// The value of one metric line, e.g. `lokus_cache_entries{cache="rendered"}`.
async fn metric(app: &TestApp, name: &str) -> f64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name).map(|v| v.trim().parse().unwrap()))
        .unwrap_or(0.0)
}

#[actix_web::test]
async fn the_default_shortlists_are_computed_before_anyone_asks() {
    let app = spawn_app().await;
    let started = Instant::now();
    // Nobody has asked for a list; the background warm-up fills the page's and the API's
    // default shortlist on its own.
    while metric(&app, "lokus_cache_entries{cache=\"rendered\"}").await < 2.0 {
        assert!(started.elapsed() < Duration::from_secs(60), "never warmed");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(metric(&app, "lokus_cache_entries{cache=\"rankings\"}").await >= 2.0);
}

#[actix_web::test]
async fn varied_scenarios_cannot_grow_the_caches_beyond_their_bounds() {
    let app = spawn_app().await;
    for k in 1..=80 {
        let (status, _) = app
            .get_json(&format!("/api/v1/shortlist?k={k}&method=need"))
            .await;
        assert_eq!(status, 200);
    }
    for cache in ["rankings", "rendered"] {
        let entries = metric(&app, &format!("lokus_cache_entries{{cache=\"{cache}\"}}")).await;
        assert!(entries <= 64.0, "{cache}: {entries} entries");
    }
    let bytes = metric(&app, "lokus_cache_bytes{cache=\"rendered\"}").await;
    assert!(bytes <= f64::from(64u32 << 20), "{bytes}");
    // The default list survived the variants.
    let (status, _) = app.get_json("/api/v1/shortlist").await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn an_import_through_one_replica_reaches_the_other_within_the_check_interval() {
    let first = spawn_app().await;
    let second = spawn_replica(&first).await;
    let (_, before) = second.get_json("/api/v1/shortlist").await;
    assert_eq!(before["shortlist"]["params"]["stunting_year"], 2022);
    let (status, body) = first
        .upload(
            "kind=stunting&year=2023",
            "text/csv",
            DemoData::generate().stunting_csv(),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // The first replica knows at once: it answers with the new list, or with the previous one
    // marked as being refreshed until the new one is computed. The second knows within its
    // check interval (1 s) plus the time to compute.
    let response = first.get("/api/v1/shortlist").await;
    let refreshing = response.headers().get("x-lokus-refreshing").is_some();
    let now: serde_json::Value = response.json().await.unwrap();
    assert!(
        refreshing || now["shortlist"]["params"]["stunting_year"] == 2023,
        "the first replica serves the old data as if it were current"
    );
    for app in [&first, &second] {
        let started = Instant::now();
        loop {
            let (_, after) = app.get_json("/api/v1/shortlist").await;
            if after["shortlist"]["params"]["stunting_year"] == 2023 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "a replica still serves the old data"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[actix_web::test]
async fn the_gzip_variant_is_made_once_with_its_own_etag_and_unzips_to_the_same_body() {
    let app = spawn_app().await;
    let plain = app.get("/api/v1/shortlist").await;
    let plain_tag = plain.headers()["etag"].to_str().unwrap().to_string();
    let plain_body = plain.bytes().await.unwrap();
    let zipped = app
        .get_with("/api/v1/shortlist", "Accept-Encoding", "gzip")
        .await;
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let zipped_tag = zipped.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(zipped_tag, plain_tag);
    let bytes = zipped.bytes().await.unwrap();
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain_body);
    // Each variant revalidates against its own tag.
    let again = app
        .client
        .get(app.url("/api/v1/shortlist"))
        .header("Accept-Encoding", "gzip")
        .header("If-None-Match", &zipped_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
}
