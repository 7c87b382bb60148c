//! Hostile query strings against the running app: whatever the parameters, the answer is a
//! 2xx/3xx/4xx with the JSON error shape, never a 5xx, and comes within a bound.
//!
//! Cases: 64 by default, `PROPTEST_CASES=N` for the fuzz profile (see BENCHMARKS.md).

use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use crate::helpers::spawn_app;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// A value a parameter might get: right, almost right, or anything (percent-encoded).
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "-?[0-9]{1,20}",
        "-?[0-9]{1,3}\\.[0-9]{1,3}(e[0-9]{1,3})?",
        Just("NaN".to_string()),
        Just("5000".to_string()),
        "(1[1-9]\\.[0-9]{2},?){1,6}",
        "(composite|need|residual|burden|trend|json|csv|geojson|true|false|en|id)",
        any::<String>()
            .prop_map(|s| { s.bytes().map(|b| format!("%{b:02X}")).collect::<String>() }),
        "[a-zA-Z0-9%&=;,._~+-]{0,30}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("k".to_string()),
        Just("method".to_string()),
        Just("draws".to_string()),
        Just("seed".to_string()),
        Just("page".to_string()),
        Just("per_page".to_string()),
        Just("include".to_string()),
        Just("exclude".to_string()),
        Just("min_spbe".to_string()),
        Just("max_per_province".to_string()),
        Just("weight_stunting".to_string()),
        Just("weight_spbe".to_string()),
        Just("stunting_year".to_string()),
        Just("spbe_year".to_string()),
        Just("format".to_string()),
        Just("all".to_string()),
        Just("q".to_string()),
        Just("province".to_string()),
        Just("kind".to_string()),
        Just("year".to_string()),
        Just("effect_points".to_string()),
        Just("target".to_string()),
        "[a-z_]{1,12}",
    ]
}

fn request() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("/api/v1/shortlist"),
            Just("/api/v1/projection"),
            Just("/api/v1/analysis"),
            Just("/api/v1/regions"),
            Just("/api/v1/datasets"),
            Just("/api/v1/rankings"),
            Just("/api/v1/provinces"),
            Just("/api/v1/regions/11.01"),
        ],
        prop::collection::vec((name(), value()), 0..6),
    )
        .prop_map(|(path, params)| {
            let query: Vec<String> = params.iter().map(|(n, v)| format!("{n}={v}")).collect();
            format!("{path}?{}", query.join("&"))
        })
}

#[actix_web::test]
async fn arbitrary_query_strings_never_get_a_5xx_or_hang() {
    let app = spawn_app().await;
    let mut runner = TestRunner::default();
    let strategy = request();
    let n = cases();
    for _ in 0..n {
        let path = strategy.new_tree(&mut runner).unwrap().current();
        let response = actix_web::rt::time::timeout(
            Duration::from_secs(30),
            app.client.get(app.url(&path)).send(),
        )
        .await
        .unwrap_or_else(|_| panic!("no answer within 30 s: {path}"))
        .unwrap();
        let status = response.status().as_u16();
        assert!(status < 500, "{status} for {path}");
        if status >= 400 {
            let body: serde_json::Value = response.json().await.unwrap();
            let code = body["error"].as_str().unwrap_or_default();
            assert!(
                !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{status} {body} for {path}"
            );
        }
    }
    eprintln!("fuzzed {n} query strings");
}
