/**
 * The storage engines a whole suite runs on (issue 13), behind one small fixture: `describe.each(ENGINES)`
 * and, in its beforeAll, `startEngine(name)`. Each engine hands out new, empty databases (a temporary
 * SQLite file; a database of the suite's throwaway PostgreSQL cluster) with what sync writes through
 * (the engine's SyncStore) and what reads the stored data (the engine's SqlReader, `?` parameters on
 * both), and serves the real HTTP API from them. What only one engine has (the SQLite file, the
 * PostgreSQL URL) is there for the checks that are one engine's by nature.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { ApiOptions } from '../src/http/app';
import { serveApi } from '../src/testing/api';
import { PRIVACY_OFF, type PrivacyConfig } from '../src/privacy';
import type { SyncStore } from '../src/store/interface';
import { PostgresReader, positionalParameters } from '../src/store/postgres/reader';
import { PostgresStore } from '../src/store/postgres/store';
import { openDatabase } from '../src/store/db';
import { enforcePrivacyMode } from '../src/store/privacyMode';
import { ReaderProbe } from '../src/store/probe';
import type { SqlParams, SqlReader } from '../src/store/reader';
import { openSqliteReader } from '../src/store/sqliteReader';
import { Store } from '../src/store/writer';
import {
  type TestApi,
  type TestDb,
  startApi,
  startPostgres,
  tempDatabase,
  FINGERPRINT_MEMBERS,
  FINGERPRINT_QUERIES,
  addFingerprint,
} from './helpers';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type EngineName = (typeof ENGINES)[number];

/** One database of an engine, empty when handed out, its privacy mode recorded. */
export interface EngineDatabase {
  readonly engine: EngineName;
  readonly privacy: PrivacyConfig;
  /** What sync writes through. */
  readonly store: SyncStore;
  /** Reads the stored data as the query side does: the engine's reader, on a connection of its own. */
  readonly reader: SqlReader;
  /** The SQLite engine's file and writer connection (for the checks that are SQLite's by nature). */
  readonly sqlite?: TestDb;
  /** The PostgreSQL engine's connection string (pg_dump, a second writer). */
  readonly url?: string;
  /**
   * The files that hold the database's bytes on disk, to search them: SQLite's file and its WAL;
   * PostgreSQL's relation files of this database, after a CHECKPOINT has written them out (its WAL is
   * the cluster's, shared with the suite's other databases, and is not among them).
   */
  storedFiles(): Promise<{ name: string; path: string }[]>;
  /** A statement that writes, for a test's setup (`?` parameters). */
  write(sql: string, params?: SqlParams): Promise<void>;
  /** The real HTTP API served from this database, on a reader of its own, as `serve` runs it. */
  startApi(options?: Partial<ApiOptions>): Promise<TestApi>;
  /** A reader of its own, which the caller closes. */
  openReader(): SqlReader;
  /** Opens the database again as a writer in `privacy` (PrivacyModeError when refused), and closes it. */
  reopen(privacy: PrivacyConfig): Promise<void>;
  close(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  /** A new, empty database written in `privacy` (mode off by default). */
  database(privacy?: PrivacyConfig): Promise<EngineDatabase>;
  /** Closes the databases still open and stops the engine's cluster; safe to call twice. */
  stop(): Promise<void>;
}

/** The engine's fixture; PostgreSQL's starts a throwaway cluster (about 1–3 s), stopped by `stop()`. */
export async function startEngine(name: EngineName): Promise<Engine> {
  const open = new Set<EngineDatabase>();
  const track = (database: EngineDatabase): EngineDatabase => {
    open.add(database);
    const close = database.close.bind(database);
    return {
      ...database,
      close: async () => {
        open.delete(database);
        await close();
      },
    };
  };
  const closeAll = async () => {
    for (const database of [...open]) await database.close().catch(() => undefined);
    open.clear();
  };
  if (name === 'sqlite')
    return {
      name,
      database: async (privacy = PRIVACY_OFF) => track(sqliteDatabase(privacy)),
      stop: closeAll,
    };
  const cluster = await startPostgres();
  let count = 0;
  return {
    name,
    database: async (privacy = PRIVACY_OFF) =>
      track(await postgresDatabase(await cluster.createDatabase(`db_${++count}`), privacy)),
    stop: async () => {
      await closeAll();
      await cluster.stop();
    },
  };
}

function sqliteDatabase(privacy: PrivacyConfig): EngineDatabase {
  const t = tempDatabase();
  enforcePrivacyMode(t.db, privacy, t.path, { write: true });
  const reader = openSqliteReader(t.path);
  const apis: TestApi[] = [];
  return {
    engine: 'sqlite',
    privacy,
    store: new Store(t.db, privacy),
    reader,
    sqlite: t,
    storedFiles: async () =>
      ['', '-wal']
        .filter((suffix) => existsSync(`${t.path}${suffix}`))
        .map((suffix) => ({ name: `database${suffix}`, path: `${t.path}${suffix}` })),
    write: async (sql, params = []) => {
      t.db.prepare(sql).run(...params);
    },
    startApi: async (options = {}) => {
      const api = await startApi(t.path, options);
      apis.push(api);
      return api;
    },
    openReader: () => openSqliteReader(t.path),
    reopen: async (other) => {
      // A second writer connection to the file, as a restarted process opens it.
      const db = openDatabase(t.path);
      try {
        enforcePrivacyMode(db, other, t.path, { write: true });
      } finally {
        db.close();
      }
    },
    close: async () => {
      for (const api of apis.splice(0)) await api.close();
      await reader.close();
      t.close();
    },
  };
}

async function postgresDatabase(url: string, privacy: PrivacyConfig): Promise<EngineDatabase> {
  const store = await PostgresStore.open(url, { privacy });
  const reader = new PostgresReader({ url });
  const writer = new Client({ connectionString: url });
  await writer.connect();
  const apis: TestApi[] = [];
  return {
    engine: 'postgres',
    privacy,
    store,
    reader,
    url,
    storedFiles: async () => {
      await writer.query('CHECKPOINT');
      const { rows } = await writer.query(
        "SELECT current_setting('data_directory') AS data, oid::text AS oid FROM pg_database WHERE datname = current_database()",
      );
      const dir = join(rows[0].data, 'base', rows[0].oid);
      return readdirSync(dir).map((file) => ({
        name: `database-files base/${rows[0].oid}/${file}`,
        path: join(dir, file),
      }));
    },
    write: async (sql, params = []) => {
      await writer.query(positionalParameters(sql), [...params]);
    },
    startApi: async (options = {}) => {
      const api = await serveEngineApi(new PostgresReader({ url }), options);
      apis.push(api);
      return api;
    },
    openReader: () => new PostgresReader({ url }),
    reopen: async (other) => {
      const again = await PostgresStore.open(url, { privacy: other });
      await again.close();
    },
    close: async () => {
      for (const api of apis.splice(0)) await api.close();
      await reader.close();
      await writer.end();
      await store.close();
    },
  };
}

/** The HTTP API on loopback over `reader` (closed with it), as `serve` with DATABASE_URL runs it. */
function serveEngineApi(reader: SqlReader, options: Partial<ApiOptions>): Promise<TestApi> {
  return serveApi(reader, { database: new ReaderProbe(reader), ...options });
}

/**
 * helpers.ts's `fingerprint` read through either engine's reader: row counts and sums of every numeric
 * column of the figure tables (dictionary ids left out), to tell that a database's figures did not change.
 */
export async function storedFingerprint(reader: SqlReader): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { table, sql } of FINGERPRINT_QUERIES)
    addFingerprint(out, table, (await reader.first<Record<string, unknown>>(sql))!);
  out['team_members.rows'] = Number(await reader.value<number>(FINGERPRINT_MEMBERS));
  return out;
}

/**
 * `expected`, for toEqual, with each fractional number as expect.closeTo (to 9 decimals): two databases
 * of the same figures may sum floating-point values in another order on PostgreSQL (its rows lie in the
 * order they were written; SQLite adds in index order, the same in both), so the last digits may differ.
 */
export function summedAlike<T>(expected: T): T {
  if (typeof expected === 'number')
    return (Number.isInteger(expected) ? expected : expect.closeTo(expected, 9)) as T;
  if (Array.isArray(expected)) return expected.map(summedAlike) as T;
  if (expected && typeof expected === 'object' && Object.getPrototypeOf(expected) === Object.prototype)
    return Object.fromEntries(Object.entries(expected).map(([key, value]) => [key, summedAlike(value)])) as T;
  return expected;
}
