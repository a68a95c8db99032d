/**
 * Backup and restore on PostgreSQL (issue 13), the procedure README documents: `pg_dump --format=custom`
 * taken while a sync writes is one consistent snapshot (each report in it whole or absent), and
 * `pg_restore` into a new database gives a database `serve` accepts as ready, whose answers are those
 * of the snapshot, and that a later sync completes.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { formatDay } from '../src/days';
import type { SimulatorServer } from '../src/simulator/server';
import { latestSchemaVersion } from '../src/store/migrate';
import { READER_TYPES } from '../src/store/postgres/reader';
import { postgresBinDir } from '../src/testing/postgres';
import { runCli, spawnCli } from './cli';
import { type PostgresCluster, day, startPostgres, startSimulator, tempDir } from './helpers';
import { wholeReports } from './engineTables';
import { listeningPort, npmCli, waitFor } from './processes';

const run = promisify(execFile);
jest.setTimeout(180_000);

const FROM = day('2026-09-01');
const TO = day('2026-09-14');
let sim: SimulatorServer;
let cluster: PostgresCluster;
const dir = tempDir('cm-backup-pg-');

beforeAll(async () => {
  sim = await startSimulator({ users: 3000, orgs: 1 });
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.stop();
  await sim?.stop();
  dir.cleanup();
});

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, types: READER_TYPES });
  await client.connect();
  return client;
}

test('a dump taken while a sync writes restores to a consistent, ready database that a later sync completes', async () => {
  const url = await cluster.createDatabase('live');
  const env = (database: string) => ({
    GITHUB_API_URL: sim.url,
    GITHUB_TOKEN: 'test',
    COPILOT_ORGS: sim.scopes.orgs[0],
    DATABASE_URL: database,
    DATABASE_PATH: join(dir.path, 'unused.db'),
    SYNC_CONCURRENCY: '2',
    BILLING: 'off',
  });
  const args = ['sync', '--from', formatDay(FROM), '--to', formatDay(TO)];
  const live = await connect(url);
  const file = join(dir.path, 'live.dump');
  const bin = postgresBinDir();
  try {
    const sync = spawnCli(args, env(url));
    const synced = new Promise<number | null>((resolve) => sync.on('close', resolve));
    const ok = async () =>
      Number(
        (
          await live
            .query("SELECT count(*) AS n FROM reports WHERE status = 'ok'")
            .catch(() => ({ rows: [{ n: 0 }] }))
        ).rows[0].n,
      );
    for (let i = 0; i < 600 && (await ok()) < 4; i++) await sleep(50);
    // The dump while the sync is storing reports.
    await run(join(bin, 'pg_dump'), ['--format=custom', '--no-owner', `--file=${file}`, url]);
    const stillRunning = sync.exitCode === null;
    expect(await synced).toBe(0);
    const final = await wholeReports(live);
    expect(final).toHaveLength(TO - FROM + 1);

    const restoredUrl = await cluster.createDatabase('restored');
    await run(join(bin, 'pg_restore'), ['--no-owner', `--dbname=${restoredUrl}`, file]);
    const restored = await connect(restoredUrl);
    try {
      const days = await wholeReports(restored);
      expect(days.length).toBeGreaterThanOrEqual(1);
      // Taken mid-way (when the sync was still running at its end): a snapshot of fewer days.
      if (stillRunning) expect(days.length).toBeLessThan(final.length);

      // serve accepts it as ready; a later sync completes it.
      const server = npmCli(['serve'], { ...env(restoredUrl), SYNC_MODE: 'disabled' });
      try {
        const port = await waitFor('API listening', () => listeningPort(server.output()));
        const ready = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
        expect(await ready.json()).toEqual({
          ready: true,
          database: { ok: true, schemaVersion: latestSchemaVersion(), latestVersion: latestSchemaVersion() },
        });
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      const completed = await runCli(args, env(restoredUrl));
      expect(completed.code).toBe(0);
      expect(await wholeReports(restored)).toEqual(final);
    } finally {
      await restored.end();
    }
  } finally {
    await live.end();
  }
});
