-- Portable types only: TEXT, INTEGER, DOUBLE PRECISION, BOOLEAN; times are RFC 3339 UTC text.
CREATE TABLE provinces (
    code TEXT PRIMARY KEY NOT NULL,
    bps_code TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL,
    bps_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    province_code TEXT NOT NULL REFERENCES provinces(code),
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    code_2025 TEXT,
    name_2025 TEXT
);
CREATE INDEX regions_province ON regions(province_code);

CREATE TABLE region_aliases (
    id SERIAL PRIMARY KEY,
    region_code TEXT NOT NULL,
    alias TEXT NOT NULL,
    UNIQUE (region_code, alias)
);

CREATE TABLE datasets (
    id SERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    year INTEGER,
    indicator TEXT,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    demo BOOLEAN NOT NULL
);
CREATE INDEX datasets_kind_year ON datasets(kind, year);

CREATE TABLE observations (
    id SERIAL PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    region_code TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    se DOUBLE PRECISION,
    n INTEGER,
    method TEXT,
    predicate TEXT,
    UNIQUE (dataset_id, region_code)
);
CREATE INDEX observations_region ON observations(region_code);

CREATE TABLE boundaries (
    id SERIAL PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    region_code TEXT NOT NULL,
    geometry TEXT NOT NULL,
    UNIQUE (dataset_id, region_code)
);

CREATE TABLE ranking_runs (
    id SERIAL PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    params TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id SERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id SERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
