/**
 * `days=workdays` on every aggregation kind, with a custom working week (Sunday to Thursday) and an
 * iCalendar file holding a recurring holiday (12-25 and 12-26, every year since 2024) and a one-off day
 * (2026-09-16). Every expected number is computed from the simulator's raw records, with the working
 * days written out below, not taken from the calendar code.
 */
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { dayToMs, formatDay } from '../src/days';
import type { GitHubClient } from '../src/github/client';
import type { JsonObject } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import { day, startApi, syncDays, syncedEnterprise, type TestApi, type TestDb } from './helpers';

// Two periods: around Christmas 2025 (a recurrence of the 2024 event) and September 2026 (the one-off).
const DECEMBER = { from: day('2025-12-14'), to: day('2026-01-10') };
const SEPTEMBER = { from: day('2026-09-06'), to: day('2026-09-26') };
const HOLIDAYS = new Set(['2025-12-25', '2025-12-26', '2026-09-16']);
/** Sunday to Thursday, less the holidays: written out independently of the calendar module. */
const isWorkday = (d: number) => {
  const weekday = new Date(dayToMs(d)).getUTCDay(); // 0 = Sunday
  return weekday <= 4 && !HOLIDAYS.has(formatDay(d));
};

let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
let api: TestApi;
let org: SimScope & { kind: 'organization' };
let scope: string;

beforeAll(async () => {
  ({ sim, client, t } = await syncedEnterprise({ users: 90, orgs: 2 }, SEPTEMBER));
  const summary = await syncDays(t.store, client, {
    scopes: [
      { kind: 'enterprise', slug: sim.population.enterprise.slug },
      ...sim.population.orgs.map((o) => ({ kind: 'organization' as const, slug: o.login })),
    ],
    ...DECEMBER,
  });
  expect(summary.failed).toBe(0);
  // Today's seats snapshot of the organization, for the seats case.
  const seats = await syncDays(t.store, client, {
    scopes: [{ kind: 'organization', slug: sim.population.orgs[0].login }],
    kinds: ['seats'],
  });
  expect(seats).toMatchObject({ ok: 1, failed: 0 });
  const calendar = loadConfig({
    WORKWEEK: 'sun-thu',
    HOLIDAYS_FILE: join(__dirname, 'fixtures', 'holidays.ics'),
  }).calendar;
  api = await startApi(t.path, { calendar });
  org = { kind: 'organization', org: sim.population.orgs[0] };
  scope = `organization:${org.org.login}`;
}, 120_000);
afterAll(async () => {
  await api.close();
  t.close();
  await client.close();
  await sim.stop();
});

const daysOf = ({ from, to }: { from: number; to: number }) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const users = (d: number) =>
  sim.generator
    .members(org)
    .map((u) => sim.generator.userRecord(u, d, org))
    .filter((r): r is JsonObject => !!r);
const aggregate = (d: number) => sim.generator.aggregateRecord(org, d);
const total = (records: JsonObject[], field: string) =>
  records.reduce((sum, r) => sum + ((r[field] as number) ?? 0), 0);
const weekOf = (d: number) => d - ((d + 3) % 7); // ISO week start (Monday)

async function query(q: Record<string, unknown>, period: { from: number; to: number }) {
  const response = await api.post('/api/v1/query', {
    range: {
      from: new Date(dayToMs(period.from)).toISOString(),
      to: new Date(dayToMs(period.to) + 86_399_000).toISOString(),
    },
    queries: [{ refId: 'A', scope, days: 'workdays', ...q }],
  });
  expect(response.status).toBe(200);
  const result = response.body.results.A;
  if (result.error) throw new Error(result.error);
  return result.frames as { schema: { meta: any; fields: any[] }; data: { values: any[][] } }[];
}
const points = (frame: { data: { values: any[][] } }) =>
  new Map<number, number | null>(
    frame.data.values[0].map((time: number, i: number) => [time, frame.data.values[1][i]]),
  );
const single = (frames: Awaited<ReturnType<typeof query>>) => frames[0].data.values[1][0] as number;

describe.each([
  ['December, around a recurring holiday', DECEMBER],
  ['September, around a one-off day off', SEPTEMBER],
])('%s', (_name, period) => {
  const workdays = () => daysOf(period).filter(isWorkday);

  test('a sum per day: working days only, days off absent (not zero), with a notice', async () => {
    const [frame] = await query({ metric: 'user_initiated_interaction_count' }, period);
    const expected = new Map(
      workdays().map((d) => [dayToMs(d), total(users(d), 'user_initiated_interaction_count')]),
    );
    expect(points(frame)).toEqual(expected);
    const off = daysOf(period).length - workdays().length;
    expect(frame.schema.meta.custom).toMatchObject({ days: 'workdays', daysLeftOut: off });
    expect(frame.schema.meta.notices).toContainEqual({
      severity: 'info',
      text: expect.stringMatching(
        new RegExp(`^Working days only: ${off} of the ${daysOf(period).length} days`),
      ),
    });
  });

  test('a sum per ISO week and over the range adds working days only', async () => {
    const [weekly] = await query({ metric: 'code_generation_activity_count', interval: 'week' }, period);
    const byWeek = new Map<number, number>();
    for (const d of workdays())
      byWeek.set(
        dayToMs(weekOf(d)),
        (byWeek.get(dayToMs(weekOf(d))) ?? 0) + total(users(d), 'code_generation_activity_count'),
      );
    expect(points(weekly)).toEqual(byWeek);
    const table = await query({ metric: 'code_generation_activity_count', format: 'table' }, period);
    expect(single(table)).toBe(
      workdays().reduce((sum, d) => sum + total(users(d), 'code_generation_activity_count'), 0),
    );
  });

  test('a ratio over the range is the ratio of the working days’ sums', async () => {
    const table = await query({ metric: 'acceptance_rate', format: 'table' }, period);
    const accepted = workdays().reduce(
      (sum, d) => sum + total(users(d), 'code_acceptance_activity_count'),
      0,
    );
    const generated = workdays().reduce(
      (sum, d) => sum + total(users(d), 'code_generation_activity_count'),
      0,
    );
    expect(single(table)).toBeCloseTo(accepted / generated, 12);
  });

  test('distinct users over the range count people active on at least one working day', async () => {
    const table = await query({ metric: 'active_users', format: 'table' }, period);
    const people = new Set(workdays().flatMap((d) => users(d).map((r) => r.user_id)));
    expect(single(table)).toBe(people.size);
    // Someone active only on days off is not counted.
    const everyone = new Set(daysOf(period).flatMap((d) => users(d).map((r) => r.user_id)));
    expect(people.size).toBeLessThanOrEqual(everyone.size);
  });

  test('the average of daily values is the average per working day', async () => {
    const table = await query({ metric: 'daily_active_users', format: 'table' }, period);
    const mean =
      workdays().reduce((sum, d) => sum + (aggregate(d).daily_active_users as number), 0) / workdays().length;
    expect(single(table)).toBeCloseTo(mean, 9);
  });
});

test('a ranking of people (which reads whole months from a rollup otherwise) adds working days only', async () => {
  const frames = await query(
    { metric: 'user_initiated_interaction_count', groupBy: 'user', format: 'table', limit: 5, others: true },
    DECEMBER,
  );
  const perUser = new Map<string, number>();
  for (const d of daysOf(DECEMBER).filter(isWorkday))
    for (const r of users(d))
      perUser.set(
        r.user_login as string,
        (perUser.get(r.user_login as string) ?? 0) + ((r.user_initiated_interaction_count as number) ?? 0),
      );
  const ranked = [...perUser.values()].sort((a, b) => b - a);
  const [labels, values] = frames[0].data.values;
  expect(values.slice(0, 5)).toEqual(ranked.slice(0, 5));
  expect(labels.at(-1)).toBe('Others');
  expect(values.at(-1)).toBe(ranked.slice(5).reduce((a, b) => a + b, 0));
  for (const [i, login] of labels.slice(0, 5).entries()) expect(perUser.get(login)).toBe(values[i]);
});

test('a weighted figure weighs working days only', async () => {
  const metric = 'pull_requests.median_minutes_to_merge';
  const table = await query({ metric, format: 'table' }, SEPTEMBER);
  let weighted = 0;
  let weight = 0;
  for (const d of daysOf(SEPTEMBER).filter(isWorkday)) {
    const pr = aggregate(d).pull_requests as JsonObject | undefined;
    if (pr?.median_minutes_to_merge == null) continue;
    weighted += (pr.median_minutes_to_merge as number) * ((pr.total_merged as number) ?? 0);
    weight += (pr.total_merged as number) ?? 0;
  }
  expect(weight).toBeGreaterThan(0);
  expect(single(table)).toBeCloseTo(weighted / weight, 9);
});

test('without days, every day counts as before', async () => {
  const [frame] = await query({ metric: 'user_initiated_interaction_count', days: 'all' }, SEPTEMBER);
  expect(points(frame).size).toBe(daysOf(SEPTEMBER).length);
  expect(frame.schema.meta.custom.days).toBeUndefined();
});

test('seat figures are snapshots: working days change nothing, and the answer says so', async () => {
  const seats = (days: string) =>
    api.post('/api/v1/query', {
      range: { from: '2026-09-20T00:00:00Z', to: '2026-10-01T23:59:59Z' },
      queries: [{ refId: 'A', scope, metric: 'seats_total', format: 'table', days }],
    });
  const [all, workdays] = [(await seats('all')).body.results.A, (await seats('workdays')).body.results.A];
  expect(all.frames[0].data.values.flat()).toEqual(workdays.frames[0].data.values.flat());
  expect(all.frames[0].data.values.flat().length).toBeGreaterThan(0);
  expect(workdays.frames[0].schema.meta.notices).toContainEqual({
    severity: 'info',
    text: expect.stringContaining('"working days only" does not change them'),
  });
});

test('the catalog says what working days do to each metric', async () => {
  const { body } = await api.get('/api/v1/catalog');
  for (const metric of body.metrics)
    expect([metric.id, typeof metric.workdays]).toEqual([metric.id, 'string']);
  const of = (id: string) => body.metrics.find((m: { id: string }) => m.id === id).workdays;
  expect(of('seats_total')).toMatch(/^Not affected/);
  expect(of('active_users')).toMatch(/active on at least one working day/);
  expect(of('daily_active_users')).toMatch(/average per working day/);
  expect(of('weekly_active_users')).toMatch(/GitHub's window over every day/);
});

test('holidays come back as annotations', async () => {
  const { body } = await api.get('/api/v1/annotations?from=2025-12-01&to=2026-09-30');
  const holidays = body.annotations.filter((a: { tags: string[] }) => a.tags.includes('holiday'));
  expect(holidays.map((a: { time: number }) => formatDay(a.time / 86_400_000))).toEqual([
    '2025-12-25',
    '2025-12-26',
    '2026-09-16',
  ]);
  expect(holidays[0].title).toBe('Holiday: Christmas');
});
