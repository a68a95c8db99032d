/**
 * What the replica suites (replicas.test.ts on SQLite, replicas-postgres.test.ts on PostgreSQL) ask the
 * `serve` processes they start, and the check of those answers against the simulator's raw records.
 */
import { formatDay } from '../src/days';
import { INTERACTIONS } from '../src/reports/schema';
import type { SimulatorServer } from '../src/simulator/server';

export async function get(base: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: await response.json() };
}

/**
 * The answers of one query request about the simulator's first organization over from..to: interactions
 * (A) and daily active users (B) per day, and active users per week (C).
 */
export async function answers(base: string, sim: SimulatorServer, from: number, to: number): Promise<any> {
  const scope = `organization:${sim.scopes.orgs[0]}`;
  const response = await fetch(`${base}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      range: { from: `${formatDay(from)}T00:00:00Z`, to: `${formatDay(to)}T23:59:59Z` },
      queries: [
        { refId: 'A', scope, metric: INTERACTIONS },
        { refId: 'B', scope, metric: 'daily_active_users' },
        { refId: 'C', scope, metric: 'active_users', interval: 'week' },
      ],
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: unknown }).results;
}

/** The daily values of a time-series answer, by day. */
function daily(results: any, refId: string): Map<string, number> {
  const [times, values] = results[refId].frames[0].data.values as [number[], number[]];
  return new Map(times.map((t, i) => [new Date(t).toISOString().slice(0, 10), values[i]]));
}

/** `answers`' daily figures are the sums over the simulator's raw user records of each day. */
export function expectRawFigures(results: any, sim: SimulatorServer, from: number, to: number): void {
  const scope = { kind: 'organization' as const, org: sim.population.orgs[0] };
  const members = sim.generator.members(scope);
  const interactions = daily(results, 'A');
  const dau = daily(results, 'B');
  for (let d = from; d <= to; d++) {
    const raw = members.map((u) => sim.generator.userRecord(u, d, scope)).filter((r) => r !== undefined);
    expect(interactions.get(formatDay(d))).toBe(raw.reduce((sum, r) => sum + (r[INTERACTIONS] as number), 0));
    expect(dau.get(formatDay(d))).toBe(raw.length);
  }
}
