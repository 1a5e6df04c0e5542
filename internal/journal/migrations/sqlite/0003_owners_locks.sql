-- Who sent each attempt, and for how long it is known to be in flight:
-- an attempt still pending whose owner's lease ran out (or whose process
-- is gone) has an unknown outcome. scope names the cloud endpoint and, for
-- the sandbox, its generation: intents are the same only within a scope.
ALTER TABLE attempts ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN owner_host TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN owner_pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN lease_ns INTEGER;

CREATE INDEX attempts_key ON attempts (idempotency_key) WHERE idempotency_key != '';
CREATE INDEX attempts_target ON attempts (scope, target, id);

-- One row per target being written: the lock every write holds from its
-- check through confirm, send and record. A row whose lease ran out, or
-- whose process on this host is gone, is free.
CREATE TABLE locks (
	name        TEXT    PRIMARY KEY,
	owner       TEXT    NOT NULL,
	host        TEXT    NOT NULL,
	pid         INTEGER NOT NULL,
	actor       TEXT    NOT NULL,
	intent_hash TEXT    NOT NULL,
	operation   TEXT    NOT NULL,
	acquired_ns INTEGER NOT NULL,
	lease_ns    INTEGER NOT NULL
);

-- What each finished write call (a flight) came to: identical calls that
-- waited for it get its result instead of sending again, and a later call
-- with the same idempotency key gets the recorded result.
CREATE TABLE flights (
	owner           TEXT    PRIMARY KEY,
	intent_hash     TEXT    NOT NULL,
	scope           TEXT    NOT NULL,
	target          TEXT    NOT NULL,
	idempotency_key TEXT    NOT NULL,
	client          TEXT    NOT NULL,
	finished_ns     INTEGER NOT NULL,
	attempt_id      INTEGER,
	status          TEXT    NOT NULL,
	outcome         TEXT    NOT NULL
);

CREATE INDEX flights_time ON flights (finished_ns);
CREATE INDEX flights_key ON flights (idempotency_key) WHERE idempotency_key != '';
CREATE INDEX flights_intent ON flights (intent_hash, finished_ns);

-- Small facts about the journal itself (when its integrity was checked).
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
