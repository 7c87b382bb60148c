//! Hostile input for the import parsers and the scenario: arbitrary bytes and structured but
//! wrong tables and scenarios never panic, never write a partial dataset, and never run away.
//!
//! Cases per property: proptest's default (256), or `PROPTEST_CASES=N` (the fuzz profile,
//! see BENCHMARKS.md).

use std::cell::RefCell;

use model::ModelError;
use model::dataset::{Dataset, DatasetKind};
use model::db::{DbConnection, DbPool};
use model::import::{Format, ImportRequest, Limits, Table, import};
use model::scenario::{RankingRequest, compute};
use proptest::prelude::*;

/// One database with the demo data per test binary run (per property), reused by every case:
/// a refused import writes nothing, so cases do not disturb each other.
fn demo_database() -> (tempfile::TempDir, DbPool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fuzz.db").display());
    let pool = model::db::connect_and_migrate(&url).unwrap();
    let mut conn = pool.get().unwrap();
    model::seed::sync_reference(&mut conn).unwrap();
    model::seed::load_demo_if_empty(&mut conn).unwrap();
    drop(conn);
    (dir, pool)
}

fn kinds() -> impl Strategy<Value = DatasetKind> {
    prop_oneof![
        Just(DatasetKind::Regions),
        Just(DatasetKind::Stunting),
        Just(DatasetKind::Spbe),
        Just(DatasetKind::Covariate),
        Just(DatasetKind::Population),
        Just(DatasetKind::Boundaries),
    ]
}

/// Imports `content` and checks the contract: success, or an expected refusal that wrote
/// nothing. Anything else (a panic, a database error) fails the property.
fn import_holds_its_contract(
    conn: &mut DbConnection,
    kind: DatasetKind,
    format: Option<Format>,
    content: &[u8],
) -> Result<(), TestCaseError> {
    let before = Dataset::list(conn).unwrap().len();
    let outcome = import(
        conn,
        &ImportRequest {
            kind,
            year: Some(2023),
            source: Some("fuzz"),
            indicator: Some("fuzz"),
            format,
            content,
            demo: false,
            actor: &model::audit::Actor::local("fuzz"),
            limits: Limits::default(),
            publish: Some(model::dataset::PublishOptions::direct(true)),
        },
    );
    let after = Dataset::list(conn).unwrap().len();
    match outcome {
        Ok(o) => prop_assert_eq!(after, before + usize::from(o.created)),
        Err(ModelError::InvalidRows(rows)) => {
            prop_assert!(!rows.is_empty());
            prop_assert_eq!(after, before);
        }
        Err(ModelError::Invalid { .. } | ModelError::NotFound { .. }) => {
            prop_assert_eq!(after, before)
        }
        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
    }
    Ok(())
}

/// A cell a real table might hold, or one that is almost right.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{2}\\.[0-9]{2}",
        "1[1-9]\\.[0-9]{2}",
        "-?[0-9]{1,4}([.,][0-9]{1,3})?%?",
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("1e308".to_string()),
        Just("=HYPERLINK(\"x\")".to_string()),
        "Kabupaten Contoh [0-9]{3}",
        "\"[a-z;, \"]{0,8}\"",
        any::<String>(),
    ]
}

fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("code".to_string()),
        Just("kode".to_string()),
        Just("bps_code".to_string()),
        Just("name".to_string()),
        Just("province".to_string()),
        Just("prevalence".to_string()),
        Just("se".to_string()),
        Just("n".to_string()),
        Just("index".to_string()),
        Just("value".to_string()),
        Just("year".to_string()),
        Just("kind".to_string()),
        "[a-z_]{1,10}",
    ]
}

/// A table with plausible headers and a mixture of right and wrong cells.
fn structured_table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    prop::collection::vec(header(), 1..6).prop_flat_map(|headers| {
        let width = headers.len();
        (
            Just(headers),
            prop::collection::vec(prop::collection::vec(cell(), 0..=width + 1), 0..12),
        )
    })
}

fn to_csv(headers: &[String], rows: &[Vec<String>], delimiter: &str) -> String {
    let mut text = headers.join(delimiter);
    text.push('\n');
    for row in rows {
        text.push_str(&row.join(delimiter));
        text.push('\n');
    }
    text
}

fn to_json(headers: &[String], rows: &[Vec<String>]) -> String {
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            let map: serde_json::Map<String, serde_json::Value> = headers
                .iter()
                .zip(row)
                .map(|(h, c)| {
                    let value = c
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map_or_else(|| serde_json::Value::String(c.clone()), Into::into);
                    (h.clone(), value)
                })
                .collect();
            serde_json::Value::Object(map)
        })
        .collect();
    serde_json::to_string(&items).unwrap()
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(Into::into),
        any::<i64>().prop_map(Into::into),
        any::<f64>().prop_map(
            |f| serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into)
        ),
        cell().prop_map(Into::into),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec((header(), inner), 0..6)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_table_parser(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        format in prop_oneof![Just(None), Just(Some(Format::Csv)), Just(Some(Format::Json)), Just(Some(Format::Xlsx))],
    ) {
        let _ = Table::parse(&bytes, format);
        let mut zip = model::import::table::ZIP_MAGIC.to_vec();
        zip.extend_from_slice(&bytes);
        let _ = Table::parse(&zip, format);
    }
}

#[test]
fn arbitrary_bytes_and_wrong_tables_imported_write_all_or_nothing() {
    let (_dir, pool) = demo_database();
    let conn = RefCell::new(pool.get().unwrap());
    let config = ProptestConfig::default();
    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner
        .run(
            &(
                kinds(),
                prop_oneof![
                    prop::collection::vec(any::<u8>(), 0..1024).prop_map(|b| (b, None)),
                    (structured_table(), prop_oneof![Just(","), Just(";")]).prop_map(
                        |((h, r), d)| (to_csv(&h, &r, d).into_bytes(), Some(Format::Csv))
                    ),
                    structured_table()
                        .prop_map(|(h, r)| (to_json(&h, &r).into_bytes(), Some(Format::Json))),
                    json_value().prop_map(|v| (v.to_string().into_bytes(), Some(Format::Json))),
                ],
            ),
            |(kind, (content, format))| {
                import_holds_its_contract(&mut conn.borrow_mut(), kind, format, &content)
            },
        )
        .unwrap();
}

/// A scenario that is the right shape with wrong values, or any JSON at all.
fn scenario_json() -> impl Strategy<Value = serde_json::Value> {
    let number = prop_oneof![
        Just(serde_json::json!(0)),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(1e300)),
        Just(serde_json::json!(u64::MAX)),
        (-5.0f64..600.0).prop_map(|f| serde_json::json!(f)),
        (0usize..600).prop_map(|n| serde_json::json!(n)),
    ];
    let codes = || prop::collection::vec(cell(), 0..8);
    prop_oneof![
        json_value(),
        (
            number.clone(),
            prop_oneof![Just("composite"), Just("need"), Just("residual"), Just("burden"), Just("trend"), Just("other")],
            (number.clone(), number.clone()),
            (codes(), codes(), number.clone(), number.clone()),
            prop::option::of((0usize..40, any::<u64>())),
            prop::option::of(1990i32..2040),
        )
            .prop_map(|(k, method, (ws, wp), (include, exclude, min_spbe, max_pp), draws, year)| {
                let mut s = serde_json::json!({
                    "k": k,
                    "method": method,
                    "weights": {"stunting": ws, "spbe": wp},
                    "constraints": {"include": include, "exclude": exclude, "min_spbe": min_spbe, "max_per_province": max_pp},
                    "stunting_year": year,
                });
                if let Some((draws, seed)) = draws {
                    s["uncertainty"] = serde_json::json!({"draws": draws, "seed": seed});
                }
                s
            }),
    ]
}

#[test]
fn wrong_scenarios_are_refused_or_computed_never_panic() {
    let (_dir, pool) = demo_database();
    let conn = RefCell::new(pool.get().unwrap());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::default());
    runner
        .run(&scenario_json(), |value| {
            let Ok(request) = serde_json::from_value::<RankingRequest>(value) else {
                return Ok(());
            };
            // Draws are bounded by the scenario's own limit (100,000); the fuzz keeps to few
            // of them so that it stays a test of validation, not of the Monte Carlo's speed.
            if request.uncertainty.as_ref().is_some_and(|u| u.draws > 50) {
                return Ok(());
            }
            match compute(&mut conn.borrow_mut(), &request) {
                Ok(result) => prop_assert!(
                    result.districts.iter().filter(|d| d.selected).count() <= request.k
                ),
                Err(
                    ModelError::Invalid { .. }
                    | ModelError::NotFound { .. }
                    | ModelError::Infeasible(_)
                    | ModelError::InsufficientData { .. },
                ) => {}
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
            Ok(())
        })
        .unwrap();
}
