-- One row per write attempt. Times are Unix nanoseconds (UTC).
CREATE TABLE attempts (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	time_ns         INTEGER NOT NULL,
	actor           TEXT    NOT NULL,
	actor_kind      TEXT    NOT NULL,
	client          TEXT    NOT NULL,
	profile         TEXT    NOT NULL,
	provider        TEXT    NOT NULL,
	region          TEXT    NOT NULL,
	operation       TEXT    NOT NULL,
	target          TEXT    NOT NULL,
	params          TEXT    NOT NULL,
	intent_hash     TEXT    NOT NULL,
	idempotency_key TEXT    NOT NULL,
	token_kind      TEXT    NOT NULL CHECK (token_kind IN ('client-token', 'request-tag', 'none')),
	token           TEXT    NOT NULL,
	attempt         INTEGER NOT NULL CHECK (attempt >= 1),
	status          TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
	result_ids      TEXT    NOT NULL DEFAULT '[]',
	request_id      TEXT    NOT NULL DEFAULT '',
	error_code      TEXT    NOT NULL DEFAULT '',
	error_message   TEXT    NOT NULL DEFAULT '',
	finished_ns     INTEGER,
	detail          TEXT
);

CREATE INDEX attempts_intent ON attempts (intent_hash, id);
CREATE INDEX attempts_time ON attempts (time_ns);
CREATE INDEX attempts_status ON attempts (status, time_ns);

-- Audit events that are not writes: policy denials, declined confirmations,
-- loosened policy settings in effect, MCP tool calls.
CREATE TABLE audit_events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	time_ns    INTEGER NOT NULL,
	actor      TEXT    NOT NULL,
	actor_kind TEXT    NOT NULL,
	client     TEXT    NOT NULL,
	event      TEXT    NOT NULL,
	operation  TEXT    NOT NULL,
	target     TEXT    NOT NULL,
	detail     TEXT    NOT NULL
);

CREATE INDEX audit_events_time ON audit_events (time_ns);
