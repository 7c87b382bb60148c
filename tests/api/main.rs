//! Black-box tests: each starts the real app on port 0 with a fresh temp-file database.
// Tests may unwrap: a panic is the failure report.

mod helpers;

/// The correlation model endpoint.
mod analysis;
/// API conventions: OpenAPI, docs page, ETags, gzip, rate limits, read tokens, opaque 500s.
mod contract;
/// Defects found in review, each reproduced before its fix.
mod defects;
/// Hostile query strings: never a 5xx, never a hang.
mod fuzz;
/// Liveness, readiness, metrics, error shapes for unknown routes and methods.
mod health;
/// The hot path: caches, warm-up, freshness across replicas.
mod hotpath;
/// What the list buys: burden, coverage, projection, change over time.
mod impact;
/// Uploads: formats, validation, all-or-nothing, idempotency, tokens.
mod imports;
/// The published OpenAPI document: valid 3.1, and every real response matches its schema.
mod openapi;
/// The planners' page: provinces for the tile map, boundaries, embedded assets, CSP.
mod page;
/// Ranking runs, the shortlist, constraints, uncertainty, diffs, CSV and GeoJSON.
mod rankings;
/// The real reference data in ../shared/data, read in place.
mod reference;
/// The region endpoints.
mod regions;
/// Storage on SQLite and (with LOKUS_TEST_POSTGRES_URL) PostgreSQL.
mod storage;
/// Blank import templates per kind (CSV and Excel).
mod templates;
/// Token lifecycle, rate limits, input limits, slow clients, CORS, backups.
mod trust;
/// Excel workbook uploads and the population kind.
mod workbooks;
