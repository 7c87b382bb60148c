DROP TABLE dataset_payloads;
DROP INDEX datasets_kind_status;
ALTER TABLE datasets DROP COLUMN data_version;
ALTER TABLE datasets DROP COLUMN superseded_by;
ALTER TABLE datasets DROP COLUMN rejection_reason;
ALTER TABLE datasets DROP COLUMN reviewed_by;
ALTER TABLE datasets DROP COLUMN reviewed_at;
ALTER TABLE datasets DROP COLUMN status;
