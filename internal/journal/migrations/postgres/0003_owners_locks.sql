-- PostgreSQL twin of sqlite/0003_owners_locks.sql. The locks table works
-- the same way on both: a row per target, free when its lease ran out;
-- takers serialize on a transaction-scoped advisory lock per name.
ALTER TABLE attempts ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN owner_host TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN owner_pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN lease_ns BIGINT;

CREATE INDEX attempts_key ON attempts (idempotency_key) WHERE idempotency_key != '';
CREATE INDEX attempts_target ON attempts (scope, target, id);
CREATE INDEX attempts_owner ON attempts (owner) WHERE status = 'pending';

CREATE TABLE locks (
	name        TEXT    PRIMARY KEY,
	owner       TEXT    NOT NULL,
	host        TEXT    NOT NULL,
	pid         INTEGER NOT NULL,
	actor       TEXT    NOT NULL,
	intent_hash TEXT    NOT NULL,
	operation   TEXT    NOT NULL,
	acquired_ns BIGINT  NOT NULL,
	lease_ns    BIGINT  NOT NULL
);

CREATE TABLE flights (
	owner           TEXT   PRIMARY KEY,
	intent_hash     TEXT   NOT NULL,
	scope           TEXT   NOT NULL,
	target          TEXT   NOT NULL,
	idempotency_key TEXT   NOT NULL,
	client          TEXT   NOT NULL,
	finished_ns     BIGINT NOT NULL,
	attempt_id      BIGINT,
	status          TEXT   NOT NULL,
	outcome         TEXT   NOT NULL
);

CREATE INDEX flights_time ON flights (finished_ns);
CREATE INDEX flights_key ON flights (idempotency_key) WHERE idempotency_key != '';
CREATE INDEX flights_intent ON flights (intent_hash, finished_ns);

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
