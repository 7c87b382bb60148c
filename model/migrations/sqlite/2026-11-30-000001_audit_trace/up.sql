-- Trace every audit row to the request that made it (X-Request-Id) and, behind the government
-- API gateway, to the consumer the gateway named.
ALTER TABLE audit_log ADD COLUMN request_id TEXT;
ALTER TABLE audit_log ADD COLUMN consumer TEXT;
CREATE INDEX audit_log_request_id ON audit_log (request_id);
