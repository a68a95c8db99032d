-- PostgreSQL twin of store/migrations/009_user_month.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 009: per-user monthly totals of the counters people are ranked by (the columns of team_day), rebuilt
-- for a month inside the transaction of every users report of that month. A ranking of people over a
-- long range reads one row per user and whole month, and day rows only for the partial months at its
-- ends: a year at 100,000 users is about 4 M rows instead of 21 M. `month` is the day number of the
-- month's first day.
CREATE TABLE user_month (
  scope_id integer NOT NULL,
  month integer NOT NULL,
  user_ref integer NOT NULL,
  user_initiated_interaction_count bigint,
  code_generation_activity_count bigint,
  code_acceptance_activity_count bigint,
  loc_suggested_to_add_sum bigint,
  loc_suggested_to_delete_sum bigint,
  loc_added_sum bigint,
  loc_deleted_sum bigint,
  ai_credits_used double precision,
  PRIMARY KEY (scope_id, month, user_ref)
);

INSERT INTO user_month
SELECT scope_id, date_trunc('month', DATE '1970-01-01' + day)::date - DATE '1970-01-01' AS month,
  user_ref, sum(user_initiated_interaction_count), sum(code_generation_activity_count), sum(code_acceptance_activity_count),
  sum(loc_suggested_to_add_sum), sum(loc_suggested_to_delete_sum), sum(loc_added_sum), sum(loc_deleted_sum),
  sum(ai_credits_used)
FROM usage_day WHERE user_ref > 0
GROUP BY scope_id, month, user_ref;
