/**
 * The production roles on PostgreSQL (issue 13), run as a cluster runs them (the real CLI, DATABASE_URL
 * set): three API replicas (`serve`, SYNC_MODE=disabled) started together on an empty database migrate
 * it once and become ready; two replicas beside a `sync` (the CronJob) stay healthy, answer alike and
 * equal the simulator's raw records; a second sync while `serve` (integrated) syncs is refused; and a
 * database that stops answering is a 503 naming the cause.
 */
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { formatDay } from '../src/days';
import { answers, expectRawFigures, get } from './replicaAnswers';
import type { SimulatorServer } from '../src/simulator/server';
import { latestSchemaVersion } from '../src/store/migrate';
import { type PostgresCluster, day, startPostgres, startSimulator, tempDir } from './helpers';
import { type CliProcess, listeningPort, npmCli, waitFor } from './processes';

jest.setTimeout(180_000);

const FROM = day('2026-09-01');
const TO = day('2026-09-08');

let sim: SimulatorServer;
let cluster: PostgresCluster;
let dir: ReturnType<typeof tempDir>;
const running: CliProcess[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  sim = await startSimulator({ users: 400, orgs: 1 });
  cluster = await startPostgres();
  dir = tempDir();
});
afterAll(async () => {
  for (const cli of running) cli.child.kill('SIGTERM');
  await Promise.all(running.map((cli) => cli.exited));
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  await cluster?.stop();
  await sim?.stop();
  dir?.cleanup();
});

const org = () => sim.scopes.orgs[0];
const env = (url: string, extra: Record<string, string> = {}) => ({
  GITHUB_API_URL: sim.url,
  GITHUB_TOKEN: 'test',
  COPILOT_ORGS: org(),
  DATABASE_URL: url,
  // Never opened while DATABASE_URL is set: a SQLite file appearing here would be a bug.
  DATABASE_PATH: `${dir.path}/must-not-exist.db`,
  ...extra,
});

function start(args: string[], environment: Record<string, string>): CliProcess {
  const cli = npmCli(args, environment);
  running.push(cli);
  return cli;
}

async function started(cli: CliProcess): Promise<string> {
  const port = await waitFor(
    'API listening',
    () => listeningPort(cli.output()) ?? (cli.child.exitCode !== null && -1),
  );
  if (port === -1) throw new Error(`serve exited: ${cli.output()}`);
  return `http://127.0.0.1:${port}`;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  // The test terminates the connections of one database on purpose.
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

async function okReports(client: Client): Promise<number> {
  const { rows } = await client
    .query("SELECT count(*)::int AS n FROM reports WHERE status = 'ok'")
    .catch(() => ({ rows: [{ n: 0 }] }));
  return rows[0].n;
}

test('three replicas started together on an empty database migrate it once and become ready; none syncs', async () => {
  const url = await cluster.createDatabase('three');
  const three = [0, 1, 2].map(() => start(['serve'], env(url, { SYNC_MODE: 'disabled' })));
  const bases = await Promise.all(three.map(started));
  for (const base of bases)
    expect(await get(base, '/api/health/ready')).toEqual({
      status: 200,
      body: {
        ready: true,
        database: { ok: true, schemaVersion: latestSchemaVersion(), latestVersion: latestSchemaVersion() },
      },
    });
  expect(three.filter((cli) => /"msg":"database schema migrated"/.test(cli.output()))).toHaveLength(1);
  expect(three.map((cli) => cli.output())).not.toContainEqual(expect.stringMatching(/"level":50/));
  const client = await connect(url);
  expect((await client.query('SELECT count(*)::int AS n FROM sync_runs')).rows[0].n).toBe(0);
  for (const cli of three) cli.child.kill('SIGTERM');
  for (const cli of three) expect((await cli.exited).code).toBe(0);
});

test('two replicas beside a sync answer alike and as the raw records say; a database that stops answering is a 503 with the cause', async () => {
  const url = await cluster.createDatabase('replicas');
  const replicas = [0, 1].map(() => start(['serve'], env(url, { SYNC_MODE: 'disabled' })));
  const bases = await Promise.all(replicas.map(started));
  const client = await connect(url);
  const sync = start(
    ['sync', '--from', formatDay(FROM), '--to', formatDay(TO), '--report', 'aggregate', '--report', 'users'],
    env(url),
  );
  // While the sync writes, both replicas stay healthy and answer.
  while (sync.child.exitCode === null) {
    for (const base of bases) expect((await get(base, '/api/health')).status).toBe(200);
    await answers(bases[0], sim, FROM, TO);
  }
  const synced = await sync.exited;
  expect({ code: synced.code, output: sync.output() }).toMatchObject({ code: 0 });
  expect(await okReports(client)).toBeGreaterThan(0);

  const [a, b] = await Promise.all(bases.map((base) => answers(base, sim, FROM, TO)));
  expect(b).toEqual(a);
  expectRawFigures(a, sim, FROM, TO);

  // The database refuses connections (dropped under the replicas): liveness and readiness say so.
  const admin = await connect(cluster.url);
  await admin.query('ALTER DATABASE replicas ALLOW_CONNECTIONS false');
  await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'replicas' AND pid <> pg_backend_pid()",
  );
  for (const base of bases) {
    const health = await get(base, '/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'unavailable',
      database: { ok: false, error: expect.any(String) },
    });
    expect(health.body.database.error).toMatch(/not currently accepting connections|terminat/);
    expect((await get(base, '/api/health/ready')).status).toBe(503);
  }
  await admin.query('ALTER DATABASE replicas ALLOW_CONNECTIONS true');
  for (const base of bases) expect((await get(base, '/api/health')).status).toBe(200);
  for (const cli of replicas) cli.child.kill('SIGTERM');
  for (const cli of replicas) expect((await cli.exited).code).toBe(0);
});

test('a sync started while serve (integrated) syncs the same database is refused, and exits non-zero', async () => {
  const url = await cluster.createDatabase('busy');
  const server = start(['serve'], env(url, { SYNC_BACKFILL_DAYS: '200' }));
  await started(server);
  const client = await connect(url);
  for (let i = 0; i < 2000 && (await okReports(client)) === 0; i++)
    await new Promise((r) => setTimeout(r, 25));
  expect(await okReports(client)).toBeGreaterThan(0);
  const second = start(['sync', '--from', formatDay(FROM), '--to', formatDay(FROM)], env(url));
  const exit = await second.exited;
  expect(exit.code).toBe(2);
  expect(second.output()).toMatch(/^error: another sync is already running on this database/m);
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
  // Nothing of these runs went to SQLite.
  expect(existsSync(`${dir.path}/must-not-exist.db`)).toBe(false);
});
