//! Black-box tests: each starts the real app on port 0 with a fresh temp-file database.
// Tests may unwrap: a panic is the failure report.

mod helpers;

/// Liveness, readiness, metrics, error shapes for unknown routes and methods.
mod health;
/// Uploads: formats, validation, all-or-nothing, idempotency, tokens.
mod imports;
/// The real reference data in ../shared/data, read in place.
mod reference;
/// The region endpoints.
mod regions;
/// Storage on SQLite and (with LOKUS_TEST_POSTGRES_URL) PostgreSQL.
mod storage;
