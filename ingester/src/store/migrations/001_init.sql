-- 001: the first schema. Days are integers (days since 1970-01-01, UTC). Strings that repeat on every
-- row (IDE, language, model, feature, versions) live in `dictionary`; users, teams and repositories in
-- their own tables. Figure tables are WITHOUT ROWID and keyed (scope_id, day, subject, ...), which is
-- the order every query and every report replacement scans them in.

CREATE TABLE scopes (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'organization')),
  slug TEXT NOT NULL COLLATE NOCASE,
  github_id TEXT,
  enterprise_github_id TEXT,
  UNIQUE (kind, slug)
);

CREATE TABLE dictionary (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE (kind, value)
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  github_id INTEGER NOT NULL UNIQUE,
  login TEXT NOT NULL
);

CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  scope_id INTEGER NOT NULL REFERENCES scopes (id),
  github_id INTEGER NOT NULL,
  slug TEXT NOT NULL,
  UNIQUE (scope_id, github_id)
);

CREATE TABLE repos (
  id INTEGER PRIMARY KEY,
  github_id INTEGER NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  name TEXT NOT NULL,
  visibility TEXT
);

-- user-teams-1-day: membership on that day (teams under 5 seated users are absent at the source).
CREATE TABLE team_members (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  team_ref INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  PRIMARY KEY (scope_id, day, team_ref, user_ref)
) WITHOUT ROWID;
CREATE INDEX team_members_by_user ON team_members (scope_id, day, user_ref);

-- One row per (scope, report kind, day) ever attempted: the sync's memory of what it has.
CREATE TABLE reports (
  scope_id INTEGER NOT NULL REFERENCES scopes (id),
  kind TEXT NOT NULL,
  day INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'no_data', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  records INTEGER,
  malformed_lines INTEGER,
  issues TEXT,
  unknown_keys TEXT,
  files INTEGER,
  bytes INTEGER,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (scope_id, kind, day)
) WITHOUT ROWID;
CREATE INDEX reports_by_status ON reports (status, scope_id, kind, day);

-- The raw archive: every downloaded file, gzip-compressed, in chunks, so `reprocess` can rebuild
-- every figure table when the mapping improves.
CREATE TABLE raw_chunks (
  id INTEGER PRIMARY KEY,
  scope_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  day INTEGER NOT NULL,
  file_index INTEGER NOT NULL,
  chunk_index INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (scope_id, kind, day, file_index, chunk_index)
);

-- Schema drift: keys GitHub sent that no table stores yet (they stay in the raw archive).
CREATE TABLE unknown_keys (
  report_kind TEXT NOT NULL,
  path TEXT NOT NULL,
  first_day INTEGER NOT NULL,
  last_day INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  PRIMARY KEY (report_kind, path)
) WITHOUT ROWID;

CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY,
  trigger TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
  planned INTEGER NOT NULL DEFAULT 0,
  ok INTEGER NOT NULL DEFAULT 0,
  no_data INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  records INTEGER NOT NULL DEFAULT 0,
  error TEXT
);

-- Figure tables. Column names are GitHub's field names; nested objects are flattened with a prefix
-- (cli_*, copilot_app_*, vscode_agent_*). user_ref 0 / repo_ref 0 hold the scope's aggregate record.
CREATE TABLE usage_day (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  user_initiated_interaction_count INTEGER,
  code_generation_activity_count INTEGER,
  code_acceptance_activity_count INTEGER,
  loc_suggested_to_add_sum INTEGER,
  loc_suggested_to_delete_sum INTEGER,
  loc_added_sum INTEGER,
  loc_deleted_sum INTEGER,
  chat_panel_agent_mode INTEGER,
  chat_panel_ask_mode INTEGER,
  chat_panel_custom_mode INTEGER,
  chat_panel_edit_mode INTEGER,
  chat_panel_plan_mode INTEGER,
  chat_panel_unknown_mode INTEGER,
  daily_active_users INTEGER,
  weekly_active_users INTEGER,
  monthly_active_users INTEGER,
  monthly_active_chat_users INTEGER,
  monthly_active_agent_users INTEGER,
  daily_active_cli_users INTEGER,
  daily_active_copilot_code_review_users INTEGER,
  daily_passive_copilot_code_review_users INTEGER,
  daily_active_copilot_cloud_agent_users INTEGER,
  daily_active_copilot_app_users INTEGER,
  daily_active_vscode_agent_users INTEGER,
  weekly_active_cli_users INTEGER,
  weekly_active_copilot_code_review_users INTEGER,
  weekly_passive_copilot_code_review_users INTEGER,
  weekly_active_copilot_cloud_agent_users INTEGER,
  weekly_active_copilot_app_users INTEGER,
  weekly_active_vscode_agent_users INTEGER,
  monthly_active_cli_users INTEGER,
  monthly_active_copilot_code_review_users INTEGER,
  monthly_passive_copilot_code_review_users INTEGER,
  monthly_active_copilot_cloud_agent_users INTEGER,
  monthly_active_copilot_app_users INTEGER,
  monthly_active_vscode_agent_users INTEGER,
  used_chat INTEGER,
  used_agent INTEGER,
  used_cli INTEGER,
  used_copilot_code_review_active INTEGER,
  used_copilot_code_review_passive INTEGER,
  used_copilot_coding_agent INTEGER,
  used_copilot_cloud_agent INTEGER,
  used_copilot_app INTEGER,
  used_vscode_agent INTEGER,
  ai_credits_used REAL,
  adoption_phase_number INTEGER,
  adoption_phase INTEGER,
  adoption_phase_version INTEGER,
  distinct_skill_use_count INTEGER,
  distinct_custom_agent_use_count INTEGER,
  distinct_mcp_use_count INTEGER,
  distinct_slash_cmd_use_count INTEGER,
  distinct_plugin_use_count INTEGER,
  cli_session_count INTEGER,
  cli_request_count INTEGER,
  cli_prompt_count INTEGER,
  cli_output_tokens_sum INTEGER,
  cli_prompt_tokens_sum INTEGER,
  cli_avg_tokens_per_request REAL,
  cli_version INTEGER,
  cli_version_sampled_at TEXT,
  copilot_app_session_count INTEGER,
  copilot_app_request_count INTEGER,
  copilot_app_prompt_count INTEGER,
  copilot_app_output_tokens_sum INTEGER,
  copilot_app_prompt_tokens_sum INTEGER,
  copilot_app_avg_tokens_per_request REAL,
  vscode_agent_session_count INTEGER,
  vscode_agent_total_user_messages INTEGER,
  PRIMARY KEY (scope_id, day, user_ref)
) WITHOUT ROWID;

CREATE TABLE by_ide (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  ide INTEGER NOT NULL,
  user_initiated_interaction_count INTEGER,
  code_generation_activity_count INTEGER,
  code_acceptance_activity_count INTEGER,
  loc_suggested_to_add_sum INTEGER,
  loc_suggested_to_delete_sum INTEGER,
  loc_added_sum INTEGER,
  loc_deleted_sum INTEGER,
  ide_version INTEGER,
  ide_version_sampled_at TEXT,
  plugin INTEGER,
  plugin_version INTEGER,
  plugin_version_sampled_at TEXT,
  PRIMARY KEY (scope_id, day, user_ref, ide)
) WITHOUT ROWID;

CREATE TABLE by_feature (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  feature INTEGER NOT NULL,
  user_initiated_interaction_count INTEGER,
  code_generation_activity_count INTEGER,
  code_acceptance_activity_count INTEGER,
  loc_suggested_to_add_sum INTEGER,
  loc_suggested_to_delete_sum INTEGER,
  loc_added_sum INTEGER,
  loc_deleted_sum INTEGER,
  PRIMARY KEY (scope_id, day, user_ref, feature)
) WITHOUT ROWID;

CREATE TABLE by_language_feature (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  language INTEGER NOT NULL,
  feature INTEGER NOT NULL,
  code_generation_activity_count INTEGER,
  code_acceptance_activity_count INTEGER,
  loc_suggested_to_add_sum INTEGER,
  loc_suggested_to_delete_sum INTEGER,
  loc_added_sum INTEGER,
  loc_deleted_sum INTEGER,
  PRIMARY KEY (scope_id, day, user_ref, language, feature)
) WITHOUT ROWID;

CREATE TABLE by_language_model (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  language INTEGER NOT NULL,
  model INTEGER NOT NULL,
  code_generation_activity_count INTEGER,
  code_acceptance_activity_count INTEGER,
  loc_suggested_to_add_sum INTEGER,
  loc_suggested_to_delete_sum INTEGER,
  loc_added_sum INTEGER,
  loc_deleted_sum INTEGER,
  PRIMARY KEY (scope_id, day, user_ref, language, model)
) WITHOUT ROWID;

CREATE TABLE by_model_feature (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  model INTEGER NOT NULL,
  feature INTEGER NOT NULL,
  user_initiated_interaction_count INTEGER,
  code_generation_activity_count INTEGER,
  code_acceptance_activity_count INTEGER,
  loc_suggested_to_add_sum INTEGER,
  loc_suggested_to_delete_sum INTEGER,
  loc_added_sum INTEGER,
  loc_deleted_sum INTEGER,
  PRIMARY KEY (scope_id, day, user_ref, model, feature)
) WITHOUT ROWID;

CREATE TABLE by_agent (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  agent INTEGER NOT NULL,
  agent_name INTEGER,
  user_initiated_interaction_count INTEGER,
  session_count INTEGER,
  PRIMARY KEY (scope_id, day, user_ref, agent)
) WITHOUT ROWID;

CREATE TABLE by_customization (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  name INTEGER NOT NULL,
  interaction_count INTEGER,
  PRIMARY KEY (scope_id, day, user_ref, kind, name)
) WITHOUT ROWID;

CREATE TABLE by_adoption_phase (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  phase_number INTEGER NOT NULL,
  phase INTEGER,
  total_engaged_users INTEGER,
  avg_user_initiated_interactions REAL,
  avg_code_generation_activities REAL,
  avg_code_acceptance_activities REAL,
  avg_loc_added REAL,
  avg_loc_deleted REAL,
  avg_pull_requests_created REAL,
  avg_pull_requests_reviewed REAL,
  avg_pull_requests_merged REAL,
  avg_pull_requests_median_minutes_to_merge REAL,
  avg_pull_requests_minutes_to_review REAL,
  avg_pull_requests_review_cycles REAL,
  total_pull_requests_merged INTEGER,
  PRIMARY KEY (scope_id, day, user_ref, phase_number)
) WITHOUT ROWID;

CREATE TABLE pull_requests_day (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  repo_ref INTEGER NOT NULL,
  total_created INTEGER,
  total_reviewed INTEGER,
  total_merged INTEGER,
  total_suggestions INTEGER,
  total_applied_suggestions INTEGER,
  total_created_by_copilot INTEGER,
  total_reviewed_by_copilot INTEGER,
  total_merged_created_by_copilot INTEGER,
  total_merged_reviewed_by_copilot INTEGER,
  total_copilot_suggestions INTEGER,
  total_copilot_applied_suggestions INTEGER,
  median_minutes_to_merge REAL,
  median_minutes_to_merge_copilot_authored REAL,
  median_minutes_to_merge_copilot_reviewed REAL,
  PRIMARY KEY (scope_id, day, repo_ref)
) WITHOUT ROWID;

CREATE TABLE pr_comment_types (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  repo_ref INTEGER NOT NULL,
  comment_type INTEGER NOT NULL,
  total_copilot_suggestions INTEGER,
  total_copilot_applied_suggestions INTEGER,
  PRIMARY KEY (scope_id, day, repo_ref, comment_type)
) WITHOUT ROWID;

CREATE TABLE pr_review_times (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  repo_ref INTEGER NOT NULL,
  authored_by INTEGER NOT NULL,
  reviewed_by INTEGER NOT NULL,
  total_merged INTEGER,
  median_minutes_ready_to_first_review REAL,
  p90_minutes_ready_to_first_review REAL,
  median_minutes_first_to_final_review REAL,
  p90_minutes_first_to_final_review REAL,
  median_minutes_final_review_to_merge REAL,
  p90_minutes_final_review_to_merge REAL,
  PRIMARY KEY (scope_id, day, repo_ref, authored_by, reviewed_by)
) WITHOUT ROWID;

