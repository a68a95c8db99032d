import { hostname } from 'node:os';
import { formatDay } from '../src/days';
import type { GitHubClient } from '../src/github/client';
import { coverage } from '../src/store/coverage';
import { SqliteReader } from '../src/store/sqliteReader';
import type { SimulatorServer } from '../src/simulator/server';
import { day, startSimulator, syncDays, tempDatabase, testClient, TEST_TODAY, type TestDb } from './helpers';

let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
const org = () => ({ kind: 'organization' as const, slug: sim.scopes.orgs[0] });

beforeAll(async () => {
  sim = await startSimulator();
  client = testClient(sim.url);
});
afterAll(async () => {
  await client.close();
  await sim.stop();
});
beforeEach(() => {
  t = tempDatabase();
});
afterEach(() => t.close());

const statusCounts = () =>
  Object.fromEntries(
    (
      t.db.prepare('SELECT status, count(*) AS n FROM reports GROUP BY status').all() as {
        status: string;
        n: number;
      }[]
    ).map((r) => [r.status, r.n]),
  );

test('a month of every report syncs: each (report, day) is stored, nothing fails', async () => {
  const summary = await syncDays(t.store, client, {
    scopes: [org()],
    from: day('2026-08-01'),
    to: day('2026-08-31'),
  });
  expect(summary).toMatchObject({ planned: 124, ok: 124, failed: 0, noData: 0 });
  const status = await coverage(new SqliteReader(t.db), {
    scopes: [org()],
    today: TEST_TODAY,
    backfillDays: 365,
  });
  for (const report of status.scopes[0].reports) {
    // Seats are a snapshot of the sync's own day, which this range leaves out.
    if (report.report === 'seats') expect(report).toMatchObject({ okDays: 0, gaps: [] });
    else
      expect(report).toMatchObject({ firstDay: '2026-08-01', lastDay: '2026-08-31', okDays: 31, failed: [] });
  }
  const users = status.scopes[0].reports.find((r) => r.report === 'users')!;
  expect(users.records).toBe(t.db.prepare('SELECT count(*) FROM usage_day WHERE user_ref > 0').pluck().get());
});

test('syncing the same range again stores nothing new', async () => {
  const range = { scopes: [org()], from: day('2026-08-01'), to: day('2026-08-10') };
  await syncDays(t.store, client, range);
  const before = t.db.prepare('SELECT count(*) FROM usage_day').pluck().get();
  const again = await syncDays(t.store, client, range);
  expect(again).toMatchObject({ planned: 0, ok: 0, failed: 0 });
  expect(t.db.prepare('SELECT count(*) FROM usage_day').pluck().get()).toBe(before);
});

test('the trailing SYNC_REFETCH_DAYS are fetched again; older stored days are skipped', async () => {
  const latest = TEST_TODAY - 2;
  await syncDays(t.store, client, { scopes: [org()], from: latest - 9 });
  const beforeRows = t.db.prepare('SELECT count(*) FROM usage_day').pluck().get();
  const again = await syncDays(t.store, client, { scopes: [org()], from: latest - 9 });
  // Three days of four reports, and today's seats snapshot, which every run takes again.
  expect(again).toMatchObject({ planned: 3 * 4 + 1, ok: 13, failed: 0 });
  const refetched = t.db
    .prepare("SELECT DISTINCT day FROM reports WHERE attempts = 2 AND kind != 'seats' ORDER BY day")
    .pluck()
    .all();
  expect(refetched).toEqual([latest - 2, latest - 1, latest]);
  expect(t.db.prepare('SELECT count(*) FROM usage_day').pluck().get()).toBe(beforeRows);
});

test('gaps are reported by status and filled by the next sync', async () => {
  const range = { scopes: [org()], from: day('2026-08-01'), to: day('2026-08-10') };
  await syncDays(t.store, client, range);
  const missing = [day('2026-08-04'), day('2026-08-05')];
  t.db.prepare("DELETE FROM reports WHERE kind = 'users' AND day IN (?, ?)").run(...missing);
  const status = await coverage(new SqliteReader(t.db), {
    scopes: [org()],
    today: TEST_TODAY,
    backfillDays: 365,
  });
  const users = status.scopes[0].reports.find((r) => r.report === 'users')!;
  expect(users.gaps).toContainEqual({ from: '2026-08-04', to: '2026-08-05', days: 2 });
  const filled = await syncDays(t.store, client, range);
  expect(filled).toMatchObject({ planned: 2, ok: 2 });
  const after = (
    await coverage(new SqliteReader(t.db), { scopes: [org()], today: TEST_TODAY, backfillDays: 365 })
  ).scopes[0].reports.find((r) => r.report === 'users')!;
  expect(after.gaps.some((g) => g.from <= '2026-08-05' && g.to >= '2026-08-04')).toBe(false);
});

test('204 days are recorded as no data, not as failures or zeros', async () => {
  // user-teams-1-day starts on 2026-05-14 and repos-1-day on 2026-07-17.
  const summary = await syncDays(t.store, client, {
    scopes: [org()],
    from: day('2026-05-11'),
    to: day('2026-05-16'),
    kinds: ['user-teams', 'repos'],
  });
  expect(summary).toMatchObject({ planned: 12, ok: 3, noData: 9, failed: 0 });
  const noData = t.db
    .prepare("SELECT kind, day FROM reports WHERE status = 'no_data' AND kind = 'user-teams' ORDER BY day")
    .all();
  expect(noData.map((r) => formatDay((r as { day: number }).day))).toEqual([
    '2026-05-11',
    '2026-05-12',
    '2026-05-13',
  ]);
  expect(t.db.prepare('SELECT count(*) FROM team_members WHERE day < ?').pluck().get(day('2026-05-14'))).toBe(
    0,
  );
});

test('the backfill starts at GitHub’s first organization day, newest days first', async () => {
  const summary = await syncDays(t.store, client, {
    scopes: [org()],
    from: day('2025-12-01'),
    to: day('2025-12-14'),
    kinds: ['aggregate'],
  });
  expect(summary.planned).toBe(3); // 2025-12-12 .. 2025-12-14
  const first = t.db.prepare('SELECT min(day) FROM reports').pluck().get();
  expect(first).toBe(day('2025-12-12'));
});

test('failed days are recorded with the error and retried on the next run', async () => {
  const downSim = await startSimulator();
  const url = downSim.url;
  const port = Number(new URL(url).port);
  await downSim.stop();
  const downClient = testClient(url);
  try {
    const failed = await syncDays(t.store, downClient, {
      scopes: [org()],
      from: day('2026-08-01'),
      to: day('2026-08-02'),
      kinds: ['aggregate'],
    });
    expect(failed).toMatchObject({ planned: 2, failed: 2, ok: 0 });
    expect(statusCounts()).toEqual({ failed: 2 });
    expect(t.db.prepare('SELECT error FROM reports LIMIT 1').pluck().get()).toMatch(/ECONNREFUSED|connect/);
    const upSim = await startSimulator({ port });
    try {
      const retried = await syncDays(t.store, downClient, {
        scopes: [org()],
        from: day('2026-08-01'),
        to: day('2026-08-02'),
        kinds: ['aggregate'],
      });
      expect(retried).toMatchObject({ planned: 2, ok: 2, failed: 0 });
      expect(statusCounts()).toEqual({ ok: 2 });
      expect(t.db.prepare('SELECT attempts FROM reports').pluck().all()).toEqual([2, 2]);
    } finally {
      await upSim.stop();
    }
  } finally {
    await downClient.close();
  }
});

test('a bad token fails fast with an actionable message and stops the run', async () => {
  const strict = await startSimulator({ tokens: ['good-token'] });
  const badClient = testClient(strict.url, 'wrong-token');
  try {
    const summary = await syncDays(t.store, badClient, {
      scopes: [org()],
      from: day('2026-08-01'),
      to: day('2026-08-10'),
      kinds: ['aggregate'],
    });
    // Reports already in flight (SYNC_CONCURRENCY) fail too; nothing after them is attempted.
    expect(summary.failed).toBeLessThanOrEqual(4);
    expect(summary.failed + summary.skipped).toBe(10);
    expect(summary.ok).toBe(0);
    expect(summary.failures[0].error).toMatch(/401.*GITHUB_TOKEN/);
    expect(summary.failures[0].error).not.toContain('wrong-token');
  } finally {
    await badClient.close();
    await strict.stop();
  }
});

test('retention prunes every day older than SYNC_RETENTION_DAYS after the sync', async () => {
  await syncDays(t.store, client, {
    scopes: [org()],
    from: TEST_TODAY - 12,
    settings: { backfillDays: 365, refetchDays: 3, concurrency: 4, retentionDays: 7 },
  });
  const days = t.db.prepare('SELECT DISTINCT day FROM usage_day ORDER BY day').pluck().all() as number[];
  expect(days[0]).toBe(TEST_TODAY - 7);
  expect(
    t.db
      .prepare('SELECT count(*) FROM raw_chunks WHERE day < ?')
      .pluck()
      .get(TEST_TODAY - 7),
  ).toBe(0);
  expect(
    t.db
      .prepare('SELECT count(*) FROM reports WHERE day < ?')
      .pluck()
      .get(TEST_TODAY - 7),
  ).toBe(0);
  // The next sync does not fetch the pruned days again: only the trailing re-fetch.
  const again = await syncDays(t.store, client, {
    scopes: [org()],
    from: TEST_TODAY - 12,
    settings: { backfillDays: 365, refetchDays: 3, concurrency: 4, retentionDays: 7 },
  });
  expect(again.planned).toBe(3 * 4 + 1); // and today's seats
});

test('two syncs never run at once on one database; a lease left by a dead process is taken over', async () => {
  const range = { scopes: [org()], from: day('2026-08-01'), to: day('2026-08-03') };
  const first = syncDays(t.store, client, range);
  await expect(syncDays(t.store, client, range)).rejects.toThrow(
    /another sync is already running on this database \(pid \d+/,
  );
  await first;
  t.db.prepare('INSERT INTO sync_lock (id, host, pid, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?)').run(
    hostname(),
    2 ** 22 + 12345, // no such process
    new Date().toISOString(),
    Date.now() + 600_000,
  );
  await expect(syncDays(t.store, client, { ...range, force: true })).resolves.toMatchObject({
    failed: 0,
    ok: 12,
  });
  expect(t.db.prepare('SELECT count(*) FROM sync_lock').pluck().get()).toBe(0);
});

test('a failed re-fetch of a stored day keeps the stored report and notes the error', async () => {
  const range = {
    scopes: [org()],
    from: day('2026-08-01'),
    to: day('2026-08-01'),
    kinds: ['aggregate' as const],
  };
  await syncDays(t.store, client, range);
  const before = t.db.prepare('SELECT count(*) FROM usage_day').pluck().get();
  const downSim = await startSimulator();
  const url = downSim.url;
  await downSim.stop();
  const downClient = testClient(url);
  try {
    const summary = await syncDays(t.store, downClient, { ...range, force: true });
    expect(summary.failed).toBe(1);
  } finally {
    await downClient.close();
  }
  expect(t.db.prepare('SELECT status, attempts, error IS NOT NULL AS noted FROM reports').get()).toEqual({
    status: 'ok',
    attempts: 2,
    noted: 1,
  });
  expect(t.db.prepare('SELECT count(*) FROM usage_day').pluck().get()).toBe(before);
});
