/**
 * Fixed AI-credit billing rows for tests, inserted with plain parameterized SQL into migration 011's
 * tables (and `reports`), for tests whose database has no billing sync: a deterministic month of usage
 * by model, per person, organization and cost center, a cost center with a pool, and budgets. It
 * returns what it inserted, so tests compute their expectations from these rows, not from the code.
 */
import type { DayNumber } from '../days';
import type { DB } from '../store/db';

export const FIXTURE_MODELS = ['Claude Sonnet 4.5', 'GPT-5', 'Auto: Claude Haiku 4.5'] as const;

export interface BillingFixtureRow {
  day: DayNumber;
  model: string;
  userRef: number;
  organization: string;
  costCenter: string;
  quantity: number;
  grossAmount: number;
  discountAmount: number;
  netAmount: number;
}

export interface BillingFixture {
  scopeId: number;
  days: DayNumber[];
  /** The per-person rows of the export (billing_user_day), also summed per model into billing_usage_day. */
  rows: BillingFixtureRow[];
  costCenters: { name: string; users: number[]; poolTarget: number | null }[];
  budgets: {
    id: string;
    scope: string;
    entity: string;
    amount: number;
    consumed: number | null;
    userRef: number | null;
  }[];
  /** The user-states of the multi-user budget 'budget-universal' (limit $100 each). */
  userStates: { userRef: number; consumed: number }[];
}

export interface BillingFixtureOptions {
  scopeId: number;
  from: DayNumber;
  to: DayNumber;
  /** Credits the scope consumes on a Monday-to-Friday day; weekends draw 40% of it. */
  creditsPerWorkday: number;
  /** Included credits before the rows start being metered (the discount covers up to it, per month). */
  pool: number;
  /** People the export names (users.id); defaults to the scope's people with usage rows. */
  users?: number[];
  organizations?: string[];
}

export function insertBillingFixture(db: DB, options: BillingFixtureOptions): BillingFixture {
  const { scopeId, from, to } = options;
  const users =
    options.users ??
    (db
      .prepare(
        'SELECT DISTINCT user_ref FROM usage_day WHERE scope_id = ? AND user_ref > 0 ORDER BY user_ref LIMIT 12',
      )
      .pluck()
      .all(scopeId) as number[]);
  if (!users.length) throw new Error('insertBillingFixture: no users to bill; pass `users`');
  const organizations = options.organizations ?? ['org-a', 'org-b'];
  const costCenterOf = (i: number) => (i % 3 === 0 ? 'Platform' : i % 3 === 1 ? 'Product' : '');
  const rows: BillingFixtureRow[] = [];
  const used = new Map<number, number>();
  const days: DayNumber[] = [];
  for (let day = from; day <= to; day++) {
    days.push(day);
    const weekday = ((day + 3) % 7) + 1; // ISO weekday of a day number (1970-01-01 was a Thursday)
    const dayTotal = options.creditsPerWorkday * (weekday >= 6 ? 0.4 : 1);
    const monthKey = new Date(day * 86_400_000).toISOString().slice(0, 7);
    users.forEach((userRef, i) => {
      FIXTURE_MODELS.forEach((model, m) => {
        // Uneven shares: person i and model m draw (i + 1) × (m + 1) parts of the day.
        const parts = users.reduce((a, _u, j) => a + (j + 1), 0) * 6;
        const quantity = Math.round(((dayTotal * (i + 1) * (m + 1)) / parts) * 1000) / 1000;
        const key = Number(monthKey.replace('-', ''));
        const before = used.get(key) ?? 0;
        const covered = Math.max(0, Math.min(quantity, options.pool - before));
        used.set(key, before + quantity);
        rows.push({
          day,
          model,
          userRef,
          organization: organizations[i % organizations.length],
          costCenter: costCenterOf(i),
          quantity,
          grossAmount: quantity * 0.01,
          discountAmount: covered * 0.01,
          netAmount: (quantity - covered) * 0.01,
        });
      });
    });
  }
  const costCenters = [
    { name: 'Platform', users: users.filter((_u, i) => costCenterOf(i) === 'Platform'), poolTarget: 5_000 },
    { name: 'Product', users: users.filter((_u, i) => costCenterOf(i) === 'Product'), poolTarget: null },
  ];
  const last = days.at(-1)!;
  const monthGross = (dayFrom: DayNumber) =>
    rows.filter((r) => r.day >= dayFrom).reduce((a, r) => a + r.grossAmount, 0);
  const monthStartOfLast =
    Date.UTC(new Date(last * 86_400_000).getUTCFullYear(), new Date(last * 86_400_000).getUTCMonth(), 1) /
    86_400_000;
  const spent = monthGross(monthStartOfLast);
  const budgets = [
    {
      id: 'budget-enterprise',
      scope: 'enterprise',
      entity: '',
      amount: Math.ceil(spent * 2),
      consumed: spent,
      userRef: null,
    },
    {
      id: 'budget-org-near',
      scope: 'organization',
      entity: organizations[0],
      amount: Math.ceil(spent / 0.95),
      consumed: spent,
      userRef: null,
    },
    { id: 'budget-user', scope: 'user', entity: '', amount: 50, consumed: 12.5, userRef: users[0] },
    {
      id: 'budget-universal',
      scope: 'multi_user_customer',
      entity: '',
      amount: 100,
      consumed: null,
      userRef: null,
    },
  ];
  const userStates = users.map((userRef, i) => ({ userRef, consumed: 10 * (i + 1) }));

  const report = db.prepare(
    `INSERT OR REPLACE INTO reports (scope_id, kind, day, status, attempts, records, fetched_at)
     VALUES (?, ?, ?, 'ok', 1, ?, '2026-10-01T00:00:00Z')`,
  );
  const usage = db.prepare(
    `INSERT INTO billing_usage_day (scope_id, day, product, sku, model, unit_type, price_per_unit, gross_quantity,
       gross_amount, discount_quantity, discount_amount, net_quantity, net_amount)
     VALUES (?, ?, 'Copilot', 'Copilot AI Credits', ?, 'ai-credits', 0.01, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET gross_quantity = gross_quantity + excluded.gross_quantity,
       gross_amount = gross_amount + excluded.gross_amount, discount_quantity = discount_quantity + excluded.discount_quantity,
       discount_amount = discount_amount + excluded.discount_amount, net_quantity = net_quantity + excluded.net_quantity,
       net_amount = net_amount + excluded.net_amount`,
  );
  const perUser = db.prepare(
    `INSERT INTO billing_user_day (scope_id, day, user_ref, product, sku, model, unit_type, organization, repository,
       applied_cost_per_quantity, quantity, gross_amount, discount_amount, net_amount, total_monthly_quota)
     VALUES (?, ?, ?, 'copilot', 'copilot_ai_credit', ?, 'ai-credits', ?, '', 0.01, ?, ?, ?, ?, 3900)`,
  );
  const perCostCenter = db.prepare(
    `INSERT INTO billing_cost_center_day (scope_id, day, cost_center_name, product, sku, model, unit_type, quantity,
       gross_amount, discount_amount, net_amount)
     VALUES (?, ?, ?, 'copilot', 'copilot_ai_credit', ?, 'ai-credits', ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity, gross_amount = gross_amount + excluded.gross_amount,
       discount_amount = discount_amount + excluded.discount_amount, net_amount = net_amount + excluded.net_amount`,
  );
  const costCenter = db.prepare(
    `INSERT OR REPLACE INTO billing_cost_centers (scope_id, day, cost_center_id, name, state, pool_enabled,
       pool_target_amount, pool_current_amount, resources) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
  );
  const budget = db.prepare(
    `INSERT OR REPLACE INTO billing_budgets (scope_id, day, budget_id, budget_type, product_sku, budget_scope,
       entity_name, user_ref, budget_amount, consumed_amount, prevent_further_usage, will_alert, alert_recipients)
     VALUES (?, ?, ?, 'BundlePricing', 'ai_credits', ?, ?, ?, ?, ?, 0, 1, '[]')`,
  );
  const userState = db.prepare(
    `INSERT OR REPLACE INTO billing_budget_user_states (scope_id, day, budget_id, user_ref, consumed_amount, target_amount)
     VALUES (?, ?, 'budget-universal', ?, ?, 100)`,
  );
  db.transaction(() => {
    for (const r of rows) {
      usage.run(
        scopeId,
        r.day,
        r.model,
        r.quantity,
        r.grossAmount,
        r.discountAmount / 0.01,
        r.discountAmount,
        r.netAmount / 0.01,
        r.netAmount,
      );
      perUser.run(
        scopeId,
        r.day,
        r.userRef,
        r.model,
        r.organization,
        r.quantity,
        r.grossAmount,
        r.discountAmount,
        r.netAmount,
      );
      perCostCenter.run(
        scopeId,
        r.day,
        r.costCenter,
        r.model,
        r.quantity,
        r.grossAmount,
        r.discountAmount,
        r.netAmount,
      );
    }
    for (const day of days) {
      report.run(scopeId, 'billing', day, FIXTURE_MODELS.length);
      report.run(scopeId, 'billing-users', day, users.length * FIXTURE_MODELS.length);
    }
    report.run(scopeId, 'billing-snapshot', last, costCenters.length + budgets.length);
    costCenters.forEach((c, i) => {
      const current =
        c.poolTarget === null
          ? null
          : rows
              .filter((r) => r.costCenter === c.name && r.day >= monthStartOfLast)
              .reduce((a, r) => a + r.quantity, 0);
      const resources = JSON.stringify(c.users.map((u) => ({ type: 'User', name: `user-${u}` })));
      costCenter.run(
        scopeId,
        last,
        `cc-${i}`,
        c.name,
        c.poolTarget === null ? 0 : 1,
        c.poolTarget,
        current,
        resources,
      );
    });
    for (const b of budgets)
      budget.run(scopeId, last, b.id, b.scope, b.entity, b.userRef, b.amount, b.consumed);
    for (const s of userStates) userState.run(scopeId, last, s.userRef, s.consumed);
  })();
  return { scopeId, days, rows, costCenters, budgets, userStates };
}
