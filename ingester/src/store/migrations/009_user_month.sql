-- 009: per-user monthly totals of the counters people are ranked by (the columns of team_day), rebuilt
-- for a month inside the transaction of every users report of that month. A ranking of people over a
-- long range reads one row per user and whole month, and day rows only for the partial months at its
-- ends: a year at 100,000 users is about 4 M rows instead of 21 M. `month` is the day number of the
-- month's first day.
CREATE TABLE user_month (
  scope_id INTEGER NOT NULL,
  month INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  user_initiated_interaction_count INTEGER,
  code_generation_activity_count INTEGER,
  code_acceptance_activity_count INTEGER,
  loc_suggested_to_add_sum INTEGER,
  loc_suggested_to_delete_sum INTEGER,
  loc_added_sum INTEGER,
  loc_deleted_sum INTEGER,
  ai_credits_used REAL,
  PRIMARY KEY (scope_id, month, user_ref)
) WITHOUT ROWID;

INSERT INTO user_month
SELECT scope_id, CAST(julianday(date(day * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER) AS month,
  user_ref, sum(user_initiated_interaction_count), sum(code_generation_activity_count), sum(code_acceptance_activity_count),
  sum(loc_suggested_to_add_sum), sum(loc_suggested_to_delete_sum), sum(loc_added_sum), sum(loc_deleted_sum),
  sum(ai_credits_used)
FROM usage_day WHERE user_ref > 0
GROUP BY scope_id, month, user_ref;
