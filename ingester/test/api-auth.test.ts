/**
 * API authentication over real HTTP, on a database synced from the simulator: the bearer token on
 * /api/v1/*, the admin token on POST /api/v1/sync, and the open /api/health and /metrics, which must
 * not reveal user data.
 */
import type { Scope } from '../src/scopes';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { dayToMs } from '../src/days';
import type { GitHubClient } from '../src/github/client';
import { createApp, type ApiOptions } from '../src/http/app';
import { tokensMatch } from '../src/http/auth';
import { silentLogger } from '../src/log';
import type { SimulatorServer } from '../src/simulator/server';
import { type SqliteReader, openSqliteReader } from '../src/store/sqliteReader';
import { SyncService } from '../src/sync/scheduler';
import { SYNC_SETTINGS, day, testClient, testNow, type TestDb, syncedEnterprise } from './helpers';

const FROM = day('2026-09-15');
const TO = day('2026-09-24');
const API_TOKEN = 'api-7f3c9b1e2d4a6f8091b3c5d7e9f1a2b4';
const ADMIN_TOKEN = 'admin-0e2d4c6b8a9f1e3d5c7b9a1f2e4d6c8b';

let sim: SimulatorServer;
let client: GitHubClient;
let syncClient: GitHubClient;
let t: TestDb;
let reader: SqliteReader;
let registry: Registry;
let service: SyncService;
let org: string;
/** Lets the gated sync client through; until then every GitHub call of the triggered sync waits. */
let releaseSync: () => void = () => undefined;
const servers: Server[] = [];
/** The API with a token but no admin token; with both tokens and a sync service; with no token at all. */
let secured: string;
let admin: string;
let open: string;

async function start(options: Partial<ApiOptions>): Promise<string> {
  const app = createApp({
    reader,
    logger: silentLogger,
    scopes: [],
    backfillDays: 365,
    now: testNow,
    metrics: registry,
    ...options,
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  let scopes: Scope[];
  ({ sim, client, t, scopes } = await syncedEnterprise({ users: 60, orgs: 2 }, { from: FROM, to: TO }));
  org = `organization:${sim.scopes.orgs[0]}`;
  reader = openSqliteReader(t.path);

  registry = new Registry();
  new Gauge({
    name: 'test_dummy_gauge',
    help: 'A gauge that only this test sets',
    registers: [registry],
  }).set(42);

  // A sync the test holds at its first GitHub call, so that "a sync is running" lasts as long as needed.
  syncClient = testClient(sim.url);
  const gate = new Promise<void>((resolve) => (releaseSync = resolve));
  const call = syncClient.call.bind(syncClient);
  syncClient.call = async (...args: Parameters<GitHubClient['call']>) => {
    await gate;
    return call(...args);
  };
  service = new SyncService(
    { store: t.store, client: syncClient, logger: silentLogger },
    {
      scopes,
      settings: SYNC_SETTINGS,
      now: testNow(),
      from: day('2026-09-20'),
      to: day('2026-09-20'),
      force: true,
    },
    silentLogger,
  );

  secured = await start({ scopes, apiToken: API_TOKEN });
  admin = await start({ scopes, apiToken: API_TOKEN, adminToken: ADMIN_TOKEN, sync: service });
  open = await start({ scopes });
});

afterAll(async () => {
  releaseSync();
  await service?.stop();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await reader?.close();
  t?.close();
  await client?.close();
  await syncClient?.close();
  await sim?.stop();
});

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

async function call(
  base: string,
  method: string,
  path: string,
  authorization?: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Prometheus text, checked as text.
  }
  return { status: response.status, text, json };
}

const bearer = (token: string) => `Bearer ${token}`;
const validQuery = () => ({
  range: {
    from: new Date(dayToMs(FROM)).toISOString(),
    to: new Date(dayToMs(TO) + 86_399_000).toISOString(),
  },
  queries: [{ refId: 'A', scope: org, metric: 'daily_active_users' }],
});

/** The four protected read routes, each with what a successful answer holds. */
const ROUTES: {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  check: (a: Answer) => void;
}[] = [
  {
    name: 'catalog',
    method: 'GET',
    path: () => '/api/v1/catalog',
    check: (a) => expect((a.json.metrics as unknown[]).length).toBeGreaterThan(50),
  },
  {
    name: 'query',
    method: 'POST',
    path: () => '/api/v1/query',
    body: validQuery,
    check: (a) => {
      const result = (a.json.results as Record<string, { frames: { data: { values: number[][] } }[] }>).A;
      expect(result.frames[0].data.values[1]).toHaveLength(TO - FROM + 1);
    },
  },
  {
    name: 'dimension values',
    method: 'GET',
    path: () => `/api/v1/dimensions/user/values?scope=${org}`,
    check: (a) => expect((a.json.values as unknown[]).length).toBeGreaterThan(0),
  },
  {
    name: 'sync status',
    method: 'GET',
    path: () => '/api/v1/sync/status',
    check: (a) => expect((a.json.scopes as unknown[]).length).toBe(3),
  },
];

describe('tokensMatch', () => {
  it('accepts only the identical token, whatever the lengths', () => {
    expect(tokensMatch(API_TOKEN, API_TOKEN)).toBe(true);
    expect(tokensMatch('päss-wörd-🔑', 'päss-wörd-🔑')).toBe(true);
    expect(tokensMatch(API_TOKEN, ADMIN_TOKEN)).toBe(false);
    expect(tokensMatch(API_TOKEN, `${API_TOKEN.slice(0, -1)}0`)).toBe(false);
    expect(tokensMatch(API_TOKEN, API_TOKEN.toUpperCase())).toBe(false);
    // Different lengths: a prefix, an extension, a much longer string (timingSafeEqual alone would throw).
    expect(tokensMatch(API_TOKEN, API_TOKEN.slice(0, -1))).toBe(false);
    expect(tokensMatch(API_TOKEN, `${API_TOKEN}x`)).toBe(false);
    expect(tokensMatch(API_TOKEN, API_TOKEN.repeat(100))).toBe(false);
    expect(tokensMatch('a', 'ab')).toBe(false);
    // Empty on either side.
    expect(tokensMatch(API_TOKEN, '')).toBe(false);
    expect(tokensMatch('', API_TOKEN)).toBe(false);
    expect(tokensMatch('', '')).toBe(true);
  });
});

describe('with INGESTER_API_TOKEN set', () => {
  const refused: [string, string | undefined][] = [
    ['no Authorization header', undefined],
    ['an empty Authorization header', ''],
    ['a wrong token', bearer('not-the-token')],
    ['the admin token of another deployment', bearer(ADMIN_TOKEN)],
    ['the token minus its last character', bearer(API_TOKEN.slice(0, -1))],
    ['the token plus a character', bearer(`${API_TOKEN}x`)],
    ['the token in upper case', bearer(API_TOKEN.toUpperCase())],
    ['"Bearer" alone', 'Bearer'],
    ['"Bearer " and spaces', 'Bearer    '],
    ['the token followed by another word', `Bearer ${API_TOKEN} extra`],
    ['the token without a scheme', API_TOKEN],
    ['Basic with user:token', `Basic ${Buffer.from(`user:${API_TOKEN}`).toString('base64')}`],
    ['Basic with the token', `Basic ${API_TOKEN}`],
    ['Token scheme', `Token ${API_TOKEN}`],
    ['Token x', 'Token x'],
    ['Bearer with a comma list', `Bearer x, Bearer ${API_TOKEN}`],
  ];

  for (const route of ROUTES) {
    it(`${route.name}: 401 without the right bearer token, 200 with it`, async () => {
      for (const [what, authorization] of refused) {
        const answer = await call(secured, route.method, route.path(), authorization, route.body?.());
        expect([what, answer.status]).toEqual([what, 401]);
        expect([what, Object.keys(answer.json)]).toEqual([what, ['error']]);
        expect(answer.json.error).toMatch(/INGESTER_API_TOKEN/);
        expect(answer.text).not.toContain(API_TOKEN);
      }
      const answer = await call(secured, route.method, route.path(), bearer(API_TOKEN), route.body?.());
      expect(answer.status).toBe(200);
      route.check(answer);
      // The scheme is case-insensitive (RFC 9110 §11.1); surrounding spaces are tolerated.
      expect(
        (await call(secured, route.method, route.path(), `bearer ${API_TOKEN}`, route.body?.())).status,
      ).toBe(200);
      expect(
        (await call(secured, route.method, route.path(), `Bearer   ${API_TOKEN}  `, route.body?.())).status,
      ).toBe(200);
    });
  }

  it('also guards unknown routes, and takes the token from the header only', async () => {
    expect((await call(secured, 'GET', '/api/v1/nope')).status).toBe(401);
    expect((await call(secured, 'GET', '/api/v1/nope', bearer(API_TOKEN))).status).toBe(404);
    const inQuery = await call(
      secured,
      'GET',
      `/api/v1/catalog?access_token=${API_TOKEN}&token=${API_TOKEN}`,
    );
    expect(inQuery.status).toBe(401);
  });

  it('leaves /api/health and /metrics open, and neither names a user', async () => {
    const logins = Array.from({ length: sim.population.userCount }, (_, u) => sim.population.userLogin(u));
    expect(logins.length).toBe(60);
    // Control: the logins are in the database and an authorized API call returns them.
    const users = await call(
      secured,
      'GET',
      `/api/v1/dimensions/user/values?scope=${org}`,
      bearer(API_TOKEN),
    );
    expect(logins.filter((login) => users.text.includes(login)).length).toBeGreaterThan(0);

    for (const base of [secured, admin]) {
      for (const authorization of [undefined, bearer('wrong'), 'Basic abc']) {
        const health = await call(base, 'GET', '/api/health', authorization);
        expect(health.status).toBe(200);
        expect(health.json.status).toBe('ok');
        expect(health.json.scopes).toHaveLength(3);
        const metrics = await call(base, 'GET', '/metrics', authorization);
        expect(metrics.status).toBe(200);
        expect(metrics.text).toContain('test_dummy_gauge 42');
        for (const text of [health.text, metrics.text])
          expect(logins.filter((login) => text.toLowerCase().includes(login.toLowerCase()))).toEqual([]);
      }
    }
  });
});

describe('POST /api/v1/sync', () => {
  it('is disabled without INGESTER_ADMIN_TOKEN: 403 explaining how to enable it, whatever the token', async () => {
    for (const base of [secured, open]) {
      for (const authorization of [undefined, bearer(API_TOKEN), bearer(ADMIN_TOKEN), bearer('')]) {
        const answer = await call(base, 'POST', '/api/v1/sync', authorization);
        expect(answer.status).toBe(403);
        expect(answer.json.error).toMatch(/INGESTER_ADMIN_TOKEN/);
      }
    }
  });

  it('needs the admin token (the API token is not enough); starts one sync and answers 409 while it runs', async () => {
    for (const authorization of [
      undefined,
      bearer(API_TOKEN),
      bearer('wrong'),
      bearer(`${ADMIN_TOKEN}x`),
      `Basic ${ADMIN_TOKEN}`,
      `Token ${ADMIN_TOKEN}`,
      ADMIN_TOKEN,
    ]) {
      const answer = await call(admin, 'POST', '/api/v1/sync', authorization);
      expect([authorization, answer.status]).toEqual([authorization, 403]);
      expect(answer.json.error).toMatch(/INGESTER_ADMIN_TOKEN/);
      expect(answer.text).not.toContain(ADMIN_TOKEN);
    }
    expect(service.isRunning).toBe(false);

    const started = await call(admin, 'POST', '/api/v1/sync', bearer(ADMIN_TOKEN));
    expect(started.status).toBe(202);
    expect(started.json).toEqual({ status: 'started', runId: expect.any(Number) });
    const runId = started.json.runId as number;
    expect(service.isRunning).toBe(true);

    const status = await call(admin, 'GET', '/api/v1/sync/status', bearer(API_TOKEN));
    expect(status.json.running).toBe(true);
    const again = await call(admin, 'POST', '/api/v1/sync', bearer(ADMIN_TOKEN));
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: expect.stringMatching(/already running/), runId });

    releaseSync();
    await service.stop();
    expect(service.isRunning).toBe(false);
    expect(service.lastSummary).toMatchObject({ runId, failed: 0 });
    expect(service.lastSummary!.planned).toBeGreaterThan(0);
    expect(service.lastSummary!.ok).toBe(service.lastSummary!.planned);
    const run = await reader.first('SELECT trigger, status FROM sync_runs WHERE id = ?', [runId]);
    expect(run).toEqual({ trigger: 'api', status: 'ok' });
    const after = await call(admin, 'GET', '/api/v1/sync/status', bearer(API_TOKEN));
    expect(after.json.running).toBe(false);
  });
});

describe('without INGESTER_API_TOKEN', () => {
  it('the API is open: every read route answers 200, with or without an Authorization header', async () => {
    for (const route of ROUTES) {
      for (const authorization of [undefined, bearer('anything'), 'Basic abc']) {
        const answer = await call(open, route.method, route.path(), authorization, route.body?.());
        expect([route.name, authorization, answer.status]).toEqual([route.name, authorization, 200]);
        route.check(answer);
      }
    }
  });
});
