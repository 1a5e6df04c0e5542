-- PostgreSQL twin of sqlite/0004_tokens.sql, plus seq: the creation order
-- that SQLite keeps in its rowid (tokens created in one nanosecond list in
-- the order they were made).
CREATE TABLE api_tokens (
	id           TEXT   PRIMARY KEY,
	name         TEXT   NOT NULL,
	role         TEXT   NOT NULL CHECK (role IN ('viewer', 'operator', 'approver')),
	secret_hash  TEXT   NOT NULL,
	created_ns   BIGINT NOT NULL,
	expires_ns   BIGINT NOT NULL,
	revoked_ns   BIGINT,
	created_by   TEXT   NOT NULL,
	last_used_ns BIGINT,
	seq          BIGINT GENERATED ALWAYS AS IDENTITY
);

CREATE INDEX api_tokens_name ON api_tokens (name, created_ns);
