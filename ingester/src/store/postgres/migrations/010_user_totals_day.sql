-- PostgreSQL twin of store/migrations/010_user_totals_day.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 010: per-day totals of the per-user rows of a scope (the counters of team_day, and how many people had
-- a row), rebuilt inside the transaction of every users report. Figures only per-user rows carry (AI
-- credits) and the "Others" of a ranking of people read a row per day instead of every person's row.
CREATE TABLE user_totals_day (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  users bigint NOT NULL,
  user_initiated_interaction_count bigint,
  code_generation_activity_count bigint,
  code_acceptance_activity_count bigint,
  loc_suggested_to_add_sum bigint,
  loc_suggested_to_delete_sum bigint,
  loc_added_sum bigint,
  loc_deleted_sum bigint,
  ai_credits_used double precision,
  PRIMARY KEY (scope_id, day)
);

INSERT INTO user_totals_day
SELECT scope_id, day, count(*),
  sum(user_initiated_interaction_count), sum(code_generation_activity_count), sum(code_acceptance_activity_count),
  sum(loc_suggested_to_add_sum), sum(loc_suggested_to_delete_sum), sum(loc_added_sum), sum(loc_deleted_sum),
  sum(ai_credits_used)
FROM usage_day WHERE user_ref > 0
GROUP BY scope_id, day;
