-- PostgreSQL twin of store/migrations/006_seats.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 006: Copilot seats (GET /orgs/{org}/copilot/billing/seats), one snapshot per scope and UTC day: every
-- assigned seat as the last sync of that day read it. GitHub only answers with the state of now, so past
-- days cannot be fetched again; the history is the snapshots kept. An enterprise's snapshot is the union
-- of its organizations' snapshots of the day, one row per user. Each snapshot is recorded in `reports`
-- with kind 'seats'.
CREATE TABLE seat_snapshots (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  user_ref integer NOT NULL,
  -- dictionary kind 'plan_type': business, enterprise, unknown
  plan_type bigint,
  -- ISO timestamps in UTC, as GitHub sent them
  created_at text,
  last_activity_at text,
  -- the UTC day of last_activity_at, null when GitHub has no activity in its 90-day retention
  last_activity_day integer,
  -- dictionary kind 'seat_editor': the full string, e.g. vscode/1.107.0/copilot-chat/0.34.0
  last_activity_editor bigint,
  -- dictionary kind 'editor': its first segment, e.g. vscode
  editor bigint,
  -- the day the seat ends (pending cancellation), as a day number
  pending_cancellation_date bigint,
  -- teams.id of the team that grants the seat; null when assigned to the user directly
  assigning_team_ref integer,
  PRIMARY KEY (scope_id, day, user_ref)
);
