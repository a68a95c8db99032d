/**
 * The query API answers what the simulator generated: every expected number below is computed
 * independently from the simulator's raw records (not from the database).
 */
import { type Dimension, combinationsOf, formatsOf, groupingsOf } from '@copilot-metrics/contract';
import { dayToMs, formatDay, isoWeekday } from '../src/days';
import type { GitHubClient } from '../src/github/client';
import { METRICS } from '../src/query/catalog';
import { QueryEngine } from '../src/query/engine';
import { SqliteReader } from '../src/store/sqliteReader';
import { queryItemSchema } from '../src/query/requestSchema';
import type { JsonObject } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import { day, startApi, syncedEnterprise, type TestApi, type TestDb } from './helpers';

const FROM = day('2026-09-01');
const TO = day('2026-09-28');
let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
let api: TestApi;
let org: SimScope & { kind: 'organization' };
let scope: string;

beforeAll(async () => {
  ({ sim, client, t } = await syncedEnterprise({ users: 150, orgs: 2 }, { from: FROM, to: TO }));
  api = await startApi(t.path);
  org = { kind: 'organization', org: sim.population.orgs[0] };
  scope = `organization:${org.org.login}`;
});
afterAll(async () => {
  await api.close();
  t.close();
  await client.close();
  await sim.stop();
});

const days = (from = FROM, to = TO) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const raw = (s: SimScope, d: number) =>
  sim.generator
    .members(s)
    .map((u) => sim.generator.userRecord(u, d, s))
    .filter((r): r is JsonObject => !!r);
const sum = (records: JsonObject[], field: string) =>
  records.reduce((total, r) => total + ((r[field] as number) ?? 0), 0);
const range = (from = FROM, to = TO) => ({
  from: new Date(dayToMs(from)).toISOString(),
  to: new Date(dayToMs(to) + 86_399_000).toISOString(),
});

async function query(q: Record<string, unknown>, from = FROM, to = TO) {
  const response = await api.post('/api/v1/query', {
    range: range(from, to),
    queries: [{ refId: 'A', scope, ...q }],
  });
  expect(response.status).toBe(200);
  const result = response.body.results.A;
  if (result.error) throw new Error(result.error);
  return result.frames as {
    schema: {
      name: string;
      meta: any;
      fields: { name: string; labels?: Record<string, string>; config: any }[];
    };
    data: { values: any[][] };
  }[];
}
/** time → value of a single-series frame. */
const points = (frame: { data: { values: any[][] } }) =>
  new Map(frame.data.values[0].map((t: number, i: number) => [t, frame.data.values[1][i]]));
const series = (frames: Awaited<ReturnType<typeof query>>) =>
  new Map(frames.map((f) => [f.schema.name, points(f)]));

test('daily active users per day equal the distinct active users GitHub (the simulator) reported', async () => {
  const [frame] = await query({ metric: 'daily_active_users' });
  expect(frame.schema.meta.custom).toMatchObject({
    source: 'aggregate report',
    report: 'organization-1-day',
  });
  const expected = new Map(days().map((d) => [dayToMs(d), raw(org, d).length]));
  expect(points(frame)).toEqual(expected);
});

test('counters per day equal the sums of the raw user records', async () => {
  for (const metric of [
    'code_generation_activity_count',
    'loc_added_sum',
    'user_initiated_interaction_count',
  ]) {
    const [frame] = await query({ metric });
    expect(points(frame)).toEqual(new Map(days().map((d) => [dayToMs(d), sum(raw(org, d), metric)])));
  }
});

test('acceptance rate per ISO week is a ratio of sums, bucketed on Mondays', async () => {
  const [frame] = await query({ metric: 'acceptance_rate', interval: 'week' });
  const weeks = new Map<number, [number, number]>();
  for (const d of days()) {
    const monday = d - isoWeekday(d);
    const [acc, gen] = weeks.get(monday) ?? [0, 0];
    weeks.set(monday, [
      acc + sum(raw(org, d), 'code_acceptance_activity_count'),
      gen + sum(raw(org, d), 'code_generation_activity_count'),
    ]);
  }
  const expected = new Map([...weeks].map(([monday, [acc, gen]]) => [dayToMs(monday), acc / gen]));
  expect(points(frame)).toEqual(expected);
  for (const t of points(frame).keys()) expect(new Date(t).getUTCDay()).toBe(1);
});

test('a month bucket sums every day of the month present', async () => {
  const [frame] = await query({ metric: 'loc_suggested_to_add_sum', interval: 'month' });
  const total = days().reduce((s, d) => s + sum(raw(org, d), 'loc_suggested_to_add_sum'), 0);
  expect(points(frame)).toEqual(new Map([[Date.UTC(2026, 8, 1), total]]));
});

test('report-provided user counts are averaged over a week; active_users counts distinct users over it', async () => {
  const monday = day('2026-09-07');
  const week = days(monday, monday + 6);
  const [dau] = await query({ metric: 'daily_active_users', interval: 'week' }, monday, monday + 6);
  expect(points(dau).get(dayToMs(monday))).toBeCloseTo(
    week.reduce((s, d) => s + raw(org, d).length, 0) / 7,
    10,
  );
  const [distinct] = await query({ metric: 'active_users', interval: 'week' }, monday, monday + 6);
  const users = new Set(week.flatMap((d) => raw(org, d).map((r) => r.user_id)));
  expect(points(distinct)).toEqual(new Map([[dayToMs(monday), users.size]]));
});

test('a breakdown by IDE matches the raw records, with zeros on reported days an IDE was unused', async () => {
  const frames = await query({ metric: 'code_generation_activity_count', groupBy: 'ide' });
  const expected = new Map<string, Map<number, number>>();
  const ides = new Set(
    days().flatMap((d) =>
      raw(org, d).flatMap((r) => (r.totals_by_ide as JsonObject[]).map((e) => e.ide as string)),
    ),
  );
  for (const ide of ides) {
    expected.set(
      ide,
      new Map(
        days().map((d) => [
          dayToMs(d),
          raw(org, d)
            .flatMap((r) => r.totals_by_ide as JsonObject[])
            .filter((e) => e.ide === ide)
            .reduce((s, e) => s + (e.code_generation_activity_count as number), 0),
        ]),
      ),
    );
  }
  expect(series(frames)).toEqual(expected);
  expect(frames[0].schema.fields[1].labels).toEqual({ ide: frames[0].schema.name });
  expect([...expected.values()].some((p) => [...p.values()].includes(0))).toBe(true);
});

test('filters with several values mean OR', async () => {
  const [frame] = await query({
    metric: 'code_acceptance_activity_count',
    filters: { feature: ['chat_panel_ask_mode', 'agent_edit'] },
    interval: 'month',
  });
  const total = days().reduce(
    (s, d) =>
      s +
      raw(org, d)
        .flatMap((r) => r.totals_by_feature as JsonObject[])
        .filter((e) => ['chat_panel_ask_mode', 'agent_edit'].includes(e.feature as string))
        .reduce((x, e) => x + (e.code_acceptance_activity_count as number), 0),
    0,
  );
  expect(points(frame)).toEqual(new Map([[Date.UTC(2026, 8, 1), total]]));
});

test('top-N users by generations over the range, as a sorted table', async () => {
  const [frame] = await query({
    metric: 'code_generation_activity_count',
    groupBy: 'user',
    format: 'table',
    limit: 5,
  });
  const totals = new Map<string, number>();
  for (const d of days())
    for (const r of raw(org, d))
      totals.set(
        r.user_login as string,
        (totals.get(r.user_login as string) ?? 0) + (r.code_generation_activity_count as number),
      );
  const top = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
  expect(frame.data.values).toEqual([top.map(([login]) => login), top.map(([, v]) => v)]);
  expect(frame.schema.fields.map((f) => f.name)).toEqual(['user', 'code_generation_activity_count']);
});

test('top-N with others: the top series plus "Others" add up to the total of every group', async () => {
  const frames = await query({
    metric: 'loc_added_sum',
    groupBy: 'language',
    limit: 2,
    others: true,
    interval: 'week',
  });
  expect(frames.map((f) => f.schema.name).at(-1)).toBe('Others');
  expect(frames).toHaveLength(3);
  const [all] = await query({ metric: 'loc_added_sum', interval: 'week' });
  for (const [t, total] of points(all))
    expect(frames.reduce((s, f) => s + ((points(f).get(t) as number) ?? 0), 0)).toBe(total);
});

test('teams use the membership of each day (user-teams joined with users per day)', async () => {
  const frames = await query({ metric: 'active_users', groupBy: 'team' });
  const expected = new Map<string, Map<number, number>>();
  for (const d of days()) {
    const active = new Set(raw(org, d).map((r) => r.user_id));
    const byTeam = new Map<string, number>();
    for (const m of sim.generator.teamRecords(org, d))
      if (active.has(m.user_id)) byTeam.set(m.slug as string, (byTeam.get(m.slug as string) ?? 0) + 1);
    for (const slug of new Set([...sim.generator.teamRecords(org, d)].map((m) => m.slug as string))) {
      const map = expected.get(slug) ?? new Map<number, number>();
      map.set(dayToMs(d), byTeam.get(slug) ?? 0);
      expected.set(slug, map);
    }
  }
  expect(series(frames)).toEqual(expected);
  expect(frames[0].schema.meta.notices[0].text).toMatch(/fewer than 5/);
  expect(series(frames).has('tiger-team')).toBe(false);
});

test('team counters sum the per-day members’ raw records', async () => {
  const team = sim.population.orgs[0].teams[0].slug;
  const [frame] = await query({
    metric: 'code_generation_activity_count',
    filters: { team: [team] },
    interval: 'month',
  });
  let total = 0;
  for (const d of days()) {
    const members = new Set(
      [...sim.generator.teamRecords(org, d)].filter((m) => m.slug === team).map((m) => m.user_id),
    );
    total += raw(org, d)
      .filter((r) => members.has(r.user_id))
      .reduce((s, r) => s + (r.code_generation_activity_count as number), 0);
  }
  expect(points(frame)).toEqual(new Map([[Date.UTC(2026, 8, 1), total]]));
  expect(frame.schema.meta.custom.source).toBe('per-user rows');
});

test('days with no report are absent points, not zeros', async () => {
  const [frame] = await query({ metric: 'code_generation_activity_count' }, FROM - 5, FROM + 2);
  expect([...points(frame).keys()]).toEqual([FROM, FROM + 1, FROM + 2].map(dayToMs));
  const [byIde] = await query(
    { metric: 'code_generation_activity_count', groupBy: 'ide' },
    FROM - 5,
    FROM + 2,
  );
  expect([...points(byIde).keys()].every((t) => t >= dayToMs(FROM))).toBe(true);
});

test('enterprise pull requests equal the sum over its organizations (each repository is in one org)', async () => {
  const merged = async (s: string) =>
    points(
      (
        await (async () => {
          const r = await api.post('/api/v1/query', {
            range: range(),
            queries: [{ refId: 'A', scope: s, metric: 'pull_requests.total_merged', interval: 'month' }],
          });
          return r.body.results.A.frames;
        })()
      )[0],
    ).get(Date.UTC(2026, 8, 1));
  const orgs = await Promise.all(sim.scopes.orgs.map((o) => merged(`organization:${o}`)));
  expect(await merged(`enterprise:${sim.scopes.enterprise}`)).toBe(
    orgs.reduce((a, b) => (a as number) + (b as number), 0),
  );
  const repos = sim.generator
    .repos(org)
    .flatMap((repo) => days().map((d) => sim.generator.repoRecord(repo, d)))
    .filter(Boolean) as JsonObject[];
  expect(orgs[0]).toBe(
    repos.reduce((s, r) => s + ((r.pull_requests as JsonObject).total_merged as number), 0),
  );
});

test('one failing query does not fail the others, and errors say what is valid', async () => {
  const response = await api.post('/api/v1/query', {
    range: range(),
    queries: [
      { refId: 'ok', scope, metric: 'daily_active_users' },
      { refId: 'bad', scope, metric: 'daily_active_users', groupBy: 'team' },
      { refId: 'noscope', metric: 'daily_active_users' },
      { refId: 'unknown', scope, metric: 'lines_of_love' },
    ],
  });
  expect(response.status).toBe(200);
  const { results } = response.body;
  expect(results.ok.frames[0].data.values[0]).toHaveLength(TO - FROM + 1);
  expect(results.bad).toEqual({
    status: 400,
    error: expect.stringMatching(/cannot be grouped by team; it can be grouped by: none/),
  });
  expect(results.noscope.error).toMatch(
    /valid scopes: enterprise:octodemo, organization:octodemo-platform, organization:octodemo-web/,
  );
  expect(results.unknown.error).toMatch(/unknown metric "lines_of_love"/);
});

test('every metric in the catalog answers for every grouping it advertises', async () => {
  const catalog = (await api.get('/api/v1/catalog')).body;
  expect(catalog.metrics.length).toBeGreaterThan(80);
  const queries = catalog.metrics.flatMap((m: { id: string; groupBy: string[]; formats: string[] }) =>
    m.groupBy.map((g) => ({
      scope: `enterprise:${sim.scopes.enterprise}`,
      metric: m.id,
      groupBy: g,
      // Lists (inactive_seats) answer only as tables.
      format: m.formats[0],
      limit: 3,
    })),
  );
  for (let i = 0; i < queries.length; i += 50) {
    const batch = queries.slice(i, i + 50).map((q: object, j: number) => ({ refId: `Q${j}`, ...q }));
    const response = await api.post('/api/v1/query', { range: range(), queries: batch });
    for (const [j, q] of batch.entries()) {
      const result = response.body.results[`Q${j}`];
      expect([q.metric, q.groupBy, result.error]).toEqual([q.metric, q.groupBy, undefined]);
      expect(result.frames.length).toBeGreaterThan(0);
    }
  }
  expect(formatDay(TO)).toBe('2026-09-28');
});

test('dimension values list what the data holds, filtered by search', async () => {
  const ides = (await api.get(`/api/v1/dimensions/ide/values?scope=${scope}`)).body.values.map(
    (v: { value: string }) => v.value,
  );
  const expected = [
    ...new Set(
      days().flatMap((d) =>
        raw(org, d).flatMap((r) => (r.totals_by_ide as JsonObject[]).map((e) => e.ide as string)),
      ),
    ),
  ].sort();
  expect(ides).toEqual(expected);
  const teams = (await api.get(`/api/v1/dimensions/team/values?scope=${scope}&search=end`)).body.values.map(
    (v: { value: string }) => v.value,
  );
  expect(teams.length).toBeGreaterThan(0);
  for (const team of teams) expect(team).toMatch(/end/);
  const scopes = (await api.get('/api/v1/dimensions/scope/values')).body.values.map(
    (v: { value: string }) => v.value,
  );
  expect(scopes).toEqual([
    `enterprise:${sim.scopes.enterprise}`,
    ...sim.scopes.orgs.map((o) => `organization:${o}`).sort(),
  ]);
});

test('every dimension lists values for the enterprise, and users match the raw records', async () => {
  const enterprise = `enterprise:${sim.scopes.enterprise}`;
  for (const dimension of [
    'team',
    'user',
    'ide',
    'language',
    'model',
    'feature',
    'repository',
    'agent',
    'comment_type',
    'adoption_phase',
    'ide_version',
    'plugin_version',
    'cli_version',
    'customization',
  ]) {
    const response = await api.get(
      `/api/v1/dimensions/${dimension}/values?scope=${enterprise}&from=2026-09-01&to=2026-09-28`,
    );
    expect([dimension, response.status]).toEqual([dimension, 200]);
    expect([dimension, response.body.values.length > 0]).toEqual([dimension, true]);
  }
  const users = (
    await api.get(`/api/v1/dimensions/user/values?scope=${scope}&from=2026-09-10&to=2026-09-10`)
  ).body.values.map((v: { value: string }) => v.value);
  expect(users).toEqual(
    raw(org, day('2026-09-10'))
      .map((r) => r.user_login as string)
      .sort(),
  );
  expect((await api.get('/api/v1/dimensions/nonsense/values')).status).toBe(404);
});

test('annotations mark missing days, failed syncs and the days GitHub may still revise', async () => {
  t.db
    .prepare(
      "UPDATE reports SET status = 'failed', error = 'GitHub answered 502' WHERE kind = 'users' AND day = ? AND scope_id = (SELECT id FROM scopes WHERE slug = ?)",
    )
    .run(FROM + 1, org.org.login);
  try {
    const response = await api.get(
      `/api/v1/annotations?scope=${scope}&from=${dayToMs(FROM - 5)}&to=${encodeURIComponent(new Date(dayToMs(FROM + 2)).toISOString())}`,
    );
    expect(response.status).toBe(200);
    const byTag = (tag: string) =>
      response.body.annotations.filter((a: { tags: string[] }) => a.tags.includes(tag));
    expect(byTag('gap')).toEqual([
      expect.objectContaining({
        time: dayToMs(FROM - 5),
        timeEnd: dayToMs(FROM) - 1,
        text: `${scope}: 2026-08-27 to 2026-08-31 not synced yet (run a sync, or check the sync status)`,
      }),
    ]);
    expect(byTag('sync-failed')).toEqual([
      expect.objectContaining({
        time: dayToMs(FROM + 1),
        title: 'Sync failed: users-1-day',
        text: `${scope}, 2026-09-02: GitHub answered 502`,
      }),
    ]);
    const now = Date.now();
    const recent = await api.get(
      `/api/v1/annotations?scope=${scope}&from=${now - 10 * 86_400_000}&to=${now}`,
    );
    const provisional = recent.body.annotations.filter((a: { tags: string[] }) =>
      a.tags.includes('provisional'),
    );
    expect(provisional).toHaveLength(1);
    expect(provisional[0].timeEnd).toBeGreaterThanOrEqual(now - 86_400_000);
    expect((await api.get(`/api/v1/annotations?from=2026-02-30&to=2026-03-01`)).status).toBe(400);
  } finally {
    t.db.prepare("UPDATE reports SET status = 'ok', error = NULL WHERE status = 'failed'").run();
  }
});

test('distinct users over a month: by IDE within a team, and users of chat, match the raw records', async () => {
  const team = sim.population.orgs[0].teams[1].slug;
  const frames = await query({
    metric: 'active_users',
    groupBy: 'ide',
    filters: { team: [team] },
    interval: 'month',
  });
  const expected = new Map<string, Set<unknown>>();
  const chatUsers = new Set<unknown>();
  for (const d of days()) {
    const members = new Set(
      [...sim.generator.teamRecords(org, d)].filter((m) => m.slug === team).map((m) => m.user_id),
    );
    for (const r of raw(org, d)) {
      if (r.used_chat) chatUsers.add(r.user_id);
      if (!members.has(r.user_id)) continue;
      for (const e of r.totals_by_ide as JsonObject[]) {
        const set = expected.get(e.ide as string) ?? new Set();
        set.add(r.user_id);
        expected.set(e.ide as string, set);
      }
    }
  }
  expect(series(frames)).toEqual(
    new Map([...expected].map(([ide, users]) => [ide, new Map([[Date.UTC(2026, 8, 1), users.size]])])),
  );
  const [chat] = await query({ metric: 'used_chat', interval: 'month' });
  expect(points(chat)).toEqual(new Map([[Date.UTC(2026, 8, 1), chatUsers.size]]));
});

test('the catalog’s combinations say exactly which grouping and filter pairs a query accepts', async () => {
  const engine = new QueryEngine(new SqliteReader(t.db));
  let accepted = 0;
  let refused = 0;
  for (const metric of METRICS.values()) {
    const combinations = combinationsOf(metric);
    const dims = groupingsOf(metric).filter((d) => d !== 'none');
    for (const groupBy of ['none', ...dims] as Dimension[]) {
      for (const filter of dims.filter((d) => d !== groupBy)) {
        const valid = combinations.some((set) =>
          [groupBy, filter].every((d) => d === 'none' || set.includes(d)),
        );
        const query = {
          refId: 'A',
          scope,
          metric: metric.id,
          groupBy,
          filters: { [filter]: ['x'] },
          interval: 'day' as const,
          format: formatsOf(metric)[0],
          others: false,
        };
        let error: string | undefined;
        try {
          await engine.check(query);
        } catch (e) {
          error = (e as Error).message;
        }
        expect([metric.id, groupBy, filter, error === undefined]).toEqual([
          metric.id,
          groupBy,
          filter,
          valid,
        ]);
        if (valid) accepted++;
        else refused++;
      }
    }
  }
  expect(accepted).toBeGreaterThan(100);
  expect(refused).toBeGreaterThan(10);
});

test('table queries of one shape in one request are read together, with the answers each gives alone', async () => {
  const columns = [
    'user_initiated_interaction_count',
    'code_generation_activity_count',
    'code_acceptance_activity_count',
    'acceptance_rate',
    'loc_added_sum',
    'ai_credits_used',
  ];
  for (const shape of [
    { groupBy: 'user', format: 'table' },
    { groupBy: 'team', format: 'table', filters: { ide: ['vscode'] } },
    { groupBy: 'user', format: 'table', limit: 5, others: true },
  ]) {
    const queries = columns.map((metric, i) => ({ refId: `Q${i}`, scope, metric, ...shape }));
    const together = await api.post('/api/v1/query', { range: range(), queries });
    expect(together.status).toBe(200);
    for (const query of queries) {
      const alone = await api.post('/api/v1/query', { range: range(), queries: [query] });
      expect([shape, query.metric, together.body.results[query.refId]]).toEqual([
        shape,
        query.metric,
        alone.body.results[query.refId],
      ]);
    }
    // Structural: the engine shares one pass among all that answer (the user rows are read once).
    const engine = new QueryEngine(new SqliteReader(t.db));
    const items = queries.map((q) => queryItemSchema.parse(q));
    const shared = await engine.shareTotals(items, { fromDay: FROM, toDay: TO });
    const answered = queries.filter((q) => together.body.results[q.refId].frames).map((q) => q.metric);
    expect(answered.length).toBeGreaterThanOrEqual(5);
    expect([...shared.keys()].map((q) => q.metric)).toEqual(answered);
  }
});
