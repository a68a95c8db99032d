-- PostgreSQL twin of store/migrations/013_views.sql: the same views, with the same columns in the same
-- order, in PostgreSQL's dialect: `day` is a date, `time` a timestamptz (the day's start in UTC), and
-- pending_cancellation_date a date. The comments below are the SQLite file's.
-- 013: SQL views, a public interface for SQL panels (Grafana's PostgreSQL or SQLite data source) and for
-- exports, the same on both engines (README "SQL views"). Their names and columns are stable: a later
-- migration may add columns at the end of a view, never rename or remove one. Figures keep GitHub's field
-- names (nested objects flattened with a prefix, as in the tables).
--
-- Every view starts with the scope (scope_kind, scope_slug), `day` (the UTC day: ISO text 'YYYY-MM-DD'
-- in SQLite, a date in PostgreSQL) and `time` (the day's start: Unix seconds in SQLite, a timestamptz in
-- PostgreSQL), for Grafana's time series.
--
-- Privacy (the mode is the one the database was written with, `settings`, 008):
-- - pseudonymous: users.login and users.github_id hold the pseudonyms; no real login is stored to show;
-- - aggregate: the per-person views (copilot_user_daily, copilot_seat_daily) answer no rows, whatever the
--   tables hold; the mode stores no per-person row anyway;
-- - both: a team-day with fewer active users than the minimum group size is left out of
--   copilot_team_daily, as the API hides it; the minimum is settings 'privacy_min_group_size' (recorded
--   by the sync from PRIVACY_MIN_GROUP_SIZE), 5 when none is recorded.

-- One row per scope and day with GitHub's aggregate report: its figures, and the AI credits summed over
-- the day's per-person records (GitHub reports them per person only; kept in aggregate mode too).
CREATE VIEW copilot_scope_daily AS
SELECT s.kind AS scope_kind, s.slug AS scope_slug,
  DATE '1970-01-01' + x.day AS day, (DATE '1970-01-01' + x.day)::timestamp AT TIME ZONE 'UTC' AS "time",
  x.daily_active_users, x.weekly_active_users, x.monthly_active_users,
  x.monthly_active_chat_users, x.monthly_active_agent_users,
  x.daily_active_cli_users, x.daily_active_copilot_code_review_users, x.daily_passive_copilot_code_review_users,
  x.daily_active_copilot_cloud_agent_users, x.daily_active_copilot_app_users, x.daily_active_vscode_agent_users,
  x.weekly_active_cli_users, x.weekly_active_copilot_code_review_users, x.weekly_passive_copilot_code_review_users,
  x.weekly_active_copilot_cloud_agent_users, x.weekly_active_copilot_app_users, x.weekly_active_vscode_agent_users,
  x.monthly_active_cli_users, x.monthly_active_copilot_code_review_users, x.monthly_passive_copilot_code_review_users,
  x.monthly_active_copilot_cloud_agent_users, x.monthly_active_copilot_app_users, x.monthly_active_vscode_agent_users,
  x.user_initiated_interaction_count, x.code_generation_activity_count, x.code_acceptance_activity_count,
  x.loc_suggested_to_add_sum, x.loc_suggested_to_delete_sum, x.loc_added_sum, x.loc_deleted_sum,
  x.chat_panel_agent_mode, x.chat_panel_ask_mode, x.chat_panel_custom_mode, x.chat_panel_edit_mode,
  x.chat_panel_plan_mode, x.chat_panel_unknown_mode,
  x.distinct_skill_use_count, x.distinct_custom_agent_use_count, x.distinct_mcp_use_count,
  x.distinct_slash_cmd_use_count, x.distinct_plugin_use_count,
  x.cli_session_count, x.cli_request_count, x.cli_prompt_count,
  x.cli_output_tokens_sum, x.cli_prompt_tokens_sum, x.cli_avg_tokens_per_request,
  x.copilot_app_session_count, x.copilot_app_request_count, x.copilot_app_prompt_count,
  x.copilot_app_output_tokens_sum, x.copilot_app_prompt_tokens_sum, x.copilot_app_avg_tokens_per_request,
  x.vscode_agent_session_count, x.vscode_agent_total_user_messages,
  t.ai_credits_used
FROM usage_day x
JOIN scopes s ON s.id = x.scope_id
LEFT JOIN user_totals_day t ON t.scope_id = x.scope_id AND t.day = x.day
WHERE x.user_ref = 0;

-- One row per person, scope and day with a record in GitHub's users report (user_id and user_login are
-- pseudonyms in pseudonymous mode). No rows in aggregate mode.
CREATE VIEW copilot_user_daily AS
SELECT s.kind AS scope_kind, s.slug AS scope_slug,
  DATE '1970-01-01' + x.day AS day, (DATE '1970-01-01' + x.day)::timestamp AT TIME ZONE 'UTC' AS "time",
  u.github_id AS user_id, u.login AS user_login,
  x.user_initiated_interaction_count, x.code_generation_activity_count, x.code_acceptance_activity_count,
  x.loc_suggested_to_add_sum, x.loc_suggested_to_delete_sum, x.loc_added_sum, x.loc_deleted_sum,
  x.chat_panel_agent_mode, x.chat_panel_ask_mode, x.chat_panel_custom_mode, x.chat_panel_edit_mode,
  x.chat_panel_plan_mode, x.chat_panel_unknown_mode,
  x.used_chat, x.used_agent, x.used_cli, x.used_copilot_code_review_active, x.used_copilot_code_review_passive,
  x.used_copilot_coding_agent, x.used_copilot_cloud_agent, x.used_copilot_app, x.used_vscode_agent,
  x.ai_credits_used,
  x.adoption_phase_number, phase.value AS adoption_phase, phase_version.value AS adoption_phase_version,
  x.distinct_skill_use_count, x.distinct_custom_agent_use_count, x.distinct_mcp_use_count,
  x.distinct_slash_cmd_use_count, x.distinct_plugin_use_count,
  x.cli_session_count, x.cli_request_count, x.cli_prompt_count,
  x.cli_output_tokens_sum, x.cli_prompt_tokens_sum, x.cli_avg_tokens_per_request, cli.value AS cli_version,
  x.copilot_app_session_count, x.copilot_app_request_count, x.copilot_app_prompt_count,
  x.copilot_app_output_tokens_sum, x.copilot_app_prompt_tokens_sum, x.copilot_app_avg_tokens_per_request,
  x.vscode_agent_session_count, x.vscode_agent_total_user_messages
FROM usage_day x
JOIN scopes s ON s.id = x.scope_id
JOIN users u ON u.id = x.user_ref
LEFT JOIN dictionary phase ON phase.id = x.adoption_phase
LEFT JOIN dictionary phase_version ON phase_version.id = x.adoption_phase_version
LEFT JOIN dictionary cli ON cli.id = x.cli_version
WHERE x.user_ref > 0
  AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'privacy_mode' AND value = 'aggregate');

-- One row per team, scope and day: the sums of the team's members' records of the day (membership from
-- GitHub's user-teams report). In the privacy modes, team-days under the minimum group size are left out.
CREATE VIEW copilot_team_daily AS
SELECT s.kind AS scope_kind, s.slug AS scope_slug,
  DATE '1970-01-01' + x.day AS day, (DATE '1970-01-01' + x.day)::timestamp AT TIME ZONE 'UTC' AS "time",
  t.github_id AS team_id, t.slug AS team_slug,
  x.active_users,
  x.user_initiated_interaction_count, x.code_generation_activity_count, x.code_acceptance_activity_count,
  x.loc_suggested_to_add_sum, x.loc_suggested_to_delete_sum, x.loc_added_sum, x.loc_deleted_sum,
  x.ai_credits_used
FROM team_day x
JOIN scopes s ON s.id = x.scope_id
JOIN teams t ON t.id = x.team_ref
WHERE NOT (
  coalesce((SELECT value FROM settings WHERE key = 'privacy_mode'), 'off') <> 'off'
  AND x.active_users < coalesce(
    (SELECT CAST(value AS integer) FROM settings WHERE key = 'privacy_min_group_size'), 5)
);

-- One row per assigned Copilot seat, scope and snapshot day (the seats list as the day's last sync read
-- it; GitHub's seats API fields). No rows in aggregate mode.
CREATE VIEW copilot_seat_daily AS
SELECT s.kind AS scope_kind, s.slug AS scope_slug,
  DATE '1970-01-01' + x.day AS day, (DATE '1970-01-01' + x.day)::timestamp AT TIME ZONE 'UTC' AS "time",
  u.github_id AS user_id, u.login AS user_login,
  plan.value AS plan_type,
  x.created_at, x.last_activity_at, editor.value AS last_activity_editor,
  DATE '1970-01-01' + x.pending_cancellation_date::integer AS pending_cancellation_date,
  t.slug AS assigning_team_slug
FROM seat_snapshots x
JOIN scopes s ON s.id = x.scope_id
JOIN users u ON u.id = x.user_ref
LEFT JOIN dictionary plan ON plan.id = x.plan_type
LEFT JOIN dictionary editor ON editor.id = x.last_activity_editor
LEFT JOIN teams t ON t.id = x.assigning_team_ref
WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'privacy_mode' AND value = 'aggregate');
