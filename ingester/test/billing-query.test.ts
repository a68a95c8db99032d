/**
 * The "AI credits" query family on fixed billing rows inserted with plain SQL into a real SQLite file,
 * asked through the real HTTP API: the pool against seats × allowances, the forecast against figures
 * worked out by hand (a month whose pool runs out mid-month, one where it lasts), spend by model,
 * organization, cost center and person against sums over the inserted rows, cost per merged pull
 * request, the reconciliation, budgets, and the privacy modes.
 */
import type { FrameJSON } from '@copilot-metrics/contract';
import { Rollups } from '../src/store/rollups';
import { type TestApi, type TestDb, day, startApi, tempDatabase } from './helpers';

let t: TestDb;
let api: TestApi;

const SCOPE = 'enterprise:acme';
const USERS = ['ada', 'bob', 'cyd', 'dee', 'eve', 'fay'];
const MODELS = ['GPT-5', 'Claude Sonnet 4.5'];
/** Credits per working day (Mon–Fri) and per weekend day, split 60/40 between the two models. */
const SEPT = { from: day('2026-09-01'), to: day('2026-09-10'), workday: 700, weekend: 200 };
const NOV = { from: day('2026-11-01'), to: day('2026-11-06'), workday: 100, weekend: 30 };
const isWeekend = (d: number) => [0, 6].includes(new Date(d * 86_400_000).getUTCDay());

/** Export rows (person, organization, cost center) of September, fixed. */
const EXPORT = [
  {
    user: 'ada',
    org: 'org-a',
    cc: 'Platform',
    day: '2026-09-01',
    model: 'GPT-5',
    quantity: 120,
    gross: 1.2,
    discount: 1.2,
    net: 0,
  },
  {
    user: 'bob',
    org: 'org-a',
    cc: 'Platform',
    day: '2026-09-01',
    model: 'GPT-5',
    quantity: 80,
    gross: 0.8,
    discount: 0.6,
    net: 0.2,
  },
  {
    user: 'cyd',
    org: 'org-b',
    cc: 'Product',
    day: '2026-09-02',
    model: 'Claude Sonnet 4.5',
    quantity: 50,
    gross: 0.5,
    discount: 0.5,
    net: 0,
  },
  {
    user: 'dee',
    org: 'org-b',
    cc: 'Product',
    day: '2026-09-02',
    model: 'GPT-5',
    quantity: 40,
    gross: 0.4,
    discount: 0.1,
    net: 0.3,
  },
  {
    user: 'eve',
    org: 'org-b',
    cc: '',
    day: '2026-09-03',
    model: 'GPT-5',
    quantity: 30,
    gross: 0.3,
    discount: 0.3,
    net: 0,
  },
  {
    user: 'fay',
    org: 'org-b',
    cc: '',
    day: '2026-09-03',
    model: 'Claude Sonnet 4.5',
    quantity: 10,
    gross: 0.1,
    discount: 0,
    net: 0.1,
  },
];
/** ai_credits_used of the users-1-day reports (the usage signal), September 1–3. */
const SIGNAL = [
  { user: 'ada', day: '2026-09-01', credits: 118 },
  { user: 'bob', day: '2026-09-01', credits: 80 },
  { user: 'cyd', day: '2026-09-02', credits: 55 },
];

beforeAll(async () => {
  t = tempDatabase();
  const db = t.db;
  db.prepare("INSERT INTO scopes (id, kind, slug) VALUES (1, 'enterprise', 'acme')").run();
  USERS.forEach((login, i) =>
    db.prepare('INSERT INTO users (id, github_id, login) VALUES (?, ?, ?)').run(i + 1, 1000 + i, login),
  );
  db.prepare(
    "INSERT INTO dictionary (id, kind, value) VALUES (501, 'plan_type', 'business'), (502, 'plan_type', 'enterprise')",
  ).run();
  const userId = (login: string) => USERS.indexOf(login) + 1;
  const report = (kind: string, d: number) =>
    db
      .prepare(
        "INSERT OR REPLACE INTO reports (scope_id, kind, day, status, attempts, fetched_at) VALUES (1, ?, ?, 'ok', 1, '2026-12-01T00:00:00Z')",
      )
      .run(kind, d);
  // Seats: September grows to 4 Business + 1 Enterprise mid-month, then shrinks; November has 2 Business.
  const seats = (d: string, business: string[], enterprise: string[]) => {
    for (const [logins, plan] of [
      [business, 501],
      [enterprise, 502],
    ] as const)
      for (const login of logins)
        db.prepare('INSERT INTO seat_snapshots (scope_id, day, user_ref, plan_type) VALUES (1, ?, ?, ?)').run(
          day(d),
          userId(login),
          plan,
        );
    report('seats', day(d));
  };
  seats('2026-09-01', ['ada', 'bob', 'cyd'], ['dee']);
  seats('2026-09-15', ['ada', 'bob', 'cyd', 'eve'], ['dee']);
  seats('2026-09-28', ['ada', 'bob'], ['dee']);
  seats('2026-11-02', ['ada', 'bob'], []);

  const usage = db.prepare(
    `INSERT INTO billing_usage_day (scope_id, day, product, sku, model, unit_type, price_per_unit, gross_quantity, gross_amount,
       discount_quantity, discount_amount, net_quantity, net_amount) VALUES (1, ?, 'Copilot', 'Copilot AI Credits', ?, 'ai-credits', 0.01, ?, ?, ?, ?, 0, 0)`,
  );
  for (const month of [SEPT, NOV])
    for (let d = month.from; d <= month.to; d++) {
      const credits = isWeekend(d) ? month.weekend : month.workday;
      usage.run(d, MODELS[0], credits * 0.6, credits * 0.006, credits * 0.6, credits * 0.006);
      usage.run(d, MODELS[1], credits * 0.4, credits * 0.004, credits * 0.4, credits * 0.004);
      report('billing', d);
    }
  // A premium-request row (pre-AI-credit unit): dollars, not credits.
  db.prepare(
    `INSERT INTO billing_usage_day (scope_id, day, product, sku, model, unit_type, price_per_unit, gross_quantity, gross_amount,
       discount_quantity, discount_amount, net_quantity, net_amount) VALUES (1, ?, 'Copilot', 'Copilot Premium Request', 'GPT-5', 'requests', 0.04, 10, 0.4, 0, 0, 10, 0.4)`,
  ).run(day('2026-09-02'));

  for (const r of EXPORT) {
    db.prepare(
      `INSERT INTO billing_user_day (scope_id, day, user_ref, product, sku, model, unit_type, organization, repository,
         applied_cost_per_quantity, quantity, gross_amount, discount_amount, net_amount) VALUES (1, ?, ?, 'copilot', 'copilot_ai_credit', ?, 'ai-credits', ?, '', 0.01, ?, ?, ?, ?)`,
    ).run(day(r.day), userId(r.user), r.model, r.org, r.quantity, r.gross, r.discount, r.net);
    db.prepare(
      `INSERT INTO billing_cost_center_day (scope_id, day, cost_center_name, product, sku, model, unit_type, quantity, gross_amount, discount_amount, net_amount)
       VALUES (1, ?, ?, 'copilot', 'copilot_ai_credit', ?, 'ai-credits', ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity, gross_amount = gross_amount + excluded.gross_amount,
         discount_amount = discount_amount + excluded.discount_amount, net_amount = net_amount + excluded.net_amount`,
    ).run(day(r.day), r.cc, r.model, r.quantity, r.gross, r.discount, r.net);
  }
  for (const d of ['2026-09-01', '2026-09-02', '2026-09-03']) report('billing-users', day(d));
  for (const s of SIGNAL)
    db.prepare('INSERT INTO usage_day (scope_id, day, user_ref, ai_credits_used) VALUES (1, ?, ?, ?)').run(
      day(s.day),
      userId(s.user),
      s.credits,
    );
  for (const d of ['2026-09-01', '2026-09-02', '2026-09-03']) report('users', day(d));
  // The per-day rollups a stored users report keeps (the writer's, as sync maintains them).
  const rollups = new Rollups(db);
  for (const d of ['2026-09-01', '2026-09-02', '2026-09-03']) rollups.rebuildPeople(1, day(d));
  // Merged pull requests of the scope, 5 a day on September 1–10 (and some on a day without billing).
  for (let d = SEPT.from; d <= SEPT.to + 1; d++)
    db.prepare(
      'INSERT INTO pull_requests_day (scope_id, day, repo_ref, total_merged) VALUES (1, ?, 0, 5)',
    ).run(d);

  // Cost centers (snapshot of September 10): Platform pools 150 credits (ada, bob); Product has no pool.
  const cc = db.prepare(
    `INSERT INTO billing_cost_centers (scope_id, day, cost_center_id, name, state, pool_enabled, pool_target_amount, pool_current_amount, resources)
     VALUES (1, ?, ?, ?, 'active', ?, ?, ?, ?)`,
  );
  cc.run(
    day('2026-09-10'),
    'cc-1',
    'Platform',
    1,
    150,
    200,
    JSON.stringify([
      { type: 'User', name: 'ada' },
      { type: 'User', name: 'bob' },
    ]),
  );
  cc.run(
    day('2026-09-10'),
    'cc-2',
    'Product',
    0,
    null,
    null,
    JSON.stringify([{ type: 'User', name: 'cyd' }]),
  );
  const budget = db.prepare(
    `INSERT INTO billing_budgets (scope_id, day, budget_id, budget_scope, entity_name, product_sku, user_ref, budget_amount, consumed_amount, prevent_further_usage)
     VALUES (1, ?, ?, ?, ?, 'ai_credits', ?, ?, ?, ?)`,
  );
  // An older snapshot, then the latest: only the latest counts.
  budget.run(day('2026-09-05'), 'b-ent', 'enterprise', '', null, 100, 10, 0);
  budget.run(day('2026-09-10'), 'b-ent', 'enterprise', '', null, 100, 60, 0);
  budget.run(day('2026-09-10'), 'b-org', 'organization', 'org-a', null, 20, 19, 1);
  budget.run(day('2026-09-10'), 'b-ada', 'user', '', userId('ada'), 10, 4, 1);
  budget.run(day('2026-09-10'), 'b-all', 'multi_user_customer', '', null, 30, null, 1);
  db.prepare(
    "INSERT INTO billing_budget_user_states (scope_id, day, budget_id, user_ref, consumed_amount, target_amount) VALUES (1, ?, 'b-all', ?, ?, 30)",
  ).run(day('2026-09-10'), userId('bob'), 27);
  api = await startApi(t.path);
});

afterAll(async () => {
  await api?.close();
  t?.close();
});

async function frames(
  query: Record<string, unknown>,
  from = '2026-09-01',
  to = '2026-09-30',
  server = api,
): Promise<FrameJSON[]> {
  const response = await server.post('/api/v1/query', {
    range: { from: `${from}T00:00:00Z`, to: `${to}T23:59:59Z` },
    queries: [{ refId: 'A', scope: SCOPE, ...query }],
  });
  expect(response.status).toBe(200);
  const result = response.body.results.A;
  if ('error' in result) throw new Error(result.error);
  return result.frames;
}
/** Label → value of a table answer. */
async function table(query: Record<string, unknown>, from?: string, to?: string, server?: TestApi) {
  const [frame] = await frames({ format: 'table', ...query }, from, to, server);
  const [labels, values] = frame.data.values as [string[], (number | null)[]];
  return new Map(labels.map((label, i) => [label, values[i]]));
}
const one = async (metric: string, from?: string, to?: string) =>
  [...(await table({ metric }, from, to)).values()][0];
const sumOf = <T>(rows: T[], key: (r: T) => string, value: (r: T) => number) => {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
};
const close = (actual: Map<string, number | null>, expected: Map<string, number>) => {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, value] of expected)
    expect({ key, value: actual.get(key) }).toEqual({ key, value: expect.closeTo(value, 6) });
};

describe('the pool', () => {
  test("September's pool is its largest snapshot's seats × allowances (4 Business × 1,900 + 1 Enterprise × 3,900)", async () => {
    expect(await one('ai_credits_pool')).toBe(4 * 1900 + 1 * 3900);
  });
  test("November's pool is its one snapshot's: 2 Business × 1,900", async () => {
    expect(await one('ai_credits_pool', '2026-11-01', '2026-11-30')).toBe(2 * 1900);
  });
  test('a time series has one point per month with billing data', async () => {
    const [frame] = await frames(
      { metric: 'ai_credits_pool', interval: 'month' },
      '2026-09-01',
      '2026-11-30',
    );
    expect(frame.data.values[0]).toEqual([Date.UTC(2026, 8, 1), Date.UTC(2026, 10, 1)]);
    expect(frame.data.values[1]).toEqual([11_500, 3_800]);
  });
});

describe('the forecast (worked out by hand: 2026-09-01 is a Tuesday, 2026-11-01 a Sunday)', () => {
  // September 1–10: 8 working days × 700 + 2 weekend days × 200 = 6,000 credits. The rest of the month:
  // 14 working days × 700 + 6 weekend days × 200 = 11,000, so 17,000 at month end. Cumulative: 6,000 on
  // the 10th, then 6,700 (Fri 11), 6,900, 7,100, 7,800 (Mon 14), 8,500, 9,200, 9,900, 10,600 (Fri 18),
  // 10,800, 11,000, 11,700 (Mon 21) ≥ 11,500: the pool runs out on September 21, 11 days after the 10th.
  test('a month whose pool runs out mid-month', async () => {
    expect(await one('ai_credits_month_to_date')).toBeCloseTo(6_000, 6);
    expect(await one('ai_credits_forecast_month_end')).toBeCloseTo(17_000, 6);
    expect(await one('ai_credits_forecast_pool_runs_out')).toBe(Date.UTC(2026, 8, 21));
    expect(await one('ai_credits_forecast_days_left')).toBe(11);
    expect(await one('ai_credits_forecast_metered')).toBeCloseTo(17_000 - 11_500, 6);
    expect(await one('ai_dollars_forecast_metered')).toBeCloseTo((17_000 - 11_500) * 0.01, 6);
    expect(await one('ai_credits_pool_used')).toBeCloseTo(6_000 / 11_500, 9);
  });
  // November 1–6: Sunday 30 + 5 working days × 100 = 530. November 7–30: 16 working days × 100 + 8
  // weekend days × 30 = 1,840; 2,370 at month end, under the 3,800 pool.
  test('a month whose pool lasts', async () => {
    const nov = (metric: string) => one(metric, '2026-11-01', '2026-11-30');
    expect(await nov('ai_credits_month_to_date')).toBeCloseTo(530, 6);
    expect(await nov('ai_credits_forecast_month_end')).toBeCloseTo(2_370, 6);
    expect(await nov('ai_credits_forecast_pool_runs_out')).toBeNull();
    expect(await nov('ai_credits_forecast_days_left')).toBeNull();
    expect(await nov('ai_credits_forecast_metered')).toBe(0);
    expect(await nov('ai_dollars_forecast_metered')).toBe(0);
  });
  test('month to date by day is the running total of the billed days', async () => {
    const [frame] = await frames({ metric: 'ai_credits_month_to_date', interval: 'day' });
    const [times, values] = frame.data.values as [number[], number[]];
    expect(times).toHaveLength(10);
    let running = 0;
    for (let d = SEPT.from; d <= SEPT.to; d++) running += isWeekend(d) ? SEPT.weekend : SEPT.workday;
    expect(values.at(-1)).toBeCloseTo(running, 6);
    expect(values[0]).toBeCloseTo(SEPT.workday, 6);
  });
  test("a cost center with a pool: against its cap, from the export's rows of that cost center", async () => {
    // Platform: 120 + 80 = 200 credits on September 1 (a Tuesday), cap 150: run out that day.
    const runsOut = await table({ metric: 'ai_credits_forecast_pool_runs_out', groupBy: 'cost_center' });
    expect([...runsOut]).toEqual([['Platform', Date.UTC(2026, 8, 1)]]);
    expect([...(await table({ metric: 'ai_credits_pool', groupBy: 'cost_center' }))]).toEqual([
      ['Platform', 150],
    ]);
    expect(
      (await table({ metric: 'ai_credits_month_to_date', groupBy: 'cost_center' })).get('Platform'),
    ).toBeCloseTo(200, 6);
  });
});

describe('spend, against sums over the inserted rows', () => {
  test('credits by model (ai_credit/usage rows whose unit is AI credits; the premium-request row is left out)', async () => {
    let total = 0;
    for (let d = SEPT.from; d <= SEPT.to; d++) total += isWeekend(d) ? SEPT.weekend : SEPT.workday;
    close(
      await table({ metric: 'ai_credits_gross', groupBy: 'model' }),
      new Map([
        [MODELS[0], total * 0.6],
        [MODELS[1], total * 0.4],
      ]),
    );
  });
  test('dollars count every row, the premium request included', async () => {
    let total = 0;
    for (let d = SEPT.from; d <= SEPT.to; d++) total += isWeekend(d) ? SEPT.weekend : SEPT.workday;
    expect(await one('ai_dollars_gross')).toBeCloseTo(total * 0.01 + 0.4, 9);
    expect(await one('ai_dollars_net')).toBeCloseTo(0.4, 9);
  });
  test('by person, organization and cost center, from the export', async () => {
    close(
      await table({ metric: 'ai_credits_gross', groupBy: 'user' }),
      sumOf(
        EXPORT,
        (r) => r.user,
        (r) => r.quantity,
      ),
    );
    close(
      await table({ metric: 'ai_dollars_net', groupBy: 'organization' }),
      sumOf(
        EXPORT,
        (r) => r.org,
        (r) => r.net,
      ),
    );
    close(
      await table({ metric: 'ai_dollars_gross', groupBy: 'cost_center' }),
      sumOf(
        EXPORT,
        (r) => r.cc || '(none)',
        (r) => r.gross,
      ),
    );
    // Net credits from the export: quantity × net ÷ gross, per row.
    close(
      await table({ metric: 'ai_credits_net', groupBy: 'user' }),
      sumOf(
        EXPORT,
        (r) => r.user,
        (r) => (r.quantity * r.net) / r.gross,
      ),
    );
  });
  test('filters: one organization by model', async () => {
    const orgB = EXPORT.filter((r) => r.org === 'org-b');
    close(
      await table({ metric: 'ai_credits_gross', groupBy: 'model', filters: { organization: ['org-b'] } }),
      sumOf(
        orgB,
        (r) => r.model,
        (r) => r.quantity,
      ),
    );
  });
  test('cost centers and people together are refused, with the way out', async () => {
    const response = await api.post('/api/v1/query', {
      range: { from: '2026-09-01T00:00:00Z', to: '2026-09-30T00:00:00Z' },
      queries: [
        {
          refId: 'A',
          scope: SCOPE,
          metric: 'ai_credits_gross',
          groupBy: 'user',
          filters: { cost_center: ['Platform'] },
        },
      ],
    });
    expect(response.body.results.A.error).toMatch(
      /no breakdown of ai_credits_gross by user and cost_center together.*drop one/,
    );
  });
});

describe('per unit, reconciliation and budgets', () => {
  test('dollars per merged pull request: Σ gross dollars ÷ Σ merged on the billed days only', async () => {
    let dollars = 0.4;
    for (let d = SEPT.from; d <= SEPT.to; d++) dollars += (isWeekend(d) ? SEPT.weekend : SEPT.workday) * 0.01;
    expect(await one('ai_dollars_per_merged_pull_request', '2026-09-01', '2026-09-11')).toBeCloseTo(
      dollars / (10 * 5),
      9,
    );
  });
  test('the reconciliation: signal, billed and export per day, and their differences', async () => {
    const [frame] = await frames(
      { metric: 'ai_credits_reconciliation', format: 'table' },
      '2026-09-01',
      '2026-09-03',
    );
    const names = frame.schema.fields.map((f) => f.name);
    const rows = (frame.data.values[0] as number[]).map((_time, i) =>
      Object.fromEntries(names.map((n, j) => [n, frame.data.values[j][i]])),
    );
    const sept2 = rows.find((r) => r.day === Date.UTC(2026, 8, 2))!;
    const signal = SIGNAL.filter((s) => s.day === '2026-09-02').reduce((a, s) => a + s.credits, 0);
    const exported = EXPORT.filter((r) => r.day === '2026-09-02').reduce((a, r) => a + r.quantity, 0);
    expect(sept2).toMatchObject({ signal, exported, signal_minus_exported: signal - exported });
    expect(sept2.billed).toBeCloseTo(SEPT.workday, 6);
    expect(sept2.signal_minus_billed).toBeCloseTo(signal - SEPT.workday, 6);
    expect(rows).toHaveLength(3);
  });
  test('per person: each person and day, the signal against the export', async () => {
    const [frame] = await frames(
      { metric: 'ai_credits_reconciliation', format: 'table', groupBy: 'user' },
      '2026-09-01',
      '2026-09-01',
    );
    const [users, , signal, exported] = frame.data.values as [string[], number[], number[], number[]];
    expect(users).toEqual(['ada', 'bob']);
    expect(signal).toEqual([118, 80]);
    expect(exported).toEqual([120, 80]);
  });
  test('budgets: the latest snapshot, nearest to their limit first; people apart', async () => {
    const [frame] = await frames({ metric: 'ai_budgets', format: 'table' });
    const column = (name: string) => frame.data.values[frame.schema.fields.findIndex((f) => f.name === name)];
    expect(column('budget_id')).toEqual(['b-org', 'b-ent', 'b-all']);
    expect(column('ratio')).toEqual([19 / 20, 60 / 100, null]);
    const [people] = await frames({ metric: 'ai_budget_users', format: 'table' });
    expect(people.data.values[0]).toEqual(['bob', 'ada']);
    expect(people.data.values[4]).toEqual([27 / 30, 4 / 10]);
  });
});

describe('privacy modes', () => {
  test('PRIVACY_MIN_GROUP_SIZE hides organizations of fewer people, and not a per-person view', async () => {
    const guarded = await startApi(t.path, {
      privacy: { mode: 'pseudonymous', minGroupSize: 3, key: 'k'.repeat(32) },
    });
    try {
      const byOrg = await table(
        { metric: 'ai_dollars_gross', groupBy: 'organization' },
        undefined,
        undefined,
        guarded,
      );
      expect(byOrg.get('org-a')).toBeNull(); // 2 people
      expect(byOrg.get('org-b')).toBeCloseTo(0.5 + 0.4 + 0.3 + 0.1, 9); // 4 people
      const byUser = await table(
        { metric: 'ai_credits_gross', groupBy: 'user' },
        undefined,
        undefined,
        guarded,
      );
      expect(byUser.get('ada')).toBe(120);
    } finally {
      await guarded.close();
    }
  });
  test('aggregate mode refuses per-person billing and the seat-counted pool, and answers the rest', async () => {
    const aggregate = await startApi(t.path, { privacy: { mode: 'aggregate', minGroupSize: 5 } });
    try {
      for (const query of [
        { metric: 'ai_credits_gross', groupBy: 'user' },
        { metric: 'ai_budget_users' },
        { metric: 'ai_credits_pool' },
        { metric: 'ai_credits_reconciliation', groupBy: 'user' },
      ]) {
        const [frame] = await frames({ format: 'table', ...query }, undefined, undefined, aggregate);
        expect({ query, unavailable: (frame.schema.meta?.custom as any)?.unavailable?.reason }).toEqual({
          query,
          unavailable: 'privacy',
        });
      }
      const byModel = await table(
        { metric: 'ai_credits_gross', groupBy: 'model' },
        undefined,
        undefined,
        aggregate,
      );
      expect(byModel.size).toBe(2);
      expect([
        ...(await table(
          { metric: 'ai_credits_pool', groupBy: 'cost_center' },
          undefined,
          undefined,
          aggregate,
        )),
      ]).toEqual([['Platform', 150]]);
    } finally {
      await aggregate.close();
    }
  });
});
