/**
 * Billing sync end to end: the simulator over real HTTP, a real SQLite file. Every stored figure is
 * checked against the simulator's raw answers, fetched and summed here independently (plain fetch, a
 * regular-expression CSV reader); the export lifecycle (409, failed), the permission faults with their
 * advice, BILLING=off, BILLING_TOKEN used for billing only, and the trailing days fetched again.
 */
import { formatDay } from '../src/days';
import { GitHubClient, type TokenProvider } from '../src/github/client';
import { fetchPages } from '../src/github/billing';
import { silentLogger } from '../src/log';
import { parseBudgetsPage } from '../src/reports/billing';
import type { Scope } from '../src/scopes';
import { costCentersOn } from '../src/simulator/generate/billing';
import type { SimulatorServer } from '../src/simulator/server';
import type { SyncRequest } from '../src/sync/runner';
import {
  SYNC_SETTINGS,
  TEST_TODAY,
  day,
  simulatedScopes,
  startSimulator,
  syncDays,
  tempDatabase,
  testClient,
  type TestDb,
} from './helpers';

const FROM = day('2026-09-22');
const BILLING = { enabled: true, exportPollMs: 5, exportTimeoutMs: 3000 };
const SETTINGS = { ...SYNC_SETTINGS, billing: BILLING };

/** The simulator's raw JSON answer to a GET, with a token it accepts. */
async function raw(sim: SimulatorServer, path: string, token = 'test'): Promise<any> {
  const response = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return response.json();
}

/** An independent CSV reader: every value of the export is double-quoted. */
function csvRecords(text: string): Record<string, string>[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .filter(Boolean);
  const cells = (line: string) =>
    [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"'));
  const header = cells(lines[0]);
  return lines.slice(1).map((line) => Object.fromEntries(cells(line).map((v, i) => [header[i], v])));
}

/** Asks the simulator for an ai_credit export of from..to, as a client would, and reads its CSV rows. */
async function exportRows(sim: SimulatorServer, from: number, to: number, token = 'test') {
  const base = `${sim.url}/enterprises/${sim.scopes.enterprise}/settings/billing/reports`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const body = JSON.stringify({
    report_type: 'ai_credit',
    start_date: formatDay(from),
    end_date: formatDay(to),
  });
  type Made = { id: string; status: string; download_urls?: string[] };
  let made = (await (await fetch(base, { method: 'POST', headers, body })).json()) as Made;
  while (made.status === 'processing')
    made = (await (await fetch(`${base}/${made.id}`, { headers })).json()) as Made;
  const rows: Record<string, string>[] = [];
  for (const url of made.download_urls ?? []) rows.push(...csvRecords(await (await fetch(url)).text()));
  return rows;
}

const key = (...parts: unknown[]) => parts.join('|');
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('billing sync against the simulator', () => {
  let sim: SimulatorServer;
  let client: GitHubClient;
  let t: TestDb;
  let scopes: Scope[];

  beforeAll(async () => {
    sim = await startSimulator({ exportPolls: 2, exportRowsPerFile: 100 });
    client = testClient(sim.url);
    t = tempDatabase();
    scopes = simulatedScopes(sim);
    const summary = await syncDays(t.store, client, {
      scopes,
      settings: SETTINGS,
      kinds: ['billing'],
      from: FROM,
    });
    expect(summary.failures).toEqual([]);
    expect(summary.byReport.billing.ok).toBe(3 * (TEST_TODAY - FROM));
    expect(summary.byReport['billing-users'].ok + summary.byReport['billing-users'].noData).toBe(
      TEST_TODAY - FROM,
    );
    expect(summary.byReport['billing-snapshot'].ok).toBe(3);
  });
  afterAll(async () => {
    t.close();
    await client.close();
    await sim.stop();
  });

  const scopeId = (scope: Scope) =>
    t.db
      .prepare('SELECT id FROM scopes WHERE kind = ? AND slug = ?')
      .pluck()
      .get(scope.kind, scope.slug) as number;
  const path = (scope: Scope) =>
    scope.kind === 'enterprise'
      ? `/enterprises/${scope.slug}/settings/billing`
      : `/organizations/${scope.slug}/settings/billing`;

  test('every ai_credit/usage item of every scope and day is stored as GitHub sent it', async () => {
    let items = 0;
    for (const scope of scopes) {
      for (let d = FROM; d < TEST_TODAY; d++) {
        const [y, m, dd] = formatDay(d).split('-').map(Number);
        const answer = await raw(sim, `${path(scope)}/ai_credit/usage?year=${y}&month=${m}&day=${dd}`);
        const stored = t.db
          .prepare(
            `SELECT product, sku, model, unit_type AS unitType, price_per_unit AS pricePerUnit, gross_quantity AS grossQuantity,
               gross_amount AS grossAmount, discount_quantity AS discountQuantity, discount_amount AS discountAmount,
               net_quantity AS netQuantity, net_amount AS netAmount
             FROM billing_usage_day WHERE scope_id = ? AND day = ? ORDER BY product, sku, model, unit_type`,
          )
          .all(scopeId(scope), d);
        const sent = [...answer.usageItems].sort((a, b) =>
          key(a.product, a.sku, a.model, a.unitType) < key(b.product, b.sku, b.model, b.unitType) ? -1 : 1,
        );
        expect(stored).toEqual(sent);
        items += sent.length;
      }
    }
    expect(items).toBeGreaterThan(50);
  });

  test('the export’s per-person rows and cost-center sums equal the CSV, summed independently', async () => {
    const rows = await exportRows(sim, FROM, TEST_TODAY - 1);
    expect(rows.length).toBeGreaterThan(100); // several files
    const byPerson = new Map<string, number[]>();
    const byCenter = new Map<string, number[]>();
    const add = (map: Map<string, number[]>, k: string, values: number[]) => {
      const sums = map.get(k) ?? values.map(() => 0);
      map.set(
        k,
        sums.map((s, i) => s + values[i]),
      );
    };
    for (const r of rows) {
      const values = [r.quantity, r.gross_amount, r.discount_amount, r.net_amount].map(Number);
      add(
        byPerson,
        key(r.date, r.username.toLowerCase(), r.sku, r.model, r.organization, r.repository),
        values,
      );
      add(byCenter, key(r.date, r.cost_center_name, r.sku, r.model), values);
    }
    const stored = t.db
      .prepare(
        `SELECT b.day, lower(u.login) AS login, b.sku, b.model, b.organization, b.repository, b.quantity, b.gross_amount,
           b.discount_amount, b.net_amount, b.total_monthly_quota, b.product, b.unit_type
         FROM billing_user_day b JOIN users u ON u.id = b.user_ref WHERE b.scope_id = ?`,
      )
      .all(scopeId(scopes[0])) as any[];
    expect(stored.length).toBe(byPerson.size);
    expect(t.db.prepare('SELECT count(*) FROM billing_user_day WHERE user_ref = 0').pluck().get()).toBe(0);
    for (const s of stored) {
      const sums = byPerson.get(
        key(formatDay(s.day), s.login, s.sku, s.model, s.organization, s.repository),
      )!;
      expect(sums).toBeDefined();
      [s.quantity, s.gross_amount, s.discount_amount, s.net_amount].forEach((v, i) =>
        expect(close(v, sums[i])).toBe(true),
      );
      expect([s.product, s.unit_type]).toEqual(['copilot', 'ai-credits']);
    }
    const centers = t.db
      .prepare(
        'SELECT day, cost_center_name, sku, model, quantity, gross_amount, discount_amount, net_amount FROM billing_cost_center_day WHERE scope_id = ?',
      )
      .all(scopeId(scopes[0])) as any[];
    expect(centers.length).toBe(byCenter.size);
    expect(new Set(centers.map((c) => c.cost_center_name)).size).toBeGreaterThan(1);
    for (const c of centers) {
      const sums = byCenter.get(key(formatDay(c.day), c.cost_center_name, c.sku, c.model))!;
      [c.quantity, c.gross_amount, c.discount_amount, c.net_amount].forEach((v, i) =>
        expect(close(v, sums[i])).toBe(true),
      );
    }
  });

  test('budgets (every page), user-states and cost centers are today’s snapshot, as listed', async () => {
    for (const scope of scopes) {
      const listed: any[] = [];
      for (let page = 1; ; page++) {
        const answer = await raw(sim, `${path(scope)}/budgets?per_page=3&page=${page}`);
        listed.push(...answer.budgets);
        if (!answer.has_next_page) break;
      }
      const stored = t.db
        .prepare(
          'SELECT budget_id, budget_amount, budget_scope, consumed_amount FROM billing_budgets WHERE scope_id = ? AND day = ? ORDER BY budget_id',
        )
        .all(scopeId(scope), TEST_TODAY) as any[];
      expect(stored.map((b) => b.budget_id)).toEqual(listed.map((b) => b.id).sort());
      for (const b of listed) {
        const s = stored.find((x) => x.budget_id === b.id);
        expect([s.budget_amount, s.budget_scope, s.consumed_amount]).toEqual([
          b.budget_amount,
          b.budget_scope,
          b.consumed_amount ?? null,
        ]);
      }
      // The client walks pages by has_next_page: a small page size gives the same budgets.
      const pages = await fetchPages(client, scope, 'budgets', parseBudgetsPage, 2);
      expect(pages!.flatMap((p) => p.rows).length).toBe(listed.length);
    }
    const enterprise = scopes[0];
    const multi = (await raw(sim, `${path(enterprise)}/budgets?per_page=100`)).budgets.filter((b: any) =>
      ['multi_user_customer', 'multi_user_cost_center'].includes(b.budget_scope),
    );
    expect(multi.length).toBeGreaterThan(0);
    let states = 0;
    for (const b of multi) {
      const answer = await raw(sim, `${path(enterprise)}/budgets/${b.id}/user-states?per_page=100`);
      for (const s of answer.user_states) {
        states++;
        const row = t.db
          .prepare(
            `SELECT consumed_amount, target_amount FROM billing_budget_user_states st JOIN users u ON u.id = st.user_ref
             WHERE st.scope_id = ? AND st.budget_id = ? AND lower(u.login) = lower(?)`,
          )
          .get(scopeId(enterprise), b.id, s.user) as any;
        expect(row).toEqual({ consumed_amount: s.consumed_amount, target_amount: s.target_amount });
      }
    }
    expect(t.db.prepare('SELECT count(*) FROM billing_budget_user_states').pluck().get()).toBe(states);
    const centers = (await raw(sim, `${path(enterprise)}/cost-centers`)).costCenters;
    const stored = t.db
      .prepare('SELECT * FROM billing_cost_centers WHERE scope_id = ?')
      .all(scopeId(enterprise)) as any[];
    expect(stored.length).toBe(centers.length);
    for (const c of centers) {
      const s = stored.find((x) => x.cost_center_id === c.id);
      expect([s.name, s.state, s.pool_enabled, JSON.parse(s.resources)]).toEqual([
        c.name,
        c.state,
        c.ai_credit_pool_enabled === undefined ? null : Number(c.ai_credit_pool_enabled),
        c.resources,
      ]);
      expect([s.pool_target_amount, s.pool_current_amount]).toEqual([
        c.ai_credit_pool_state?.target_amount ?? null,
        c.ai_credit_pool_state?.current_amount ?? null,
      ]);
    }
  });

  test('a second run fetches the trailing days again, and keeps older days', async () => {
    const before = t.db
      .prepare('SELECT count(*) FROM billing_usage_day WHERE day < ?')
      .pluck()
      .get(TEST_TODAY - 3);
    const again = await syncDays(t.store, client, {
      scopes,
      settings: SETTINGS,
      kinds: ['billing'],
      from: FROM,
    });
    expect(again.failures).toEqual([]);
    expect(again.planned).toBe(3 * 3 + 3 + 3); // billing of 3 scopes × 3 days, the export's 3 days, 3 snapshots
    expect(
      t.db
        .prepare('SELECT count(*) FROM billing_usage_day WHERE day < ?')
        .pluck()
        .get(TEST_TODAY - 3),
    ).toBe(before);
  });

  test('status lists the billing kinds with their coverage', async () => {
    const { coverage } = await import('../src/store/coverage');
    const { SqliteReader } = await import('../src/store/sqliteReader');
    const report = await coverage(new SqliteReader(t.db), {
      scopes,
      today: TEST_TODAY,
      backfillDays: TEST_TODAY - FROM,
    });
    const enterprise = report.scopes.find((s) => s.scope === `enterprise:${sim.scopes.enterprise}`)!;
    const billing = enterprise.reports.find((r) => r.report === 'billing')!;
    expect(billing).toMatchObject({
      firstDay: formatDay(FROM),
      lastDay: formatDay(TEST_TODAY - 1),
      failed: [],
      gaps: [],
    });
    expect(enterprise.reports.map((r) => r.report)).toEqual(
      expect.arrayContaining(['billing', 'billing-users', 'billing-snapshot']),
    );
    const org = report.scopes.find((s) => s.scope.startsWith('organization:'))!;
    expect(org.reports.map((r) => r.report)).not.toContain('billing-users');
  });
});

describe('billing faults', () => {
  const oneDay = { from: TEST_TODAY - 2, to: TEST_TODAY - 2 };

  async function run(
    options: Parameters<typeof startSimulator>[0],
    request: Partial<SyncRequest>,
    clientOf?: (url: string) => GitHubClient,
  ) {
    const sim = await startSimulator(options);
    const client = clientOf ? clientOf(sim.url) : testClient(sim.url);
    const t = tempDatabase();
    const summary = await syncDays(t.store, client, {
      scopes: simulatedScopes(sim),
      settings: SETTINGS,
      ...request,
    });
    return { sim, client, t, summary, done: async () => (t.close(), await client.close(), await sim.stop()) };
  }

  test('a token without manage_billing:enterprise fails the enterprise billing days with advice; usage reports are synced', async () => {
    const r = await run(
      { billingTokens: ['billing-secret'] },
      { ...oneDay, kinds: ['users', 'aggregate', 'billing'] },
    );
    try {
      const failures = r.summary.failures;
      expect(failures.length).toBeGreaterThan(0);
      expect(new Set(failures.map((f) => f.report))).toEqual(new Set(['billing', 'billing-users']));
      for (const f of failures) {
        expect(f.scope).toBe(`enterprise:${r.sim.scopes.enterprise}`);
        expect(f.status).toBe(403);
        expect(f.error).toMatch(/manage_billing:enterprise/);
        expect(f.error).toMatch(/BILLING_TOKEN/);
        expect(f.error).toMatch(/SSO-authorized/);
        expect(f.error).toMatch(/\/enterprises\/[^ ]+\/settings\/billing\/(ai_credit\/usage|reports)/);
      }
      // The snapshot of the enterprise failed the same way; the organizations' billing went through.
      expect(r.summary.byReport.users.ok).toBe(3);
      expect(r.summary.byReport.aggregate.ok).toBe(3);
      expect(r.summary.byReport.billing.ok).toBe(2);
    } finally {
      await r.done();
    }
  });

  test('a usage-report refusal (403) skips that scope’s usage reports, never its billing', async () => {
    const twoDays = { from: TEST_TODAY - 3, to: TEST_TODAY - 2 };
    const r = await run({ faults: ['policy-disabled'] }, { ...twoDays, kinds: ['users', 'billing'] });
    try {
      const last = `organization:${r.sim.scopes.orgs.at(-1)}`;
      expect(r.summary.failures.map((f) => [f.scope, f.report])).toEqual([[last, 'users']]);
      expect(r.summary.byReport.users.skipped).toBe(1);
      expect(r.summary.byReport.billing.ok).toBe(3 * 2);
    } finally {
      await r.done();
    }
  });

  test('BILLING_TOKEN is used for billing, the main credentials for everything else', async () => {
    const used = { main: 0, billing: 0 };
    const counting = (name: keyof typeof used, token: string): TokenProvider => ({
      authorization: async () => {
        used[name]++;
        return `Bearer ${token}`;
      },
    });
    const r = await run(
      { tokens: ['main'], billingTokens: ['billing-secret'] },
      { ...oneDay, kinds: ['users', 'billing'] },
      (url) =>
        new GitHubClient({
          apiUrl: url,
          auth: counting('main', 'main'),
          billingAuth: counting('billing', 'billing-secret'),
          logger: silentLogger,
          retry: { baseDelayMs: 20, maxDelayMs: 200 },
        }),
    );
    try {
      expect(r.summary.failures).toEqual([]);
      expect(r.summary.byReport.users.ok).toBe(3);
      // 3 scopes' billing day, and the enterprise's export (POST, then polls).
      expect(used.billing).toBeGreaterThanOrEqual(3 + 1 + 2);
      // The usage reports' link requests, and the billing logins' lookups (GET /users/{login}).
      expect(used.main).toBeGreaterThanOrEqual(3);
      expect(r.t.db.prepare('SELECT count(*) FROM billing_user_day').pluck().get()).toBeGreaterThan(0);
    } finally {
      await r.done();
    }
  });

  test('an organization whose billing is consolidated at the enterprise has no data, with advice', async () => {
    const r = await run({ faults: ['billing-consolidated'] }, { ...oneDay, kinds: ['billing'] });
    try {
      expect(r.summary.failures).toEqual([]);
      expect(r.summary.byReport.billing).toMatchObject({ ok: 2, noData: 1 });
      const row = r.t.db
        .prepare("SELECT status, error FROM reports WHERE kind = 'billing' AND status = 'no_data'")
        .get() as any;
      expect(row.error).toMatch(
        /consolidated at its enterprise.*COPILOT_ENTERPRISES.*manage_billing:enterprise/,
      );
    } finally {
      await r.done();
    }
  });

  test('a failed export fails its days naming the export; the next sync asks again and stores them', async () => {
    const r = await run({ faults: ['billing-export-failed'] }, { ...oneDay, kinds: ['billing-users'] });
    try {
      expect(r.summary.byReport['billing-users'].failed).toBe(1);
      expect(r.summary.failures[0].error).toMatch(
        /export [0-9a-f-]{36} of enterprise:[^ ]+ for \d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2} as failed/,
      );
      const again = await syncDays(r.t.store, r.client, {
        scopes: simulatedScopes(r.sim),
        settings: SETTINGS,
        ...oneDay,
        kinds: ['billing-users'],
      });
      expect(again.failures).toEqual([]);
      expect(again.byReport['billing-users'].ok).toBe(1);
    } finally {
      await r.done();
    }
  });

  test('409 (another export running): waits and retries, and fails the days with a clear message once the wait is over', async () => {
    const sim = await startSimulator({ exportPolls: 3 });
    const client = testClient(sim.url);
    const t = tempDatabase();
    const base = `${sim.url}/enterprises/${sim.scopes.enterprise}/settings/billing/reports`;
    const headers = { authorization: 'Bearer test', 'content-type': 'application/json' };
    const blockingExport = async () =>
      (
        (await (
          await fetch(base, {
            method: 'POST',
            headers,
            body: JSON.stringify({ report_type: 'ai_credit', start_date: '2026-09-01' }),
          })
        ).json()) as { id: string }
      ).id;
    const request = { scopes: simulatedScopes(sim), ...oneDay, kinds: ['billing-users' as const] };
    try {
      // Another export runs until someone polls it three times: nobody does, so the wait runs out.
      const first = await blockingExport();
      const blocked = await syncDays(t.store, client, {
        ...request,
        settings: { ...SYNC_SETTINGS, billing: { ...BILLING, exportTimeoutMs: 100, exportPollMs: 20 } },
      });
      expect(blocked.byReport['billing-users'].failed).toBe(1);
      expect(blocked.failures[0].error).toMatch(
        /another usage-report export of enterprise:\S+ kept running .*409/,
      );
      expect(blocked.failures[0].error).toMatch(/BILLING_EXPORT_TIMEOUT_SECONDS/);

      // This time the other export finishes while the sync waits: the sync's own export follows.
      const finisher = (async () => {
        for (let i = 0; i < 4; i++) {
          await new Promise((resolve) => setTimeout(resolve, 30));
          await fetch(`${base}/${first}`, { headers });
        }
      })();
      const waited = await syncDays(t.store, client, { ...request, settings: SETTINGS });
      await finisher;
      expect(waited.failures).toEqual([]);
      expect(waited.byReport['billing-users'].ok + waited.byReport['billing-users'].noData).toBe(1);
    } finally {
      t.close();
      await client.close();
      await sim.stop();
    }
  });

  test('a cost center’s resources are read from it by id, every page, not from the list (which may show only some)', async () => {
    // 1,200 people put more than 100 (GitHub's largest page) in AI Champions; the list shows 3 of each.
    const r = await run(
      { users: 1200, costCenterListResources: 3 },
      { kinds: ['billing-snapshot'], from: TEST_TODAY, to: TEST_TODAY },
    );
    try {
      expect(r.summary.failures).toEqual([]);
      const truth = costCentersOn(r.sim.billing, TEST_TODAY);
      expect(Math.max(...truth.map((c) => (c.resources as unknown[]).length))).toBeGreaterThan(100);
      const listed = (
        await raw(r.sim, `/enterprises/${r.sim.scopes.enterprise}/settings/billing/cost-centers`)
      ).costCenters;
      expect(Math.max(...listed.map((c: any) => c.resources.length))).toBe(3);
      const stored = r.t.db
        .prepare('SELECT cost_center_id AS id, resources FROM billing_cost_centers WHERE day = ?')
        .all(TEST_TODAY) as { id: string; resources: string }[];
      expect(stored.length).toBe(truth.length);
      for (const center of truth)
        expect(JSON.parse(stored.find((s) => s.id === center.id)!.resources)).toEqual(center.resources);
    } finally {
      await r.done();
    }
  });

  test('an export completed without download links leaves its days without data: recorded no_data, no rows, not zeros', async () => {
    const twoDays = { from: TEST_TODAY - 3, to: TEST_TODAY - 2 };
    const r = await run({ faults: ['billing-export-empty'] }, { ...twoDays, kinds: ['billing-users'] });
    try {
      // Without the fault these days have usage: the empty export is what makes them empty.
      expect([...r.sim.billing.rows(twoDays.from, twoDays.to)].length).toBeGreaterThan(0);
      expect(r.sim.faultsInjected.get('billing-export-empty')).toBeGreaterThan(0);
      expect(r.summary.failures).toEqual([]);
      expect(r.summary.byReport['billing-users']).toMatchObject({ ok: 0, noData: 2, failed: 0 });
      const statuses = r.t.db
        .prepare("SELECT day, status, records FROM reports WHERE kind = 'billing-users' ORDER BY day")
        .all();
      expect(statuses).toEqual([
        { day: twoDays.from, status: 'no_data', records: 0 },
        { day: twoDays.to, status: 'no_data', records: 0 },
      ]);
      for (const table of ['billing_user_day', 'billing_cost_center_day'])
        expect(r.t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    } finally {
      await r.done();
    }
  });

  test('budgets and cost centers answering 404 (not enabled) make a no_data snapshot with the note, not an empty ok one', async () => {
    const r = await run(
      { faults: ['billing-not-enabled'] },
      { kinds: ['billing-snapshot'], from: TEST_TODAY },
    );
    try {
      expect(r.summary.failures).toEqual([]);
      expect(r.summary.byReport['billing-snapshot']).toMatchObject({ ok: 0, noData: 3, failed: 0 });
      const rows = r.t.db
        .prepare(
          "SELECT s.kind, s.slug, r.status, r.error FROM reports r JOIN scopes s ON s.id = r.scope_id WHERE r.kind = 'billing-snapshot'",
        )
        .all() as { kind: string; slug: string; status: string; error: string }[];
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row.status).toBe('no_data');
        expect(row.error).toMatch(/404 for the budgets of .*budgets are not enabled/);
        if (row.kind === 'enterprise') expect(row.error).toMatch(/404 for the cost centers of .*not enabled/);
      }
      for (const table of ['billing_budgets', 'billing_budget_user_states', 'billing_cost_centers'])
        expect(r.t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    } finally {
      await r.done();
    }
  });

  test('budgets answering 403 fail the snapshot with the BILLING_TOKEN advice; the organizations’ snapshots are stored', async () => {
    const r = await run(
      { billingTokens: ['billing-secret'] },
      { kinds: ['billing-snapshot'], from: TEST_TODAY },
    );
    try {
      expect(r.summary.byReport['billing-snapshot']).toMatchObject({ ok: 2, failed: 1 });
      expect(r.summary.failures).toHaveLength(1);
      const [failure] = r.summary.failures;
      expect(failure).toMatchObject({
        scope: `enterprise:${r.sim.scopes.enterprise}`,
        report: 'billing-snapshot',
        status: 403,
      });
      expect(failure.error).toMatch(/GET \/enterprises\/[^ ]+\/settings\/billing\/budgets .*\(403\)/);
      expect(failure.error).toMatch(/BILLING_TOKEN.*manage_billing:enterprise/);
      expect(
        r.t.db
          .prepare("SELECT status FROM reports WHERE kind = 'billing-snapshot' AND status = 'failed'")
          .pluck()
          .all(),
      ).toEqual(['failed']);
    } finally {
      await r.done();
    }
  });

  test('BILLING=off syncs no billing at all, even when asked for', async () => {
    const r = await run(
      {},
      {
        ...oneDay,
        kinds: ['billing', 'users'],
        settings: { ...SYNC_SETTINGS, billing: { ...BILLING, enabled: false } },
      },
    );
    try {
      expect(r.summary.planned).toBe(3);
      expect(r.t.db.prepare("SELECT count(*) FROM reports WHERE kind LIKE 'billing%'").pluck().get()).toBe(0);
      const default_ = await syncDays(r.t.store, r.client, { scopes: simulatedScopes(r.sim), ...oneDay });
      expect(default_.byReport.billing.ok + default_.byReport['billing-users'].ok).toBe(0);
    } finally {
      await r.done();
    }
  });
});
