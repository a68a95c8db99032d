/**
 * Production roles on one database: API replicas (`serve` with SYNC_MODE=disabled) beside a sync run
 * (as a CronJob would), migrations run once when replicas start together, readiness and health.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatDay } from '../src/days';
import { answers, expectRawFigures, get } from './replicaAnswers';
import type { SimulatorServer } from '../src/simulator/server';
import { latestSchemaVersion } from '../src/store/migrate';
import { type CliProcess, listeningPort, npmCli, okReports, processesUsing, waitFor } from './processes';
import { day, startSimulator, tempDir } from './helpers';

jest.setTimeout(120_000);

const FROM = day('2026-09-01');
const TO = day('2026-09-10');

let sim: SimulatorServer;
let dir: ReturnType<typeof tempDir>;
const running: CliProcess[] = [];

beforeAll(async () => {
  sim = await startSimulator({ users: 600, orgs: 1 });
  dir = tempDir();
});
afterAll(async () => {
  for (const cli of running) cli.child.kill('SIGTERM');
  await Promise.all(running.map((cli) => cli.exited));
  await sim.stop();
  dir.cleanup();
});

const ADMIN_TOKEN = 'replicas-test-admin-token-0123456789';
const org = () => sim.scopes.orgs[0];
const env = (path: string, extra: Record<string, string> = {}) => ({
  GITHUB_API_URL: sim.url,
  GITHUB_TOKEN: 'test',
  COPILOT_ORGS: org(),
  DATABASE_PATH: path,
  INGESTER_ADMIN_TOKEN: ADMIN_TOKEN,
  ...extra,
});

function start(args: string[], environment: Record<string, string>): CliProcess {
  const cli = npmCli(args, environment);
  running.push(cli);
  return cli;
}

async function started(cli: CliProcess): Promise<string> {
  const port = await waitFor('API listening', () => listeningPort(cli.output()));
  return `http://127.0.0.1:${port}`;
}

test('three serve processes started at once on a new file: the schema is migrated once, all become ready', async () => {
  const path = join(dir.path, 'three.db');
  const three = [0, 1, 2].map(() => start(['serve'], env(path, { SYNC_MODE: 'disabled' })));
  const bases = await Promise.all(three.map(started));
  for (const base of bases) {
    const ready = await get(base, '/api/health/ready');
    expect(ready).toEqual({
      status: 200,
      body: {
        ready: true,
        database: { ok: true, schemaVersion: latestSchemaVersion(), latestVersion: latestSchemaVersion() },
      },
    });
  }
  const migrations = three.filter((cli) => /"msg":"database schema migrated"/.test(cli.output()));
  expect(migrations).toHaveLength(1);
  expect(three.map((cli) => cli.output())).not.toContainEqual(expect.stringMatching(/error/i));

  // A replica never syncs: no run, no lease, and asking it to sync says so.
  const response = await fetch(`${bases[0]}/api/v1/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(503);
  expect(((await response.json()) as { error: string }).error).toMatch(/SYNC_MODE=disabled/);
  const db = new Database(path, { readonly: true });
  expect(db.prepare('SELECT count(*) FROM sync_runs').pluck().get()).toBe(0);
  expect(db.prepare('SELECT count(*) FROM sync_lock').pluck().get()).toBe(0);
  db.close();

  for (const cli of three) cli.child.kill('SIGTERM');
  for (const cli of three) expect((await cli.exited).code).toBe(0);
});

test('two API replicas beside a sync give the same answers, equal to the simulator’s raw records; the database going away is a 503 naming the cause', async () => {
  const path = join(dir.path, 'replicas.db');
  const replicas = [0, 1].map(() => start(['serve'], env(path, { SYNC_MODE: 'disabled' })));
  const bases = await Promise.all(replicas.map(started));
  const sync = start(
    ['sync', '--from', formatDay(FROM), '--to', formatDay(TO), '--report', 'aggregate', '--report', 'users'],
    env(path),
  );

  // While the sync writes, both replicas stay healthy and answer.
  await waitFor('a stored report', () => okReports(path) > 0 || sync.child.exitCode !== null);
  while (sync.child.exitCode === null) {
    for (const base of bases) expect((await get(base, '/api/health')).status).toBe(200);
    await answers(bases[0], sim, FROM, TO);
  }
  const synced = await sync.exited;
  expect({ code: synced.code, output: sync.output() }).toMatchObject({ code: 0 });

  const [a, b] = await Promise.all(bases.map((base) => answers(base, sim, FROM, TO)));
  expect(b).toEqual(a);
  expectRawFigures(a, sim, FROM, TO);

  // The file deleted under running replicas: liveness and readiness say so, with the cause.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  for (const base of bases) {
    const health = await get(base, '/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'unavailable',
      database: { ok: false, error: expect.stringMatching(/is gone \(deleted or moved\)/) },
    });
    const ready = await get(base, '/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.ready).toBe(false);
  }
  for (const cli of replicas) cli.child.kill('SIGTERM');
  for (const cli of replicas) expect((await cli.exited).code).toBe(0);
  expect(processesUsing(path)).toEqual([]);
});

test('a sync started while serve (integrated) is syncing the same database is refused, and exits non-zero', async () => {
  const path = join(dir.path, 'busy.db');
  const server = start(['serve'], env(path, { SYNC_BACKFILL_DAYS: '200' }));
  await started(server);
  await waitFor('the sync running', () => okReports(path) > 0);
  const second = start(['sync', '--from', formatDay(FROM), '--to', formatDay(FROM)], env(path));
  const exit = await second.exited;
  expect(exit.code).toBe(2);
  expect(second.output()).toMatch(/^error: another sync is already running on this database \(pid \d+ on /m);
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
});
