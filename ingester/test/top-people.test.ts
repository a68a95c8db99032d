/**
 * Per-person tables at scale: the top N people by the column a table sorts on, every other column for
 * the same people (rankBy), and a person search (a case-insensitive substring of the login, its LIKE
 * wildcards escaped). Every figure is checked against sums over the simulator's raw records, or
 * against the full table's rows for the same people.
 */
import type { GitHubClient } from '../src/github/client';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import { dayToMs } from '../src/days';
import { day, startApi, syncedEnterprise, type TestApi, type TestDb } from './helpers';
import { rawUserTotals } from './records';

// Partial months at both ends: whole months from user_month, the ends from the day rows.
const FROM = day('2026-07-28');
const TO = day('2026-09-03');
const COLUMNS = [
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'acceptance_rate',
  'loc_added_sum',
  'ai_credits_used',
];
let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
let api: TestApi;

beforeAll(async () => {
  ({ sim, client, t } = await syncedEnterprise({ users: 60, orgs: 2 }, { from: FROM, to: TO }));
  api = await startApi(t.path);
});
afterAll(async () => {
  await api.close();
  t.close();
  await client.close();
  await sim.stop();
});

const enterprise: SimScope = { kind: 'enterprise' };
const scope = () => `enterprise:${sim.scopes.enterprise}`;
const range = {
  from: new Date(dayToMs(FROM)).toISOString(),
  to: new Date(dayToMs(TO) + 86_399_000).toISOString(),
};

/** login → sum of `field` over the raw records of the range. */
const rawTotals = (field: string) => rawUserTotals(sim, enterprise, field, FROM, TO);

type Table = { logins: string[]; values: (number | null)[] };

/** The request of a per-person table: one query per column, answered as Grafana gets them. */
async function people(options: Record<string, unknown>, on = api): Promise<Map<string, Table>> {
  const response = await on.post('/api/v1/query', {
    range,
    queries: COLUMNS.map((metric) => ({
      refId: metric,
      scope: scope(),
      metric,
      groupBy: 'user',
      format: 'table',
      ...options,
    })),
  });
  expect(response.status).toBe(200);
  const out = new Map<string, Table>();
  for (const metric of COLUMNS) {
    const result = response.body.results[metric];
    if (result.error) throw new Error(`${metric}: ${result.error}`);
    const [frame] = result.frames;
    out.set(metric, { logins: frame.data.values[0], values: frame.data.values[1] });
  }
  return out;
}

const rowsOf = (table: Table) => new Map(table.logins.map((login, i) => [login, table.values[i]]));

describe('top N by the sorted column, every column for the same people', () => {
  let full: Map<string, Table>;
  beforeAll(async () => {
    full = await people({});
  });

  test('the full table holds everyone with a record in the range, at the raw records’ totals', () => {
    const raw = rawTotals(COLUMNS[0]);
    expect(full.get(COLUMNS[0])!.logins.length).toBeGreaterThan(30);
    expect(Object.fromEntries(rowsOf(full.get(COLUMNS[0])!))).toEqual(Object.fromEntries(raw));
  });

  test.each([1, 7, 25])('N = %i', async (n) => {
    // The independent ranking: raw totals, largest first, ties by login.
    const raw = [...rawTotals(COLUMNS[0])].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const expected = raw.slice(0, n).map(([login]) => login);
    const top = await people({ limit: n, rankBy: COLUMNS[0] });
    for (const metric of COLUMNS) {
      const table = top.get(metric)!;
      // Every column: the same people, in the ranking's order.
      expect({ metric, logins: table.logins }).toEqual({ metric, logins: expected });
      const everyone = rowsOf(full.get(metric)!);
      expect({ metric, rows: Object.fromEntries(rowsOf(table)) }).toEqual({
        metric,
        rows: Object.fromEntries(expected.map((login) => [login, everyone.get(login)])),
      });
    }
    const generations = rawTotals('code_generation_activity_count');
    expect(Object.fromEntries(rowsOf(top.get('code_generation_activity_count')!))).toEqual(
      Object.fromEntries(expected.map((login) => [login, generations.get(login)])),
    );
  });

  test('without rankBy each column keeps its own top N, as before', async () => {
    const own = await people({ limit: 5 });
    const raw = [...rawTotals('loc_added_sum')].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    expect(own.get('loc_added_sum')!.logins).toEqual(raw.slice(0, 5).map(([login]) => login));
  });
});

describe('a person search', () => {
  test('keeps the people whose login contains it, whatever the case, with their full-table figures', async () => {
    const full = await people({});
    const logins = full.get(COLUMNS[0])!.logins;
    const piece = logins[3].slice(1, 4).toUpperCase();
    const found = await people({ search: piece });
    const matching = logins.filter((login) => login.toLowerCase().includes(piece.toLowerCase()));
    expect(matching.length).toBeGreaterThan(0);
    for (const metric of COLUMNS) {
      const everyone = rowsOf(full.get(metric)!);
      expect({ metric, rows: Object.fromEntries(rowsOf(found.get(metric)!)) }).toEqual({
        metric,
        rows: Object.fromEntries(matching.map((login) => [login, everyone.get(login)])),
      });
    }
    // With a limit: the top N among the matching people.
    const top = await people({ search: piece, limit: 2, rankBy: COLUMNS[0] });
    const interactions = rowsOf(full.get(COLUMNS[0])!);
    const ranked = [...matching].sort(
      (a, b) => interactions.get(b)! - interactions.get(a)! || a.localeCompare(b),
    );
    expect(top.get('loc_added_sum')!.logins).toEqual(ranked.slice(0, 2));
  });

  test('escapes LIKE’s wildcards: % and _ match themselves only', async () => {
    const full = await people({});
    const logins = full.get(COLUMNS[0])!.logins;
    expect(logins.some((login) => /[%_\\]/.test(login))).toBe(false);
    // Unescaped, `_` and `%` would match every login.
    for (const search of ['_', '%', '\\'])
      expect((await people({ search })).get(COLUMNS[0])!.logins).toEqual([]);
    // One person renamed with both characters: found by them, alone. A new API, so no label is cached.
    const id = t.db.prepare('SELECT id FROM users WHERE login = ?').pluck().get(logins[0]) as number;
    t.db.prepare('UPDATE users SET login = ? WHERE id = ?').run('percent%under_score', id);
    const renamed = await startApi(t.path);
    try {
      for (const search of ['%', '_', 'T%U', 'r_S'])
        expect((await people({ search }, renamed)).get(COLUMNS[0])!.logins).toEqual(['percent%under_score']);
      expect((await people({ search: 'r-s' }, renamed)).get(COLUMNS[0])!.logins).toEqual([]);
      const values = await renamed.get(`/api/v1/dimensions/user/values?scope=${scope()}&search=_`);
      expect(values.body.values.map((v: { value: string }) => v.value)).toEqual(['percent%under_score']);
    } finally {
      t.db.prepare('UPDATE users SET login = ? WHERE id = ?').run(logins[0], id);
      await renamed.close();
    }
  });

  test('the user variable lists logins containing the search, case-insensitively, in order, up to its limit', async () => {
    const full = await people({});
    const logins = full.get(COLUMNS[0])!.logins;
    const piece = logins[5].slice(0, 2).toUpperCase();
    const values = await api.get(
      `/api/v1/dimensions/user/values?scope=${scope()}&from=${range.from.slice(0, 10)}&to=${range.to.slice(0, 10)}&search=${piece}`,
    );
    const expected = logins
      .filter((login) => login.toLowerCase().includes(piece.toLowerCase()))
      .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
    expect(values.body.values.map((v: { value: string }) => v.value)).toEqual(expected);
  });

  // Months the range holds whole come from the monthly rollup, the days of the months it cuts from the
  // day rows: a person active only on the cut-off days of a month must not be listed.
  test.each([
    ['2026-07-30', '2026-08-20'],
    ['2026-08-05', '2026-08-09'],
    ['2026-08-25', '2026-09-02'],
    ['2026-07-28', '2026-09-03'],
  ])('the user variable over %s..%s lists the people with a record in those days', async (from, to) => {
    const values = await api.get(`/api/v1/dimensions/user/values?scope=${scope()}&from=${from}&to=${to}`);
    const expected = [
      ...rawUserTotals(sim, enterprise, 'user_initiated_interaction_count', day(from), day(to)).keys(),
    ];
    expect(expected.length).toBeGreaterThan(0);
    expect(values.body.values.map((v: { value: string }) => v.value)).toEqual(
      expected.sort((a, b) =>
        a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
      ),
    );
  });

  test.each([
    [{ groupBy: 'none', search: 'a' }, /search picks people by login: it applies to queries grouped by user/],
    [{ groupBy: 'user', rankBy: 'no_such_metric' }, /rankBy: unknown metric "no_such_metric"/],
    [{ groupBy: 'user', rankBy: 'assigned_seats' }, /rankBy applies to usage metrics only/],
  ])('a search or rankBy that cannot apply is that query’s error: %j', async (options, message) => {
    const response = await api.post('/api/v1/query', {
      range,
      queries: [{ refId: 'A', scope: scope(), metric: 'loc_added_sum', format: 'table', ...options }],
    });
    expect(response.body.results.A.error).toMatch(message);
  });
});
