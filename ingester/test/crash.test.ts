/**
 * Crash safety: a sync killed mid-way (SIGKILL, no clean-up) leaves a consistent database with no
 * half-stored report, and a resumed sync completes it to exactly what an uninterrupted sync stores.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { formatDay } from '../src/days';
import type { SimulatorServer } from '../src/simulator/server';
import { spawnCli, runCli } from './cli';
import { day, fingerprint, startSimulator, syncDays, tempDatabase, testClient, type TestDb } from './helpers';

const FROM = day('2026-09-01');
const TO = day('2026-09-14');
let sim: SimulatorServer;
let t: TestDb;

beforeAll(async () => {
  sim = await startSimulator({ users: 3000, orgs: 1 });
});
afterAll(() => sim.stop());
beforeEach(() => {
  t = tempDatabase();
  t.db.close(); // the child process owns the file
});
afterEach(() => t.close());

const env = () => ({
  GITHUB_API_URL: sim.url,
  GITHUB_TOKEN: 'test',
  COPILOT_ORGS: sim.scopes.orgs[0],
  DATABASE_PATH: t.path,
  SYNC_CONCURRENCY: '2',
  // The resumed sync is compared with a usage-report sync; billing has its own tests.
  BILLING: 'off',
});
const args = ['sync', '--from', formatDay(FROM), '--to', formatDay(TO)];

function okReports(path: string): number {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch {
    return 0; // not created yet
  }
  try {
    return db.prepare("SELECT count(*) FROM reports WHERE status = 'ok'").pluck().get() as number;
  } catch {
    return 0; // not migrated yet
  } finally {
    db.close();
  }
}

// Two syncs by real CLI processes: in a full parallel test run on 2 cores this can take over a minute.
test('a sync killed mid-way leaves no partial report, and resuming completes it exactly', async () => {
  const child = spawnCli(args, env());
  const exited = new Promise((resolve) => child.on('close', resolve));
  for (let i = 0; i < 400 && okReports(t.path) < 6; i++) await sleep(50);
  await sleep(120); // land inside the next report's transaction
  child.kill('SIGKILL');
  await exited;

  const db = new Database(t.path);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = db
      .prepare("SELECT day, records FROM reports WHERE kind = 'users' AND status = 'ok'")
      .all() as { day: number; records: number }[];
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(TO - FROM + 1);
    for (const report of stored) {
      expect(
        db.prepare('SELECT count(*) FROM usage_day WHERE day = ? AND user_ref > 0').pluck().get(report.day),
      ).toBe(report.records);
    }
    const unreported = db
      .prepare(
        "SELECT count(*) FROM usage_day WHERE user_ref > 0 AND day NOT IN (SELECT day FROM reports WHERE kind = 'users' AND status = 'ok')",
      )
      .pluck()
      .get();
    expect(unreported).toBe(0);
    expect(db.prepare('SELECT status FROM sync_runs').pluck().all()).toEqual(['running']);
  } finally {
    db.close();
  }

  const resumed = await runCli(args, env());
  expect(resumed.stderr).toMatch(/interrupted/);
  expect(resumed.code).toBe(0);

  const reference = tempDatabase();
  const client = testClient(sim.url);
  try {
    await syncDays(reference.store, client, {
      scopes: [{ kind: 'organization', slug: sim.scopes.orgs[0] }],
      from: FROM,
      to: TO,
    });
    const db2 = new Database(t.path);
    try {
      expect(fingerprint(db2)).toEqual(fingerprint(reference.db));
      expect(db2.prepare('SELECT status FROM sync_runs ORDER BY id').pluck().all()).toEqual([
        'interrupted',
        'ok',
      ]);
    } finally {
      db2.close();
    }
  } finally {
    reference.close();
    await client.close();
  }
}, 180_000);
