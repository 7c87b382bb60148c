-- Whether a saved run used synthetic demo data, so lists can say it without reading bodies.
ALTER TABLE ranking_runs ADD COLUMN demo BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE ranking_runs SET demo = COALESCE((body::json ->> 'demo')::boolean, FALSE);
