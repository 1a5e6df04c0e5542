-- PostgreSQL twin of sqlite/0005_approvals.sql (the sealed request in
-- BYTEA).
CREATE TABLE approvals (
	id            TEXT   PRIMARY KEY,
	operation     TEXT   NOT NULL,
	target        TEXT   NOT NULL,
	route         TEXT   NOT NULL,
	confirmation  TEXT   NOT NULL,
	request_hash  TEXT   NOT NULL,
	requested_by  TEXT   NOT NULL,
	requested_via TEXT   NOT NULL,
	created_ns    BIGINT NOT NULL,
	expires_ns    BIGINT NOT NULL,
	status        TEXT   NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'executed', 'failed')),
	decided_by    TEXT   NOT NULL DEFAULT '',
	decided_ns    BIGINT,
	reason        TEXT   NOT NULL DEFAULT '',
	answer        TEXT   NOT NULL DEFAULT '',
	sealed        BYTEA,
	result        TEXT   NOT NULL DEFAULT '',
	finished_ns   BIGINT
);

CREATE INDEX approvals_status ON approvals (status, created_ns);
