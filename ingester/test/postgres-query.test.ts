/**
 * The query side on PostgreSQL (issue 13): the same HTTP API over a PostgreSQL copy of a SQLite database
 * synced from the simulator (every report kind, seats, billing) answers every dashboard panel, the
 * variables' value lists and /metrics exactly as over the SQLite file, floating-point sums aside (SQLite
 * adds with compensated summation, PostgreSQL in its own order: the last digits may differ). The
 * rewrites that carry the query side's few SQLite-only constructs over are checked one by one.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dayToMs } from '../src/days';
import { createApp } from '../src/http/app';
import { createMetrics } from '../src/http/metrics';
import { silentLogger } from '../src/log';
import { copyToPostgres } from '../src/store/postgres/copy';
import { POSTGRES_REWRITES, PostgresReader, postgresText } from '../src/store/postgres/reader';
import type { SqlReader } from '../src/store/reader';
import { openSqliteReader } from '../src/store/sqliteReader';
import {
  type PostgresCluster,
  type TestApi,
  type TestDb,
  TEST_TODAY,
  SYNC_SETTINGS,
  dashboardPanels,
  simulatedScopes,
  startApi,
  startPostgres,
  startSimulator,
  syncDays,
  tempDatabase,
  testClient,
} from './helpers';

jest.setTimeout(120_000);

const FROM = TEST_TODAY - 40;
const RANGE = {
  from: new Date(dayToMs(FROM)).toISOString(),
  to: new Date(dayToMs(TEST_TODAY - 1) + 86_399_000).toISOString(),
};

let cluster: PostgresCluster;
let t: TestDb;
let sqliteApi: TestApi;
let reader: PostgresReader;
let server: Server;
let postgresUrl: string;
let enterprise: string;
let org: string;

beforeAll(async () => {
  const sim = await startSimulator({ users: 50, orgs: 2, exportPolls: 1 });
  enterprise = sim.scopes.enterprise;
  org = sim.scopes.orgs[0];
  const client = testClient(sim.url);
  t = tempDatabase();
  try {
    const settings = { ...SYNC_SETTINGS, billing: { enabled: true, exportPollMs: 5, exportTimeoutMs: 3000 } };
    const summary = await syncDays(t.store, client, { scopes: simulatedScopes(sim), settings, from: FROM });
    expect(summary.failures).toEqual([]);
  } finally {
    await client.close();
    await sim.stop();
  }
  cluster = await startPostgres();
  const url = await cluster.createDatabase('query');
  await copyToPostgres(t.db, url);
  sqliteApi = await startApi(t.path);
  reader = new PostgresReader({ url });
  const app = createApp({ reader, logger: silentLogger, scopes: [], backfillDays: 365 });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  postgresUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await reader?.close();
  await sqliteApi?.close();
  t?.close();
  await cluster?.stop();
});

async function ask(base: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json');
  return { status: response.status, body: json ? JSON.parse(text) : text };
}

/** Equal, numbers within a relative 1e-9 (sums of floating-point values in another order). */
function expectAlike(actual: unknown, expected: unknown, where = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected));
    if (Math.abs(actual - expected) > 1e-9 * scale)
      expect({ where, actual }).toEqual({ where, actual: expected });
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (actual.length !== expected.length) expect({ where, actual }).toEqual({ where, actual: expected });
    expected.forEach((e, i) => expectAlike(actual[i], e, `${where}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object' && actual && typeof actual === 'object') {
    expect({ where, keys: Object.keys(actual).sort() }).toEqual({
      where,
      keys: Object.keys(expected).sort(),
    });
    for (const key of Object.keys(expected))
      expectAlike(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${where}.${key}`,
      );
    return;
  }
  expect({ where, actual }).toEqual({ where, actual: expected });
}

/** The errors an answer carries (a 200 may hold a query's error). */
const errorsOf = (body: unknown): string[] => {
  const answer = body as { error?: string; results?: Record<string, { error?: string }> };
  return [answer.error, ...Object.values(answer.results ?? {}).map((r) => r.error)].filter(
    (e): e is string => typeof e === 'string',
  );
};

describe.each(['day', 'week', 'month'])('every dashboard panel, by %s', (interval) => {
  test('answers on PostgreSQL as on SQLite', async () => {
    const panels = dashboardPanels(enterprise, interval);
    expect(panels.length).toBeGreaterThan(100);
    let withFigures = 0;
    for (const panel of panels) {
      const request = { range: RANGE, queries: panel.queries };
      const expected = await ask(sqliteApi.url, '/api/v1/query', request);
      const actual = await ask(postgresUrl, '/api/v1/query', request);
      expect([panel.name, errorsOf(expected.body)]).toEqual([panel.name, []]);
      expect([panel.name, actual.status, errorsOf(actual.body)]).toEqual([panel.name, expected.status, []]);
      expectAlike(actual.body, expected.body, panel.name);
      if (JSON.stringify(expected.body).includes('"values":[[')) withFigures++;
    }
    // The comparison is worth something: most panels hold figures.
    expect(withFigures).toBeGreaterThan(panels.length / 2);
  });
});

test('the variables’ value lists, a person search and a filtered ranking answer alike', async () => {
  const scope = encodeURIComponent(`enterprise:${enterprise}`);
  for (const path of [
    '/api/v1/dimensions/scope/values',
    `/api/v1/dimensions/team/values?scope=${scope}`,
    `/api/v1/dimensions/user/values?scope=${scope}`,
    `/api/v1/dimensions/user/values?scope=${scope}&search=SER-`,
    `/api/v1/dimensions/language/values?scope=${scope}`,
    `/api/v1/dimensions/ide/values?scope=${scope}`,
  ]) {
    const expected = await ask(sqliteApi.url, path);
    expect([path, expected.status]).toEqual([path, 200]);
    expectAlike((await ask(postgresUrl, path)).body, expected.body, path);
  }
  const ranking = {
    range: RANGE,
    queries: [
      {
        refId: 'A',
        scope: `organization:${org}`,
        metric: 'code_generation_activity_count',
        groupBy: 'user',
        format: 'table',
        limit: 5,
        search: 'U',
        days: 'workdays',
        filters: {},
      },
    ],
  };
  const expected = await ask(sqliteApi.url, '/api/v1/query', ranking);
  expect(errorsOf(expected.body)).toEqual([]);
  expectAlike((await ask(postgresUrl, '/api/v1/query', ranking)).body, expected.body);
});

test('the Prometheus gauges and the health answer alike', async () => {
  const gauges = async (sqlReader: SqlReader) =>
    (await createMetrics(sqlReader, { defaultMetrics: false }).registry.metrics())
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(0, at), Number(line.slice(at + 1))] as const;
      })
      .sort(([a], [b]) => (a < b ? -1 : 1));
  const sqliteReader = openSqliteReader(t.path);
  try {
    const expected = await gauges(sqliteReader);
    expect(expected.filter(([name]) => name.startsWith('copilot_')).length).toBeGreaterThan(50);
    expectAlike(await gauges(reader), expected);
  } finally {
    await sqliteReader.close();
  }
  expectAlike((await ask(postgresUrl, '/api/health')).body, (await ask(sqliteApi.url, '/api/health')).body);
});

test('each SQLite-only construct is rewritten, and nothing else', () => {
  const examples: Record<string, [string, string]> = {
    'index hints': ['FROM by_ide x INDEXED BY by_ide_scope_rows WHERE', 'FROM by_ide x WHERE'],
    'a list bound as one JSON text': [
      'x.day IN (SELECT value FROM json_each(?))',
      "x.day IN (SELECT value FROM unnest(string_to_array(trim($1::text, '[]'), ',')::bigint[]) AS value)",
    ],
    'the first day of the month of a day number': [
      "CAST(julianday(date(x.day * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER)",
      "(date_trunc('month', DATE '1970-01-01' + x.day)::date - DATE '1970-01-01')",
    ],
    'case-insensitive LIKE': ["u.login LIKE ? ESCAPE '\\'", "u.login ILIKE $1 ESCAPE '\\'"],
    'case-insensitive equality': [
      'SELECT id FROM users WHERE login = ? COLLATE NOCASE',
      'SELECT id FROM users WHERE lower(login) = lower($1)',
    ],
    'case-insensitive order': [
      'ORDER BY u.login COLLATE NOCASE LIMIT 100',
      'ORDER BY lower(u.login) LIMIT 100',
    ],
    'string aggregation': ["group_concat(slug, ',')", "string_agg(slug, ',')"],
    'the elements of a JSON array column': [
      "FROM billing_cost_centers c, json_each(coalesce(c.resources, '[]')) r",
      "FROM billing_cost_centers c, json_array_elements(coalesce(c.resources, '[]')::json) r",
    ],
    'a member of a JSON object': ["json_extract(r.value, '$.type') = 'User'", "(r.value->>'type') = 'User'"],
  };
  expect(POSTGRES_REWRITES.map((rewrite) => rewrite.name).sort()).toEqual(Object.keys(examples).sort());
  for (const [name, [sqlite, postgres]] of Object.entries(examples))
    expect([name, postgresText(sqlite)]).toEqual([name, postgres]);
  const portable =
    'SELECT x.day, sum(x.loc_added_sum) AS n FROM usage_day x WHERE x.scope_id = ? GROUP BY x.day';
  expect(postgresText(portable)).toBe(portable.replace('?', '$1'));
});
