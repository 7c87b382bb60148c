DROP TABLE adoptions;
DROP TABLE run_history;
ALTER TABLE ranking_runs DROP COLUMN proposed_by;
ALTER TABLE ranking_runs DROP COLUMN status;
ALTER TABLE ranking_runs DROP COLUMN notes;
ALTER TABLE ranking_runs DROP COLUMN title;
