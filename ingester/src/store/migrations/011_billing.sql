-- 011: AI-credit billing (issue 14). GitHub bills Copilot in AI credits since 2026-06-01 (1 credit = $0.01).
-- Three sources, each recorded in `reports` under its own kind so a failure is visible per source:
--   'billing'          GET …/settings/billing/ai_credit/usage?year&month&day, per scope and UTC day;
--   'billing-users'    the enterprise `ai_credit` usage-report export (CSV), per enterprise and UTC day;
--   'billing-snapshot' budgets, multi-user budget user-states and cost centers, today's state (GitHub
--                      keeps no history of them: the history is the daily snapshots kept here).
-- `sku`, `model`, `product` and `unit_type` are GitHub's strings, kept as sent (opaque: the JSON endpoint
-- spells them as display names, the CSV as snake_case ids). Quantities and amounts are REAL, as sent.

-- ai_credit/usage: one row per usage item of a scope and day, all six quantity and amount values.
CREATE TABLE billing_usage_day (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  product TEXT NOT NULL,
  sku TEXT NOT NULL,
  model TEXT NOT NULL,
  unit_type TEXT NOT NULL,
  price_per_unit REAL,
  gross_quantity REAL,
  gross_amount REAL,
  discount_quantity REAL,
  discount_amount REAL,
  net_quantity REAL,
  net_amount REAL,
  PRIMARY KEY (scope_id, day, product, sku, model, unit_type)
) WITHOUT ROWID;

-- The export's CSV rows of an enterprise and day, per person, folded over cost centers: rows that differ
-- only in cost_center_name are summed into one (their split by cost center is in billing_cost_center_day).
-- user_ref is users.id (0 when the CSV row has no username); organization and repository are '' when
-- absent. In PRIVACY_MODE=aggregate no per-person row is stored (user_ref is always 0, summed).
CREATE TABLE billing_user_day (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  user_ref INTEGER NOT NULL,
  product TEXT NOT NULL,
  sku TEXT NOT NULL,
  model TEXT NOT NULL,
  unit_type TEXT NOT NULL,
  organization TEXT NOT NULL,
  repository TEXT NOT NULL,
  applied_cost_per_quantity REAL,
  quantity REAL,
  gross_amount REAL,
  discount_amount REAL,
  net_amount REAL,
  -- the CSV's total_monthly_quota (a constant per account, as observed), kept as sent
  total_monthly_quota REAL,
  -- aic_quantity / aic_gross_amount (AI-credit equivalents on pre-June premium-request rows)
  aic_quantity REAL,
  aic_gross_amount REAL,
  -- columns of the CSV header this schema does not know, as a JSON object of name → value (null when none)
  extra TEXT,
  PRIMARY KEY (scope_id, day, user_ref, product, sku, model, unit_type, organization, repository)
) WITHOUT ROWID;
CREATE INDEX billing_user_day_by_day ON billing_user_day (scope_id, day);

-- The same CSV rows summed per cost center ('' = none), so spend by cost center loses nothing to the fold.
CREATE TABLE billing_cost_center_day (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  cost_center_name TEXT NOT NULL,
  product TEXT NOT NULL,
  sku TEXT NOT NULL,
  model TEXT NOT NULL,
  unit_type TEXT NOT NULL,
  quantity REAL,
  gross_amount REAL,
  discount_amount REAL,
  net_amount REAL,
  PRIMARY KEY (scope_id, day, cost_center_name, product, sku, model, unit_type)
) WITHOUT ROWID;

-- Budgets as listed on the snapshot day (GET …/settings/billing/budgets, every page).
CREATE TABLE billing_budgets (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  budget_id TEXT NOT NULL,
  budget_type TEXT,
  -- budget_product_sku, or budget_product_skus joined with ','
  product_sku TEXT,
  budget_scope TEXT,
  entity_name TEXT,
  -- users.id of a user-scope budget's user, null otherwise
  user_ref INTEGER,
  -- whole dollars (licence-based products: a number of licences)
  budget_amount REAL,
  consumed_amount REAL,
  prevent_further_usage INTEGER,
  will_alert INTEGER,
  -- JSON array of logins or roles, as sent
  alert_recipients TEXT,
  expires_at TEXT,
  PRIMARY KEY (scope_id, day, budget_id)
) WITHOUT ROWID;

-- Per-person state of multi-user budgets (GET …/budgets/{id}/user-states, enterprises only).
CREATE TABLE billing_budget_user_states (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  budget_id TEXT NOT NULL,
  user_ref INTEGER NOT NULL,
  consumed_amount REAL,
  target_amount REAL,
  override_budget_id TEXT,
  PRIMARY KEY (scope_id, day, budget_id, user_ref)
) WITHOUT ROWID;

-- Cost centers and their AI-credit pool (enterprises only). Pool figures are in AI credits.
CREATE TABLE billing_cost_centers (
  scope_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  cost_center_id TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT,
  pool_enabled INTEGER,
  pool_target_amount REAL,
  pool_current_amount REAL,
  -- JSON array of {type, name}, as sent (user names pseudonymized in PRIVACY_MODE=pseudonymous; in
  -- PRIVACY_MODE=aggregate the User resources are one {type: 'User', count} entry)
  resources TEXT,
  azure_subscription TEXT,
  PRIMARY KEY (scope_id, day, cost_center_id)
) WITHOUT ROWID;

-- Billing names people by login: the sync maps a login to users.id through this (mode off).
CREATE INDEX users_by_login ON users (login COLLATE NOCASE);
