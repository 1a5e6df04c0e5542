-- PostgreSQL twin of sqlite/0002_observed.sql.
ALTER TABLE attempts ADD COLUMN observed TEXT;
