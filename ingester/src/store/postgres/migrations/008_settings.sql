-- PostgreSQL twin of store/migrations/008_settings.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 008: facts about how the database was written that must not silently change, such as the privacy
-- mode (PRIVACY_MODE) and a fingerprint of PRIVACY_KEY.
CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
