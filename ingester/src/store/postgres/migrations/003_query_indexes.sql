-- PostgreSQL twin of store/migrations/003_query_indexes.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 003: indexes and rollups for the queries the dashboards make.
--
-- Scope totals read the subject-0 rows of a day range. The primary key (scope_id, day, subject, ...)
-- would make SQLite step over every user row of each day to find them, so each figure table gets a
-- small partial index over just those rows.

CREATE INDEX usage_day_scope_rows ON usage_day (scope_id, day) WHERE user_ref = 0;
CREATE INDEX by_ide_scope_rows ON by_ide (scope_id, day) WHERE user_ref = 0;
CREATE INDEX by_feature_scope_rows ON by_feature (scope_id, day) WHERE user_ref = 0;
CREATE INDEX by_language_feature_scope_rows ON by_language_feature (scope_id, day) WHERE user_ref = 0;
CREATE INDEX by_language_model_scope_rows ON by_language_model (scope_id, day) WHERE user_ref = 0;
CREATE INDEX by_model_feature_scope_rows ON by_model_feature (scope_id, day) WHERE user_ref = 0;
CREATE INDEX by_agent_scope_rows ON by_agent (scope_id, day) WHERE user_ref = 0;
CREATE INDEX by_customization_scope_rows ON by_customization (scope_id, day) WHERE user_ref = 0;
CREATE INDEX by_adoption_phase_scope_rows ON by_adoption_phase (scope_id, day) WHERE user_ref = 0;
CREATE INDEX pull_requests_day_scope_rows ON pull_requests_day (scope_id, day) WHERE repo_ref = 0;
CREATE INDEX pr_comment_types_scope_rows ON pr_comment_types (scope_id, day) WHERE repo_ref = 0;
CREATE INDEX pr_review_times_scope_rows ON pr_review_times (scope_id, day) WHERE repo_ref = 0;

-- Per-user rankings (top-N users) group by user: this covering index serves them in user order, so
-- no temporary sort of every user-day row is needed.
CREATE INDEX usage_day_by_user ON usage_day (
  scope_id, user_ref, day,
  user_initiated_interaction_count, code_generation_activity_count, code_acceptance_activity_count,
  loc_suggested_to_add_sum, loc_added_sum, loc_deleted_sum, ai_credits_used
) WHERE user_ref > 0;

-- Per-day team totals, rebuilt inside the transaction of every users or user-teams report, from the
-- documented join: membership that day (user-teams-1-day) × that day's user rows (users-1-day).
-- Column names follow usage_day so the same metric expressions apply.
CREATE TABLE team_day (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  team_ref integer NOT NULL,
  active_users bigint NOT NULL,
  user_initiated_interaction_count bigint,
  code_generation_activity_count bigint,
  code_acceptance_activity_count bigint,
  loc_suggested_to_add_sum bigint,
  loc_suggested_to_delete_sum bigint,
  loc_added_sum bigint,
  loc_deleted_sum bigint,
  ai_credits_used double precision,
  PRIMARY KEY (scope_id, day, team_ref)
);

INSERT INTO team_day
SELECT x.scope_id, x.day, m.team_ref, count(DISTINCT x.user_ref),
  sum(x.user_initiated_interaction_count), sum(x.code_generation_activity_count), sum(x.code_acceptance_activity_count),
  sum(x.loc_suggested_to_add_sum), sum(x.loc_suggested_to_delete_sum), sum(x.loc_added_sum), sum(x.loc_deleted_sum),
  sum(x.ai_credits_used)
FROM usage_day x JOIN team_members m ON m.scope_id = x.scope_id AND m.day = x.day AND m.user_ref = x.user_ref
WHERE x.user_ref > 0
GROUP BY x.scope_id, x.day, m.team_ref;
