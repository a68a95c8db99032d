/**
 * Backup while a sync writes, then restore: the copy is intact, and every report it holds as stored
 * has its full figures, equal to a fresh sync of those days. Restore refuses what it must.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatDay } from '../src/days';
import type { SimulatorServer } from '../src/simulator/server';
import { runCli } from './cli';
import { day, startSimulator, syncDays, tempDatabase, tempDir, testClient } from './helpers';
import { consistency, npmCli, okReports, waitFor } from './processes';

jest.setTimeout(240_000);

const FROM = day('2026-09-01');
const TO = day('2026-09-16');

let sim: SimulatorServer;
let dir: ReturnType<typeof tempDir>;

/**
 * The sync reaches the simulator through a gate: closed, it holds every request until opened, so the
 * sync is still running (and holding the database) while the test backs up and tries to restore,
 * however fast the machine.
 */
let gate: Promise<void> = Promise.resolve();
let openGate = () => {};
const closeGate = () => {
  gate = new Promise((resolve) => (openGate = resolve));
};
let proxy: Server;
let proxyUrl: string;

beforeAll(async () => {
  sim = await startSimulator({ users: 1500, orgs: 1 });
  dir = tempDir();
  proxy = createServer((req, res) => {
    void gate.then(() => {
      const upstream = request(
        new URL(req.url!, sim.url),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => res.destroy(error));
      req.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  openGate();
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await sim.stop();
  dir.cleanup();
});

const env = (path: string) => ({
  GITHUB_API_URL: proxyUrl,
  GITHUB_TOKEN: 'test',
  COPILOT_ORGS: sim.scopes.orgs[0],
  DATABASE_PATH: path,
  SYNC_CONCURRENCY: '2',
  BILLING: 'off',
});
const syncArgs = [
  'sync',
  '--from',
  formatDay(FROM),
  '--to',
  formatDay(TO),
  '--report',
  'aggregate',
  '--report',
  'users',
];

/** Per (kind, day) of the ok reports: rows and counter sums of usage_day, as a fresh sync must have them. */
function figuresOf(db: Database.Database, days: { kind: string; day: number }[]) {
  return days.map(({ kind, day: d }) => ({
    kind,
    day: d,
    ...(db
      .prepare(
        `SELECT count(*) AS rows, total(user_initiated_interaction_count) AS interactions, total(code_generation_activity_count) AS generations FROM usage_day WHERE day = ? AND ${kind === 'users' ? 'user_ref > 0' : 'user_ref = 0'}`,
      )
      .get(d) as object),
  }));
}

test('backup while a sync runs, restore into a new path: intact, and every stored report complete', async () => {
  const live = join(dir.path, 'live.db');
  const backup = join(dir.path, 'backup.db');
  const sync = npmCli(syncArgs, env(live));
  await waitFor('a few stored reports', () => okReports(live) >= 4);
  closeGate();

  const made = await runCli(['backup', backup], env(live));
  expect(made.stderr).toMatch(/backup: 100% \(\d+ of \d+ pages\)/);
  expect(made.stdout).toMatch(/^backup ok: .*live\.db copied to .*backup\.db/);
  expect(made.code).toBe(0);
  expect(sync.child.exitCode).toBeNull(); // it was a backup of a database being written

  const again = await runCli(['backup', backup], env(live));
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/backup\.db already exists; pass --force to replace it/);
  const nowhere = await runCli(['backup', join(dir.path, 'no-such-dir', 'b.db')], env(live));
  expect(nowhere.code).toBe(2);
  expect(nowhere.stderr).toMatch(/the directory .*no-such-dir of the backup does not exist/);

  // Refused while the sync holds the database.
  const busy = await runCli(['restore', backup], env(live));
  expect(busy.code).toBe(2);
  expect(busy.stderr).toMatch(/a sync is running on .*live\.db \(pid \d+/);
  openGate();
  expect((await sync.exited).code).toBe(0);

  const restored = join(dir.path, 'restored.db');
  const put = await runCli(['restore', backup], env(restored));
  expect(put.stdout).toMatch(/^restore ok: .*backup\.db is now .*restored\.db \(schema version \d+/);
  expect(put.code).toBe(0);
  expect(existsSync(`${restored}-wal`)).toBe(false);
  const state = consistency(restored);
  expect(state.integrity).toBe('ok');
  expect(state.okUserDays).toBeGreaterThan(0);

  const db = new Database(restored, { readonly: true });
  const reference = tempDatabase();
  const client = testClient(sim.url);
  try {
    const stored = db
      .prepare("SELECT kind, day FROM reports WHERE status = 'ok' ORDER BY kind, day")
      .all() as { kind: string; day: number }[];
    expect(stored.length).toBeGreaterThan(0);
    await syncDays(reference.store, client, {
      scopes: [{ kind: 'organization', slug: sim.scopes.orgs[0] }],
      from: FROM,
      to: TO,
      kinds: ['aggregate', 'users'],
    });
    expect(figuresOf(db, stored)).toEqual(figuresOf(reference.db, stored));
  } finally {
    db.close();
    reference.close();
    await client.close();
  }

  // A later sync on the restored file completes the days the backup did not have.
  const resumed = await runCli(syncArgs, env(restored));
  expect(resumed.code).toBe(0);
  expect(consistency(restored)).toMatchObject({ integrity: 'ok', okUserDays: TO - FROM + 1 });
});

test('restore refuses a file that is not a backup of this project, and a database another process has open', async () => {
  const target = join(dir.path, 'target.db');
  const junk = join(dir.path, 'junk.db');
  writeFileSync(junk, 'not a database at all, just some bytes '.repeat(200));
  const notDb = await runCli(['restore', junk], env(target));
  expect(notDb.code).toBe(2);
  expect(notDb.stderr).toMatch(/junk\.db is not a SQLite database/);
  expect(existsSync(target)).toBe(false);

  const foreign = join(dir.path, 'foreign.db');
  const other = new Database(foreign);
  other.exec('CREATE TABLE notes (text TEXT)');
  other.close();
  const notOurs = await runCli(['restore', foreign], env(target));
  expect(notOurs.code).toBe(2);
  expect(notOurs.stderr).toMatch(/foreign\.db is not a database of this project/);

  // The target open in another process (here a connection of this one's test runner, as a serve would hold it).
  const first = await runCli(
    ['sync', '--from', formatDay(FROM), '--to', formatDay(FROM), '--report', 'aggregate'],
    env(target),
  );
  expect(first.code).toBe(0);
  const copy = join(dir.path, 'target-backup.db');
  expect((await runCli(['backup', copy], env(target))).code).toBe(0);
  const holder = new Database(target);
  holder.pragma('journal_mode = WAL');
  holder.prepare('SELECT count(*) FROM reports').get();
  try {
    const inUse = await runCli(['restore', copy], env(target));
    expect(inUse.code).toBe(2);
    expect(inUse.stderr).toMatch(/target\.db is open in another process .*stop them all, then restore/);
  } finally {
    holder.close();
  }
  const done = await runCli(['restore', copy], env(target));
  expect(done.code).toBe(0);
  expect(done.stdout).toMatch(/the previous file replaced/);
});
