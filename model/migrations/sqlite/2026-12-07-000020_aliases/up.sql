-- Where an alias comes from: `seed` (seeds/aliases.csv, shipped), `reference` (a column of a
-- regions import: BPS names, 2025 names, an aliases column) or `user` (POST /api/v1/aliases);
-- for `user`, the token label and the time (RFC 3339 UTC) it was added.
ALTER TABLE region_aliases ADD COLUMN source TEXT NOT NULL DEFAULT 'reference';
ALTER TABLE region_aliases ADD COLUMN added_by TEXT;
ALTER TABLE region_aliases ADD COLUMN added_at TEXT;
