//! Golden values: the demo data's bytes, the demo analysis and the default Monte Carlo run,
//! pinned.
//!
//! These numbers are *not* derived by hand; they were recorded from the implementation and are
//! here so that anything that changes a published result — a dependency upgrade (rand,
//! rand_distr, rand_chacha, statrs, linfa…), a compiler change in floating point, a refactor —
//! fails CI instead of silently changing results under the same rules version.
//!
//! **When a change to results is intended:** bump `model::scenario::RULES_VERSION` (so old
//! runs stay distinguishable by their fingerprint), then update the values below from the
//! failure messages, which print every observed value, and say in the commit why they moved.
//! Never update them without bumping the rules version.
//!
//! The pinned Pearson r and its Fisher interval are also recomputed here from the demo CSV rows
//! by the plain textbook formulas, so the golden value itself is checked, not only recorded.

use std::collections::HashMap;

use model::analysis::{JoinRequest, JoinedData, analyse};
use model::dataset::{Dataset, DatasetKind};
use model::demo::DemoData;
use model::ranking::UncertaintyParams;
use model::scenario::{RULES_VERSION, RankingRequest, compute};
use model::stats::CorrelationParams;
use sha2::{Digest, Sha256};
use statrs::distribution::{ContinuousCDF, Normal};

/// Rules version the values below were recorded under.
const PINNED_RULES_VERSION: &str = "lokus-ranking-1";

/// SHA-256 (hex) of the generated demo tables, as the importer hashes the uploaded bytes.
const REGIONS_CSV_SHA256: &str = "587962c6b9b50893e1e8e681244326d4ebb680933306809a932ef3d7486e2d54";
const STUNTING_CSV_SHA256: &str =
    "c2d52351dadef5275ecc5434851383dd77a1abb50681ef08865b7074bc9ef232";
const SPBE_CSV_SHA256: &str = "363292da5235ac49a0fc90909d38630f371d01dba57906c082f919fe5733115b";

/// Demo analysis (`analyse` with the default `CorrelationParams`: 2,000 resamples, seed 42).
const N: usize = 514;
const PEARSON_R: f64 = -0.19625488744836836;
const FISHER_CI95: [f64; 2] = [-0.2780229491613262, -0.11166311480235443];
const BOOTSTRAP_CI95: [f64; 2] = [-0.27956351616176556, -0.11396497128534472];

/// Default ranking request with `UncertaintyParams::default()` (1,000 draws, seed 42):
/// the first 10 districts by rank with their p_selected (exact: they are counts / 1,000).
const TOP_10: [(&str, f64); 10] = [
    ("13.80", 1.0),
    ("33.62", 1.0),
    ("63.42", 1.0),
    ("33.56", 1.0),
    ("75.80", 1.0),
    ("32.82", 1.0),
    ("82.47", 1.0),
    ("13.43", 1.0),
    ("33.84", 0.998),
    ("33.50", 1.0),
];
/// The 5 most contested districts (p_selected closest to ½; ties by rank) with their p_selected.
const MOST_CONTESTED: [(&str, f64); 5] = [
    ("32.52", 0.497),
    ("11.52", 0.497),
    ("32.50", 0.504),
    ("33.46", 0.508),
    ("14.48", 0.49),
];

/// Tolerance for the pinned real-valued statistics.
const EPS: f64 = 1e-12;

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A fresh SQLite database in a temporary directory with the reference data and the demo
/// data loaded, as the service does on first start.
fn demo_database() -> (tempfile::TempDir, model::db::DbPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("golden.db").display());
    let pool = model::db::connect_and_migrate(&url).expect("database");
    let mut conn = pool.get().expect("connection");
    model::seed::sync_reference(&mut conn).expect("reference data");
    assert!(model::seed::load_demo_if_empty(&mut conn).expect("demo data"));
    (dir, pool)
}

/// The values below belong to one rules version; a bump without re-recording them fails here.
#[test]
fn the_golden_values_were_recorded_under_the_current_rules_version() {
    // If this fails, the rules version was bumped: re-record every value in this file.
    assert_eq!(RULES_VERSION, PINNED_RULES_VERSION);
}

/// SHA-256 of the generated CSV bytes (regions, stunting, SPBE), and the same hex strings on
/// the dataset rows the importer writes (it hashes the uploaded bytes as they are).
#[test]
fn the_demo_tables_have_the_pinned_sha256_and_the_importer_stores_it() {
    // Arrange
    let demo = DemoData::generate();
    let observed = [
        sha256_hex(demo.regions_csv().as_bytes()),
        sha256_hex(demo.stunting_csv().as_bytes()),
        sha256_hex(demo.spbe_csv().as_bytes()),
    ];

    // Assert: the bytes.
    assert_eq!(
        observed,
        [REGIONS_CSV_SHA256, STUNTING_CSV_SHA256, SPBE_CSV_SHA256],
        "observed sha256 of regions, stunting, spbe"
    );

    // Assert: the datasets written by the importer carry the same hashes.
    let (_dir, pool) = demo_database();
    let mut conn = pool.get().unwrap();
    let stored: HashMap<String, String> = Dataset::list(&mut conn)
        .unwrap()
        .into_iter()
        .map(|d| (d.kind, d.sha256))
        .collect();
    assert_eq!(stored[DatasetKind::Regions.as_str()], REGIONS_CSV_SHA256);
    assert_eq!(stored[DatasetKind::Stunting.as_str()], STUNTING_CSV_SHA256);
    assert_eq!(stored[DatasetKind::Spbe.as_str()], SPBE_CSV_SHA256);
}

/// The analysis the service reports for the demo data (`GET /api/v1/analysis`: the default
/// join, `CorrelationParams::default()`), pinned to 1e-12.
#[test]
fn the_demo_analysis_has_the_pinned_r_fisher_interval_and_bootstrap_interval() {
    // Arrange
    let (_dir, pool) = demo_database();
    let mut conn = pool.get().unwrap();
    let joined = JoinedData::load(&mut conn, &JoinRequest::default()).unwrap();

    // Act
    let a = analyse(&joined, &CorrelationParams::default()).unwrap();

    // Assert
    let observed = format!(
        "n {} r {:?} fisher {:?} bootstrap {:?}",
        a.n, a.pearson.r, a.pearson.ci95, a.bootstrap_ci95
    );
    assert_eq!(a.n, N, "{observed}");
    assert!((a.pearson.r - PEARSON_R).abs() <= EPS, "{observed}");
    for i in 0..2 {
        assert!(
            (a.pearson.ci95[i] - FISHER_CI95[i]).abs() <= EPS,
            "{observed}"
        );
        assert!(
            (a.bootstrap_ci95[i] - BOOTSTRAP_CI95[i]).abs() <= EPS,
            "{observed}"
        );
    }
}

/// Independent check of the pinned values: Pearson's r from the demo CSV text by the centred
/// textbook formula r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² · Σ(y − ȳ)²) over the rows joined by
/// code, and the Fisher interval tanh(atanh r ± z₀.₉₇₅/√(n − 3)) with the exact normal
/// quantile z₀.₉₇₅ = 1.959963984… (the implementation rounds it to 1.959964, a difference of
/// under 10⁻⁹ in the bounds).
#[test]
fn the_pinned_r_and_fisher_interval_match_a_plain_recomputation_from_the_demo_csv() {
    // Arrange: parse the CSV text, not the generator's structs.
    let demo = DemoData::generate();
    let stunting: HashMap<String, f64> = demo
        .stunting_csv()
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (f[0].to_string(), f[1].parse().unwrap())
        })
        .collect();
    let pairs: Vec<(f64, f64)> = demo
        .spbe_csv()
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (f[1].parse::<f64>().unwrap(), stunting[f[0]])
        })
        .collect();

    // Act
    let n = pairs.len() as f64;
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxy: f64 = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = pairs.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let syy: f64 = pairs.iter().map(|(_, y)| (y - my).powi(2)).sum();
    let r = sxy / (sxx * syy).sqrt();
    let z975 = Normal::new(0.0, 1.0).unwrap().inverse_cdf(0.975);
    let half = z975 / (n - 3.0).sqrt();
    let fisher = [(r.atanh() - half).tanh(), (r.atanh() + half).tanh()];

    // Assert
    assert_eq!(pairs.len(), N);
    assert!((r - PEARSON_R).abs() <= EPS, "recomputed r {r:?}");
    for i in 0..2 {
        assert!(
            (fisher[i] - FISHER_CI95[i]).abs() <= 1e-8,
            "recomputed Fisher bound {i}: {:?}",
            fisher[i]
        );
    }
    // The bootstrap interval lies around r, and is of the same width as Fisher's within a
    // factor of 2 (the demo data are near-normal).
    assert!(BOOTSTRAP_CI95[0] < r && r < BOOTSTRAP_CI95[1]);
    let ratio = (BOOTSTRAP_CI95[1] - BOOTSTRAP_CI95[0]) / (fisher[1] - fisher[0]);
    assert!((0.5..2.0).contains(&ratio), "{ratio}");
}

/// `scenario::compute` of the default request plus the default uncertainty (1,000 draws,
/// seed 42) on a fresh SQLite database with the demo data: p_selected of the top 10 by rank and
/// of the 5 most contested, exactly (counts / 1,000), and Σ p_selected = k = 100.
#[test]
fn the_default_run_with_seed_42_has_the_pinned_selection_probabilities() {
    // Arrange
    let (_dir, pool) = demo_database();
    let mut conn = pool.get().unwrap();
    let req = RankingRequest {
        uncertainty: Some(UncertaintyParams::default()),
        ..RankingRequest::default()
    };
    assert_eq!(req.k, 100);
    let params = req.uncertainty.as_ref().unwrap();
    assert_eq!((params.draws, params.seed), (1000, 42));

    // Act
    let result = compute(&mut conn, &req).unwrap();

    // Assert
    let p = |i: usize| result.districts[i].p_selected.unwrap();
    let top: Vec<(String, f64)> = (0..10)
        .map(|i| (result.districts[i].code.clone(), p(i)))
        .collect();
    let mut by_contest: Vec<usize> = (0..result.districts.len()).collect();
    by_contest.sort_by(|&a, &b| (p(a) - 0.5).abs().total_cmp(&(p(b) - 0.5).abs()));
    let contested: Vec<(String, f64)> = by_contest[..5]
        .iter()
        .map(|&i| (result.districts[i].code.clone(), p(i)))
        .collect();
    let counts: Vec<u64> = (0..result.districts.len())
        .map(|i| (p(i) * 1000.0).round() as u64)
        .collect();
    let sum: f64 = (0..result.districts.len()).map(p).sum();
    let observed = format!("top 10 {top:?}\nmost contested {contested:?}\nsum {sum:?}");

    let pinned = |v: &[(&str, f64)]| -> Vec<(String, f64)> {
        v.iter().map(|&(c, p)| (c.to_string(), p)).collect()
    };
    assert_eq!(top, pinned(&TOP_10), "{observed}");
    assert_eq!(contested, pinned(&MOST_CONTESTED), "{observed}");
    // Every p_selected is a whole number of draws out of 1,000, and every draw selects k = 100.
    for (i, &c) in counts.iter().enumerate() {
        assert_eq!(c as f64 / 1000.0, p(i), "{}", result.districts[i].code);
    }
    assert_eq!(counts.iter().sum::<u64>(), 100 * 1000);
    assert!((sum - 100.0).abs() <= 1e-9, "{observed}");
}
