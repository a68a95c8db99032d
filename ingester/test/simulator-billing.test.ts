/**
 * The simulator's AI-credit billing endpoints over real HTTP. Every expected figure is computed here
 * from other answers of the simulator (the usage reports' ai_credits_used, the seats lists, the CSV
 * export parsed with csv-parse) and GitHub's documented rules, never read from the simulator's code.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { formatDay, parseDay } from '../src/days';
import type { SimulatorServer, SimulatorServerOptions } from '../src/simulator/server';
import { TEST_TODAY, startSimulator } from './helpers';

type Row = Record<string, string>;
type Json = Record<string, any>;

/** GitHub's documented figures (reference §6) and display names ↔ CSV ids (§3). */
const INCLUDED = { business: 1900, enterprise: 3900 } as Record<string, number>;
const SKU_IDS: Record<string, string> = {
  'Copilot AI Credits': 'copilot_ai_credit',
  'Coding Agent AI Credits': 'coding_agent_ai_credit',
};
const USAGE_ITEM_KEYS = [
  'product',
  'sku',
  'model',
  'unitType',
  'pricePerUnit',
  'grossQuantity',
  'grossAmount',
  'discountQuantity',
  'discountAmount',
  'netQuantity',
  'netAmount',
];
const CSV_HEADER =
  '\uFEFF"date","username","product","sku","model","quantity","unit_type","applied_cost_per_quantity","gross_amount","discount_amount","net_amount","total_monthly_quota","organization","repository","cost_center_name","aic_quantity","aic_gross_amount"';

const day = (text: string) => parseDay(text)!;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const cents = (value: number) => Math.round(value * 100) / 100;

async function call(
  sim: SimulatorServer,
  path: string,
  { token = 'test', method = 'GET', body }: { token?: string | null; method?: string; body?: unknown } = {},
) {
  const response = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // Decoded by hand: Response.text() would drop the CSV's byte-order mark.
  const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
  let json: Json = {};
  try {
    json = JSON.parse(text);
  } catch {
    // CSV or XML
  }
  return { status: response.status, headers: response.headers, text, json };
}

const billing = (sim: SimulatorServer) => `/enterprises/${sim.scopes.enterprise}/settings/billing`;
const orgBilling = (org: string) => `/organizations/${org}/settings/billing`;

/** Starts an export, polls it to the end, and returns its final state. */
async function runExport(sim: SimulatorServer, start: string, end: string, token = 'test'): Promise<Json> {
  const created = await call(sim, `${billing(sim)}/reports`, {
    method: 'POST',
    token,
    body: { report_type: 'ai_credit', start_date: start, end_date: end, send_email: false },
  });
  expect(created.status).toBe(202);
  for (let poll = 0; poll < 10; poll++) {
    const state = await call(sim, `${billing(sim)}/reports/${created.json.id}`, { token });
    if (state.json.status !== 'processing') return state.json;
  }
  throw new Error('export still processing after 10 polls');
}

/** The CSV rows of a completed export: each file fetched without credentials, parsed by header name. */
async function downloadRows(sim: SimulatorServer, exported: Json): Promise<Row[]> {
  const rows: Row[] = [];
  for (const url of exported.download_urls ?? []) {
    const file = await call(sim, url, { token: null });
    expect(file.status).toBe(200);
    rows.push(...(parse(file.text, { bom: true, columns: true }) as Row[]));
  }
  return rows;
}

/** The CSV rows of whole months from..to (one export per month, each ≤ 31 days). */
async function exportedRows(sim: SimulatorServer, months: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const month of months) {
    const first = day(`${month}-01`);
    const next = new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 1));
    const last = Math.min(next.getTime() / 86_400_000 - 1, TEST_TODAY);
    rows.push(...(await downloadRows(sim, await runExport(sim, formatDay(first), formatDay(last)))));
  }
  return rows;
}

/** users-1-day of a scope and day: every record, from the report's download links. */
async function usersReport(sim: SimulatorServer, scopePath: string, date: string): Promise<Json[]> {
  const links = await call(sim, `${scopePath}/copilot/metrics/reports/users-1-day?day=${date}`);
  const records: Json[] = [];
  for (const link of links.json.download_links) {
    const file = await call(sim, link, { token: null });
    records.push(
      ...file.text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    );
  }
  return records;
}

/** Every seat of every organization, by login: plan and the day the seat was created. */
async function seatsByLogin(sim: SimulatorServer): Promise<Map<string, { plan: string; since: number }>> {
  const seats = new Map<string, { plan: string; since: number }>();
  for (const org of sim.scopes.orgs) {
    let url: string | undefined = `/orgs/${org}/copilot/billing/seats?per_page=100`;
    while (url) {
      const page = await call(sim, url);
      for (const seat of page.json.seats)
        seats.set(seat.assignee.login, { plan: seat.plan_type, since: day(seat.created_at.slice(0, 10)) });
      url = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
  }
  return seats;
}

const quantity = (rows: Row[]) => sum(rows.map((r) => Number(r.quantity)));

let sim: SimulatorServer;
let csv: Row[];
beforeAll(async () => {
  sim = await startSimulator({ users: 60, orgs: 2 });
  csv = await exportedRows(sim, ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
});
afterAll(() => sim.stop());

describe('ai_credit/usage', () => {
  test('answers with GitHub’s documented shape, for the enterprise and under /organizations/', async () => {
    const enterprise = await call(sim, `${billing(sim)}/ai_credit/usage?year=2026&month=9&day=16`);
    expect(enterprise.status).toBe(200);
    expect(Object.keys(enterprise.json)).toEqual(['timePeriod', 'enterprise', 'usageItems']);
    expect(enterprise.json.timePeriod).toEqual({ year: 2026, month: 9, day: 16 });
    expect(enterprise.json.enterprise).toBe(sim.scopes.enterprise);
    expect(enterprise.json.usageItems.length).toBeGreaterThan(3);
    for (const item of enterprise.json.usageItems) {
      expect(Object.keys(item)).toEqual(USAGE_ITEM_KEYS);
      expect(item).toMatchObject({ product: 'Copilot', unitType: 'ai-credits', pricePerUnit: 0.01 });
      expect(Object.keys(SKU_IDS)).toContain(item.sku);
      expect(item.grossQuantity).toBe(item.discountQuantity + item.netQuantity);
    }
    const models = enterprise.json.usageItems.map((i: Json) => i.model);
    expect(models.some((m: string) => m.startsWith('Auto: '))).toBe(true);

    const org = sim.scopes.orgs[0];
    const filtered = await call(
      sim,
      `${orgBilling(org)}/ai_credit/usage?year=2026&month=9&model=claude%20opus%204.6`,
    );
    expect(filtered.json).toMatchObject({ timePeriod: { year: 2026, month: 9 }, organization: org });
    expect(filtered.json.model).toBe('claude opus 4.6');
    expect(filtered.json.usageItems.map((i: Json) => i.model)).toEqual(['Claude Opus 4.6']);
    expect((await call(sim, `/orgs/${org}/settings/billing/ai_credit/usage`)).status).toBe(404);
  });

  test('has nothing before billing started on 2026-06-01, and rejects a bad month', async () => {
    const may = await call(sim, `${billing(sim)}/ai_credit/usage?year=2026&month=5`);
    expect(may.json.usageItems).toEqual([]);
    expect(csv.filter((r) => r.date < '2026-06-01')).toEqual([]);
    expect(csv.some((r) => r.date === '2026-06-01')).toBe(true);
    expect((await call(sim, `${billing(sim)}/ai_credit/usage?year=2026&month=13`)).status).toBe(400);
  });

  test('equals the sums of the CSV rows of the same scope and period, by SKU and model', async () => {
    const org = sim.scopes.orgs[1];
    const cases: [string, string, (r: Row) => boolean][] = [
      [
        `${billing(sim)}/ai_credit/usage?year=2026&month=7&day=15`,
        'enterprise day',
        (r) => r.date === '2026-07-15',
      ],
      [
        `${billing(sim)}/ai_credit/usage?year=2026&month=9`,
        'enterprise month',
        (r) => r.date.startsWith('2026-09'),
      ],
      [
        `${orgBilling(org)}/ai_credit/usage?year=2026&month=9&day=22`,
        'organization day',
        (r) => r.date === '2026-09-22' && r.organization === org,
      ],
      [
        `${billing(sim)}/ai_credit/usage?year=2026&month=8&organization=${org.toUpperCase()}`,
        'enterprise filtered by organization',
        (r) => r.date.startsWith('2026-08') && r.organization === org,
      ],
    ];
    for (const [path, name, inScope] of cases) {
      const items = (await call(sim, path)).json.usageItems as Json[];
      const rows = csv.filter(inScope);
      const groups = new Set(rows.map((r) => `${r.sku}|${r.model}`));
      expect([name, items.length]).toEqual([name, groups.size]);
      for (const item of items) {
        const group = rows.filter((r) => r.sku === SKU_IDS[item.sku] && r.model === item.model);
        expect([name, item.model, item.grossQuantity]).toEqual([name, item.model, quantity(group)]);
        expect(item.grossAmount).toBeCloseTo(sum(group.map((r) => Number(r.gross_amount))), 9);
        expect(item.discountAmount).toBeCloseTo(sum(group.map((r) => Number(r.discount_amount))), 9);
        expect(item.netAmount).toBeCloseTo(sum(group.map((r) => Number(r.net_amount))), 9);
      }
    }
  });

  test('filters by user on the enterprise: one person’s day is their CSV rows', async () => {
    const row = csv.find((r) => r.date === '2026-09-16')!;
    const path = `${billing(sim)}/ai_credit/usage?year=2026&month=9&day=16&user=${row.username.toUpperCase()}`;
    const answer = await call(sim, path);
    expect(answer.json.user).toBe(row.username.toUpperCase());
    const mine = csv.filter((r) => r.date === '2026-09-16' && r.username === row.username);
    expect(sum(answer.json.usageItems.map((i: Json) => i.grossQuantity))).toBe(quantity(mine));
  });
});

describe('billed credits and the usage reports agree', () => {
  test('each person’s billed credits of a day equal their ai_credits_used (enterprise), to the last bit', async () => {
    for (const date of ['2026-06-19', '2026-07-15', '2026-09-16', '2026-09-19', '2026-09-29']) {
      const reported = new Map<string, number>();
      for (const record of await usersReport(sim, `/enterprises/${sim.scopes.enterprise}`, date))
        reported.set(record.user_login, record.ai_credits_used);
      const billed = new Map<string, number>();
      for (const r of csv.filter((r) => r.date === date))
        billed.set(r.username, (billed.get(r.username) ?? 0) + Number(r.quantity));
      expect(billed.size).toBeGreaterThan(0);
      for (const login of new Set([...reported.keys(), ...billed.keys()]))
        expect([date, login, billed.get(login) ?? 0]).toEqual([date, login, reported.get(login) ?? 0]);
    }
  });

  test('an organization is billed for the people it licenses: the rest are billed in their other organization', async () => {
    const org = sim.scopes.orgs[0];
    const date = '2026-09-16';
    const records = await usersReport(sim, `/orgs/${org}`, date);
    let elsewhere = 0;
    for (const record of records) {
      const mine = csv.filter((r) => r.date === date && r.username === record.user_login);
      const here = mine.filter((r) => r.organization === org);
      if (here.length) expect(quantity(here)).toBe(record.ai_credits_used);
      else if (mine.length) {
        elsewhere++;
        expect(quantity(mine)).toBe(record.ai_credits_used);
      }
    }
    expect(records.length).toBeGreaterThan(elsewhere);
  });

  test('billing starts before the per-user figure: 2026-06-01..18 are billed, ai_credits_used is absent', async () => {
    const records = await usersReport(sim, `/enterprises/${sim.scopes.enterprise}`, '2026-06-10');
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.ai_credits_used === undefined)).toBe(true);
    expect(csv.filter((r) => r.date === '2026-06-10').length).toBeGreaterThan(0);
  });
});

describe('the usage-report export', () => {
  test('processing, 409 while it runs, then completed with links that refuse credentials', async () => {
    const path = `${billing(sim)}/reports`;
    const body = {
      report_type: 'ai_credit',
      start_date: '2026-09-01',
      end_date: '2026-09-30',
      send_email: false,
    };
    const created = await call(sim, path, { method: 'POST', body });
    expect(created.status).toBe(202);
    expect(created.json).toMatchObject({
      report_type: 'ai_credit',
      start_date: '2026-09-01',
      end_date: '2026-09-30',
      status: 'processing',
    });
    expect(created.json.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.json.download_urls).toBeUndefined();
    expect((await call(sim, path, { method: 'POST', body })).status).toBe(409);
    expect((await call(sim, `${path}/${created.json.id}`)).json.status).toBe('processing');
    const done = (await call(sim, `${path}/${created.json.id}`)).json;
    expect(done.status).toBe('completed');
    expect(done.download_urls.length).toBeGreaterThan(0);
    const list = (await call(sim, path)).json.usage_report_exports as Json[];
    expect(list.find((e) => e.id === created.json.id)).toMatchObject({ status: 'completed' });

    const refused = await call(sim, done.download_urls[0]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('InvalidAuthenticationInfo');
    const file = await call(sim, done.download_urls[0], { token: null });
    expect(file.text.split('\n')[0]).toBe(CSV_HEADER);
    expect(file.text.split('\n')[1]).toMatch(
      /^"2026-09-01","[^"]+","copilot","(copilot|coding_agent)_ai_credit",/,
    );
  });

  test('refuses a range of more than 31 days, and completes without links when there is no usage', async () => {
    const path = `${billing(sim)}/reports`;
    const long = { report_type: 'ai_credit', start_date: '2026-08-01', end_date: '2026-09-01' };
    expect((await call(sim, path, { method: 'POST', body: long })).status).toBe(400);
    const empty = await runExport(sim, '2026-05-01', '2026-05-31');
    expect(empty.status).toBe('completed');
    expect(empty.download_urls ?? []).toEqual([]);
  });

  test('a large export comes in several files whose rows are the single file’s', async () => {
    const split = await startSimulator({ users: 60, orgs: 2, exportRowsPerFile: 100 });
    try {
      const exported = await runExport(split, '2026-09-01', '2026-09-30');
      expect(exported.download_urls.length).toBeGreaterThan(2);
      expect(await downloadRows(split, exported)).toEqual(csv.filter((r) => r.date.startsWith('2026-09')));
    } finally {
      await split.stop();
    }
  });

  test("'billing-export-failed': the first export of a range ends failed, the next one completes", async () => {
    const failing = await startSimulator({
      users: 60,
      orgs: 2,
      faults: ['billing-export-failed'],
      exportPolls: 0,
    });
    try {
      const first = await runExport(failing, '2026-09-01', '2026-09-07');
      expect(first.status).toBe('failed');
      expect(first.download_urls).toBeUndefined();
      expect((await runExport(failing, '2026-09-01', '2026-09-07')).status).toBe('completed');
    } finally {
      await failing.stop();
    }
  });
});

describe('budgets and cost centers', () => {
  const octoberRows = () => csv.filter((r) => r.date === formatDay(TEST_TODAY));

  test('budgets come in pages of 10 by default, and each is as documented', async () => {
    const seen: Json[] = [];
    let pages = 0;
    for (let page = 1; ; page++) {
      const answer = (await call(sim, `${billing(sim)}/budgets?page=${page}`)).json;
      seen.push(...answer.budgets);
      pages++;
      expect(answer.total_count).toBeGreaterThan(10);
      if (!answer.has_next_page) {
        expect(seen).toHaveLength(answer.total_count);
        break;
      }
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.map((b) => b.id)).size).toBe(seen.length);
    const scopes = new Set(seen.map((b) => b.budget_scope));
    for (const scope of ['enterprise', 'organization', 'cost_center', 'multi_user_customer', 'user'])
      expect(scopes).toContain(scope);
    expect(seen.some((b) => b.budget_type === 'BundlePricing' && b.budget_product_sku === 'ai_credits')).toBe(
      true,
    );
    for (const b of seen) {
      expect(b).toMatchObject({ budget_alerting: { will_alert: expect.any(Boolean) } });
      expect(typeof b.prevent_further_usage).toBe('boolean');
      // As documented, the list carries consumed_amount for user budgets only.
      expect('consumed_amount' in b).toBe(b.budget_scope === 'user');
    }
  });

  test('a user budget has consumed that person’s month so far, and one is past 90%', async () => {
    const list = (await call(sim, `${billing(sim)}/budgets?scope=user&per_page=100`)).json.budgets as Json[];
    expect(list.length).toBeGreaterThan(1);
    for (const budget of list) {
      const mine = octoberRows().filter((r) => r.username === budget.user);
      expect(budget.consumed_amount).toBe(cents(sum(mine.map((r) => Number(r.gross_amount)))));
      expect((await call(sim, `${billing(sim)}/budgets/${budget.id}`)).json).toEqual(budget);
    }
    expect(list.some((b) => b.consumed_amount / b.budget_amount >= 0.9)).toBe(true);
  });

  test('the user-states of the all-users budget: everyone who used credits this month, most first', async () => {
    const budgets = (await call(sim, `${billing(sim)}/budgets?per_page=100`)).json.budgets as Json[];
    const universal = budgets.find((b) => b.budget_scope === 'multi_user_customer')!;
    const states: Json[] = [];
    for (let page = 1; ; page++) {
      const answer = (
        await call(sim, `${billing(sim)}/budgets/${universal.id}/user-states?per_page=7&page=${page}`)
      ).json;
      states.push(...answer.user_states);
      if (!answer.has_next_page) break;
    }
    const users = new Set(octoberRows().map((r) => r.username));
    expect(new Set(states.map((s) => s.user))).toEqual(users);
    for (const state of states) {
      const mine = octoberRows().filter((r) => r.username === state.user);
      expect(state.consumed_amount).toBe(cents(sum(mine.map((r) => Number(r.gross_amount)))));
      const own = budgets.find((b) => b.budget_scope === 'user' && b.user === state.user);
      expect(state.target_amount).toBe(own ? own.budget_amount : universal.budget_amount);
      expect(state.override_budget_id).toBe(own?.id);
    }
    const consumed = states.map((s) => s.consumed_amount);
    expect(consumed).toEqual([...consumed].sort((a, b) => b - a));
  });

  test('filtered by user: the budgets that cover the person, and the one in effect', async () => {
    const budgets = (await call(sim, `${billing(sim)}/budgets?scope=user&per_page=100`)).json
      .budgets as Json[];
    const own = budgets[0];
    const answer = (await call(sim, `${billing(sim)}/budgets?user=${own.user}`)).json;
    expect(answer.user).toBe(own.user);
    expect(answer.effective_budget).toEqual({
      id: own.id,
      budget_amount: own.budget_amount,
      consumed_amount: own.consumed_amount,
    });
    const scopes = (answer.budgets as Json[]).map((b) => b.budget_scope);
    expect(scopes).toContain('user');
    expect(scopes).toContain('multi_user_customer');
    expect((answer.budgets as Json[]).every((b) => 'consumed_amount' in b)).toBe(true);
  });

  test('one cost center by id pages its resources', async () => {
    const centers = (await call(sim, `${billing(sim)}/cost-centers`)).json.costCenters as Json[];
    const biggest = centers.reduce((a, b) => (b.resources.length > a.resources.length ? b : a));
    const resources: Json[] = [];
    for (let page = 1; ; page++) {
      const answer = (await call(sim, `${billing(sim)}/cost-centers/${biggest.id}?per_page=2&page=${page}`))
        .json;
      expect(answer.name).toBe(biggest.name);
      resources.push(...answer.resources);
      if (!answer.has_next_page) break;
    }
    expect(resources).toEqual(biggest.resources);
    expect((await call(sim, `${billing(sim)}/cost-centers/not-a-cost-center`)).status).toBe(404);
  });

  test('an organization lists its own budgets only', async () => {
    const org = sim.scopes.orgs[0];
    const answer = (await call(sim, `${orgBilling(org)}/budgets?per_page=100`)).json;
    expect(answer.budgets.length).toBeGreaterThan(0);
    for (const b of answer.budgets as Json[]) {
      if (b.budget_scope === 'organization') expect(b.budget_entity_name).toBe(org);
      else if (b.budget_scope === 'repository') expect(b.budget_entity_name.startsWith(`${org}/`)).toBe(true);
      else expect(b.budget_scope).toBe('user');
    }
  });

  test('a cost center’s pool: target = its licensed users × included credits, current = its CSV credits this month', async () => {
    const seats = await seatsByLogin(sim);
    const all = (await call(sim, `${billing(sim)}/cost-centers`)).json.costCenters as Json[];
    const active = (await call(sim, `${billing(sim)}/cost-centers?state=active`)).json.costCenters as Json[];
    expect(all.some((c) => c.state === 'deleted')).toBe(true);
    expect(active.every((c) => c.state === 'active')).toBe(true);
    const pooled = active.filter((c) => c.ai_credit_pool_enabled);
    expect(pooled.some((c) => c.ai_credit_pool_state === null)).toBe(true);
    const materialized = pooled.filter((c) => c.ai_credit_pool_state);
    expect(materialized.length).toBeGreaterThan(0);
    for (const center of materialized) {
      const users = (center.resources as Json[]).filter((r) => r.type === 'User').map((r) => r.name);
      const target = sum(users.filter((u) => seats.has(u)).map((u) => INCLUDED[seats.get(u)!.plan]));
      expect(center.ai_credit_pool_state.target_amount).toBe(target);
      const current = quantity(octoberRows().filter((r) => r.cost_center_name === center.name));
      expect(center.ai_credit_pool_state.current_amount).toBe(current);
    }
    for (const center of active.filter((c) => !c.ai_credit_pool_enabled))
      expect(center.ai_credit_pool_state).toBeUndefined();
  });
});

describe('the default model: the pool, and people moving between cost centers', () => {
  let big: SimulatorServer;
  beforeAll(async () => {
    big = await startSimulator({ users: 250, orgs: 3 });
  });
  afterAll(() => big.stop());

  /** Daily totals of the enterprise's JSON usage over a month. */
  async function dailyTotals(month: number) {
    const days: { date: number; gross: number; discount: number; net: number }[] = [];
    const last = new Date(Date.UTC(2026, month, 0)).getUTCDate();
    for (let d = 1; d <= last; d++) {
      const items = (await call(big, `${billing(big)}/ai_credit/usage?year=2026&month=${month}&day=${d}`))
        .json.usageItems as Json[];
      days.push({
        date: day(`2026-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
        gross: sum(items.map((i) => i.grossQuantity)),
        discount: sum(items.map((i) => i.discountQuantity)),
        net: sum(items.map((i) => i.netQuantity)),
      });
    }
    return days;
  }

  test('usage draws the pool of seats × included credits first, then is metered; June fits, September runs out mid-month', async () => {
    const seats = await seatsByLogin(big);
    const pool = (date: number) =>
      sum([...seats.values()].filter((s) => s.since <= date).map((s) => INCLUDED[s.plan]));
    const exhaustion: Record<number, number | undefined> = {};
    for (const month of [6, 9]) {
      let drawn = 0;
      for (const d of await dailyTotals(month)) {
        // drawn(d) = min(drawn(d-1) + gross(d), pool(d)): the day's discount is what it drew.
        const before = drawn;
        drawn = Math.min(before + d.gross, pool(d.date));
        expect([formatDay(d.date), d.discount]).toEqual([formatDay(d.date), drawn - before]);
        expect(d.discount + d.net).toBe(d.gross);
        exhaustion[month] ??= d.net > 0 ? new Date(d.date * 86_400_000).getUTCDate() : undefined;
      }
    }
    expect(exhaustion[6]).toBeUndefined();
    expect(exhaustion[9]).toBeGreaterThanOrEqual(8);
    expect(exhaustion[9]).toBeLessThanOrEqual(22);
  });

  test('some rows differ only in cost_center_name: a person moved to another cost center that day', async () => {
    const rows = await exportedRows(big, ['2026-06', '2026-07', '2026-08', '2026-09']);
    const byKey = new Map<string, Set<string>>();
    for (const r of rows) {
      const key = [r.date, r.username, r.sku, r.model, r.organization, r.repository].join('|');
      byKey.set(key, (byKey.get(key) ?? new Set()).add(r.cost_center_name));
    }
    const split = [...byKey.values()].filter((centers) => centers.size > 1);
    expect(split.length).toBeGreaterThan(0);
    for (const centers of split) expect(centers).toContain('AI Champions');
    expect(rows.some((r) => r.cost_center_name === '')).toBe(true);
    expect(rows.some((r) => r.repository !== '' && r.sku === 'coding_agent_ai_credit')).toBe(true);
  });

  test('budgets need more than one page at per_page=10', async () => {
    const first = (await call(big, `${billing(big)}/budgets?per_page=10`)).json;
    expect(first.budgets).toHaveLength(10);
    expect(first.has_next_page).toBe(true);
  });
});

describe('permissions', () => {
  const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const APP_ID = '4242';
  const options: SimulatorServerOptions = {
    users: 30,
    orgs: 2,
    tokens: ['main-pat'],
    billingTokens: ['billing-pat'],
    app: { id: APP_ID, publicKey: app.publicKey },
  };

  /** An installation token of the enterprise installation, through the App's JWT. */
  async function installationToken(target: SimulatorServer): Promise<string> {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 30, exp: now + 300, iss: APP_ID })}`;
    const jwt = `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), app.privateKey).toString('base64url')}`;
    const answer = await call(target, '/app/installations/1000/access_tokens', {
      method: 'POST',
      token: jwt,
    });
    return answer.json.token;
  }

  test('a billing token is required on the enterprise billing endpoints; the main token still reads the rest', async () => {
    const target = await startSimulator({ ...options, faults: ['billing-app-refused'] });
    try {
      for (const path of ['/ai_credit/usage', '/budgets', '/cost-centers', '/reports']) {
        const refused = await call(target, `${billing(target)}${path}`, { token: 'main-pat' });
        expect([path, refused.status]).toEqual([path, 403]);
        expect(refused.json.message).toContain('manage_billing:enterprise');
        expect(refused.headers.get('x-accepted-oauth-scopes')).toBe('manage_billing:enterprise');
        expect((await call(target, `${billing(target)}${path}`, { token: 'billing-pat' })).status).toBe(200);
      }
      const org = target.scopes.orgs[0];
      expect((await call(target, `${orgBilling(org)}/ai_credit/usage`, { token: 'main-pat' })).status).toBe(
        200,
      );
      expect(
        (await call(target, `/orgs/${org}/copilot/billing/seats`, { token: 'billing-pat' })).status,
      ).toBe(200);
      expect((await call(target, `${billing(target)}/budgets`, { token: 'stranger' })).status).toBe(401);

      const installation = await installationToken(target);
      const byApp = await call(target, `${billing(target)}/ai_credit/usage`, { token: installation });
      expect(byApp.status).toBe(403);
      expect(byApp.json.message).toBe('Resource not accessible by integration');
    } finally {
      await target.stop();
    }
  });

  test("'billing-scope-missing' refuses every personal token; an App installation is accepted unless refused", async () => {
    const target = await startSimulator({
      ...options,
      billingTokens: undefined,
      faults: ['billing-scope-missing'],
    });
    try {
      expect((await call(target, `${billing(target)}/ai_credit/usage`, { token: 'main-pat' })).status).toBe(
        403,
      );
      const installation = await installationToken(target);
      expect((await call(target, `${billing(target)}/ai_credit/usage`, { token: installation })).status).toBe(
        200,
      );
    } finally {
      await target.stop();
    }
  });

  test('organizations: consolidated billing answers 404, and ?user= is refused for enterprise-owned ones', async () => {
    const target = await startSimulator({
      users: 30,
      orgs: 2,
      faults: ['billing-consolidated', 'billing-org-user-filter'],
    });
    try {
      const [first, last] = target.scopes.orgs;
      expect((await call(target, `${orgBilling(last)}/ai_credit/usage`)).status).toBe(404);
      expect((await call(target, `${orgBilling(first)}/ai_credit/usage`)).status).toBe(200);
      const byUser = await call(target, `${orgBilling(first)}/ai_credit/usage?user=mona-0`);
      expect(byUser.status).toBe(403);
      expect(byUser.json.message).toBe(
        'Organization admins for enterprise owned organizations cannot filter usage by user',
      );
      expect((await call(target, `${billing(target)}/ai_credit/usage?user=mona-0`)).status).toBe(200);
    } finally {
      await target.stop();
    }
  });
});
