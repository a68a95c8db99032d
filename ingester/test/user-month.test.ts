/**
 * Rankings of people over long ranges read the per-user monthly totals (migration 009) for whole
 * months and day rows for the rest. Every figure is checked against sums over the simulator's raw
 * records; the rollup is shown to be read, kept in step with replaced reports, and pruned with the days.
 */
import type { GitHubClient } from '../src/github/client';
import type { JsonObject } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generator';
import type { SimulatorServer } from '../src/simulator/server';
import { pruneBefore } from '../src/sync/runs';
import { startApi, type TestApi } from './api';
import { day, syncDays, syncedEnterprise, type TestDb } from './helpers';
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
function rawTotals(field: string, from: number, to: number): Map<string, number> {
  const totals = new Map<string, number>();
  for (let d = from; d <= to; d++) {
    for (const u of sim.generator.members(enterprise)) {
      const record = sim.generator.userRecord(u, d, enterprise) as JsonObject | undefined;
      if (!record) continue;
      const login = record.user_login as string;
      totals.set(login, (totals.get(login) ?? 0) + ((record[field] as number) ?? 0));
    }
  }
  return totals;
}

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
