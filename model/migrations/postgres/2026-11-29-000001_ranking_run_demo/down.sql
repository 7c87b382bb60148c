ALTER TABLE ranking_runs DROP COLUMN demo;
