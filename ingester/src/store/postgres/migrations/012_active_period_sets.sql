-- PostgreSQL twin of store/migrations/012_active_period_sets.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 012: who was active, per ISO week and per calendar month: the union of the per-day active sets (004)
-- of the period's stored days, for every kind and key. Distinct-user counts over whole weeks, whole
-- months and long ranges read one set per period instead of one per day; the days at a range's ends
-- still come from active_sets. Rebuilt inside the transaction that rebuilds one of the period's day
-- sets (every users or user-teams report), and by the migration from the day sets already stored.
--
-- period: 'week' (start: the Monday) or 'month' (start: the 1st), as day numbers. kind, key and users
-- as in active_sets. A row exists when at least one day of the period has a set of that kind and key.
CREATE TABLE active_period_sets (
  scope_id integer NOT NULL,
  kind text NOT NULL,
  period text NOT NULL CHECK (period IN ('week', 'month')),
  start integer NOT NULL,
  key integer NOT NULL,
  users bytea NOT NULL,
  PRIMARY KEY (scope_id, kind, period, start, key)
);
