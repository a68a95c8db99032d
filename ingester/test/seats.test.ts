/**
 * Copilot seats, end to end, on both engines (SQLite, and PostgreSQL on a throwaway cluster): the sync
 * reads the simulator's seats list page by page into dated snapshots, the query API served from that
 * engine counts them, and /metrics exposes them. Every expected number is computed from the
 * simulator's own seat list and usage records, never from the database. What involves no database
 * (reading a seat, Link headers, merging, planning) runs once.
 */
import { spawnSync } from 'node:child_process';
import { dayToMs, formatDay, isoWeekday } from '../src/days';
import type { GitHubClient } from '../src/github/client';
import { nextLink } from '../src/github/seats';
import { createMetrics } from '../src/http/metrics';
import { mergeSeats, parseSeat } from '../src/reports/seats';
import { REPORT_KINDS, type JsonObject } from '../src/reports/types';
import type { Scope } from '../src/scopes';
import type { SimulatorServer } from '../src/simulator/server';
import { coverage } from '../src/store/coverage';
import { planSync } from '../src/sync/planner';
import { enterpriseOrganizations } from '../src/sync/seats';
import { TEST_TODAY, type TestApi, startSimulator, syncDays, testClient } from './helpers';
import { ENGINES, type Engine, type EngineDatabase, startEngine } from './engines';

/** Three snapshots, a week apart, ending on the tests' "today". */
const SNAPSHOTS = [TEST_TODAY - 14, TEST_TODAY - 7, TEST_TODAY];
const noon = (day: number) => new Date(dayToMs(day) + 12 * 3_600_000);

let simToday = TEST_TODAY;
let sim: SimulatorServer;
let client: GitHubClient;
let scopes: Scope[];
/** The engine under test, its synced database and the API served from it (set by the engine's beforeAll). */
let engine: Engine;
let t: EngineDatabase;
let api: TestApi;
const enterpriseKey = () => `enterprise:${sim.scopes.enterprise}`;
const orgKey = (index: number) => `organization:${sim.scopes.orgs[index]}`;

beforeAll(async () => {
  sim = await startSimulator({ users: 120, orgs: 2, today: () => simToday });
  client = testClient(sim.url);
  scopes = [
    { kind: 'enterprise', slug: sim.scopes.enterprise },
    ...sim.scopes.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
  ];
});

afterAll(async () => {
  await client.close();
  await sim.stop();
});

/** A new database of the engine under test: the usage of every snapshot's usage window, then the snapshots. */
async function syncedDatabase(): Promise<EngineDatabase> {
  const database = await engine.database();
  // Usage for the usage windows of every snapshot (the 28 days ending two days before each).
  const usage = await syncDays(database.store, client, {
    scopes,
    from: SNAPSHOTS[0] - 29,
    to: TEST_TODAY - 2,
    kinds: [...REPORT_KINDS],
  });
  expect(usage.failed).toBe(0);
  try {
    for (const snapshot of SNAPSHOTS) {
      simToday = snapshot;
      const summary = await syncDays(database.store, client, {
        scopes,
        kinds: ['seats'],
        now: noon(snapshot),
      });
      expect(summary).toMatchObject({ planned: 3, ok: 3, failed: 0 });
    }
  } finally {
    simToday = TEST_TODAY;
  }
  return database;
}

//#region The simulator's side

interface SimSeat {
  user: number;
  login: string;
  planType: string;
  lastActivityDay: number | null;
  pending: boolean;
  team: string | null;
  editor: string | null;
  createdDay: number;
}

/** The seats the simulator lists for an organization on a day, read through its own seat(). */
function orgSeats(orgIndex: number, day: number): SimSeat[] {
  const saved = simToday;
  simToday = day;
  try {
    return sim.seatHolders(orgIndex).map((u) => {
      const seat = sim.seat(u, orgIndex) as JsonObject;
      const last = seat.last_activity_at as string | null;
      return {
        user: u,
        login: (seat.assignee as JsonObject).login as string,
        planType: seat.plan_type as string,
        lastActivityDay: last === null ? null : Math.floor(Date.parse(last) / 86_400_000),
        pending: seat.pending_cancellation_date !== null,
        team: (seat.assigning_team as JsonObject | null)?.slug as string | null,
        editor: (seat.last_activity_editor as string | null)?.split('/')[0] ?? null,
        createdDay: Math.floor(Date.parse(seat.created_at as string) / 86_400_000),
      };
    });
  } finally {
    simToday = saved;
  }
}

/** An enterprise's seats: every user once, over its organizations. */
function enterpriseSeats(day: number): SimSeat[] {
  const byUser = new Map<number, SimSeat>();
  for (const org of sim.population.orgs)
    for (const seat of orgSeats(org.index, day)) if (!byUser.has(seat.user)) byUser.set(seat.user, seat);
  return [...byUser.values()];
}

const seatsOf = (scope: string, day: number) =>
  scope === enterpriseKey()
    ? enterpriseSeats(day)
    : orgSeats(sim.scopes.orgs.indexOf(scope.split(':')[1]), day);

const active = (seat: SimSeat, day: number, n = 30) =>
  seat.lastActivityDay !== null && day - seat.lastActivityDay < n;

/** Users with a usage record in the 28 days ending two days before `day`, from the generator. */
function recentUsers(scope: string, day: number): Set<number> {
  const simScope =
    scope === enterpriseKey()
      ? ({ kind: 'enterprise' } as const)
      : ({
          kind: 'organization',
          org: sim.population.orgs[sim.scopes.orgs.indexOf(scope.split(':')[1])],
        } as const);
  const users = new Set<number>();
  for (let d = day - 29; d <= day - 2; d++)
    for (const u of sim.generator.members(simScope))
      if (sim.generator.userRecord(u, d, simScope)) users.add(u);
  return users;
}

//#endregion

//#region The API's side

const range = (from = SNAPSHOTS[0] - 3, to = TEST_TODAY) => ({
  from: new Date(dayToMs(from)).toISOString(),
  to: new Date(dayToMs(to) + 86_399_000).toISOString(),
});

async function answer(q: Record<string, unknown>, from?: number, to?: number) {
  const response = await api.post('/api/v1/query', {
    range: range(from, to),
    queries: [{ refId: 'A', ...q }],
  });
  expect(response.status).toBe(200);
  return response.body.results.A as { frames?: any[]; error?: string; status?: number };
}

async function frames(q: Record<string, unknown>, from?: number, to?: number) {
  const result = await answer(q, from, to);
  if (result.error) throw new Error(result.error);
  return result.frames!;
}

/** label → value of a table frame. */
async function table(q: Record<string, unknown>, from?: number, to?: number) {
  const [frame] = await frames({ ...q, format: 'table' }, from, to);
  const [labels, values] = frame.data.values as [string[], (number | null)[]];
  return new Map(labels.map((label, i) => [label, values[i]]));
}

/** time → value of a single-series frame. */
const points = (frame: any) =>
  new Map<number, number>(
    frame.data.values[0].map((time: number, i: number) => [time, frame.data.values[1][i]]),
  );

const count = <T>(items: T[], test: (item: T) => boolean) => items.filter(test).length;
const tally = (keys: (string | null)[], fallback: string) => {
  const out = new Map<string, number>();
  for (const key of keys) out.set(key ?? fallback, (out.get(key ?? fallback) ?? 0) + 1);
  return out;
};

//#endregion

describe('seats without a database', () => {
  test('the simulated seats are the kind a licence admin cares about: unused, never used, pending, two plans', () => {
    const seats = seatsOf(orgKey(0), TEST_TODAY);
    expect(count(seats, (s) => s.lastActivityDay === null)).toBeGreaterThan(0);
    expect(count(seats, (s) => s.lastActivityDay !== null && !active(s, TEST_TODAY))).toBeGreaterThan(0);
    expect(count(seats, (s) => s.pending)).toBeGreaterThan(0);
    expect(new Set(seats.map((s) => s.planType))).toEqual(new Set(['business', 'enterprise']));
    expect(count(seats, (s) => s.team !== null)).toBeGreaterThan(0);
  });

  test('Link headers: the next page is found among the other relations', () => {
    const api = 'https://api.github.com/organizations/1/copilot/billing/seats';
    expect(
      nextLink(`<${api}?page=1>; rel="prev", <${api}?page=3>; rel="next", <${api}?page=9>; rel="last"`),
    ).toBe(`${api}?page=3`);
    expect(nextLink(`<${api}?page=1>; rel="first"`)).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });

  test('a seat is read robustly: UTC timestamps, a missing team, and no assignee means not stored', () => {
    const parsed = parseSeat({
      assignee: { login: 'octocat', id: 1 },
      created_at: '2021-08-03T18:00:00-06:00',
      last_activity_at: null,
      pending_cancellation_date: '2026-11-01',
      plan_type: 'business',
    });
    expect(parsed).toEqual({
      ok: true,
      seat: {
        user: { githubId: 1, login: 'octocat' },
        planType: 'business',
        createdAt: '2021-08-04T00:00:00.000Z',
        lastActivityAt: null,
        lastActivityEditor: null,
        pendingCancellationDate: Math.round(Date.UTC(2026, 10, 1) / 86_400_000),
        assigningTeam: null,
      },
    });
    expect(parseSeat({ assignee: null, created_at: '2026-01-01T00:00:00Z' }).ok).toBe(false);
  });

  test('an enterprise merges a person’s seats: the latest activity, the first assignment, pending only if all are', () => {
    const seat = (
      lastActivityAt: string | null,
      createdAt: string,
      pending: number | null,
      plan: string,
    ) => ({
      lastActivityAt,
      createdAt,
      pendingCancellationDate: pending,
      plan,
    });
    expect(
      mergeSeats([
        seat('2026-09-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 100, 'business'),
        seat('2026-09-20T00:00:00.000Z', '2026-03-01T00:00:00.000Z', null, 'enterprise'),
      ]),
    ).toEqual(seat('2026-09-20T00:00:00.000Z', '2026-01-01T00:00:00.000Z', null, 'enterprise'));
    expect(
      mergeSeats([
        seat(null, '2026-02-01T00:00:00.000Z', 90, 'a'),
        seat(null, '2026-01-01T00:00:00.000Z', 80, 'b'),
      ]),
    ).toEqual(seat(null, '2026-01-01T00:00:00.000Z', 90, 'b'));
  });

  test('the planner takes today’s seats only, once per run, and never a past day', () => {
    const org: Scope = { kind: 'organization', slug: 'o' };
    const enterprise: Scope = { kind: 'enterprise', slug: 'e' };
    const plan = (input: Partial<Parameters<typeof planSync>[0]>) =>
      planSync({
        scopes: [enterprise, org],
        today: TEST_TODAY,
        backfillDays: 10,
        refetchDays: 3,
        statusOf: () => 'ok',
        ...input,
      }).filter((p) => p.kind === 'seats');
    expect(plan({}).map((p) => [p.scope.kind, p.day, p.reason])).toEqual([
      ['enterprise', TEST_TODAY, 'refetch'],
      ['organization', TEST_TODAY, 'refetch'],
    ]);
    expect(plan({ from: TEST_TODAY - 30, to: TEST_TODAY - 2 })).toEqual([]);
    expect(plan({ kinds: ['users'] })).toEqual([]);
    // An enterprise's seats are its organizations': without any in the run there is nothing to take.
    expect(plan({ scopes: [enterprise] })).toEqual([]);
  });
});

describe.each(ENGINES)('on %s', (engineName) => {
  beforeAll(async () => {
    engine = await startEngine(engineName);
    t = await syncedDatabase();
    api = await t.startApi();
  }, 180_000);

  afterAll(async () => {
    await engine?.stop();
  });

  describe('sync', () => {
    test('every snapshot day of every scope is stored, one row per seat, with GitHub’s fields', async () => {
      for (const scope of [enterpriseKey(), orgKey(0), orgKey(1)]) {
        for (const day of SNAPSHOTS) {
          // Quoted aliases keep their case on PostgreSQL; the CASE is SQLite's 0/1 (PostgreSQL has booleans).
          const rows = await t.reader.all(
            `SELECT u.login, p.value AS "planType", x.last_activity_day AS "lastActivityDay",
               CASE WHEN x.pending_cancellation_date IS NULL THEN 0 ELSE 1 END AS pending, e.value AS editor,
               x.created_at AS "createdAt"
             FROM seat_snapshots x JOIN scopes s ON s.id = x.scope_id JOIN users u ON u.id = x.user_ref
             LEFT JOIN dictionary p ON p.id = x.plan_type LEFT JOIN dictionary e ON e.id = x.editor
             WHERE s.kind || ':' || s.slug = ? AND x.day = ? ORDER BY u.login`,
            [scope, day],
          );
          const expected = seatsOf(scope, day)
            .sort((a, b) => a.login.localeCompare(b.login))
            .map((s) => ({
              login: s.login,
              planType: s.planType,
              lastActivityDay: s.lastActivityDay,
              pending: s.pending ? 1 : 0,
              editor: s.editor,
              createdAt: `${formatDay(s.createdDay)}T09:00:00.000Z`,
            }));
          expect([scope, day, rows]).toEqual([scope, day, expected]);
        }
      }
      // The enterprise counts people in two organizations once.
      const both = sim.population.orgs[0].members.filter((u) => sim.population.orgs[1].members.includes(u));
      expect(both.length).toBeGreaterThan(0);
    });

    test('the seats list is read in pages of 100 by following the Link header', async () => {
      const big = await startSimulator({ users: 520, orgs: 2 });
      const bigClient = testClient(big.url);
      const db = await engine.database();
      try {
        const org: Scope = { kind: 'organization', slug: big.scopes.orgs[0] };
        const summary = await syncDays(db.store, bigClient, { scopes: [org], kinds: ['seats'] });
        expect(summary).toMatchObject({ planned: 1, ok: 1, failed: 0 });
        const holders = big.seatHolders(0);
        expect(holders.length).toBeGreaterThan(200);
        const pages = big.requests.filter((r) => r.path.endsWith('/copilot/billing/seats'));
        expect(pages).toHaveLength(Math.ceil(holders.length / 100));
        expect(pages.every((r) => r.status === 200)).toBe(true);
        expect(await db.reader.value('SELECT count(*) FROM seat_snapshots')).toBe(holders.length);
        expect(
          await db.reader.first("SELECT records, files, issues FROM reports WHERE kind = 'seats'"),
        ).toEqual({
          records: holders.length,
          files: pages.length,
          issues: null,
        });
      } finally {
        await db.close();
        await bigClient.close();
        await big.stop();
      }
    });

    test('an enterprise’s organizations are known by the enterprise id their reports carry', async () => {
      const db = await engine.database();
      try {
        const id = async (
          kind: 'enterprise' | 'organization',
          slug: string,
          githubId: string | null,
          enterprise: string | null,
        ) => {
          const scopeId = await db.store.scopeId({ kind, slug });
          await db.write('UPDATE scopes SET github_id = ?, enterprise_github_id = ? WHERE id = ?', [
            githubId,
            enterprise,
            scopeId,
          ]);
          return { id: scopeId, slug };
        };
        const a = await id('enterprise', 'a', '1', null);
        const b = await id('enterprise', 'b', '2', null);
        const orgs = [
          await id('organization', 'a1', '11', '1'),
          await id('organization', 'b1', '21', '2'),
          await id('organization', 'new', null, null),
        ];
        const slugs = async (enterprise: { id: number }, enterprises: number) =>
          (await enterpriseOrganizations(db.store, enterprise.id, orgs, enterprises)).map((o) => o.slug);
        expect(await slugs(a, 2)).toEqual(['a1']);
        expect(await slugs(b, 2)).toEqual(['b1']);
        // With one enterprise configured, an organization whose reports have not told its enterprise yet counts.
        expect(await slugs(a, 1)).toEqual(['a1', 'new']);
        const unknown = await id('enterprise', 'c', null, null);
        expect(await slugs(unknown, 1)).toEqual(['a1', 'b1', 'new']);
      } finally {
        await db.close();
      }
    });

    test('status lists seats with their snapshot days, and no gaps (past days cannot be fetched)', async () => {
      const status = await coverage(t.reader, { scopes, today: TEST_TODAY, backfillDays: 365 });
      for (const scope of status.scopes) {
        const seats = scope.reports.find((r) => r.report === 'seats')!;
        expect(seats).toMatchObject({
          firstDay: formatDay(SNAPSHOTS[0]),
          lastDay: formatDay(TEST_TODAY),
          okDays: 3,
          failed: [],
          gaps: [],
        });
      }
    });

    test('a second run the same day takes the snapshot again; retention prunes old snapshots', async () => {
      const db = await engine.database();
      try {
        const org = [scopes[1]];
        simToday = TEST_TODAY - 7;
        await syncDays(db.store, client, { scopes: org, kinds: ['seats'], now: noon(TEST_TODAY - 7) });
        simToday = TEST_TODAY;
        await syncDays(db.store, client, { scopes: org, kinds: ['seats'] });
        const again = await syncDays(db.store, client, {
          scopes: org,
          kinds: ['seats'],
          settings: { backfillDays: 365, refetchDays: 3, concurrency: 4, retentionDays: 5 },
        });
        expect(again).toMatchObject({ planned: 1, ok: 1 });
        expect(await db.reader.all("SELECT day, attempts FROM reports WHERE kind = 'seats'")).toEqual([
          { day: TEST_TODAY, attempts: 2 },
        ]);
        expect(await db.reader.pluck('SELECT DISTINCT day FROM seat_snapshots')).toEqual([TEST_TODAY]);
        expect(await db.reader.value('SELECT count(*) FROM seat_snapshots')).toBe(
          orgSeats(0, TEST_TODAY).length,
        );
      } finally {
        simToday = TEST_TODAY;
        await db.close();
      }
    });

    test('a 403 on seats is a failed seats day naming the permission; the usage reports still sync', async () => {
      const forbidden = await startSimulator({ users: 60, orgs: 2, faults: ['seats-forbidden'] });
      const forbiddenClient = testClient(forbidden.url);
      const db = await engine.database();
      try {
        const all: Scope[] = [
          { kind: 'enterprise', slug: forbidden.scopes.enterprise },
          ...forbidden.scopes.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
        ];
        const summary = await syncDays(db.store, forbiddenClient, { scopes: all, from: TEST_TODAY - 3 });
        // Two days of four reports for three scopes, and today's seats of three scopes.
        expect(summary).toMatchObject({ planned: 2 * 4 * 3 + 3, ok: 2 * 4 * 3 + 1, failed: 2, skipped: 0 });
        const failures = Object.fromEntries(summary.failures.map((f) => [f.scope, f]));
        const denied = failures[`organization:${forbidden.scopes.orgs[1]}`];
        expect(denied).toMatchObject({ report: 'seats', day: formatDay(TEST_TODAY), status: 403 });
        expect(denied.error).toMatch(/403.*organization owner.*manage_billing:copilot or read:org/);
        expect(denied.error).toMatch(/usage reports are synced regardless/);
        expect(failures[`enterprise:${forbidden.scopes.enterprise}`].error).toMatch(
          new RegExp(`union of its organizations' seats.*organization:${forbidden.scopes.orgs[1]}`),
        );
        expect(summary.byReport.users).toMatchObject({ ok: 6, failed: 0, skipped: 0 });
        const status = await coverage(db.reader, {
          scopes: all,
          today: TEST_TODAY,
          backfillDays: 365,
        });
        const org = status.scopes.find((s) => s.scope === `organization:${forbidden.scopes.orgs[1]}`)!;
        expect(org.reports.find((r) => r.report === 'seats')!.failed).toEqual([
          { day: formatDay(TEST_TODAY), attempts: 1, error: denied.error, status: 403 },
        ]);
        expect(org.reports.find((r) => r.report === 'users')!.okDays).toBe(2);
      } finally {
        await db.close();
        await forbiddenClient.close();
        await forbidden.stop();
      }
    });
  });

  describe('seat metrics equal the simulator’s seat list', () => {
    const SCOPES = () => [enterpriseKey(), orgKey(0), orgKey(1)];

    test('counts and utilization of the latest snapshot, for every scope and two activity windows', async () => {
      for (const scope of SCOPES()) {
        const seats = seatsOf(scope, TEST_TODAY);
        for (const n of [30, 7]) {
          const activeCount = count(seats, (s) => active(s, TEST_TODAY, n));
          const option = n === 30 ? {} : { seatActiveDays: n };
          const expected: [string, number, Record<string, unknown>][] = [
            ['seats_total', seats.length, {}],
            ['seats_active', activeCount, option],
            ['seats_inactive', seats.length - activeCount, option],
            ['seats_never_used', count(seats, (s) => s.lastActivityDay === null), {}],
            ['seats_pending_cancellation', count(seats, (s) => s.pending), {}],
            ['seat_utilization', activeCount / seats.length, option],
          ];
          for (const [metric, value, extra] of expected) {
            const got = await table({ scope, metric, ...extra });
            expect([scope, metric, n, got]).toEqual([scope, metric, n, new Map([[scope, value]])]);
          }
        }
        expect(seats.length).toBeGreaterThan(20);
      }
    });

    test('the history: one point per snapshot day, and a week shows its latest snapshot', async () => {
      for (const scope of SCOPES()) {
        const [daily] = await frames({ scope, metric: 'seats_inactive' });
        expect(points(daily)).toEqual(
          new Map(SNAPSHOTS.map((day) => [dayToMs(day), count(seatsOf(scope, day), (s) => !active(s, day))])),
        );
        const [weekly] = await frames({ scope, metric: 'seats_total', interval: 'week' });
        const latestOfWeek = new Map<number, number>();
        for (const day of SNAPSHOTS) latestOfWeek.set(day - isoWeekday(day), day);
        expect(points(weekly)).toEqual(
          new Map([...latestOfWeek].map(([week, day]) => [dayToMs(week), seatsOf(scope, day).length])),
        );
        expect(weekly.schema.meta.notices).toContainEqual({
          severity: 'info',
          text: expect.stringMatching(/latest snapshot, not a sum or an average/),
        });
      }
    });

    test('grouped by plan type, editor and assigning team', async () => {
      const scope = orgKey(0);
      const seats = seatsOf(scope, TEST_TODAY);
      expect(await table({ scope, metric: 'seats_total', groupBy: 'plan_type' })).toEqual(
        tally(
          seats.map((s) => s.planType),
          '',
        ),
      );
      expect(await table({ scope, metric: 'seats_total', groupBy: 'editor' })).toEqual(
        tally(
          seats.map((s) => s.editor),
          '(no activity)',
        ),
      );
      const byTeam = await table({ scope, metric: 'seats_inactive', groupBy: 'team' });
      const teams = new Map<string, number>();
      for (const s of seats) {
        const key = s.team ?? '(assigned directly)';
        teams.set(key, (teams.get(key) ?? 0) + (active(s, TEST_TODAY) ? 0 : 1));
      }
      expect(byTeam).toEqual(teams);
      // Filters combine with the grouping.
      const business = seats.filter((s) => s.planType === 'business');
      expect(
        await table({
          scope,
          metric: 'seat_utilization',
          groupBy: 'editor',
          filters: { plan_type: ['business'] },
        }),
      ).toEqual(
        new Map(
          [
            ...tally(
              business.map((s) => s.editor),
              '(no activity)',
            ),
          ].map(([editor, n]) => [
            editor,
            count(business, (s) => (s.editor ?? '(no activity)') === editor && active(s, TEST_TODAY)) / n,
          ]),
        ),
      );
      // A limit keeps the largest groups and folds the rest into Others.
      const top = await table({ scope, metric: 'seats_total', groupBy: 'editor', limit: 1, others: true });
      expect([...top.values()].reduce((a, b) => a! + b!, 0)).toBe(seats.length);
      expect([...top.keys()].at(-1)).toBe('Others');
    });

    test('the inactive-seats list: every inactive seat, the longest unused first, with what an admin needs', async () => {
      for (const scope of SCOPES()) {
        const seats = seatsOf(scope, TEST_TODAY).filter((s) => !active(s, TEST_TODAY));
        const [frame] = await frames({ scope, metric: 'inactive_seats', format: 'table' });
        const names = frame.schema.fields.map((f: { name: string }) => f.name);
        expect(names).toEqual([
          'login',
          'last_activity_at',
          'days_inactive',
          'editor',
          'assigning_team',
          'plan_type',
          'pending_cancellation_date',
          'created_at',
        ]);
        const column = (name: string) => frame.data.values[names.indexOf(name)];
        const idle = (s: SimSeat) => TEST_TODAY - (s.lastActivityDay ?? s.createdDay);
        expect(column('login')).toEqual(
          [...seats].sort((a, b) => idle(b) - idle(a) || a.login.localeCompare(b.login)).map((s) => s.login),
        );
        const byLogin = new Map(seats.map((s) => [s.login, s]));
        column('login').forEach((login: string, i: number) => {
          const seat = byLogin.get(login)!;
          expect([login, column('days_inactive')[i], column('plan_type')[i]]).toEqual([
            login,
            idle(seat),
            seat.planType,
          ]);
          expect(column('last_activity_at')[i] === null).toBe(seat.lastActivityDay === null);
        });
        expect(seats.length).toBeGreaterThan(3);
        const shortList = await frames({ scope, metric: 'inactive_seats', format: 'table', limit: 2 });
        expect(shortList[0].data.values[0]).toEqual(column('login').slice(0, 2));
      }
      // With a longer window fewer seats are inactive.
      const [wide] = await frames({
        scope: orgKey(0),
        metric: 'inactive_seats',
        format: 'table',
        seatActiveDays: 90,
      });
      expect(wide.data.values[0]).toHaveLength(
        count(seatsOf(orgKey(0), TEST_TODAY), (s) => !active(s, TEST_TODAY, 90)),
      );
    });

    test('every seat as a list, and one person’s seat: filtered or grouped by the person it is assigned to', async () => {
      for (const scope of SCOPES()) {
        const seats = seatsOf(scope, TEST_TODAY);
        const [frame] = await frames({ scope, metric: 'assigned_seats', format: 'table' });
        expect([...frame.data.values[0]].sort()).toEqual(seats.map((s) => s.login).sort());
        // One person's seat, by their login: the row the inactive list would show, active or not.
        const seat = seats.find((s) => active(s, TEST_TODAY))!;
        const [own] = await frames({
          scope,
          metric: 'assigned_seats',
          format: 'table',
          filters: { user: [seat.login] },
        });
        const names = own.schema.fields.map((f: { name: string }) => f.name);
        const row = (name: string) => own.data.values[names.indexOf(name)][0];
        expect(own.data.values[0]).toEqual([seat.login]);
        expect([row('plan_type'), row('days_inactive')]).toEqual([
          seat.planType,
          TEST_TODAY - seat.lastActivityDay!,
        ]);
        expect(
          await table({ scope, metric: 'seats_active', filters: { user: [seat.login] }, groupBy: 'user' }),
        ).toEqual(new Map([[seat.login, 1]]));
        // Grouped by person: one seat each.
        const byUser = await table({ scope, metric: 'seats_total', groupBy: 'user' });
        expect(byUser).toEqual(new Map(seats.map((s) => [s.login, 1])));
        // Someone without a seat here has no row.
        const [none] = await frames({
          scope,
          metric: 'assigned_seats',
          format: 'table',
          filters: { user: ['no-such-login'] },
        });
        expect(none.data.values[0]).toEqual([]);
      }
    });

    test('cross-checks against usage: seats without recent usage, users without a seat, active users per seat', async () => {
      let withoutSeat = 0;
      for (const scope of SCOPES()) {
        for (const day of SNAPSHOTS) {
          const seats = seatsOf(scope, day);
          const recent = recentUsers(scope, day);
          const seated = new Set(seats.map((s) => s.user));
          const expected: [string, number][] = [
            ['seats_without_recent_usage', count(seats, (s) => !recent.has(s.user))],
            ['users_without_seat', count([...recent], (u) => !seated.has(u))],
            ['active_users_per_seat', recent.size / seats.length],
          ];
          for (const [metric, value] of expected) {
            const got = await table({ scope, metric }, day, day);
            expect([scope, day, metric, got]).toEqual([scope, day, metric, new Map([[scope, value]])]);
          }
          if (scope !== enterpriseKey()) withoutSeat += count([...recent], (u) => !seated.has(u));
          else expect(count([...recent], (u) => !seated.has(u))).toBe(0);
        }
      }
      // Some people use Copilot in an organization whose seat comes from their other organization.
      expect(withoutSeat).toBeGreaterThan(0);
      const [frame] = await frames({
        scope: orgKey(0),
        metric: 'seats_without_recent_usage',
        format: 'table',
      });
      expect(frame.schema.meta.notices).toContainEqual({
        severity: 'info',
        text: expect.stringMatching(/28 days ending two days before each snapshot/),
      });
    });

    test('the catalog lists the Seats family; queries the seats cannot answer are refused with the reason', async () => {
      const catalog = (await api.get('/api/v1/catalog')).body;
      const seats = catalog.metrics.filter((m: { family: string }) => m.family === 'Seats');
      expect(seats.map((m: { id: string }) => m.id).sort()).toEqual([
        'active_users_per_seat',
        'assigned_seats',
        'inactive_seats',
        'seat_utilization',
        'seats_active',
        'seats_inactive',
        'seats_never_used',
        'seats_pending_cancellation',
        'seats_total',
        'seats_without_recent_usage',
        'users_without_seat',
      ]);
      const list = seats.find((m: { id: string }) => m.id === 'inactive_seats');
      expect(list).toMatchObject({
        formats: ['table'],
        parameters: ['seatActiveDays'],
        aggregation: 'snapshot',
      });
      expect(seats.find((m: { id: string }) => m.id === 'seats_total').groupBy).toEqual([
        'none',
        'team',
        'user',
        'plan_type',
        'editor',
      ]);
      const scope = orgKey(0);
      expect(await answer({ scope, metric: 'inactive_seats' })).toEqual({
        error: expect.stringMatching(/inactive_seats answers only as table/),
        status: 400,
      });
      expect(await answer({ scope, metric: 'daily_active_users', seatActiveDays: 30 })).toEqual({
        error: expect.stringMatching(/seatActiveDays applies only to seats_active/),
        status: 400,
      });
      expect(await answer({ scope, metric: 'users_without_seat', groupBy: 'plan_type' })).toEqual({
        error: expect.stringMatching(/cannot be grouped by plan_type/),
        status: 400,
      });
      expect((await answer({ scope, metric: 'seats_active', seatActiveDays: 0 })).status).toBe(400);
      // Before the first snapshot: no points, and a notice that says why.
      const [empty] = await frames({ scope, metric: 'seats_total' }, SNAPSHOTS[0] - 20, SNAPSHOTS[0] - 1);
      expect(empty.data.values[0]).toEqual([]);
      expect(empty.schema.meta.notices[0].text).toMatch(/No seats snapshot between/);
      // Plan types and editors are dimension values, for variables and filter pickers.
      const plans = (await api.get(`/api/v1/dimensions/plan_type/values?scope=${scope}`)).body.values;
      expect(plans.map((v: { value: string }) => v.value)).toEqual(['business', 'enterprise']);
    });
  });
  test('/metrics: seats of the latest snapshot per scope, promtool-clean, no login in sight', async () => {
    const reader = t.openReader();
    try {
      const text = await createMetrics(reader, { defaultMetrics: false }).registry.metrics();
      const sample = (name: string, labels: string) =>
        Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1]);
      for (const scope of [enterpriseKey(), orgKey(0), orgKey(1)]) {
        const seats = seatsOf(scope, TEST_TODAY);
        const s = `scope="${scope}"`;
        expect(sample('copilot_seats_latest_day_timestamp_seconds', s)).toBe(TEST_TODAY * 86_400);
        expect(sample('copilot_seats_assigned', s)).toBe(seats.length);
        expect(sample('copilot_seats_inactive', `${s},window="30d"`)).toBe(
          count(seats, (x) => !active(x, TEST_TODAY)),
        );
        expect(sample('copilot_seats_inactive', `${s},window="90d"`)).toBe(
          count(seats, (x) => !active(x, TEST_TODAY, 90)),
        );
        expect(sample('copilot_seats_never_used', s)).toBe(count(seats, (x) => x.lastActivityDay === null));
        expect(sample('copilot_seats_pending_cancellation', s)).toBe(count(seats, (x) => x.pending));
        expect(sample('copilot_metrics_ingester_reports_failed', `${s},report="seats"`)).toBe(0);
      }
      for (const seat of seatsOf(orgKey(0), TEST_TODAY)) expect(text).not.toContain(seat.login);
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({
        status: 0,
        output: '',
      });
    } finally {
      await reader.close();
    }
  });
});
