-- The idempotency key of the request an approval holds: requests that
-- differ only by key are different writes, so each gets its own
-- approval, and a retry with its key finds its own.
ALTER TABLE approvals ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
