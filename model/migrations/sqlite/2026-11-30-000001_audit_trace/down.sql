DROP INDEX audit_log_request_id;
ALTER TABLE audit_log DROP COLUMN consumer;
ALTER TABLE audit_log DROP COLUMN request_id;
