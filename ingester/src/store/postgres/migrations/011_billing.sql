-- PostgreSQL twin of store/migrations/011_billing.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 011: AI-credit billing (issue 14). GitHub bills Copilot in AI credits since 2026-06-01 (1 credit = $0.01).
-- Three sources, each recorded in `reports` under its own kind so a failure is visible per source:
--   'billing'          GET …/settings/billing/ai_credit/usage?year&month&day, per scope and UTC day;
--   'billing-users'    the enterprise `ai_credit` usage-report export (CSV), per enterprise and UTC day;
--   'billing-snapshot' budgets, multi-user budget user-states and cost centers, today's state (GitHub
--                      keeps no history of them: the history is the daily snapshots kept here).
-- `sku`, `model`, `product` and `unit_type` are GitHub's strings, kept as sent (opaque: the JSON endpoint
-- spells them as display names, the CSV as snake_case ids). Quantities and amounts are double precision, as sent.

-- ai_credit/usage: one row per usage item of a scope and day, all six quantity and amount values.
CREATE TABLE billing_usage_day (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  product text NOT NULL,
  sku text NOT NULL,
  model text NOT NULL,
  unit_type text NOT NULL,
  price_per_unit double precision,
  gross_quantity double precision,
  gross_amount double precision,
  discount_quantity double precision,
  discount_amount double precision,
  net_quantity double precision,
  net_amount double precision,
  PRIMARY KEY (scope_id, day, product, sku, model, unit_type)
);

-- The export's CSV rows of an enterprise and day, per person, folded over cost centers: rows that differ
-- only in cost_center_name are summed into one (their split by cost center is in billing_cost_center_day).
-- user_ref is users.id (0 when the CSV row has no username); organization and repository are '' when
-- absent. In PRIVACY_MODE=aggregate no per-person row is stored (user_ref is always 0, summed).
CREATE TABLE billing_user_day (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  user_ref integer NOT NULL,
  product text NOT NULL,
  sku text NOT NULL,
  model text NOT NULL,
  unit_type text NOT NULL,
  organization text NOT NULL,
  repository text NOT NULL,
  applied_cost_per_quantity double precision,
  quantity double precision,
  gross_amount double precision,
  discount_amount double precision,
  net_amount double precision,
  -- the CSV's total_monthly_quota (a constant per account, as observed), kept as sent
  total_monthly_quota double precision,
  -- aic_quantity / aic_gross_amount (AI-credit equivalents on pre-June premium-request rows)
  aic_quantity double precision,
  aic_gross_amount double precision,
  -- columns of the CSV header this schema does not know, as a JSON object of name → value (null when none)
  extra text,
  PRIMARY KEY (scope_id, day, user_ref, product, sku, model, unit_type, organization, repository)
);
CREATE INDEX billing_user_day_by_day ON billing_user_day (scope_id, day);

-- The same CSV rows summed per cost center ('' = none), so spend by cost center loses nothing to the fold.
CREATE TABLE billing_cost_center_day (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  cost_center_name text NOT NULL,
  product text NOT NULL,
  sku text NOT NULL,
  model text NOT NULL,
  unit_type text NOT NULL,
  quantity double precision,
  gross_amount double precision,
  discount_amount double precision,
  net_amount double precision,
  PRIMARY KEY (scope_id, day, cost_center_name, product, sku, model, unit_type)
);

-- Budgets as listed on the snapshot day (GET …/settings/billing/budgets, every page).
CREATE TABLE billing_budgets (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  budget_id text NOT NULL,
  budget_type text,
  -- budget_product_sku, or budget_product_skus joined with ','
  product_sku text,
  budget_scope text,
  entity_name text,
  -- users.id of a user-scope budget's user, null otherwise
  user_ref integer,
  -- whole dollars (licence-based products: a number of licences)
  budget_amount double precision,
  consumed_amount double precision,
  prevent_further_usage bigint,
  will_alert bigint,
  -- JSON array of logins or roles, as sent
  alert_recipients text,
  expires_at text,
  PRIMARY KEY (scope_id, day, budget_id)
);

-- Per-person state of multi-user budgets (GET …/budgets/{id}/user-states, enterprises only).
CREATE TABLE billing_budget_user_states (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  budget_id text NOT NULL,
  user_ref integer NOT NULL,
  consumed_amount double precision,
  target_amount double precision,
  override_budget_id text,
  PRIMARY KEY (scope_id, day, budget_id, user_ref)
);

-- Cost centers and their AI-credit pool (enterprises only). Pool figures are in AI credits.
CREATE TABLE billing_cost_centers (
  scope_id integer NOT NULL,
  day integer NOT NULL,
  cost_center_id text NOT NULL,
  name text NOT NULL,
  state text,
  pool_enabled bigint,
  pool_target_amount double precision,
  pool_current_amount double precision,
  -- JSON array of {type, name}, as sent (user names pseudonymized in PRIVACY_MODE=pseudonymous; in
  -- PRIVACY_MODE=aggregate the User resources are one {type: 'User', count} entry)
  resources text,
  azure_subscription text,
  PRIMARY KEY (scope_id, day, cost_center_id)
);

-- Billing names people by login: the sync maps a login to users.id through this (mode off).
-- SQLite's (login COLLATE NOCASE): lookups compare lower(login) = lower($1).
CREATE INDEX users_by_login ON users (lower(login));
