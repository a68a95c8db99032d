/**
 * Distinct people over weeks, months and whole ranges read the weekly and monthly active sets
 * (migration 012) where they stand in for their days. Every count is checked against distinct logins
 * in the simulator's raw records, over ranges aligned and not aligned to weeks and months, across days
 * never synced, and after a day re-synced with different people, a reprocess and a retention cut; the
 * stored period sets are checked against unions of the day sets after each change.
 */
import type { GitHubClient } from '../src/github/client';
import { dayToMs, isoWeekday, monthStart } from '../src/days';
import type { JsonObject } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import { backfillActivePeriods } from '../src/store/activePeriods';
import { ACTIVE_SET_KINDS, ActiveSetWriter } from '../src/store/activeSets';
import { pruneBefore } from '../src/store/retention';
import { decodeUsers } from '../src/store/userSets';
import { reprocess } from '../src/sync/reprocess';
import {
  type TestApi,
  type TestDb,
  day,
  startApi,
  startSimulator,
  syncDays,
  tempDatabase,
  testClient,
} from './helpers';

/** Two stretches with a gap between them (Wednesday 12 to Friday 14 August never synced). */
const STRETCHES = [
  [day('2026-07-20'), day('2026-08-11')],
  [day('2026-08-15'), day('2026-09-09')],
] as const;
const enterprise: SimScope = { kind: 'enterprise' };

let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
let api: TestApi;
/** The first day still stored (moved by the retention test). */
let firstStored: number = STRETCHES[0][0];

beforeAll(async () => {
  sim = await startSimulator({ users: 60, orgs: 2 });
  client = testClient(sim.url);
  t = tempDatabase();
  for (const [from, to] of STRETCHES) {
    const summary = await syncDays(t.store, client, {
      scopes: [{ kind: 'enterprise', slug: sim.scopes.enterprise }],
      from,
      to,
      kinds: ['users'],
    });
    expect(summary.failed).toBe(0);
  }
  api = await startApi(t.path);
});
afterAll(async () => {
  await api?.close();
  t?.close();
  await client?.close();
  await sim?.stop();
});

const stored = (d: number) => d >= firstStored && STRETCHES.some(([from, to]) => d >= from && d <= to);
const scopeId = () => t.db.prepare("SELECT id FROM scopes WHERE kind = 'enterprise'").pluck().get() as number;

/** What each raw user record counts under, per grouping. */
const GROUPS: Record<string, (r: JsonObject) => string[]> = {
  none: () => ['active_users'],
  ide: (r) => (r.totals_by_ide as JsonObject[]).map((e) => e.ide as string),
  plugin_version: (r) =>
    (r.totals_by_ide as JsonObject[]).flatMap((e) => {
      const version = (e.last_known_plugin_version as JsonObject | undefined)?.plugin_version;
      return typeof version === 'string' ? [version] : [];
    }),
};

type Interval = 'week' | 'month' | 'total';
const BUCKET: Record<Interval, (d: number, from: number) => number> = {
  week: (d) => d - isoWeekday(d),
  month: (d) => monthStart(d),
  total: (_d, from) => from,
};

/** label → bucket (ms) → distinct logins with a raw record of that label in the bucket's stored days. */
function rawDistinct(
  groupBy: string,
  interval: Interval,
  from: number,
  to: number,
  options: { workdays?: boolean; logins?: string[] } = {},
): Record<string, Record<number, number>> {
  const seen = new Map<string, Map<number, Set<string>>>();
  for (let d = from; d <= to; d++) {
    if (!stored(d) || (options.workdays && isoWeekday(d) >= 5)) continue;
    for (const u of sim.generator.members(enterprise)) {
      const record = sim.generator.userRecord(u, d, enterprise) as JsonObject | undefined;
      if (!record) continue;
      const login = record.user_login as string;
      if (options.logins && !options.logins.includes(login)) continue;
      for (const label of GROUPS[groupBy](record)) {
        const buckets = seen.get(label) ?? new Map<number, Set<string>>();
        seen.set(label, buckets);
        const bucket = dayToMs(BUCKET[interval](d, from));
        const logins = buckets.get(bucket) ?? new Set<string>();
        buckets.set(bucket, logins.add(login));
      }
    }
  }
  return Object.fromEntries(
    [...seen].map(([label, buckets]) => [
      label,
      Object.fromEntries([...buckets].map(([ms, logins]) => [ms, logins.size])),
    ]),
  );
}

/** The API's answer in the same shape (buckets without people left out). */
async function answered(
  groupBy: string,
  interval: Interval,
  from: number,
  to: number,
  options: { workdays?: boolean; logins?: string[] } = {},
): Promise<Record<string, Record<number, number>>> {
  const query = {
    refId: 'A',
    scope: `enterprise:${sim.scopes.enterprise}`,
    metric: 'active_users',
    groupBy,
    ...(interval === 'total' ? { format: 'table' } : { interval }),
    ...(options.workdays ? { days: 'workdays' } : {}),
    ...(options.logins ? { filters: { user: options.logins } } : {}),
  };
  const response = await api.post('/api/v1/query', {
    range: {
      from: new Date(dayToMs(from)).toISOString(),
      to: new Date(dayToMs(to) + 86_399_000).toISOString(),
    },
    queries: [query],
  });
  expect(response.status).toBe(200);
  const frames = response.body.results.A.frames as {
    schema: { name?: string };
    data: { values: (number | string | null)[][] };
  }[];
  const out: Record<string, Record<number, number>> = {};
  if (interval === 'total') {
    const [labels, values] = frames[0].data.values;
    labels.forEach((label, i) => {
      if (values[i])
        out[groupBy === 'none' ? 'active_users' : String(label)] = { [dayToMs(from)]: values[i] as number };
    });
    return out;
  }
  for (const frame of frames) {
    const [times, values] = frame.data.values;
    const label = groupBy === 'none' ? 'active_users' : frame.schema.name!;
    times.forEach((ms, i) => {
      if (values[i]) (out[label] ??= {})[ms as number] = values[i] as number;
    });
  }
  return out;
}

/** Every stored period set equals the union of its period's day sets, and no period set is missing. */
function expectPeriodsMatchDays(): void {
  const days = t.db.prepare('SELECT scope_id, kind, day, key, users FROM active_sets').raw().all() as [
    number,
    string,
    number,
    number,
    Buffer,
  ][];
  const expected = new Map<string, Set<number>>();
  for (const [scope, kind, d, key, users] of days)
    for (const [period, start] of [
      ['week', d - isoWeekday(d)],
      ['month', monthStart(d)],
    ] as const) {
      const id = `${scope}|${kind}|${period}|${start}|${key}`;
      const set = expected.get(id) ?? new Set<number>();
      expected.set(id, set);
      for (const user of decodeUsers(users)) set.add(user);
    }
  const actual = t.db
    .prepare('SELECT scope_id, kind, period, start, key, users FROM active_period_sets')
    .raw()
    .all() as [number, string, string, number, number, Buffer][];
  const asSorted = (set: Iterable<number>) => [...set].sort((a, b) => a - b);
  expect(
    Object.fromEntries(
      actual.map(([s, k, p, st, key, users]) => [`${s}|${k}|${p}|${st}|${key}`, [...decodeUsers(users)]]),
    ),
  ).toEqual(Object.fromEntries([...expected].map(([id, set]) => [id, asSorted(set)])));
  expect(actual.length).toBeGreaterThan(100);
}

const RANGES: [string, string, string][] = [
  ['aligned to a month', '2026-08-01', '2026-08-31'],
  ['aligned to weeks', '2026-07-27', '2026-08-23'],
  ['not aligned, across the gap', '2026-07-23', '2026-09-03'],
  ['reaching past the last stored day', '2026-08-19', '2026-09-20'],
  ['starting before the first stored day', '2026-07-08', '2026-08-05'],
];

describe.each(RANGES)('distinct people over a range %s match the raw records', (_name, from, to) => {
  test.each([
    ['none', 'week'],
    ['none', 'month'],
    ['none', 'total'],
    ['ide', 'week'],
    ['ide', 'total'],
    ['plugin_version', 'month'],
    ['plugin_version', 'total'],
  ] as const)('by %s, %s', async (groupBy, interval) => {
    const expected = rawDistinct(groupBy, interval, day(from), day(to));
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(await answered(groupBy, interval, day(from), day(to))).toEqual(expected);
  });
});

test('working days only, and a filter on people, read the days the period sets cannot stand in for', async () => {
  const [from, to] = [day('2026-07-27'), day('2026-09-06')];
  expect(await answered('ide', 'month', from, to, { workdays: true })).toEqual(
    rawDistinct('ide', 'month', from, to, { workdays: true }),
  );
  const logins = (
    t.db.prepare('SELECT login FROM users ORDER BY id LIMIT 7').pluck().all() as string[]
  ).slice(2);
  expect(await answered('plugin_version', 'total', from, to, { logins })).toEqual(
    rawDistinct('plugin_version', 'total', from, to, { logins }),
  );
  expect(await answered('none', 'week', from, to, { logins })).toEqual(
    rawDistinct('none', 'week', from, to, { logins }),
  );
});

test('the period sets are the unions of their stored days, and they are what whole months are read from', async () => {
  expectPeriodsMatchDays();
  // Emptying August's monthly 'all' set empties August in a range holding all of August, and leaves a
  // range holding only part of it alone: proof of which sets each reads.
  const august = day('2026-08-01');
  const spoil = t.db.prepare(
    "UPDATE active_period_sets SET users = ? WHERE kind = 'all' AND period = 'month' AND start = ?",
  );
  const original = t.db
    .prepare("SELECT users FROM active_period_sets WHERE kind = 'all' AND period = 'month' AND start = ?")
    .pluck()
    .get(august) as Buffer;
  spoil.run(Buffer.alloc(0), august);
  try {
    expect(await answered('none', 'month', day('2026-07-20'), day('2026-09-09'))).not.toHaveProperty([
      'active_users',
      String(dayToMs(august)),
    ]);
    expect(await answered('none', 'month', day('2026-08-02'), day('2026-08-30'))).toEqual(
      rawDistinct('none', 'month', day('2026-08-02'), day('2026-08-30')),
    );
  } finally {
    spoil.run(original, august);
  }
});

test("the migration's backfill builds the same period sets from the stored day sets", () => {
  const before = t.db.prepare('SELECT * FROM active_period_sets ORDER BY 1, 2, 3, 4, 5').all();
  t.db.transaction(() => {
    t.db.prepare('DELETE FROM active_period_sets').run();
    backfillActivePeriods(t.db, ACTIVE_SET_KINDS);
  })();
  expect(t.db.prepare('SELECT * FROM active_period_sets ORDER BY 1, 2, 3, 4, 5').all()).toEqual(before);
  expectPeriodsMatchDays();
});

test('a day stored again with fewer people rebuilds its week and month; a reprocess keeps them', async () => {
  const d = day('2026-08-19');
  const id = scopeId();
  // An earlier version of the day listed someone with no activity that month, as if GitHub revised it.
  const ghost = t.db
    .prepare("INSERT INTO users (github_id, login) VALUES (987654321, 'ghost-of-august') RETURNING id")
    .pluck()
    .get() as number;
  t.db.transaction(() => {
    t.db.prepare('INSERT INTO usage_day (scope_id, day, user_ref) VALUES (?, ?, ?)').run(id, d, ghost);
    new ActiveSetWriter(t.db).rebuild(id, d);
  })();
  expectPeriodsMatchDays();
  const withGhost = await answered('none', 'month', day('2026-08-01'), day('2026-08-31'));
  expect(withGhost.active_users[dayToMs(day('2026-08-01'))]).toBe(
    rawDistinct('none', 'month', day('2026-08-01'), day('2026-08-31')).active_users[
      dayToMs(day('2026-08-01'))
    ] + 1,
  );

  const summary = await syncDays(t.store, client, {
    scopes: [{ kind: 'enterprise', slug: sim.scopes.enterprise }],
    from: d,
    to: d,
    kinds: ['users'],
    force: true,
  });
  expect(summary.ok).toBe(1);
  expectPeriodsMatchDays();
  for (const interval of ['week', 'month', 'total'] as const)
    expect(await answered('none', interval, day('2026-08-01'), day('2026-08-31'))).toEqual(
      rawDistinct('none', interval, day('2026-08-01'), day('2026-08-31')),
    );

  const reprocessed = await reprocess(t.store, { from: day('2026-08-17'), to: day('2026-08-23') });
  expect(reprocessed.reports).toBe(7);
  expectPeriodsMatchDays();
  expect(await answered('ide', 'week', day('2026-08-10'), day('2026-08-30'))).toEqual(
    rawDistinct('ide', 'week', day('2026-08-10'), day('2026-08-30')),
  );
});

test('a retention cut inside a week and a month drops the periods before it and rebuilds the ones it cuts', async () => {
  const cut = day('2026-08-19'); // a Wednesday
  pruneBefore(t.db, cut);
  firstStored = cut;
  expectPeriodsMatchDays();
  expect(
    t.db
      .prepare('SELECT count(*) FROM active_period_sets WHERE start < ? AND period = ?')
      .pluck()
      .get(cut - 2, 'week'),
  ).toBe(0);
  for (const [groupBy, interval] of [
    ['none', 'week'],
    ['none', 'month'],
    ['plugin_version', 'total'],
  ] as const)
    expect(await answered(groupBy, interval, day('2026-08-01'), day('2026-09-09'))).toEqual(
      rawDistinct(groupBy, interval, day('2026-08-01'), day('2026-09-09')),
    );
});
