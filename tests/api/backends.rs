//! The same inputs on SQLite and PostgreSQL give byte-identical rankings.

use serde_json::{Value, json};

use crate::helpers::{Backend, Options, TestApp, csv_of, spawn_app_on_backend};

/// The same extra files on top of the demo data, in the same order.
async fn load_the_same_inputs(app: &TestApp) {
    let codes = app.district_codes().await;
    let uploads = [
        (
            "kind=covariate&indicator=poverty_rate&year=2024",
            csv_of("code,value", &codes, |i| {
                3.0 + ((i * 37) % 190) as f64 / 10.0
            }),
        ),
        (
            "kind=stunting&year=2025",
            csv_of("code,prevalence", &codes, |i| {
                8.5 + ((i * 53) % 311) as f64 / 10.0
            }),
        ),
    ];
    for (query, csv) in uploads {
        let (status, body) = app.upload(query, "text/csv", csv).await;
        assert_eq!(status, 201, "{body}");
    }
}

/// A ranking body without what legitimately differs between two databases: run ids, times,
/// and when each dataset was imported and published.
fn comparable(mut body: Value) -> String {
    fn scrub(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for key in ["id", "created_at", "imported_at", "reviewed_at", "at"] {
                    map.remove(key);
                }
                map.values_mut().for_each(scrub);
            }
            Value::Array(items) => items.iter_mut().for_each(scrub),
            _ => {}
        }
    }
    scrub(&mut body);
    serde_json::to_string(&body).unwrap()
}

#[actix_web::test]
async fn the_same_inputs_give_byte_identical_rankings_on_sqlite_and_postgres() {
    if std::env::var("LOKUS_TEST_POSTGRES_URL").is_err() {
        crate::helpers::skip_or_fail("LOKUS_TEST_POSTGRES_URL is not set");
        return;
    }
    let sqlite = spawn_app_on_backend(Backend::Sqlite, Options::default()).await;
    let postgres = spawn_app_on_backend(Backend::Postgres, Options::default()).await;
    load_the_same_inputs(&sqlite).await;
    load_the_same_inputs(&postgres).await;

    // Served lists, compared byte for byte as the client gets them.
    for path in [
        "/api/v1/shortlist?format=csv&all=true",
        "/api/v1/shortlist?format=csv&all=true&method=residual",
        "/api/v1/shortlist?format=csv&all=true&method=trend",
        "/api/v1/shortlist?format=csv&all=true&method=burden",
    ] {
        let a = sqlite.get(path).await;
        let b = postgres.get(path).await;
        assert_eq!(
            (a.status().as_u16(), b.status().as_u16()),
            (200, 200),
            "{path}"
        );
        let (a, b) = (a.bytes().await.unwrap(), b.bytes().await.unwrap());
        assert!(a.len() > 1000, "{path}: a real list");
        assert!(a == b, "{path} differs between SQLite and PostgreSQL");
    }
    // Saved runs: every number, rank, reason and the fingerprint, with uncertainty.
    for scenario in [
        json!({"k": 40}),
        json!({"k": 25, "method": "residual", "uncertainty": {"draws": 300, "seed": 11}}),
        json!({"k": 30, "method": "burden", "weights": {"stunting": 0.7, "spbe": 0.3}}),
    ] {
        let (status_a, a) = sqlite.post_ranking(&scenario).await;
        let (status_b, b) = postgres.post_ranking(&scenario).await;
        assert_eq!((status_a, status_b), (201, 201), "{scenario}: {a} {b}");
        assert!(a["ranking"]["fingerprint"].is_string(), "{a}");
        assert_eq!(comparable(a), comparable(b), "{scenario}");
    }
}
