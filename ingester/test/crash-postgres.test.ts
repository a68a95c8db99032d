/**
 * Crash safety on PostgreSQL (issue 13), as crash.test.ts checks it on SQLite: a `sync` killed mid-way
 * (SIGKILL, no clean-up) leaves no half-stored report, its advisory lock goes with its session, and a
 * resumed sync completes the days to exactly what an uninterrupted sync stores (compared with a SQLite
 * sync of the same simulator).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { formatDay } from '../src/days';
import type { SimulatorServer } from '../src/simulator/server';
import { PostgresReader, READER_TYPES } from '../src/store/postgres/reader';
import { runCli, spawnCli } from './cli';
import {
  type PostgresCluster,
  day,
  fingerprint,
  startPostgres,
  startSimulator,
  syncDays,
  tempDatabase,
  tempDir,
  testClient,
} from './helpers';
import { wholeReports } from './engineTables';
import { storedFingerprint } from './engines';

jest.setTimeout(180_000);

const FROM = day('2026-09-01');
const TO = day('2026-09-14');
let sim: SimulatorServer;
let cluster: PostgresCluster;
const dir = tempDir('cm-crash-pg-');

beforeAll(async () => {
  sim = await startSimulator({ users: 3000, orgs: 1 });
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.stop();
  await sim?.stop();
  dir.cleanup();
});

test('a sync killed mid-way leaves no partial report, frees its lock, and resuming completes it exactly', async () => {
  const url = await cluster.createDatabase('crash');
  const env = {
    GITHUB_API_URL: sim.url,
    GITHUB_TOKEN: 'test',
    COPILOT_ORGS: sim.scopes.orgs[0],
    DATABASE_URL: url,
    DATABASE_PATH: `${dir.path}/unused.db`,
    SYNC_CONCURRENCY: '2',
    BILLING: 'off',
  };
  const args = ['sync', '--from', formatDay(FROM), '--to', formatDay(TO)];
  const client = new Client({ connectionString: url, types: READER_TYPES });
  await client.connect();
  try {
    const okReports = async () =>
      Number(
        (
          await client
            .query("SELECT count(*) AS n FROM reports WHERE status = 'ok'")
            .catch(() => ({ rows: [{ n: 0 }] }))
        ).rows[0].n,
      );
    const child = spawnCli(args, env);
    const exited = new Promise((resolve) => child.on('close', resolve));
    for (let i = 0; i < 600 && (await okReports()) < 6; i++) await sleep(50);
    await sleep(120); // land inside the next report's transaction
    child.kill('SIGKILL');
    await exited;

    // Every stored users report is whole, and no user row lies outside one.
    const stored = await wholeReports(client);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(TO - FROM + 1);
    expect((await client.query('SELECT status FROM sync_runs')).rows.map((r) => r.status)).toEqual([
      'running',
    ]);

    // The lock died with the killed session: the resumed sync takes it, marks the run interrupted, completes.
    const resumed = await runCli(args, env);
    expect(resumed.stderr).toMatch(/interrupted/);
    expect(resumed.code).toBe(0);
    expect(
      (await client.query('SELECT status FROM sync_runs ORDER BY id')).rows.map((r) => r.status),
    ).toEqual(['interrupted', 'ok']);

    const reference = tempDatabase();
    const github = testClient(sim.url);
    try {
      await syncDays(reference.store, github, {
        scopes: [{ kind: 'organization', slug: sim.scopes.orgs[0] }],
        from: FROM,
        to: TO,
      });
      const expected = fingerprint(reference.db);
      expect(expected['usage_day.rows']).toBeGreaterThan(1000);
      const reader = new PostgresReader({ url });
      try {
        expect(await storedFingerprint(reader)).toEqual(expected);
      } finally {
        await reader.close();
      }
    } finally {
      reference.close();
      await github.close();
    }
  } finally {
    await client.end();
  }
});
