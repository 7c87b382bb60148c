-- Token lifecycle: when a token was last used, when it stops working, when it was revoked
-- (RFC 3339 UTC text like created_at; NULL = never / no expiry / active).
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
