/**
 * The simulator's data is internally consistent, and the stored data keeps it so, on both engines
 * (SQLite, and PostgreSQL on a throwaway cluster): the same enterprise is synced into each, and every
 * check reads it back through that engine's reader. Every expected number here is computed
 * independently from the simulator's raw generated records.
 */
import { ALL_TABLE_SPECS, CODE_COUNTERS, INTERACTIONS, RECORD_TABLES } from '../src/reports/schema';
import type { JsonObject } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import { formatDay } from '../src/days';
import { day, simulatedScopes, startSimulator, syncDays, testClient } from './helpers';
import { ENGINES, type Engine, type EngineDatabase, startEngine } from './engines';

let sim: SimulatorServer;
const FROM = day('2026-09-20');
const TO = day('2026-09-26');
const COUNTERS = [INTERACTIONS, ...CODE_COUNTERS];
/** SQLite's total() written for both engines: a sum, 0 over no rows. */
const sumOf = (column: string) => `coalesce(sum(${column}), 0) AS ${column}`;

beforeAll(async () => {
  sim = await startSimulator({ users: 80, orgs: 3 });
});
afterAll(async () => {
  await sim.stop();
});

const days = () => Array.from({ length: TO - FROM + 1 }, (_, i) => FROM + i);
const rawUsers = (scope: SimScope, d: number) =>
  sim.generator
    .members(scope)
    .map((u) => sim.generator.userRecord(u, d, scope))
    .filter((r): r is JsonObject => r !== undefined);

describe.each(ENGINES)('on %s', (engineName) => {
  let engine: Engine;
  let t: EngineDatabase;
  /** The enterprise, then each organization: its key, its id in this database, and the simulator's scope. */
  let scopes: [string, number, SimScope][];

  beforeAll(async () => {
    engine = await startEngine(engineName);
    t = await engine.database();
    const client = testClient(sim.url);
    try {
      const summary = await syncDays(t.store, client, { scopes: simulatedScopes(sim), from: FROM, to: TO });
      if (summary.failed) throw new Error(`setup sync failed: ${summary.failures[0]?.error}`);
    } finally {
      await client.close();
    }
    const scopeId = async (kind: string, slug: string) =>
      (await t.reader.value<number>('SELECT id FROM scopes WHERE kind = ? AND slug = ?', [kind, slug]))!;
    const p = sim.population;
    scopes = [
      [
        `enterprise:${p.enterprise.slug}`,
        await scopeId('enterprise', p.enterprise.slug),
        { kind: 'enterprise' },
      ],
    ];
    for (const org of p.orgs)
      scopes.push([
        `organization:${org.login}`,
        await scopeId('organization', org.login),
        { kind: 'organization', org },
      ]);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  test('stored user rows are exactly the simulator’s raw user records, counter by counter', async () => {
    for (const [, id, scope] of scopes) {
      for (const d of days()) {
        const raw = rawUsers(scope, d);
        const stored = (await t.reader.first<Record<string, number>>(
          `SELECT count(*) AS users, ${COUNTERS.map(sumOf).join(', ')} FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0`,
          [id, d],
        ))!;
        expect(stored.users).toBe(raw.length);
        for (const c of COUNTERS) expect(stored[c]).toBe(raw.reduce((sum, r) => sum + (r[c] as number), 0));
      }
    }
  });

  test('aggregate counters equal the sums of user rows; DAU equals the distinct active users', async () => {
    for (const [, id] of scopes) {
      for (const d of days()) {
        const aggregate = (await t.reader.first<Record<string, number>>(
          'SELECT * FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref = 0',
          [id, d],
        ))!;
        const users = (await t.reader.first<Record<string, number>>(
          `SELECT count(DISTINCT user_ref) AS dau, ${[...COUNTERS, 'cli_request_count'].map(sumOf).join(', ')} FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0`,
          [id, d],
        ))!;
        expect(aggregate.daily_active_users).toBe(users.dau);
        for (const c of [...COUNTERS, 'cli_request_count']) expect(aggregate[c] ?? 0).toBe(users[c]);
      }
    }
  });

  test('every breakdown of an aggregate equals the same breakdown summed over its users', async () => {
    const [, id] = scopes[1];
    const specs = RECORD_TABLES.user.filter((s) => s.many && RECORD_TABLES.aggregate.includes(s));
    for (const spec of specs) {
      const keys = [...(spec.fixed ? [spec.fixed.column] : []), ...spec.keys.map((k) => k.column)];
      const counters = spec.values
        .filter((v) => v.kind === 'int' && v.column !== 'session_count')
        .map((v) => v.column);
      const grouped = (where: string) =>
        t.reader.all(
          `SELECT day, ${keys.join(', ')}, ${counters.map(sumOf).join(', ')} FROM ${spec.table} WHERE scope_id = ? AND ${where} GROUP BY day, ${keys.join(', ')} ORDER BY day, ${keys.join(', ')}`,
          [id],
        );
      const aggregate = await grouped('user_ref = 0');
      expect(aggregate.length).toBeGreaterThan(0);
      expect(aggregate).toEqual(await grouped('user_ref > 0'));
    }
  });

  test('enterprise totals count each user once; organization totals count users in each of their orgs', async () => {
    const [enterprise, ...orgs] = scopes;
    const p = sim.population;
    let multiOrgUserDays = 0;
    for (const d of days()) {
      const dau = async (id: number) =>
        (await t.reader.value<number>(
          'SELECT daily_active_users FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref = 0',
          [id, d],
        ))!;
      const activeEverywhere = [...Array(p.userCount).keys()].filter((u) => p.isActive(u, d));
      const inTwoOrgs = activeEverywhere.filter((u) => p.secondOrg[u] >= 0).length;
      expect(await dau(enterprise[1])).toBe(activeEverywhere.length);
      let orgTotal = 0;
      for (const [, id] of orgs) orgTotal += await dau(id);
      expect(orgTotal).toBe(activeEverywhere.length + inTwoOrgs);
      multiOrgUserDays += inTwoOrgs;
    }
    expect(multiOrgUserDays).toBeGreaterThan(0);
  });

  test('weekly and monthly active users match distinct users over the trailing windows', async () => {
    const [enterprise] = scopes;
    const p = sim.population;
    const d = TO;
    const distinctOver = (window: number) =>
      [...Array(p.userCount).keys()].filter((u) =>
        Array.from({ length: window }, (_, i) => d - i).some((x) => p.isActive(u, x)),
      ).length;
    const row = await t.reader.first(
      'SELECT weekly_active_users, monthly_active_users FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref = 0',
      [enterprise[1], d],
    );
    expect(row).toEqual({ weekly_active_users: distinctOver(7), monthly_active_users: distinctOver(28) });
  });

  test('team membership is stored per day as the simulator reports it; teams under 5 are absent', async () => {
    for (const [, id, scope] of scopes.slice(1)) {
      for (const d of days()) {
        const raw = [...sim.generator.teamRecords(scope, d)].map((r) => `${r.team_id}:${r.user_id}`).sort();
        const stored = (
          await t.reader.pluck<string>(
            "SELECT t.github_id || ':' || u.github_id FROM team_members m JOIN teams t ON t.id = m.team_ref JOIN users u ON u.id = m.user_ref WHERE m.scope_id = ? AND m.day = ?",
            [id, d],
          )
        ).sort();
        expect(stored).toEqual(raw);
        expect(raw.length).toBeGreaterThan(0);
      }
    }
    expect(await t.reader.value("SELECT count(*) FROM teams WHERE slug = 'tiger-team'")).toBe(0);
  });

  test('aggregate pull-request counters equal the sums over repository rows', async () => {
    const counters = ['total_created', 'total_merged', 'total_copilot_suggestions'];
    for (const [, id] of scopes) {
      for (const d of days()) {
        const agg = await t.reader.first(
          `SELECT ${counters.join(', ')} FROM pull_requests_day WHERE scope_id = ? AND day = ? AND repo_ref = 0`,
          [id, d],
        );
        const repos = await t.reader.first(
          `SELECT ${counters.map(sumOf).join(', ')} FROM pull_requests_day WHERE scope_id = ? AND day = ? AND repo_ref > 0`,
          [id, d],
        );
        expect(agg).toEqual(repos);
      }
    }
  });

  test('nothing the simulator sends is unknown to the store, and every table receives data', async () => {
    expect(await t.reader.value('SELECT count(*) FROM unknown_keys')).toBe(0);
    for (const table of new Set(ALL_TABLE_SPECS.map((s) => s.table))) {
      expect([table, await t.reader.value(`SELECT count(*) FROM ${table}`)]).not.toEqual([table, 0]);
    }
    expect(formatDay(TO)).toBe('2026-09-26');
  });
});
