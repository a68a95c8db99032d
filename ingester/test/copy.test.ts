/**
 * `copy --to postgres://…` (issue 13), run as a user runs it (the real CLI), from a SQLite database
 * synced from the simulator over HTTP with every report kind, seats and billing, into a throwaway
 * PostgreSQL 15 cluster: every table arrives row for row (ids, raw archive, report status, seats
 * history, billing, settings), identity sequences continue after the copied ids, a database that is
 * not empty or not reachable is refused with what to do and nothing written, and the copy survives
 * pg_dump / pg_restore (the backup procedure the README documents for PostgreSQL) row for row.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import type { SimulatorServer } from '../src/simulator/server';
import { latestSchemaVersion } from '../src/store/migrate';
import { enforcePrivacyMode } from '../src/store/privacyMode';
import { postgresSchemaVersion } from '../src/store/postgres/migrate';
import { READER_TYPES } from '../src/store/postgres/reader';
import { postgresBinDir } from '../src/testing/postgres';
import { runCli } from './cli';
import {
  type PostgresCluster,
  SYNC_SETTINGS,
  type TestDb,
  day,
  simulatedScopes,
  startPostgres,
  startSimulator,
  syncDays,
  tempDatabase,
  tempDir,
  testClient,
} from './helpers';
import { expectSameTables as expectSameEngineTables } from './engineTables';

jest.setTimeout(120_000);

const FROM = day('2026-09-22');
const SETTINGS = { ...SYNC_SETTINGS, billing: { enabled: true, exportPollMs: 5, exportTimeoutMs: 3000 } };

let sim: SimulatorServer;
let cluster: PostgresCluster;
let t: TestDb;
const clients: Client[] = [];
const dir = tempDir('cm-copy-');

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, types: READER_TYPES });
  await client.connect();
  clients.push(client);
  return client;
}

const copy = (url: string) => runCli(['copy', '--to', url], { DATABASE_PATH: t.path });

async function expectSameTables(url: string): Promise<void> {
  await expectSameEngineTables(t.db, await connect(url));
}

beforeAll(async () => {
  sim = await startSimulator({ users: 60, orgs: 2, exportPolls: 1, exportRowsPerFile: 100 });
  cluster = await startPostgres();
  t = tempDatabase();
  // As serve and sync record it: the privacy mode the data was written under.
  enforcePrivacyMode(t.db, { mode: 'off', minGroupSize: 5 }, t.path, { write: true });
  const client = testClient(sim.url);
  try {
    const scopes = simulatedScopes(sim);
    const summary = await syncDays(t.store, client, { scopes, settings: SETTINGS, from: FROM });
    expect(summary.failures).toEqual([]);
  } finally {
    await client.close();
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  t?.close();
  await cluster?.stop();
  await sim?.stop();
  dir.cleanup();
});

test('every table arrives row for row: figures, raw archive, report status, seats, billing, settings', async () => {
  // What makes the copy worth checking: every kind of stored thing is there to copy.
  const count = (table: string) => t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  for (const table of [
    'usage_day',
    'by_ide',
    'team_members',
    'pull_requests_day',
    'raw_chunks',
    'reports',
    'sync_runs',
    'seat_snapshots',
    'active_sets',
    'active_period_sets',
    'user_month',
    'billing_usage_day',
    'billing_user_day',
    'billing_budgets',
    'settings',
  ])
    expect([table, count(table) > 0]).toEqual([table, true]);

  const url = await cluster.createDatabase('copied');
  const result = await copy(url);
  expect(result.stderr).not.toMatch(/error/i);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(
    /^copy ok: .* \(schema version \d+\) copied into postgres:\/\/.*: \d+ tables, [\d,]+ rows$/m,
  );
  const client = await connect(url);
  expect(await postgresSchemaVersion(client)).toBe(latestSchemaVersion());
  await expectSameTables(url);

  // Ids continue after the copied ones: a new user, scope or run gets the next id, not a taken one.
  for (const table of ['users', 'scopes', 'sync_runs']) {
    const largest = t.db.prepare(`SELECT max(id) FROM ${table}`).pluck().get() as number;
    const next = await client.query(`SELECT nextval(pg_get_serial_sequence('${table}', 'id'))::bigint AS id`);
    expect([table, next.rows[0].id]).toEqual([table, largest + 1]);
  }
});

test('a database that already holds rows is refused, naming the tables, and nothing is written', async () => {
  const url = await cluster.createDatabase('filled');
  expect((await copy(url)).code).toBe(0);
  const client = await connect(url);
  await client.query('DELETE FROM usage_day WHERE user_ref > 0');
  const left = (await client.query('SELECT count(*)::bigint AS n FROM usage_day')).rows[0].n;
  const again = await copy(url);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(
    /copy needs an empty database, and .*already hold rows: create a new database/,
  );
  expect((await client.query('SELECT count(*)::bigint AS n FROM usage_day')).rows[0].n).toBe(left);
});

test('a connection string that is not PostgreSQL, or a server that does not answer, is refused with what to check', async () => {
  const notPostgres = await copy('mysql://root@127.0.0.1/metrics');
  expect(notPostgres.code).toBe(2);
  expect(notPostgres.stderr).toMatch(/copy --to needs a PostgreSQL connection string, postgres:\/\//);
  const unreachable = await copy('postgres://someone:s3cret-pass@127.0.0.1:1/metrics');
  expect(unreachable.code).toBe(2);
  expect(unreachable.stderr).toMatch(
    /cannot connect to postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/metrics: .*Check the host/,
  );
  // The password never reaches the output.
  expect(unreachable.stderr).not.toMatch(/s3cret-pass/);
  const usage = await runCli(['copy'], { DATABASE_PATH: t.path });
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/copy needs --to postgres:\/\//);
});

test('pg_dump and pg_restore round-trip the copy row for row', async () => {
  const url = await cluster.createDatabase('dumped');
  expect((await copy(url)).code).toBe(0);
  const file = join(dir.path, 'metrics.dump');
  const bin = postgresBinDir();
  // The README's procedure: a custom-format dump, restored into a new database.
  execFileSync(join(bin, 'pg_dump'), ['--format=custom', '--no-owner', `--file=${file}`, url]);
  const restored = await cluster.createDatabase('restored');
  execFileSync(join(bin, 'pg_restore'), ['--no-owner', `--dbname=${restored}`, file]);
  await expectSameTables(restored);
  const client = await connect(restored);
  expect(await postgresSchemaVersion(client)).toBe(latestSchemaVersion());
  // The sequences came back too.
  const largest = t.db.prepare('SELECT max(id) FROM users').pluck().get() as number;
  const next = await client.query(`SELECT nextval(pg_get_serial_sequence('users', 'id'))::bigint AS id`);
  expect(next.rows[0].id).toBe(largest + 1);
});
