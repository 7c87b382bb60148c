//! Benchmarks of the ranking: one default ranking of 514 districts, Monte Carlo with 10,000 draws
//! of 514 districts, and a synthetic 84,000-unit case with 1,000 draws.
//!
//! Run with `cargo bench -p model --bench ranking`. The data are generated here from a fixed
//! seed, so every run measures the same input. At the end the process's peak resident set size
//! (VmHWM, Linux) is printed.

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use model::ranking::{Candidate, Constraints, Scenario, UncertaintyParams, rank, simulate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Synthetic districts: 38 provinces in contiguous blocks, SPBE uniform on 1–5, stunting
/// 8–45 % shifted down by 2 points per SPBE point above 3, one in ten without a standard error.
fn synthetic(n: usize, seed: u64) -> Vec<Candidate> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let provinces = 38;
    (0..n)
        .map(|i| {
            let p = 11 + i * provinces / n;
            let spbe: f64 = rng.random_range(1.0..5.0);
            let stunting = (rng.random_range(8.0..45.0) - 2.0 * (spbe - 3.0)).clamp(2.0, 60.0);
            let stunting_se = if rng.random_range(0..10) == 0 {
                None
            } else {
                Some(rng.random_range(0.8..3.5))
            };
            Candidate {
                code: format!("{p:02}.{i:05}"),
                province_code: p.to_string(),
                stunting,
                stunting_se,
                spbe,
                ..Default::default()
            }
        })
        .collect()
}

fn bench_rank(c: &mut Criterion) {
    let data = synthetic(514, 1);
    let default = Scenario::default();
    let constrained = Scenario {
        constraints: Constraints {
            min_spbe: Some(2.0),
            max_per_province: Some(6),
            min_per_province: Some(1),
            include: data
                .iter()
                .filter(|c| c.spbe >= 2.0)
                .step_by(97)
                .map(|c| c.code.clone().into())
                .collect(),
            exclude: data
                .iter()
                .skip(5)
                .step_by(101)
                .map(|c| c.code.clone().into())
                .collect(),
        },
        ..Scenario::default()
    };
    let mut g = c.benchmark_group("rank");
    g.bench_function("default_514", |b| {
        b.iter(|| rank(black_box(&data), black_box(&default)).unwrap())
    });
    g.bench_function("constrained_514", |b| {
        b.iter(|| rank(black_box(&data), black_box(&constrained)).unwrap())
    });
    g.finish();
}

fn bench_simulate(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);

    let data = synthetic(514, 1);
    let sc = Scenario::default();
    let p = UncertaintyParams {
        draws: 10_000,
        ..UncertaintyParams::default()
    };
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("514x10000", |b| {
        b.iter(|| simulate(black_box(&data), &sc, &p).unwrap())
    });

    let big = synthetic(84_000, 2);
    let sc = Scenario {
        k: 1_000,
        ..Scenario::default()
    };
    let p = UncertaintyParams {
        draws: 1_000,
        ..UncertaintyParams::default()
    };
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("84000x1000", |b| {
        b.iter(|| simulate(black_box(&big), &sc, &p).unwrap())
    });
    g.finish();
}

/// Peak resident set size of this process, from /proc/self/status (Linux only).
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_rank(&mut c);
    bench_simulate(&mut c);
    c.final_summary();
    if let Some(rss) = peak_rss() {
        println!("peak RSS (VmHWM) of the benchmark process: {rss}");
    }
}
