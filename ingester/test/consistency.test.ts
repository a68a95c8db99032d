/**
 * The simulator's data is internally consistent, and the stored data keeps it so. Every expected
 * number here is computed independently from the simulator's raw generated records.
 */
import { ALL_TABLE_SPECS, CODE_COUNTERS, INTERACTIONS, RECORD_TABLES } from '../src/reports/schema';
import type { JsonObject } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import type { GitHubClient } from '../src/github/client';
import { formatDay } from '../src/days';
import { day, syncedEnterprise, type TestDb } from './helpers';

let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
const FROM = day('2026-09-20');
const TO = day('2026-09-26');
const COUNTERS = [INTERACTIONS, ...CODE_COUNTERS];

beforeAll(async () => {
  ({ sim, client, t } = await syncedEnterprise({ users: 80, orgs: 3 }, { from: FROM, to: TO }));
});
afterAll(async () => {
  t.close();
  await client.close();
  await sim.stop();
});

const scopeId = (kind: string, slug: string) =>
  t.db.prepare('SELECT id FROM scopes WHERE kind = ? AND slug = ?').pluck().get(kind, slug) as number;
function simScopes(): [string, number, SimScope][] {
  const p = sim.population;
  return [
    [`enterprise:${p.enterprise.slug}`, scopeId('enterprise', p.enterprise.slug), { kind: 'enterprise' }],
    ...p.orgs.map(
      (org) =>
        [`organization:${org.login}`, scopeId('organization', org.login), { kind: 'organization', org }] as [
          string,
          number,
          SimScope,
        ],
    ),
  ];
}
const days = () => Array.from({ length: TO - FROM + 1 }, (_, i) => FROM + i);
const rawUsers = (scope: SimScope, d: number) =>
  sim.generator
    .members(scope)
    .map((u) => sim.generator.userRecord(u, d, scope))
    .filter((r): r is JsonObject => r !== undefined);

test('stored user rows are exactly the simulator’s raw user records, counter by counter', () => {
  for (const [, id, scope] of simScopes()) {
    for (const d of days()) {
      const raw = rawUsers(scope, d);
      const stored = t.db
        .prepare(
          `SELECT count(*) AS users, ${COUNTERS.map((c) => `total(${c}) AS ${c}`).join(', ')} FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0`,
        )
        .get(id, d) as Record<string, number>;
      expect(stored.users).toBe(raw.length);
      for (const c of COUNTERS) expect(stored[c]).toBe(raw.reduce((sum, r) => sum + (r[c] as number), 0));
    }
  }
});

test('aggregate counters equal the sums of user rows; DAU equals the distinct active users', () => {
  for (const [, id] of simScopes()) {
    for (const d of days()) {
      const aggregate = t.db
        .prepare('SELECT * FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref = 0')
        .get(id, d) as Record<string, number>;
      const users = t.db
        .prepare(
          `SELECT count(DISTINCT user_ref) AS dau, ${COUNTERS.map((c) => `total(${c}) AS ${c}`).join(', ')}, total(cli_request_count) AS cli_request_count FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0`,
        )
        .get(id, d) as Record<string, number>;
      expect(aggregate.daily_active_users).toBe(users.dau);
      for (const c of [...COUNTERS, 'cli_request_count']) expect(aggregate[c] ?? 0).toBe(users[c]);
    }
  }
});

test('every breakdown of an aggregate equals the same breakdown summed over its users', () => {
  const [, id] = simScopes()[1];
  const specs = RECORD_TABLES.user.filter((s) => s.many && RECORD_TABLES.aggregate.includes(s));
  for (const spec of specs) {
    const keys = [...(spec.fixed ? [spec.fixed.column] : []), ...spec.keys.map((k) => k.column)];
    const counters = spec.values
      .filter((v) => v.kind === 'int' && v.column !== 'session_count')
      .map((v) => v.column);
    const sums = counters.map((c) => `total(${c}) AS ${c}`).join(', ');
    const grouped = (where: string) =>
      t.db
        .prepare(
          `SELECT day, ${keys.join(', ')}, ${sums} FROM ${spec.table} WHERE scope_id = ? AND ${where} GROUP BY day, ${keys.join(', ')} ORDER BY day, ${keys.join(', ')}`,
        )
        .all(id);
    const aggregate = grouped('user_ref = 0');
    expect(aggregate.length).toBeGreaterThan(0);
    expect(aggregate).toEqual(grouped('user_ref > 0'));
  }
});

test('enterprise totals count each user once; organization totals count users in each of their orgs', () => {
  const [enterprise, ...orgs] = simScopes();
  const p = sim.population;
  let multiOrgUserDays = 0;
  for (const d of days()) {
    const dau = (id: number) =>
      t.db
        .prepare('SELECT daily_active_users FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref = 0')
        .pluck()
        .get(id, d) as number;
    const activeEverywhere = [...Array(p.userCount).keys()].filter((u) => p.isActive(u, d));
    const inTwoOrgs = activeEverywhere.filter((u) => p.secondOrg[u] >= 0).length;
    expect(dau(enterprise[1])).toBe(activeEverywhere.length);
    expect(orgs.reduce((sum, [, id]) => sum + dau(id), 0)).toBe(activeEverywhere.length + inTwoOrgs);
    multiOrgUserDays += inTwoOrgs;
  }
  expect(multiOrgUserDays).toBeGreaterThan(0);
});

test('weekly and monthly active users match distinct users over the trailing windows', () => {
  const [enterprise] = simScopes();
  const p = sim.population;
  const d = TO;
  const distinctOver = (window: number) =>
    [...Array(p.userCount).keys()].filter((u) =>
      Array.from({ length: window }, (_, i) => d - i).some((x) => p.isActive(u, x)),
    ).length;
  const row = t.db
    .prepare(
      'SELECT weekly_active_users, monthly_active_users FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref = 0',
    )
    .get(enterprise[1], d);
  expect(row).toEqual({ weekly_active_users: distinctOver(7), monthly_active_users: distinctOver(28) });
});

test('team membership is stored per day as the simulator reports it; teams under 5 are absent', () => {
  for (const [, id, scope] of simScopes().slice(1)) {
    for (const d of days()) {
      const raw = [...sim.generator.teamRecords(scope, d)].map((r) => `${r.team_id}:${r.user_id}`).sort();
      const stored = (
        t.db
          .prepare(
            "SELECT t.github_id || ':' || u.github_id FROM team_members m JOIN teams t ON t.id = m.team_ref JOIN users u ON u.id = m.user_ref WHERE m.scope_id = ? AND m.day = ?",
          )
          .pluck()
          .all(id, d) as string[]
      ).sort();
      expect(stored).toEqual(raw);
      expect(raw.length).toBeGreaterThan(0);
    }
  }
  expect(t.db.prepare("SELECT count(*) FROM teams WHERE slug = 'tiger-team'").pluck().get()).toBe(0);
});

test('aggregate pull-request counters equal the sums over repository rows', () => {
  for (const [, id] of simScopes()) {
    for (const d of days()) {
      const agg = t.db
        .prepare(
          'SELECT total_created, total_merged, total_copilot_suggestions FROM pull_requests_day WHERE scope_id = ? AND day = ? AND repo_ref = 0',
        )
        .get(id, d);
      const repos = t.db
        .prepare(
          'SELECT total(total_created) AS total_created, total(total_merged) AS total_merged, total(total_copilot_suggestions) AS total_copilot_suggestions FROM pull_requests_day WHERE scope_id = ? AND day = ? AND repo_ref > 0',
        )
        .get(id, d);
      expect(agg).toEqual(repos);
    }
  }
});

test('nothing the simulator sends is unknown to the store, and every table receives data', () => {
  expect(t.db.prepare('SELECT count(*) FROM unknown_keys').pluck().get()).toBe(0);
  for (const table of new Set(ALL_TABLE_SPECS.map((s) => s.table))) {
    expect([table, t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()]).not.toEqual([table, 0]);
  }
  expect(formatDay(TO)).toBe('2026-09-26');
});
