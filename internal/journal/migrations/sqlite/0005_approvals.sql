-- Confirmations that wait for an approver (REST writes, MCP clients that
-- cannot show a dialog). A row is created pending, decided once (a
-- compare-and-set on status), and finished with the write's result. The
-- request to replay is kept sealed (AES-GCM, key outside the database)
-- and dropped when the approval is decided; the display copy is redacted.
-- Times are Unix nanoseconds (UTC).
CREATE TABLE approvals (
	id            TEXT    PRIMARY KEY,
	operation     TEXT    NOT NULL,
	target        TEXT    NOT NULL,
	route         TEXT    NOT NULL,
	confirmation  TEXT    NOT NULL,
	request_hash  TEXT    NOT NULL,
	requested_by  TEXT    NOT NULL,
	requested_via TEXT    NOT NULL,
	created_ns    INTEGER NOT NULL,
	expires_ns    INTEGER NOT NULL,
	status        TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'executed', 'failed')),
	decided_by    TEXT    NOT NULL DEFAULT '',
	decided_ns    INTEGER,
	reason        TEXT    NOT NULL DEFAULT '',
	answer        TEXT    NOT NULL DEFAULT '',
	sealed        BLOB,
	result        TEXT    NOT NULL DEFAULT '',
	finished_ns   INTEGER
);

CREATE INDEX approvals_status ON approvals (status, created_ns);
