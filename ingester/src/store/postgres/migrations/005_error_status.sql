-- PostgreSQL twin of store/migrations/005_error_status.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 005: the HTTP status GitHub answered when a report failed (401, 403, 404, 5xx...), so clients can
-- tell a permission or policy problem from an outage without parsing the message.
ALTER TABLE reports ADD COLUMN error_status bigint;
