//! Black-box tests: each starts the real app on port 0 with a fresh temp-file database.
// Tests may unwrap: a panic is the failure report.

mod helpers;

/// The correlation model endpoint.
mod analysis;
/// The audit log: request ids, gateway consumers, editor-only paged listing.
mod audit;
/// The same inputs give byte-identical rankings on SQLite and PostgreSQL.
mod backends;
/// API conventions: OpenAPI, docs page, ETags, gzip, rate limits, read tokens, opaque 500s.
mod contract;
/// From a saved run to an adopted list: workflow, four eyes, reasons, the official lists.
mod decision;
/// Defects found in review, each reproduced before its fix.
mod defects;
/// Did it work? Regression discontinuity and difference-in-differences of a saved list.
mod evaluation;
/// Excel downloads of shortlists, saved runs and diffs, read back and checked against the JSON.
mod excel;
/// CSV downloads people open: stated decimals, the Indonesian locale, preview = saved run.
mod exports;
/// Faults: concurrent imports and readers, the database down, full or read-only.
mod faults;
/// Hostile query strings: never a 5xx, never a hang.
mod fuzz;
/// The service under a gateway base path (`LOKUS_BASE_PATH`).
mod gateway;
/// Issue 17's server items: default lists under an import flood, slow and announced bodies,
/// contract residuals.
mod hardening;
/// Liveness, readiness, metrics, error shapes for unknown routes and methods.
mod health;
/// Hostile uploads: workbook bombs, comma floods, CRLF lines, boundaries that are no shapes.
mod hostile;
/// The hot path: caches, warm-up, freshness across replicas.
mod hotpath;
/// What the list buys: burden, coverage, projection, change over time.
mod impact;
/// Uploads: formats, validation, all-or-nothing, idempotency, tokens.
mod imports;
/// Error messages in Bahasa Indonesia or English by Accept-Language.
mod language;
/// Satu Data metadata: indicators, units of export columns, small-area estimates flagged.
mod metadata;
/// Names from the real world: validation, aliases, look-alike suggestions.
mod names;
/// What a list leaves out: the highest-stunting districts not selected, provinces without
/// one, the data quality of the selection, and the SPBE trade-off.
mod omissions;
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
/// Robustness across a grid of scenarios, checked against the shortlist of each.
mod robustness;
/// Data stewardship: staged uploads, review, publish and reject, four eyes, the press table.
mod stewardship;
/// Storage on SQLite and (with LOKUS_TEST_POSTGRES_URL) PostgreSQL.
mod storage;
/// Blank import templates per kind (CSV and Excel).
mod templates;
/// Token lifecycle, rate limits, input limits, slow clients, CORS, backups.
mod trust;
/// Webhooks (Standard Webhooks, verified by an independent implementation), retries, target
/// rules, the deliveries list and the event feed.
mod webhooks;
/// Excel workbook uploads and the population kind.
mod workbooks;
