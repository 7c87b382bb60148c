-- Runs name themselves and move through a workflow: draft → proposed → approved → adopted
-- (then superseded or withdrawn). proposed_by is kept for the four-eyes check on approval.
ALTER TABLE ranking_runs ADD COLUMN title TEXT;
ALTER TABLE ranking_runs ADD COLUMN notes TEXT;
ALTER TABLE ranking_runs ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE ranking_runs ADD COLUMN proposed_by TEXT;

-- Every status a run has had: who moved it there, when, and why.
CREATE TABLE run_history (
    id SERIAL PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES ranking_runs (id),
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX run_history_run ON run_history (run_id, id);
INSERT INTO run_history (run_id, status, at, actor, reason)
    SELECT id, 'draft', created_at, created_by, NULL FROM ranking_runs;

-- The lists a ministry adopted, by decision; status adopted, superseded or withdrawn.
CREATE TABLE adoptions (
    id SERIAL PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES ranking_runs (id),
    programme TEXT NOT NULL,
    year INTEGER NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    signatories TEXT NOT NULL,
    adopted_at TEXT NOT NULL,
    adopted_by TEXT NOT NULL,
    status TEXT NOT NULL,
    ended_at TEXT,
    ended_by TEXT,
    end_reason TEXT
);
CREATE INDEX adoptions_programme_year ON adoptions (programme, year, id);
-- At most one list in force per programme and year, even under concurrent adoptions.
CREATE UNIQUE INDEX adoptions_in_force ON adoptions (programme, year) WHERE status = 'adopted';
