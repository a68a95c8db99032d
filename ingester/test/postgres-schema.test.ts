/**
 * The PostgreSQL schema (store/postgres/migrations) against the SQLite schema today's code builds: the
 * same migration versions, tables, columns in the same order with the types of the written mapping,
 * primary keys, secondary indexes, foreign keys, defaults and checks; the same rows from the migrations
 * that fill rollups from stored figures; the same views with the same columns (sql-views.test.ts compares
 * their rows); migrating once when three replicas start together; a newer database refused with nothing
 * written. Each test gets a new database on a throwaway cluster.
 */
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { type Migration, latestSchemaVersion, loadMigrations, migrate } from '../src/store/migrate';
import {
  VERSION_TABLE,
  loadPostgresMigrations,
  migratePostgres,
  postgresSchemaVersion,
} from '../src/store/postgres/migrate';
import { type PostgresCluster, startPostgres } from '../src/testing/postgres';

jest.setTimeout(60_000);

const TWIN_DIR = 'ingester/src/store/postgres/migrations';

let cluster: PostgresCluster;
let databases = 0;
const clients: Client[] = [];

beforeAll(async () => {
  // No autovacuum: the refusal test reads the transaction counter, which nothing else may move.
  cluster = await startPostgres({ settings: { autovacuum: 'off' } });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  await cluster?.stop();
});

/** A new empty database and `count` connections to it. */
async function freshDatabase(count = 1): Promise<Client[]> {
  const url = await cluster.createDatabase(`schema_${++databases}`);
  const opened = await Promise.all(
    Array.from({ length: count }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      clients.push(client);
      return client;
    }),
  );
  return opened;
}

function sqliteAt(migrations: Migration[] = loadMigrations()): Database.Database {
  const db = new Database(':memory:');
  migrate(db, migrations);
  return db;
}

// --- The schema, read from each engine's catalog into one shape

interface ColumnShape {
  name: string;
  /** SQLite's declared type, or PostgreSQL's data_type. */
  type: string;
  notNull: boolean;
  default: string | null;
  /** SQLite's INTEGER PRIMARY KEY (the rowid), PostgreSQL's identity column. */
  generated: boolean;
}

interface TableShape {
  columns: ColumnShape[];
  primaryKey: string[];
  /** Secondary indexes (unique constraints included) as `UNIQUE (a, lower(b)) WHERE …`. */
  indexes: string[];
  /** Indexes created by name (CREATE INDEX), name → its signature. */
  namedIndexes: Map<string, string>;
  foreignKeys: string[];
  checks: number;
}

/** Whitespace and enclosing parentheses, which each engine writes its own way, removed. */
function normalizeExpression(text: string): string {
  let expression = text.replace(/\s+/g, ' ').trim();
  while (/^\(.*\)$/.test(expression) && balanced(expression.slice(1, -1)))
    expression = expression.slice(1, -1).trim();
  return expression;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function signature(unique: boolean, columns: string[], where: string | null): string {
  return `${unique ? 'UNIQUE ' : ''}(${columns.join(', ')})${where ? ` WHERE ${normalizeExpression(where)}` : ''}`;
}

function sqliteSchema(db: Database.Database): Map<string, TableShape> {
  const tables = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string; sql: string }[];
  const schema = new Map<string, TableShape>();
  for (const { name: table, sql } of tables) {
    const info = db.prepare(`PRAGMA table_info(${table})`).all() as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const rowidAlias = !/WITHOUT ROWID/i.test(sql) && primaryKey.length === 1;
    const columns = info.map((c) => ({
      name: c.name,
      type: c.type,
      notNull: c.notnull === 1 || c.pk > 0,
      default: c.dflt_value,
      generated: rowidAlias && c.pk > 0 && c.type === 'INTEGER',
    }));
    const indexes: string[] = [];
    const namedIndexes = new Map<string, string>();
    const list = db.prepare(`PRAGMA index_list(${table})`).all() as {
      name: string;
      unique: number;
      origin: string;
    }[];
    for (const index of list) {
      if (index.origin === 'pk') continue;
      const keyColumns = (
        db.prepare(`PRAGMA index_xinfo(${index.name})`).all() as {
          cid: number;
          name: string | null;
          coll: string;
          key: number;
        }[]
      ).filter((c) => c.key === 1);
      const names = keyColumns.map((c) => {
        if (c.cid < 0) throw new Error(`index ${index.name}: expression indexes are not compared yet`);
        // NOCASE is PostgreSQL's lower(column) (the C collation folds ASCII only, as NOCASE does).
        return c.coll === 'NOCASE' ? `lower(${c.name})` : c.name!;
      });
      const indexSql = (
        db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(index.name) as { sql: string | null }
      ).sql;
      const where = indexSql ? (/\bWHERE\b([\s\S]*)$/i.exec(indexSql)?.[1] ?? null) : null;
      const shape = signature(index.unique === 1, names, where);
      indexes.push(shape);
      if (index.origin === 'c') namedIndexes.set(index.name, shape);
    }
    const foreignKeys = (
      db.prepare(`PRAGMA foreign_key_list(${table})`).all() as {
        table: string;
        from: string;
        to: string;
      }[]
    ).map((fk) => `${fk.from} → ${fk.table}(${fk.to})`);
    const checks = (sql.match(/\bCHECK\s*\(/gi) ?? []).length;
    schema.set(table, {
      columns,
      primaryKey,
      indexes: indexes.sort(),
      namedIndexes,
      foreignKeys: foreignKeys.sort(),
      checks,
    });
  }
  return schema;
}

async function postgresSchema(client: Client): Promise<Map<string, TableShape>> {
  const tables = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY table_name`,
    [VERSION_TABLE],
  );
  const schema = new Map<string, TableShape>();
  for (const { name: table } of tables.rows) {
    const columns = await client.query<{
      name: string;
      type: string;
      nullable: string;
      default: string | null;
      identity: string;
    }>(
      `SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS default,
         is_identity AS identity
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const indexes = await client.query<{
      name: string;
      primary: boolean;
      unique: boolean;
      columns: string[];
      predicate: string | null;
    }>(
      `SELECT i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique,
         array(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS columns,
         pg_get_expr(x.indpred, x.indrelid, true) AS predicate
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = ('public.' || quote_ident($1))::regclass`,
      [table],
    );
    const foreignKeys = await client.query<{ from: string; table: string; to: string }>(
      `SELECT a.attname AS from, r.relname AS table, ra.attname AS to
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_class r ON r.oid = c.confrelid
       JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
       WHERE c.contype = 'f' AND c.conrelid = ('public.' || quote_ident($1))::regclass`,
      [table],
    );
    const checks = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM pg_constraint WHERE contype = 'c' AND conrelid = ('public.' || quote_ident($1))::regclass`,
      [table],
    );
    const primary = indexes.rows.find((index) => index.primary);
    const secondary = indexes.rows.filter((index) => !index.primary);
    schema.set(table, {
      columns: columns.rows.map((c) => ({
        name: c.name,
        type: c.type,
        notNull: c.nullable === 'NO',
        default: c.default?.replace(/::[a-z ]+$/, '') ?? null,
        generated: c.identity === 'YES',
      })),
      primaryKey: primary?.columns ?? [],
      indexes: secondary.map((index) => signature(index.unique, index.columns, index.predicate)).sort(),
      namedIndexes: new Map(
        secondary.map((index) => [index.name, signature(index.unique, index.columns, index.predicate)]),
      ),
      foreignKeys: foreignKeys.rows.map((fk) => `${fk.from} → ${fk.table}(${fk.to})`).sort(),
      checks: Number(checks.rows[0].count),
    });
  }
  return schema;
}

/**
 * The type mapping (README.md next to the migrations). INTEGER: `integer` for the keys this schema
 * assigns (primary-key columns, ids, *_ref, scope_id, day numbers: day, month, start, *_day), `bigint`
 * for everything else (GitHub's ids and counts, which may pass 2^31, e.g. a large enterprise's token
 * sums); REAL: double precision; TEXT: text; BLOB: bytea.
 */
function postgresType(column: string, sqliteType: string, inPrimaryKey: boolean): string {
  switch (sqliteType) {
    case 'INTEGER': {
      const key =
        inPrimaryKey ||
        column === 'id' ||
        column.endsWith('_ref') ||
        ['scope_id', 'day', 'month', 'start'].includes(column) ||
        column.endsWith('_day');
      return key ? 'integer' : 'bigint';
    }
    case 'REAL':
      return 'double precision';
    case 'TEXT':
      return 'text';
    case 'BLOB':
      return 'bytea';
    default:
      throw new Error(
        `SQLite type ${sqliteType} has no PostgreSQL mapping yet: add one here and in the README`,
      );
  }
}

/** Where each SQLite table was created, for messages that say which twin to write. */
function createdBy(table: string): string {
  const migration = loadMigrations().find((m) => new RegExp(`CREATE TABLE ${table}\\b`).test(m.sql));
  return migration ? `${TWIN_DIR}/${migration.name}` : TWIN_DIR;
}

/** Every difference, as a sentence saying what to change in the PostgreSQL migrations. */
function differences(sqlite: Map<string, TableShape>, postgres: Map<string, TableShape>): string[] {
  const problems: string[] = [];
  for (const [table, expected] of sqlite) {
    const actual = postgres.get(table);
    const fix = createdBy(table);
    if (!actual) {
      problems.push(`table ${table} is missing in PostgreSQL: create it in ${fix}`);
      continue;
    }
    const expectedNames = expected.columns.map((c) => c.name);
    const actualNames = actual.columns.map((c) => c.name);
    if (expectedNames.join() !== actualNames.join())
      problems.push(
        `${table}: columns (${actualNames.join(', ')}) should be (${expectedNames.join(', ')}), in this order: see ${fix} and the ALTER TABLEs after it`,
      );
    for (const column of expected.columns) {
      const twin = actual.columns.find((c) => c.name === column.name);
      if (!twin) continue;
      const want = postgresType(column.name, column.type, expected.primaryKey.includes(column.name));
      if (twin.type !== want)
        problems.push(
          `${table}.${column.name}: SQLite ${column.type} is ${want} in PostgreSQL, not ${twin.type}`,
        );
      if (twin.notNull !== column.notNull)
        problems.push(
          `${table}.${column.name}: ${column.notNull ? 'NOT NULL' : 'nullable'} in SQLite, not in PostgreSQL`,
        );
      if (twin.default !== column.default)
        problems.push(
          `${table}.${column.name}: default ${column.default} in SQLite, ${twin.default} in PostgreSQL`,
        );
      if (twin.generated !== column.generated)
        problems.push(
          `${table}.${column.name}: ${column.generated ? 'an INTEGER PRIMARY KEY (rowid) in SQLite: GENERATED BY DEFAULT AS IDENTITY' : 'not generated in SQLite: no identity'} in PostgreSQL`,
        );
    }
    if (expected.primaryKey.join() !== actual.primaryKey.join())
      problems.push(
        `${table}: primary key (${actual.primaryKey.join(', ')}) should be (${expected.primaryKey.join(', ')})`,
      );
    for (const index of expected.indexes.filter((i) => !actual.indexes.includes(i)))
      problems.push(`${table}: index ${index} is missing in PostgreSQL`);
    for (const index of actual.indexes.filter((i) => !expected.indexes.includes(i)))
      problems.push(`${table}: index ${index} is in PostgreSQL only`);
    for (const [name, shape] of expected.namedIndexes)
      if (actual.namedIndexes.get(name) !== shape)
        problems.push(
          `${table}: index ${name} should be ${shape} in PostgreSQL, of the same name (found ${actual.namedIndexes.get(name) ?? 'none'})`,
        );
    if (expected.foreignKeys.join() !== actual.foreignKeys.join())
      problems.push(
        `${table}: foreign keys [${actual.foreignKeys.join(', ')}] should be [${expected.foreignKeys.join(', ')}]`,
      );
    if (expected.checks !== actual.checks)
      problems.push(
        `${table}: ${expected.checks} CHECK constraints in SQLite, ${actual.checks} in PostgreSQL`,
      );
  }
  for (const table of postgres.keys())
    if (!sqlite.has(table)) problems.push(`table ${table} is in PostgreSQL only: SQLite has no such table`);
  return problems;
}

// --- The views (013): a public interface, so their names and columns, in order, are compared

/** The SQL views users query (README "SQL views"); renaming or dropping one breaks their panels. */
const PUBLIC_VIEWS = [
  'copilot_scope_daily',
  'copilot_seat_daily',
  'copilot_team_daily',
  'copilot_user_daily',
];

/** View name → its column names, in order. */
function sqliteViews(db: Database.Database): Map<string, string[]> {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
    .pluck()
    .all() as string[];
  return new Map(
    names.map((name) => [
      name,
      db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(name) as string[],
    ]),
  );
}

async function postgresViews(client: Client): Promise<Map<string, string[]>> {
  const { rows } = await client.query<{ view: string; columns: string[] }>(
    `SELECT c.table_name AS view, array_agg(c.column_name::text ORDER BY c.ordinal_position) AS columns
     FROM information_schema.columns c
     JOIN information_schema.views v ON v.table_schema = c.table_schema AND v.table_name = c.table_name
     WHERE c.table_schema = 'public' GROUP BY c.table_name ORDER BY c.table_name`,
  );
  return new Map(rows.map((row) => [row.view, row.columns]));
}

// --- The tests

test('every SQLite migration has its PostgreSQL twin, of the same version and name', () => {
  const sqlite = loadMigrations().map((m) => m.name);
  const postgres = loadPostgresMigrations().map((m) => m.name);
  const missing = sqlite.filter((name) => !postgres.includes(name)).map((name) => `add ${TWIN_DIR}/${name}`);
  const extra = postgres
    .filter((name) => !sqlite.includes(name))
    .map((name) => `${TWIN_DIR}/${basename(name)} has no SQLite migration of that name`);
  expect([...missing, ...extra]).toEqual([]);
  expect(latestSchemaVersion(loadPostgresMigrations())).toBe(latestSchemaVersion());
});

test('the PostgreSQL migrations build, on an empty database, the schema the SQLite migrations build', async () => {
  const [client] = await freshDatabase();
  expect(await postgresSchemaVersion(client)).toBe(0);
  expect(await migratePostgres(client)).toEqual({ from: 0, to: latestSchemaVersion() });
  expect(await postgresSchemaVersion(client)).toBe(latestSchemaVersion());
  const recorded = await client.query<{ version: number; name: string }>(
    `SELECT version, name FROM ${VERSION_TABLE} ORDER BY version`,
  );
  expect(recorded.rows.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));

  const sqlite = sqliteSchema(sqliteAt());
  const postgres = await postgresSchema(client);
  // The comparison itself sees something: every table, and the indexes the dashboards depend on.
  expect(sqlite.size).toBeGreaterThanOrEqual(30);
  expect(sqlite.get('usage_day')!.indexes).toContain('(scope_id, day) WHERE user_ref = 0');
  expect(sqlite.get('scopes')!.indexes).toEqual(['UNIQUE (kind, lower(slug))']);
  expect(differences(sqlite, postgres)).toEqual([]);

  // Migrating again is a no-op that writes nothing.
  expect(await migratePostgres(client)).toEqual({ from: latestSchemaVersion(), to: latestSchemaVersion() });
});

test('both engines have the same views, with the same columns in the same order', async () => {
  const [client] = await freshDatabase();
  await migratePostgres(client);
  const sqlite = sqliteViews(sqliteAt());
  expect([...sqlite.keys()]).toEqual(PUBLIC_VIEWS);
  expect(sqlite.get('copilot_user_daily')!.slice(0, 6)).toEqual([
    'scope_kind',
    'scope_slug',
    'day',
    'time',
    'user_id',
    'user_login',
  ]);
  expect(Object.fromEntries(await postgresViews(client))).toEqual(Object.fromEntries(sqlite));
});

test('a schema difference is reported as what to add', async () => {
  const [client] = await freshDatabase();
  const migrations = loadPostgresMigrations();
  // A PostgreSQL twin that forgot a column, an index, and a table (the newest migration creating one).
  const creating = [...migrations].reverse().find((m) => /CREATE TABLE/.test(m.sql))!;
  const table = /CREATE TABLE (\w+)/.exec(creating.sql)![1];
  const broken = migrations
    .filter((m) => m !== creating)
    .map((m) =>
      m.version === 5
        ? { ...m, sql: '-- forgot error_status' }
        : m.version === 7
          ? { ...m, sql: 'CREATE TABLE stray (id integer PRIMARY KEY)' }
          : m,
    );
  await migratePostgres(client, broken);
  const problems = differences(sqliteSchema(sqliteAt()), await postgresSchema(client));
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^reports: columns \(.*\) should be \(.*, error_status\)/),
      'by_agent: index (agent, day) is missing in PostgreSQL',
      `table ${table} is missing in PostgreSQL: create it in ${TWIN_DIR}/${creating.name}`,
      'table stray is in PostgreSQL only: SQLite has no such table',
    ]),
  );
});

test('the migrations that fill rollups from stored figures give the same rows on both engines', async () => {
  // Both engines at version 2 (before team_day, user_month, user_totals_day), with the same figures
  // across month boundaries (a leap February included), then migrated to the latest version.
  const [client] = await freshDatabase();
  const before = (m: Migration) => m.version <= 2;
  const sqlite = sqliteAt(loadMigrations().filter(before));
  await migratePostgres(client, loadPostgresMigrations().filter(before));

  const days = [19_750, 19_751, 19_752, 19_782, 19_783, 20_147, 20_148, 20_513, 20_514];
  const usage: (number | null)[][] = [];
  const members: number[][] = [];
  for (const day of days)
    for (let user = 1; user <= 6; user++) {
      // user 0 is the scope's aggregate row: the rollups leave it out.
      for (const ref of user === 1 ? [0, user] : [user])
        usage.push([
          1,
          day,
          ref,
          (day % 7) + ref,
          ref === 3 ? null : day - 19_000 + ref,
          ref * 2.5 + (day % 3),
        ]);
      members.push([1, day, 1 + (user % 2), user]);
    }
  const insertUsage =
    'INSERT INTO usage_day (scope_id, day, user_ref, user_initiated_interaction_count, loc_added_sum, ai_credits_used) VALUES ';
  const insertMember = 'INSERT INTO team_members (scope_id, day, team_ref, user_ref) VALUES ';
  for (const row of usage) {
    sqlite.prepare(`${insertUsage}(?, ?, ?, ?, ?, ?)`).run(...row);
    await client.query(`${insertUsage}($1, $2, $3, $4, $5, $6)`, row);
  }
  for (const row of members) {
    sqlite.prepare(`${insertMember}(?, ?, ?, ?)`).run(...row);
    await client.query(`${insertMember}($1, $2, $3, $4)`, row);
  }
  migrate(sqlite);
  await migratePostgres(client);

  const rollups = {
    team_day: 'SELECT * FROM team_day ORDER BY scope_id, day, team_ref',
    user_month: 'SELECT * FROM user_month ORDER BY scope_id, month, user_ref',
    user_totals_day: 'SELECT * FROM user_totals_day ORDER BY scope_id, day',
  };
  for (const [table, sql] of Object.entries(rollups)) {
    const expected = sqlite.prepare(sql).all() as Record<string, unknown>[];
    const actual = (await client.query(sql)).rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? Number(v) : v])),
    );
    expect({ table, rows: actual }).toEqual({ table, rows: expected });
  }
  // user_month's month is the day number of the month's first day, here computed independently.
  const monthStart = (day: number) => {
    const date = new Date(day * 86_400_000);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 86_400_000;
  };
  const months = (
    await client.query<{ month: number }>('SELECT DISTINCT month FROM user_month ORDER BY month')
  ).rows;
  expect(months.map((r) => r.month)).toEqual([...new Set(days.map(monthStart))].sort((a, b) => a - b));
});

test('three replicas migrating together migrate once', async () => {
  const replicas = await freshDatabase(3);
  const results = await Promise.all(replicas.map((client) => migratePostgres(client)));
  const latest = latestSchemaVersion();
  expect(results.map((r) => r.from).sort((a, b) => a - b)).toEqual([0, latest, latest]);
  expect(results.every((r) => r.to === latest)).toBe(true);
  const recorded = await replicas[0].query<{ version: number; count: string }>(
    `SELECT version, count(*) AS count FROM ${VERSION_TABLE} GROUP BY version ORDER BY version`,
  );
  expect(recorded.rows.map((r) => [r.version, Number(r.count)])).toEqual(
    loadMigrations().map((m) => [m.version, 1]),
  );
});

/** The next transaction id: it moves when anything is written, a rolled-back write included. */
async function nextTransactionId(client: Client): Promise<string> {
  const { rows } = await client.query<{ xmax: string }>(
    'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax',
  );
  return rows[0].xmax;
}

test('a database newer than the code is refused with a clear message, and nothing is written', async () => {
  const [client] = await freshDatabase();
  await migratePostgres(client);
  const older = loadPostgresMigrations().slice(0, -1);
  const latest = latestSchemaVersion();
  const tablesBefore = await postgresSchema(client);
  const xid = await nextTransactionId(client);
  await expect(migratePostgres(client, older)).rejects.toThrow(
    `The database schema is version ${latest}, newer than this ingester knows (${latest - 1}). Upgrade the ingester, or point DATABASE_URL at another database.`,
  );
  expect(await nextTransactionId(client)).toBe(xid);
  expect(await postgresSchema(client)).toEqual(tablesBefore);
  expect(await postgresSchemaVersion(client)).toBe(latest);
});

test('a migration that fails leaves the database as it was', async () => {
  const [client] = await freshDatabase();
  const migrations = loadPostgresMigrations().slice(0, 3);
  await migratePostgres(client, migrations.slice(0, 1));
  const broken = [
    ...migrations,
    { version: 4, name: '004_broken.sql', sql: 'SELECT no_such_column FROM scopes' },
  ];
  await expect(migratePostgres(client, broken)).rejects.toThrow(/no_such_column/);
  expect(await postgresSchemaVersion(client)).toBe(1);
  const tables = await client.query(
    "SELECT 1 FROM information_schema.tables WHERE table_name IN ('sync_lock', 'team_day')",
  );
  expect(tables.rows).toEqual([]);
});
