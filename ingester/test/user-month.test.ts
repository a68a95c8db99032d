/**
 * Rankings of people over long ranges read the per-user monthly totals (migration 009) for whole
 * months and day rows for the rest. Every figure is checked against sums over the simulator's raw
 * records; the rollup is shown to be read, kept in step with replaced reports, and pruned with the days.
 */
import type { GitHubClient } from '../src/github/client';
import type { JsonObject } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import { pruneBefore } from '../src/store/retention';
import { day, startApi, syncDays, syncedEnterprise, type TestApi, type TestDb } from './helpers';
import { rawUserTotals } from './records';
import { dayToMs } from '../src/days';

const FROM = day('2026-07-26');
const TO = day('2026-09-04');
let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
let api: TestApi;

beforeAll(async () => {
  ({ sim, client, t } = await syncedEnterprise({ users: 50, orgs: 2 }, { from: FROM, to: TO }));
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

/** login → sum of `field` over the raw records of the days from..to. */
const rawTotals = (field: string, from: number, to: number) =>
  rawUserTotals(sim, enterprise, field, from, to);

async function ranking(metric: string, from: number, to: number): Promise<Map<string, number>> {
  const response = await api.post('/api/v1/query', {
    range: {
      from: new Date(dayToMs(from)).toISOString(),
      to: new Date(dayToMs(to) + 86_399_000).toISOString(),
    },
    queries: [{ refId: 'A', scope: scope(), metric, groupBy: 'user', format: 'table' }],
  });
  expect(response.status).toBe(200);
  const [frame] = response.body.results.A.frames;
  return new Map(frame.data.values[0].map((login: string, i: number) => [login, frame.data.values[1][i]]));
}

test.each([
  ['2026-07-28', '2026-09-03', 'user_initiated_interaction_count'],
  ['2026-08-01', '2026-08-31', 'code_generation_activity_count'],
  ['2026-07-26', '2026-08-31', 'loc_added_sum'],
  ['2026-08-01', '2026-09-04', 'code_acceptance_activity_count'],
  ['2026-08-05', '2026-08-30', 'loc_deleted_sum'],
])('people ranked over %s..%s by %s match the raw records', async (from, to, metric) => {
  const expected = rawTotals(metric, day(from), day(to));
  const actual = await ranking(metric, day(from), day(to));
  expect(actual.size).toBeGreaterThan(10);
  expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
});

test('the ranking reads the monthly totals for whole months (and only for them)', async () => {
  const month = t.db.prepare('SELECT count(*) FROM user_month WHERE month = ?').pluck();
  expect(month.get(day('2026-08-01'))).toBeGreaterThan(10);
  const metric = 'user_initiated_interaction_count';
  // Doubling August's rollup doubles August's share of a range that holds all of August, and leaves a
  // range that holds only part of it alone: proof of which rows each reads.
  const whole = await ranking(metric, day('2026-07-28'), day('2026-09-03'));
  const part = await ranking(metric, day('2026-08-02'), day('2026-08-30'));
  const august = rawTotals(metric, day('2026-08-01'), day('2026-08-31'));
  const inTransaction = t.db.transaction(() => {
    t.db.prepare(`UPDATE user_month SET ${metric} = ${metric} * 2 WHERE month = ?`).run(day('2026-08-01'));
  });
  inTransaction();
  try {
    const doubled = await ranking(metric, day('2026-07-28'), day('2026-09-03'));
    for (const [login, value] of whole)
      expect([login, doubled.get(login)]).toEqual([login, value + (august.get(login) ?? 0)]);
    expect(await ranking(metric, day('2026-08-02'), day('2026-08-30'))).toEqual(part);
  } finally {
    t.db.prepare(`UPDATE user_month SET ${metric} = ${metric} / 2 WHERE month = ?`).run(day('2026-08-01'));
  }
});

test('a range reaching past the last stored day reads the current month whole', async () => {
  const metric = 'user_initiated_interaction_count';
  const september = day('2026-09-01');
  const expected = rawTotals(metric, day('2026-08-15'), TO);
  const before = await ranking(metric, day('2026-08-15'), day('2026-09-10'));
  expect(Object.fromEntries(before)).toEqual(Object.fromEntries(expected));
  // Doubling September's totals shows they are read: the days after TO are not stored, so the month is whole.
  t.db.prepare(`UPDATE user_month SET ${metric} = ${metric} * 2 WHERE month = ?`).run(september);
  try {
    const doubled = await ranking(metric, day('2026-08-15'), day('2026-09-10'));
    const septemberTotals = rawTotals(metric, september, TO);
    for (const [login, value] of before)
      expect([login, doubled.get(login)]).toEqual([login, value + (septemberTotals.get(login) ?? 0)]);
    // Ending before the last stored day, September is not whole: its days are read instead.
    const partial = await ranking(metric, day('2026-08-15'), day('2026-09-03'));
    expect(Object.fromEntries(partial)).toEqual(
      Object.fromEntries(rawTotals(metric, day('2026-08-15'), day('2026-09-03'))),
    );
  } finally {
    t.db.prepare(`UPDATE user_month SET ${metric} = ${metric} / 2 WHERE month = ?`).run(september);
  }
});

test('the people listed for a range are those with activity in it, whole months read from the monthly totals', async () => {
  for (const [from, to] of [
    ['2026-07-28', '2026-09-03'],
    ['2026-08-20', '2026-09-04'],
  ]) {
    const response = await api.get(`/api/v1/dimensions/user/values?scope=${scope()}&from=${from}&to=${to}`);
    expect(response.status).toBe(200);
    const expected = [...rawTotals('user_initiated_interaction_count', day(from), day(to)).keys()].sort();
    expect(response.body.values.map((v: { value: string }) => v.value)).toEqual(expected);
  }
});

test('figures only per-user rows carry, summed over everyone per day, read the per-day totals and match the raw records', async () => {
  const response = await api.post('/api/v1/query', {
    range: {
      from: new Date(dayToMs(FROM)).toISOString(),
      to: new Date(dayToMs(TO) + 86_399_000).toISOString(),
    },
    queries: [{ refId: 'A', scope: scope(), metric: 'ai_credits_used', groupBy: 'none', interval: 'day' }],
  });
  const [frame] = response.body.results.A.frames;
  const byDay = new Map(frame.data.values[0].map((ms: number, i: number) => [ms, frame.data.values[1][i]]));
  let checked = 0;
  for (let d = FROM; d <= TO; d++) {
    const raw = sim.generator
      .members(enterprise)
      .map((u) => sim.generator.userRecord(u, d, enterprise) as JsonObject | undefined)
      .filter((r): r is JsonObject => r !== undefined && typeof r.ai_credits_used === 'number');
    if (raw.length === 0) continue;
    const expected = raw.reduce((sum, r) => sum + (r.ai_credits_used as number), 0);
    expect([d, byDay.get(dayToMs(d))]).toEqual([d, expect.closeTo(expected, 6)]);
    checked++;
  }
  expect(checked).toBeGreaterThan(20);
  expect(t.db.prepare('SELECT count(*) FROM user_totals_day').pluck().get()).toBeGreaterThan(20);
});

test('Others of a ranking of people is everyone else, week by week, as the raw records say', async () => {
  const metric = 'code_generation_activity_count';
  const response = await api.post('/api/v1/query', {
    range: {
      from: new Date(dayToMs(FROM)).toISOString(),
      to: new Date(dayToMs(TO) + 86_399_000).toISOString(),
    },
    queries: [
      { refId: 'A', scope: scope(), metric, groupBy: 'user', limit: 3, others: true, interval: 'week' },
    ],
  });
  const frames = response.body.results.A.frames as {
    schema: { name: string };
    data: { values: number[][] };
  }[];
  const top = frames.map((f) => f.schema.name).filter((name) => name !== 'Others');
  expect(top).toHaveLength(3);
  const others = frames.find((f) => f.schema.name === 'Others')!;
  const weekOf = (d: number) => d - ((d + 3) % 7);
  const expected = new Map<number, number>();
  for (let d = FROM; d <= TO; d++)
    for (const u of sim.generator.members(enterprise)) {
      const record = sim.generator.userRecord(u, d, enterprise) as JsonObject | undefined;
      if (!record || top.includes(record.user_login as string)) continue;
      const week = dayToMs(weekOf(d));
      expected.set(week, (expected.get(week) ?? 0) + ((record[metric] as number) ?? 0));
    }
  const actual = new Map(others.data.values[0].map((ms, i) => [ms, others.data.values[1][i]]));
  expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
});

test('the monthly totals, added to a day at a time as the sync stored new days, equal the day rows summed again', () => {
  const columns = (
    t.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('user_month') as string[]
  ).slice(3);
  expect(columns).toContain('ai_credits_used');
  const month = "CAST(julianday(date(day * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER)";
  const summed = t.db
    .prepare(
      `SELECT scope_id, ${month} AS month, user_ref, ${columns.map((c) => `sum(${c}) AS ${c}`).join(', ')}
       FROM usage_day WHERE user_ref > 0 GROUP BY scope_id, month, user_ref ORDER BY scope_id, month, user_ref`,
    )
    .all();
  const stored = t.db.prepare('SELECT * FROM user_month ORDER BY scope_id, month, user_ref').all();
  expect(stored.length).toBeGreaterThan(100);
  expect(stored).toEqual(summed);
});

test('a report fetched again rebuilds its month, and pruning rebuilds the month it cuts', async () => {
  const metric = 'code_generation_activity_count';
  // Spoil August's totals: only a rebuild from the day rows can bring them back.
  t.db.prepare(`UPDATE user_month SET ${metric} = 0 WHERE month = ?`).run(day('2026-08-01'));
  const summary = await syncDays(t.store, client, {
    scopes: [{ kind: 'enterprise', slug: sim.scopes.enterprise }],
    from: day('2026-08-10'),
    to: day('2026-08-10'),
    kinds: ['users'],
    force: true,
  });
  expect(summary.ok).toBe(1);
  expect(await ranking(metric, day('2026-07-26'), day('2026-09-04'))).toEqual(
    rawTotals(metric, day('2026-07-26'), day('2026-09-04')),
  );

  pruneBefore(t.db, day('2026-08-15'));
  expect(t.db.prepare('SELECT count(*) FROM user_month WHERE month < ?').pluck().get(day('2026-08-01'))).toBe(
    0,
  );
  const after = await ranking(metric, day('2026-08-01'), day('2026-08-31'));
  const expected = rawTotals(metric, day('2026-08-15'), day('2026-08-31'));
  expect(Object.fromEntries(after)).toEqual(Object.fromEntries(expected));
});
