-- The state observed before sending a write without a token (for example
-- the node IDs of a group before IncreaseNodes): what reconciliation
-- compares against after an unknown outcome. Not part of the intent hash.
ALTER TABLE attempts ADD COLUMN observed TEXT;
