/**
 * ACCESS_POLICY=identity end to end: the real HTTP server behind a stand-in for Grafana's signing keys
 * (a local JWKS endpoint, tokens signed with a generated ES256 key). A member sees every aggregate as an
 * admin does (small groups hidden) and only their own row of anything per person; an admin sees all.
 */
import { METRIC_INFO, catalogJSON } from '@copilot-metrics/contract';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { Registry } from 'prom-client';
import { formatDay } from '../src/days';
import type { GitHubClient } from '../src/github/client';
import { OPEN_ACCESS } from '../src/http/identity';
import { pseudonymousRowLogin } from '../src/http/viewerRows';
import { Pseudonymizer, type PrivacyConfig } from '../src/privacy';
import { enforcePrivacyMode } from '../src/store/privacyMode';
import { Store } from '../src/store/writer';
import type { SimulatorServer } from '../src/simulator/server';
import {
  day,
  simulatedScopes,
  startApi,
  syncDays,
  syncedEnterprise,
  tempDatabase,
  testClient,
  type TestApi,
  type TestDb,
} from './helpers';

const FROM = day('2026-09-21');
const TO = day('2026-09-27');
const TOKEN = 'ingester-api-token-for-tests';
const ISSUER = 'https://grafana.example.com';

let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
let keys: Server;
let api: TestApi;
let open: TestApi;
let registry: Registry;
let sign: (claims: Record<string, unknown>) => Promise<string>;
let member: string;
let scope: string;

beforeAll(async () => {
  ({ sim, client, t } = await syncedEnterprise({ users: 60, orgs: 1 }, { from: FROM, to: TO }));
  const pair = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'id-2026-12-es256', alg: 'ES256' };
  keys = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  }).listen(0, '127.0.0.1');
  await once(keys, 'listening');
  const grafanaUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
  sign = (claims) =>
    new SignJWT({ type: 'user', role: 'Viewer', ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'jwt', kid: 'id-2026-12-es256' })
      .setIssuer(ISSUER)
      .setAudience(['org:1'])
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(pair.privateKey);
  registry = new Registry();
  const access = { ...OPEN_ACCESS, grafanaUrl, issuer: ISSUER };
  api = await startApi(t.path, {
    apiToken: TOKEN,
    access: { ...access, policy: 'identity' },
    metrics: registry,
  });
  open = await startApi(t.path, { access });
  // A member with activity on every day of the range.
  const org = { kind: 'organization' as const, org: sim.population.orgs[0] };
  const active = sim.generator
    .members(org)
    .find((u) => [FROM, TO].every((d) => sim.generator.userRecord(u, d, org) !== undefined))!;
  member = sim.population.userLogin(active);
  scope = `organization:${org.org.login}`;
}, 120_000);
afterAll(async () => {
  await api.close();
  await open.close();
  keys.close();
  t.close();
  await client.close();
  await sim.stop();
});

const range = { from: `${formatDay(FROM)}T00:00:00Z`, to: `${formatDay(TO)}T23:59:59Z` };
const as = async (claims: Record<string, unknown> | undefined, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${TOKEN}`,
  ...(claims ? { 'x-grafana-id': await sign(claims) } : {}),
  ...extra,
});
const asMember = () => as({ username: member, role: 'Viewer' });
const asAdmin = () => as({ username: 'grafana-admin', role: 'Admin' });

async function run(headers: Record<string, string>, queries: Record<string, unknown>[], server = api) {
  const response = await server.post('/api/v1/query', { range, queries }, headers);
  expect(response.status).toBe(200);
  return response.body.results as Record<string, { frames?: any[]; error?: string }>;
}
/** Group labels of a table frame (first field), or of time-series frames (their names). */
const groupsOf = (frames: any[]) =>
  frames.length === 1 && frames[0].schema.fields[0]?.type === 'string'
    ? (frames[0].data.values[0] as string[])
    : frames.map((f) => f.schema.name as string);

test('without a valid ID token nothing is answered (fail closed), and the refusal is counted', async () => {
  const refusedHeaders: Record<string, string>[] = [
    { authorization: `Bearer ${TOKEN}` },
    { authorization: `Bearer ${TOKEN}`, 'x-grafana-user': member },
    { authorization: `Bearer ${TOKEN}`, 'x-grafana-id': 'not.a.token' },
  ];
  for (const headers of refusedHeaders) {
    const response = await api.post(
      '/api/v1/query',
      { range, queries: [{ refId: 'A', scope, metric: 'daily_active_users' }] },
      headers,
    );
    expect(response.status).toBe(401);
    expect(response.body.error).toMatch(/X-Grafana-Id/);
  }
  const serviceAccount = await api.get(
    '/api/v1/catalog',
    await as({ username: 'sa-bot', type: 'service-account' }),
  );
  expect(serviceAccount.status).toBe(403);
  // The API token is still required, ID token or not.
  expect(
    (await api.get('/api/v1/catalog', { 'x-grafana-id': await sign({ username: member }) })).status,
  ).toBe(401);
  const text = await registry.metrics();
  expect(text).toMatch(/copilot_metrics_ingester_access_refused_total\{reason="missing"\} 2/);
  expect(text).toMatch(/copilot_metrics_ingester_access_refused_total\{reason="not-a-user"\} 1/);
});

test('every catalog metric × grouping: a member’s aggregates are an admin’s (small groups hidden)', async () => {
  const queries = catalogJSON()
    .metrics.flatMap((m) =>
      m.groupBy
        .filter((g) => g !== 'user')
        .map((groupBy) => ({
          scope,
          metric: m.id,
          groupBy,
          format: m.formats.includes('table') ? 'table' : 'time_series',
        })),
    )
    .map((q, i) => ({ refId: `Q${i}`, ...q }));
  expect(queries.length).toBeGreaterThan(200);
  let compared = 0;
  let lists = 0;
  for (let i = 0; i < queries.length; i += 50) {
    const batch = queries.slice(i, i + 50);
    const [mine, admins] = [await run(await asMember(), batch), await run(await asAdmin(), batch)];
    for (const { refId } of batch) {
      const [m, a] = [mine[refId], admins[refId]];
      if (a.error || m.error) {
        expect({ refId, error: m.error }).toEqual({ refId, error: a.error });
        continue;
      }
      // A list of people (the seat lists): a member gets their own row, if any.
      if (METRIC_INFO.get(batch.find((q) => q.refId === refId)!.metric)?.snapshot?.list) {
        const [frame] = m.frames!;
        const logins = frame.data.values[
          frame.schema.fields.findIndex((f: { name: string }) => f.name === 'login')
        ] as string[];
        expect(logins.filter((login) => login !== member)).toEqual([]);
        lists++;
        continue;
      }
      const values = (frames: any[]) => frames.map((f) => f.data.values);
      const hidden = m.frames!.some((f) => (f.schema.meta?.custom?.suppressed ?? 0) > 0);
      const what = `${refId} ${batch.find((q) => q.refId === refId)!.metric}`;
      if (!hidden) expect({ what, values: values(m.frames!) }).toEqual({ what, values: values(a.frames!) });
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(200);
  expect(lists).toBeGreaterThan(0);
});

test('every metric grouped by person: a member gets only their own row; an admin gets everyone', async () => {
  // Seat metrics too: this database has no seats snapshot, so theirs are empty for both.
  const people = catalogJSON()
    .metrics.filter((m) => m.groupBy.includes('user'))
    .map((m, i) => ({ refId: `P${i}`, scope, metric: m.id, groupBy: 'user', format: 'table' }));
  expect(people.length).toBeGreaterThan(50);
  let everyone = 0;
  for (let i = 0; i < people.length; i += 50) {
    const batch = people.slice(i, i + 50);
    const mine = await run(await asMember(), batch);
    const admins = await run(await asAdmin(), batch);
    for (const { refId, metric } of batch) {
      const [own, all] = [groupsOf(mine[refId].frames!), groupsOf(admins[refId].frames!)];
      expect({ metric, others: own.filter((label) => label !== member) }).toEqual({ metric, others: [] });
      expect(all.length).toBeGreaterThanOrEqual(own.length);
      if (all.length > 1) everyone++;
    }
  }
  expect(everyone).toBeGreaterThan(people.length / 2);
  const [mine] = Object.values(
    await run(await asMember(), [people.find((q) => q.metric === 'user_initiated_interaction_count')!]),
  );
  expect(groupsOf(mine.frames!)).toEqual([member]);
});

test('a user filter never widens access; forged X-Grafana-User headers are ignored', async () => {
  const other = sim.population.userLogin(sim.population.userCount - 1);
  const query = (filters: Record<string, string[]>) => ({
    refId: 'A',
    scope,
    metric: 'user_initiated_interaction_count',
    groupBy: 'user',
    format: 'table',
    filters,
  });
  const headers = await as({ username: member, role: 'Viewer' }, { 'x-grafana-user': 'grafana-admin' });
  expect(groupsOf((await run(headers, [query({ user: [other] })])).A.frames!)).toEqual([]);
  expect(groupsOf((await run(headers, [query({ user: [other, member] })])).A.frames!)).toEqual([member]);
  expect(groupsOf((await run(headers, [query({})])).A.frames!)).toEqual([member]);
  const values = await api.get('/api/v1/dimensions/user/values', headers);
  expect(values.body.values.map((v: { value: string }) => v.value)).toEqual([member]);
  // A person search narrows within what the viewer may see, never beyond it.
  const searched = (search: string) => ({ ...query({}), search });
  expect(groupsOf((await run(headers, [searched(other)])).A.frames!)).toEqual([]);
  expect(groupsOf((await run(headers, [searched(member.slice(1).toUpperCase())])).A.frames!)).toEqual([
    member,
  ]);
  const valuesOf = async (search: string) =>
    (
      await api.get(`/api/v1/dimensions/user/values?search=${encodeURIComponent(search)}`, headers)
    ).body.values.map((v: { value: string }) => v.value);
  expect(await valuesOf(other)).toEqual([]);
  expect(await valuesOf(member.slice(1).toUpperCase())).toEqual([member]);
  const all = await api.get('/api/v1/dimensions/user/values', await asAdmin());
  expect(all.body.values.length).toBeGreaterThan(10);
  expect(await registry.metrics()).toMatch(
    /copilot_metrics_ingester_access_narrowed_total\{outcome="own-row"\} [1-9]/,
  );
});

test('@me is the signed-in person; without a proven identity it explains, instead of failing', async () => {
  const me = {
    refId: 'A',
    scope,
    metric: 'user_initiated_interaction_count',
    groupBy: 'user',
    format: 'table',
    filters: { user: ['@me'] },
  };
  expect(groupsOf((await run(await asAdmin(), [me])).A.frames!)).toEqual([]); // the admin has no Copilot rows
  expect(groupsOf((await run(await asMember(), [me])).A.frames!)).toEqual([member]);
  // The open policy: an anonymous viewer (no ID token) is told to sign in.
  const [frame] = (await run({}, [me], open)).A.frames!;
  expect(frame.schema.meta.custom.unavailable.reason).toBe('identity');
  expect(frame.schema.meta.notices[0].text).toMatch(/sign in to Grafana/);
  // With a valid token, the open policy resolves it too.
  expect(groupsOf((await run(await asMember(), [me], open)).A.frames!)).toEqual([member]);
});

test('PRIVACY_MODE=pseudonymous composes: the verified login finds its pseudonym’s rows, no real login is shown', async () => {
  const privacy: PrivacyConfig = {
    mode: 'pseudonymous',
    key: 'access-test-key-0123456789abcdef-0123',
    minGroupSize: 5,
  };
  const pseudo = tempDatabase();
  const github = testClient(sim.url);
  try {
    enforcePrivacyMode(pseudo.db, privacy, pseudo.path, { write: true });
    const store = new Store(pseudo.db, privacy);
    const summary = await syncDays(store, github, { scopes: simulatedScopes(sim), from: FROM, to: TO });
    expect(summary.failed).toBe(0);
    const grafanaUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
    const server = await startApi(pseudo.path, {
      apiToken: TOKEN,
      privacy,
      access: { ...OPEN_ACCESS, policy: 'identity', grafanaUrl, issuer: ISSUER },
      rowLoginOf: pseudonymousRowLogin(github, privacy.key!, sim.population.orgs[0].login),
    });
    try {
      const u = Array.from({ length: sim.population.userCount }, (_, i) => i).find(
        (i) => sim.population.userLogin(i) === member,
      )!;
      const pseudonym = new Pseudonymizer(privacy.key!).user(sim.population.userId(u)).login;
      const query = {
        refId: 'A',
        scope,
        metric: 'user_initiated_interaction_count',
        groupBy: 'user',
        format: 'table',
        filters: { user: ['@me'] },
      };
      const answer = await run(await asMember(), [query], server);
      expect(groupsOf(answer.A.frames!)).toEqual([pseudonym]);
      expect(JSON.stringify(answer)).not.toContain(member);
      // Someone GitHub does not know has no rows, and sees none.
      const stranger = await run(
        await as({ username: 'no-such-github-user', role: 'Viewer' }),
        [query],
        server,
      );
      expect(groupsOf(stranger.A.frames!)).toEqual([]);
    } finally {
      await server.close();
    }
  } finally {
    pseudo.close();
    await github.close();
  }
});

test('GET /api/v1/access reports the policy and the verified viewer (for the plugin’s Save & test)', async () => {
  expect((await api.get('/api/v1/access', await asMember())).body).toEqual({
    policy: 'identity',
    idToken: true,
    viewer: { login: member, role: 'Viewer', seesEveryone: false },
  });
  expect((await api.get('/api/v1/access', await asAdmin())).body.viewer.seesEveryone).toBe(true);
  expect((await open.get('/api/v1/access')).body).toEqual({ policy: 'open', idToken: false, viewer: null });
});
