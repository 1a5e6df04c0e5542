-- Bearer tokens of 'emrctl serve' (package auth). Only the SHA-256 of each
-- token's secret is kept; the raw token is shown once, at creation.
-- Revoked and expired tokens stay, so that the actors of old journal
-- entries can still be looked up. Times are Unix nanoseconds (UTC).
CREATE TABLE api_tokens (
	id           TEXT    PRIMARY KEY,
	name         TEXT    NOT NULL,
	role         TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'approver')),
	secret_hash  TEXT    NOT NULL,
	created_ns   INTEGER NOT NULL,
	expires_ns   INTEGER NOT NULL,
	revoked_ns   INTEGER,
	created_by   TEXT    NOT NULL,
	last_used_ns INTEGER
);

CREATE INDEX api_tokens_name ON api_tokens (name, created_ns);
