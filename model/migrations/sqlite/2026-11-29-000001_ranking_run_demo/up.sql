-- Whether a saved run used synthetic demo data, so lists can say it without reading bodies.
ALTER TABLE ranking_runs ADD COLUMN demo BOOLEAN NOT NULL DEFAULT 0;
UPDATE ranking_runs SET demo = COALESCE(json_extract(body, '$.demo'), 0);
