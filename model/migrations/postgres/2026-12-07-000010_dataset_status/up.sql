-- Data stewardship: an upload is staged until a steward publishes (or rejects) it.
-- status: staged | published | rejected | superseded. reviewed_at/by: who published or
-- rejected it and when; rejection_reason: the steward's words; superseded_by: the dataset
-- whose publication replaced it; data_version: the data version its publication made (the
-- cache key of every computation; monotonic across publications).
ALTER TABLE datasets ADD COLUMN status TEXT NOT NULL DEFAULT 'staged';
ALTER TABLE datasets ADD COLUMN reviewed_at TEXT;
ALTER TABLE datasets ADD COLUMN reviewed_by TEXT;
ALTER TABLE datasets ADD COLUMN rejection_reason TEXT;
ALTER TABLE datasets ADD COLUMN superseded_by INTEGER;
ALTER TABLE datasets ADD COLUMN data_version INTEGER;
-- Everything imported before stewardship was live at once: it stays live, and the data
-- version stays what it was (the newest dataset id).
UPDATE datasets SET status = 'published', data_version = id;
CREATE INDEX datasets_kind_status ON datasets (kind, status);
-- A staged region reference: its validated rows, written to the regions table on publication.
CREATE TABLE dataset_payloads (
    dataset_id INTEGER PRIMARY KEY REFERENCES datasets (id),
    body TEXT NOT NULL
);
