/**
 * The PostgreSQL engine's reader (store/postgres/reader.ts) on a throwaway PostgreSQL 15 cluster, filled
 * by `copy` from a SQLite database synced from the simulator over HTTP: the same SQL answers the same
 * rows, typed as the SQLite reader types them; streams read in batches and end cleanly however they
 * end; a snapshot sees one state while a writer commits; reads cannot write, time out, and refuse
 * integers a number cannot hold.
 */
import { Client } from 'pg';
import { openDatabase } from '../src/store/db';
import { latestSchemaVersion } from '../src/store/migrate';
import { copyToPostgres } from '../src/store/postgres/copy';
import { PostgresReader, positionalParameters } from '../src/store/postgres/reader';
import type { SqlReader } from '../src/store/reader';
import { SqliteReader } from '../src/store/sqliteReader';
import {
  type PostgresCluster,
  type TestDb,
  day,
  simulatedScopes,
  startPostgres,
  startSimulator,
  syncDays,
  tempDatabase,
  testClient,
} from './helpers';

jest.setTimeout(60_000);

let cluster: PostgresCluster;
let t: TestDb;
let url: string;
let sqlite: SqliteReader;
let postgres: PostgresReader;
let writer: Client;

beforeAll(async () => {
  const sim = await startSimulator({ users: 40, orgs: 2 });
  const client = testClient(sim.url);
  t = tempDatabase();
  try {
    const summary = await syncDays(t.store, client, {
      scopes: simulatedScopes(sim),
      from: day('2026-09-20'),
    });
    expect(summary.failures).toEqual([]);
  } finally {
    await client.close();
    await sim.stop();
  }
  cluster = await startPostgres();
  url = await cluster.createDatabase('reader');
  await copyToPostgres(t.db, url);
  sqlite = new SqliteReader(openDatabase(t.path, { readonly: true }));
  postgres = new PostgresReader({ url, maxConnections: 2 });
  writer = new Client({ connectionString: url });
  await writer.connect();
}, 120_000);

afterAll(async () => {
  await writer?.end();
  await postgres?.close();
  await sqlite?.close();
  t?.close();
  await cluster?.stop();
});

/** Statements both engines read alike, each with its parameters. */
const PORTABLE: [string, unknown[]][] = [
  ['SELECT id, kind, slug, github_id FROM scopes ORDER BY id', []],
  [
    `SELECT day, count(*) AS people, sum(code_generation_activity_count) AS generations, sum(ai_credits_used) AS credits
     FROM usage_day WHERE scope_id = ? AND user_ref > 0 GROUP BY day ORDER BY day`,
    [1],
  ],
  [
    'SELECT kind, key, users FROM active_sets WHERE scope_id = ? AND day = ? ORDER BY kind, key',
    [1, day('2026-09-22')],
  ],
  // An expression read by name is aliased: SQLite names it by its text, PostgreSQL by its function.
  ["SELECT count(*) AS n FROM reports WHERE status = 'ok' AND kind IN (?, ?)", ['users', 'aggregate']],
  ['SELECT login FROM users WHERE id = ?', [3]],
  ['SELECT id FROM users WHERE id < 0', []],
];

test.each(PORTABLE)('the same rows from both engines, in every shape: %s', async (sql, params) => {
  const shapes = async (reader: SqlReader) => ({
    all: await reader.all(sql, params),
    first: await reader.first(sql, params),
    raw: await reader.raw(sql, params),
    pluck: await reader.pluck(sql, params),
    value: await reader.value(sql, params),
  });
  const expected = await shapes(sqlite);
  expect(await shapes(postgres)).toEqual(expected);
});

test('the rows compared are real: figures of every day synced, and encoded sets as Buffers', async () => {
  const days = await postgres.raw<[number, number, number, number]>(PORTABLE[1][0], PORTABLE[1][1]);
  expect(days.length).toBeGreaterThanOrEqual(5);
  expect(days.every(([, people, generations]) => people > 0 && generations > 0)).toBe(true);
  const sets = await postgres.raw<[string, number, Buffer]>(PORTABLE[2][0], PORTABLE[2][1]);
  expect(sets.length).toBeGreaterThan(10);
  expect(Buffer.isBuffer(sets[0][2])).toBe(true);
});

test('a stream reads every row in batches, and a stream stopped early gives its connection back', async () => {
  const sql =
    'SELECT scope_id, day, user_ref, language, feature FROM by_language_feature ORDER BY scope_id, day, user_ref, language, feature';
  const expected = await sqlite.raw(sql);
  expect(expected.length).toBeGreaterThan(1000); // more than one batch
  const batches: unknown[][][] = [];
  for await (const batch of postgres.stream(sql)) batches.push(batch);
  expect(batches.length).toBeGreaterThan(1);
  expect(batches.every((batch) => batch.length <= 1000)).toBe(true);
  expect(batches.flat()).toEqual(expected);
  // Two connections in the pool: streams stopped early must not keep theirs.
  for (let i = 0; i < 4; i++)
    for await (const batch of postgres.stream(sql)) {
      expect(batch.length).toBe(1000);
      break;
    }
  expect(await postgres.value('SELECT count(*) FROM by_language_feature')).toBe(expected.length);
});

test('a snapshot sees one state while a writer commits; after it, the new state shows', async () => {
  const count = async (reader: SqlReader) =>
    (await reader.value<number>("SELECT count(*) FROM settings WHERE key LIKE 'test-%'"))!;
  const before = await count(postgres);
  const token = await postgres.changeToken();
  await postgres.snapshot(async (reader) => {
    expect(await count(reader)).toBe(before);
    await writer.query("INSERT INTO settings (key, value) VALUES ('test-snapshot', 'x')");
    expect(await count(reader)).toBe(before);
    // Streams and nested snapshots inside it read the same state.
    const streamed: unknown[][] = [];
    for await (const batch of reader.stream("SELECT key FROM settings WHERE key LIKE 'test-%'"))
      streamed.push(...batch);
    expect(streamed).toHaveLength(before);
    await reader.snapshot(async (inner) => expect(await count(inner)).toBe(before));
  });
  expect(await count(postgres)).toBe(before + 1);
  expect(await postgres.changeToken()).not.toBe(token);
  // Reads alone leave the token as it is.
  const quiet = await postgres.changeToken();
  await count(postgres);
  expect(await postgres.changeToken()).toBe(quiet);
});

test('an error inside a snapshot ends its transaction and gives the connection back', async () => {
  for (let i = 0; i < 3; i++)
    await expect(
      postgres.snapshot(async (reader) => {
        await reader.value('SELECT 1');
        throw new Error('panel failed');
      }),
    ).rejects.toThrow('panel failed');
  expect(await postgres.value('SELECT 2')).toBe(2);
});

test('reads cannot write, and a read past the statement timeout is cancelled with the reason', async () => {
  await expect(postgres.all("INSERT INTO settings (key, value) VALUES ('test-write', 'x')")).rejects.toThrow(
    /read-only transaction/,
  );
  const impatient = new PostgresReader({ url, statementTimeoutMs: 200 });
  try {
    await expect(impatient.value('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    expect(await impatient.value('SELECT 3')).toBe(3);
  } finally {
    await impatient.close();
  }
});

test('bigint and numeric arrive as numbers, and one past 2^53 is refused rather than rounded', async () => {
  expect(await postgres.first('SELECT 9007199254740991::bigint AS big, 12.5::numeric AS num')).toEqual({
    big: 9007199254740991,
    num: 12.5,
  });
  await expect(postgres.value('SELECT 9007199254740993::bigint')).rejects.toThrow(/past 2\^53/);
});

test('the schema version is the migrations table’s', async () => {
  expect(await postgres.schemaVersion()).toBe(latestSchemaVersion());
  expect(await postgres.schemaVersion()).toBe(await sqlite.schemaVersion());
});

test('`?` becomes $1…$n, except inside strings, quoted names and comments', () => {
  expect(
    positionalParameters(
      `SELECT '?', "a?b", x FROM t -- why?\nWHERE a = ? /* or ? */ AND b = 'it''s ?' AND c IN (?, ?)`,
    ),
  ).toBe(`SELECT '?', "a?b", x FROM t -- why?\nWHERE a = $1 /* or ? */ AND b = 'it''s ?' AND c IN ($2, $3)`);
});
