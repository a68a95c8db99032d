-- PostgreSQL twin of store/migrations/004_active_sets.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 004: who was active, per day, as sorted sets of user refs. Exact distinct-user counts over weeks,
-- months and whole ranges (active_users, used_*) are unions of these sets instead of COUNT(DISTINCT)
-- over every user-day row. Rebuilt inside the transaction of every users or user-teams report.
--
-- kind: 'all' (any activity), a used_* flag, or a dimension (ide, feature, language, model, agent,
-- customization, adoption_phase, ide_version, plugin_version, cli_version, team). key: the dimension
-- value's id (dictionary id, or team ref), 0 for 'all' and flags. users: ascending user refs, stored as
-- LEB128 varints of the gaps between them.
CREATE TABLE active_sets (
  scope_id integer NOT NULL,
  kind text NOT NULL,
  day integer NOT NULL,
  key integer NOT NULL,
  users bytea NOT NULL,
  PRIMARY KEY (scope_id, kind, day, key)
);
