/**
 * The PostgreSQL engine's write side (issue 13): `PostgresStore` behind the same `runSync` as SQLite.
 * The simulator is synced over HTTP once into SQLite and once into PostgreSQL (throwaway clusters),
 * with every report kind, seats and billing, and every table is compared row for row. Only what is
 * legitimately different is left out: the moments things happened (`reports.fetched_at`, the unknown
 * keys' first and last sighting, the runs' start and end), each engine stamping its own clock.
 *
 * Also: a forced re-sync, a reprocessing of the raw archive and retention change both engines alike;
 * a user listed twice is summed and reported as on SQLite; a report that fails mid-way leaves the
 * previous version as it was; a second sync is refused while the first holds the advisory lock,
 * and runs once it is released or its session dies; and the aggregate privacy mode stores the same on
 * both engines.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client, type CustomTypesConfig, types } from 'pg';
import { silentLogger } from '../src/log';
import type { PrivacyConfig } from '../src/privacy';
import type { SimulatorServer } from '../src/simulator/server';
import { type DB, openDatabase } from '../src/store/db';
import type { SyncStore } from '../src/store/interface';
import { PostgresStore } from '../src/store/postgres/store';
import { enforcePrivacyMode } from '../src/store/privacyMode';
import { Store } from '../src/store/writer';
import { importReport } from '../src/sync/importer';
import { SyncBusyError, acquireSyncLease } from '../src/sync/lock';
import { reprocess } from '../src/sync/reprocess';
import { runCli } from './cli';
import { type SyncRequest, runSync } from '../src/sync/runner';
import {
  type PostgresCluster,
  SYNC_SETTINGS,
  type TestDb,
  day,
  simulatedScopes,
  startPostgres,
  startSimulator,
  tempDatabase,
  tempDir,
  testClient,
  testNow,
} from './helpers';
import { expectSameTables as expectSameEngineTables, postgresRows, tablesOf } from './engineTables';

jest.setTimeout(120_000);

const FROM = day('2026-09-24');
const OFF: PrivacyConfig = { mode: 'off', minGroupSize: 5 };
/**
 * One report stored at a time (concurrency 1): ids (users, dictionary labels, teams) are handed out in
 * the order reports are stored, so both engines must store them in the same order to give the same ids.
 */
const SETTINGS = {
  ...SYNC_SETTINGS,
  concurrency: 1,
  billing: { enabled: true, exportPollMs: 5, exportTimeoutMs: 3000 },
};

/** Columns stamped with the writer's clock: the only ones whose values may differ between engines. */
const CLOCK_COLUMNS: Record<string, readonly string[]> = {
  reports: ['fetched_at'],
  unknown_keys: ['first_seen_at', 'last_seen_at'],
  sync_runs: ['started_at', 'finished_at'],
};

/** int8 and numeric as numbers, bytea as Buffers (the default), as better-sqlite3 answers. */
const PG_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.INT8 || oid === types.builtins.NUMERIC) return Number;
    return types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

let sim: SimulatorServer;
let cluster: PostgresCluster;
const clients: Client[] = [];
const stores: PostgresStore[] = [];
const databases: TestDb[] = [];
let databaseCount = 0;

beforeAll(async () => {
  [sim, cluster] = await Promise.all([
    startSimulator({
      users: 40,
      orgs: 2,
      exportPolls: 1,
      exportRowsPerFile: 100,
      // Keys no table stores yet, broken lines, and reports in several files: stored the same too.
      faults: ['unknown-fields', 'malformed-lines', 'shards'],
    }),
    startPostgres(),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
  for (const t of databases) t.close();
  await cluster?.stop();
  await sim?.stop();
});

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, types: PG_TYPES });
  await client.connect();
  clients.push(client);
  return client;
}

/** A new PostgreSQL database and its store, and a client to read it. */
async function postgresDatabase(privacy = OFF): Promise<{ url: string; store: PostgresStore; pg: Client }> {
  const url = await cluster.createDatabase(`store_${++databaseCount}`);
  const store = await PostgresStore.open(url, { privacy });
  stores.push(store);
  return { url, store, pg: await connect(url) };
}

function sqliteDatabase(privacy = OFF): TestDb {
  const t = tempDatabase();
  databases.push(t);
  enforcePrivacyMode(t.db, privacy, t.path, { write: true });
  return t;
}

/** The figures of the days from FROM, then today's seats, as `sync` and the scheduler run them. */
async function syncInto(store: SyncStore, request: Partial<SyncRequest> = {}): Promise<void> {
  const client = testClient(sim.url);
  try {
    const deps = { store, client, logger: silentLogger };
    const base = { scopes: simulatedScopes(sim), settings: SETTINGS, trigger: 'test', now: testNow() };
    const figures = await runSync(deps, { ...base, from: FROM, ...request });
    expect(figures.failures).toEqual([]);
    const seats = await runSync(deps, { ...base, kinds: ['seats'], ...request });
    expect(seats.failures).toEqual([]);
  } finally {
    await client.close();
  }
}

/** The clock columns, and `leftOut`, blanked. */
const blankOf = (table: string, leftOut: readonly string[] = []) => [
  ...(CLOCK_COLUMNS[table] ?? []),
  ...leftOut,
];

/** Every table of both databases, row for row, the clock columns aside. */
const expectSameTables = (db: DB, pg: Client) => expectSameEngineTables(db, pg, (table) => blankOf(table));

/** Every table of the PostgreSQL database, as text, to compare it with itself later. */
async function snapshotOf(pg: Client, db: DB, leftOut: Record<string, readonly string[]> = {}) {
  const tables: Record<string, string[]> = {};
  for (const table of tablesOf(db))
    tables[table] = await postgresRows(pg, db, table, blankOf(table, leftOut[table]));
  return tables;
}

describe('a simulator sync', () => {
  let t: TestDb;
  let pg: Client;
  let store: PostgresStore;

  beforeAll(async () => {
    t = sqliteDatabase();
    ({ pg, store } = await postgresDatabase());
    await syncInto(t.store);
    await syncInto(store);
  }, 240_000);

  test('stores on PostgreSQL exactly what it stores on SQLite: every table, row for row', async () => {
    // Every kind of stored thing is there to compare.
    const count = (table: string) => t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    for (const table of [
      'usage_day',
      'by_ide',
      'team_members',
      'team_day',
      'user_totals_day',
      'user_month',
      'pull_requests_day',
      'raw_chunks',
      'reports',
      'unknown_keys',
      'sync_runs',
      'seat_snapshots',
      'active_sets',
      'active_period_sets',
      'billing_usage_day',
      'billing_user_day',
      'billing_cost_center_day',
      'billing_budgets',
      'settings',
    ])
      expect([table, count(table) > 0]).toEqual([table, true]);
    await expectSameTables(t.db, pg);
  });

  test('a forced re-sync of the same days changes no figure, and leaves both engines alike', async () => {
    // Not compared with the state before: report statuses (attempts counted, an export's files), the
    // runs, and the archive's row ids (the chunks are written again).
    const figures = async () => {
      const tables = await snapshotOf(pg, t.db, { raw_chunks: ['id'] });
      delete tables.reports;
      delete tables.sync_runs;
      return tables;
    };
    const before = await figures();
    const again = { force: true, from: day('2026-09-29') };
    await syncInto(t.store, again);
    await syncInto(store, again);
    expect(await figures()).toEqual(before);
    await expectSameTables(t.db, pg);
  });

  test('reprocessing the raw archive reads the same reports back and stores the same figures', async () => {
    const range = { from: day('2026-09-26'), to: day('2026-09-27') };
    const sqlite = await reprocess(t.store, range);
    const postgres = await reprocess(store, range);
    expect(sqlite.reports).toBeGreaterThan(0);
    expect(postgres).toEqual(sqlite);
    await expectSameTables(t.db, pg);
  });

  test('retention drops the same rows on both engines, and rebuilds the month and week it cuts into', async () => {
    const cut = day('2026-09-26');
    const dropped = t.db.prepare('SELECT count(*) FROM usage_day WHERE day < ?').pluck().get(cut) as number;
    expect(dropped).toBeGreaterThan(0);
    const sqlite = await t.store.exclusive(() => t.store.pruneBefore(cut));
    expect(await store.exclusive(() => store.pruneBefore(cut))).toBe(sqlite);
    expect(sqlite).toBeGreaterThanOrEqual(dropped);
    await expectSameTables(t.db, pg);
  });
});

describe('one report', () => {
  const base = {
    day: '2026-09-01',
    user_id: 7,
    user_login: 'mona',
    code_generation_activity_count: 1,
  };
  const dir = tempDir('cm-pg-report-');
  afterAll(() => dir.cleanup());
  let files = 0;

  function file(lines: string[], options: { truncated?: boolean } = {}) {
    const path = join(dir.path, `report-${++files}.ndjson.gz`);
    const gzip = gzipSync(lines.join('\n'));
    writeFileSync(path, options.truncated ? gzip.subarray(0, gzip.length - 12) : gzip);
    return { path, bytes: gzip.length };
  }

  test('a user listed twice is summed and reported, as on SQLite', async () => {
    const twice = (count: number, ide: string) =>
      JSON.stringify({
        ...base,
        code_generation_activity_count: count,
        totals_by_ide: [{ ide, loc_added_sum: count }],
      });
    const files = [
      file([
        twice(5, 'vscode'),
        JSON.stringify({ ...base, user_id: 9, user_login: 'hubot' }),
        twice(2, 'vscode'),
      ]),
    ];
    const t = sqliteDatabase();
    const { store, pg } = await postgresDatabase();
    const outcomes = [];
    for (const target of [t.store, store] as SyncStore[]) {
      const scopeId = await target.scopeId({ kind: 'organization', slug: 'octo-org' });
      outcomes.push(await importReport(target, { scopeId, kind: 'users', day: day('2026-09-01') }, files));
    }
    expect(outcomes[0].issues).toEqual(['line 3: user 7 appears twice; counters were added together']);
    expect(outcomes[1]).toEqual(outcomes[0]);
    const { rows } = await pg.query(
      'SELECT u.github_id, x.code_generation_activity_count AS n FROM usage_day x JOIN users u ON u.id = x.user_ref ORDER BY n',
    );
    expect(rows).toEqual([
      { github_id: 9, n: 1 },
      { github_id: 7, n: 7 },
    ]);
    await expectSameTables(t.db, pg);
  });

  test('a report that fails mid-way leaves the stored version as it was, and the connection usable', async () => {
    const { store, pg } = await postgresDatabase();
    const scopeId = await store.scopeId({ kind: 'organization', slug: 'octo-org' });
    const target = { scopeId, kind: 'users' as const, day: day('2026-09-01') };
    await importReport(store, target, [file([JSON.stringify(base)])]);
    const stored = await snapshotOf(pg, sqliteDatabase().db);
    // 300 users, read 10 records a batch (each batch written before the next is read), then a cut file.
    const users = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({
        ...base,
        user_id: 100 + i,
        user_login: `user${i}`,
        code_generation_activity_count: i,
      }),
    );
    await expect(
      importReport(store, target, [file(users, { truncated: true })], {
        archive: true,
        reader: 'thread',
        pipeline: { batchRecords: 10 },
      }),
    ).rejects.toThrow();
    expect(await snapshotOf(pg, sqliteDatabase().db)).toEqual(stored);
    // The writer goes on: the next report is stored.
    await importReport(store, { ...target, day: day('2026-09-02') }, [
      file([JSON.stringify({ ...base, day: '2026-09-02' })]),
    ]);
    const { rows } = await pg.query(
      'SELECT day, count(*)::bigint AS n FROM usage_day GROUP BY day ORDER BY day',
    );
    expect(rows).toEqual([
      { day: day('2026-09-01'), n: 1 },
      { day: day('2026-09-02'), n: 1 },
    ]);
  });
});

describe('two syncs started at once on PostgreSQL', () => {
  test('the second is refused as busy while the first holds the advisory lock; it runs once the lock is free', async () => {
    const { url, store: first } = await postgresDatabase();
    const second = await PostgresStore.open(url);
    stores.push(second);
    const lease = await first.exclusive(() => acquireSyncLease(first));
    const client = testClient(sim.url);
    try {
      const sync = (store: SyncStore) =>
        runSync(
          { store, client, logger: silentLogger },
          {
            scopes: simulatedScopes(sim),
            settings: SETTINGS,
            trigger: 'test',
            now: testNow(),
            from: day('2026-09-30'),
          },
        );
      const refused = sync(second);
      await expect(refused).rejects.toThrow(SyncBusyError);
      await expect(refused).rejects.toThrow(
        /another sync is already running on this database \(pid \d+ on .+, since /,
      );
      // The holder itself cannot take it twice either.
      await expect(sync(first)).rejects.toThrow(SyncBusyError);
      await first.exclusive(() => lease.release());
      expect((await sync(second)).failed).toBe(0);

      // A holder whose session ends (a pod killed mid-sync) frees the lock with it.
      await second.exclusive(() => acquireSyncLease(second));
      await expect(sync(first)).rejects.toThrow(SyncBusyError);
      await second.close();
      expect((await sync(first)).failed).toBe(0);
    } finally {
      await client.close();
    }
  });
});

test('aggregate privacy mode stores the same on both engines', async () => {
  const privacy: PrivacyConfig = { mode: 'aggregate', minGroupSize: 5 };
  const t = sqliteDatabase(privacy);
  const { store, pg } = await postgresDatabase(privacy);
  await syncInto(new Store(t.db, privacy), { from: day('2026-09-28') });
  await syncInto(store, { from: day('2026-09-28') });
  const teams = t.db.prepare('SELECT count(*) FROM team_day').pluck().get() as number;
  expect(teams).toBeGreaterThan(0);
  expect(t.db.prepare('SELECT count(*) FROM usage_day WHERE user_ref > 0').pluck().get()).toBe(0);
  await expectSameTables(t.db, pg);
});

describe('DATABASE_URL', () => {
  const dir = tempDir('cm-pg-cli-');
  afterAll(() => dir.cleanup());
  const env = (database: Record<string, string>) => ({
    GITHUB_API_URL: sim.url,
    GITHUB_TOKEN: 'test',
    COPILOT_ORGS: sim.scopes.orgs[0],
    BILLING: 'off',
    SYNC_CONCURRENCY: '1',
    ...database,
  });
  const args = ['sync', '--from', '2026-09-27', '--to', '2026-09-29'];

  test('`sync` with DATABASE_URL=postgres://… migrates the database and stores what SQLite at DATABASE_PATH stores', async () => {
    const url = await cluster.createDatabase('cli');
    const postgres = await runCli(args, env({ DATABASE_URL: url }));
    // Warnings only (the simulator's unknown fields), no error.
    expect(postgres.stderr).not.toMatch(/"level":(50|60)/);
    expect(postgres.code).toBe(0);
    expect(postgres.stdout).toMatch(
      /^sync ok: \d+ report\(s\) planned, \d+ stored, 0 without data, 0 failed/,
    );
    const path = join(dir.path, 'cli.db');
    const sqlite = await runCli(args, env({ DATABASE_PATH: path }));
    expect(sqlite.code).toBe(0);
    // The same plan and the same counts (the durations aside).
    expect(postgres.stdout.replace(/ in [\d.]+ s/, '')).toBe(sqlite.stdout.replace(/ in [\d.]+ s/, ''));
    const t = openDatabase(path);
    try {
      await expectSameTables(t, await connect(url));
    } finally {
      t.close();
    }
  });

  test('a DATABASE_URL that is not PostgreSQL is refused, naming it and hiding its password', async () => {
    const result = await runCli(args, env({ DATABASE_URL: 'mysql://root:s3cret-pass@127.0.0.1/metrics' }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /DATABASE_URL must be a PostgreSQL connection string, postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE \(got "mysql:\/\/root:\*\*\*@127\.0\.0\.1\/metrics"\)/,
    );
    expect(result.stderr).not.toMatch(/s3cret-pass/);
  });

  test('`status` and `reprocess` run on PostgreSQL as on SQLite; `backup` and `restore` point at pg_dump', async () => {
    const url = await cluster.createDatabase('cli_status');
    const path = join(dir.path, 'cli_status.db');
    const databases: Record<string, string>[] = [{ DATABASE_URL: url }, { DATABASE_PATH: path }];
    for (const database of databases) expect((await runCli(args, env(database))).code).toBe(0);
    const both = async (command: string[]) => {
      const postgres = await runCli(
        command,
        env({ DATABASE_URL: url, DATABASE_PATH: join(dir.path, 'unused.db') }),
      );
      const sqlite = await runCli(command, env({ DATABASE_PATH: path }));
      expect([command, postgres.code, sqlite.code, postgres.stderr]).toEqual([
        command,
        0,
        0,
        expect.any(String),
      ]);
      return { postgres: postgres.stdout, sqlite: sqlite.stdout };
    };
    const status = await both(['status', '--json']);
    // The same coverage, the clock columns aside (each engine's sync ran at its own moment).
    const coverage = (text: string) => {
      const report = JSON.parse(text, (key, value) =>
        key === 'lastFetchedAt' || key === 'lastSeenAt' ? undefined : value,
      ) as { scopes: unknown; unknownKeys: unknown };
      return { scopes: report.scopes, unknownKeys: report.unknownKeys };
    };
    expect(coverage(status.postgres)).toEqual(coverage(status.sqlite));
    expect(JSON.stringify(coverage(status.postgres))).toMatch(/"okDays":3/);
    const reprocessed = await both(['reprocess']);
    expect(reprocessed.postgres).toBe(reprocessed.sqlite);
    expect(reprocessed.postgres).toMatch(/^reprocessed \d+ report\(s\), \d+ records/);
    const t = openDatabase(path);
    try {
      await expectSameTables(t, await connect(url));
    } finally {
      t.close();
    }
    for (const command of [
      ['backup', join(dir.path, 'copy.db')],
      ['restore', path],
    ]) {
      const refused = await runCli(command, env({ DATABASE_URL: url, DATABASE_PATH: path }));
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/with DATABASE_URL \(PostgreSQL\) use pg_dump and pg_restore/);
    }
  });
});
