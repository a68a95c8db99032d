/**
 * The PostgreSQL engine's SqlReader (issue 13): reads on a pool of connections, each read-only and with
 * a statement timeout, so that one slow panel cannot hold a connection or the database for long. The
 * SQL is the query side's, written with `?` parameters; each text is rewritten once to `$1…$n`. Values
 * come back as better-sqlite3 gives them: bigint and numeric as numbers (refused past 2^53, where a
 * number would be wrong), bytea as Buffers, dates as their text. A snapshot is one REPEATABLE READ
 * transaction on one connection; a stream is a cursor read in batches.
 */
import { Pool, type PoolClient, type CustomTypesConfig, types } from 'pg';
import type { SqlParams, SqlReader } from '../reader';
import { postgresSchemaVersion } from './migrate';

/** Rows a stream fetches at a time. */
const STREAM_BATCH = 1000;
/** Rewritten texts kept (the engine's fixed texts, plus those that vary with an `IN (?, …)` list). */
const REWRITES_KEPT = 500;

export interface PostgresReaderOptions {
  /** postgres://USER:PASSWORD@HOST:PORT/DATABASE */
  url: string;
  /** Connections at most (readers answering at once). */
  maxConnections?: number;
  /** A read running longer is cancelled with an error naming the timeout. */
  statementTimeoutMs?: number;
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new RangeError(`${text} is past 2^53 and cannot be read as a number without losing digits`);
  return value;
}

/** Numbers as numbers, dates as text: what the query side was written against (better-sqlite3). */
export const READER_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.INT8) return integer;
    if (oid === types.builtins.NUMERIC) return Number;
    if (oid === types.builtins.DATE) return (text: string) => text;
    return types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

/**
 * `?` placeholders as `$1…$n`, in order; a `?` inside a string literal, a quoted identifier or a comment
 * is text, not a parameter. (PostgreSQL's own `?` operators, for jsonb, are not used by the query side.)
 */
export function positionalParameters(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end);
      i = end - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') out += `$${++n}`;
    else out += c;
  }
  return out;
}

/** The index just past a quoted run that starts at `start` (a doubled quote stays inside). */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/**
 * The query side's SQLite-only constructs, each with its PostgreSQL form (the dialect inventory in
 * README.md): applied to every text once, before its parameters are numbered. The rest of the query
 * side's SQL is written to read alike on both engines.
 */
export const POSTGRES_REWRITES: readonly { name: string; pattern: RegExp; replacement: string }[] = [
  // Planner hints for SQLite's sampled statistics; PostgreSQL plans from its own.
  { name: 'index hints', pattern: /\s+INDEXED BY \w+/g, replacement: '' },
  {
    // An array the planner can count: unnest's estimate is the list's length (the list is bound before
    // planning), where a JSON function's is 100 rows, which made a seek of 3 months × 100 people look
    // dearer than a scan of the whole rollup.
    name: 'a list bound as one JSON text',
    pattern: /\(SELECT value FROM json_each\(\?\)\)/g,
    replacement: "(SELECT value FROM unnest(string_to_array(trim(?::text, '[]'), ',')::bigint[]) AS value)",
  },
  {
    name: 'the first day of the month of a day number',
    pattern:
      /CAST\(julianday\(date\(([\w.]+) \* 86400, 'unixepoch', 'start of month'\)\) - 2440587\.5 AS INTEGER\)/g,
    replacement: "(date_trunc('month', DATE '1970-01-01' + $1)::date - DATE '1970-01-01')",
  },
  // SQLite's LIKE folds ASCII case, as ILIKE does.
  { name: 'case-insensitive LIKE', pattern: /\bLIKE\b/g, replacement: 'ILIKE' },
  {
    name: 'case-insensitive equality',
    pattern: /([\w.]+) = \? COLLATE NOCASE/g,
    replacement: 'lower($1) = lower(?)',
  },
  {
    name: 'case-insensitive order',
    pattern: /ORDER BY ([\w.]+) COLLATE NOCASE/g,
    replacement: 'ORDER BY lower($1)',
  },
  { name: 'string aggregation', pattern: /\bgroup_concat\(/g, replacement: 'string_agg(' },
  {
    name: 'the elements of a JSON array column',
    pattern: /json_each\((coalesce\([\w.]+, '\[\]'\))\) (\w+)/g,
    replacement: 'json_array_elements($1::json) $2',
  },
  {
    name: 'a member of a JSON object',
    pattern: /json_extract\((\w+)\.value, '\$\.(\w+)'\)/g,
    replacement: "($1.value->>'$2')",
  },
];

/** A query-side text in PostgreSQL's dialect, with `$n` parameters. */
export function postgresText(sql: string): string {
  let text = sql;
  for (const rewrite of POSTGRES_REWRITES) text = text.replace(rewrite.pattern, rewrite.replacement);
  return positionalParameters(text);
}

/** Where reads go: the pool (each read on any connection), or one connection (inside a snapshot). */
interface Target {
  query: PoolClient['query'];
}

export class PostgresReader implements SqlReader {
  private readonly pool: Pool;
  private readonly rewrites = new Map<string, string>();
  private cursors = 0;

  constructor(options: PostgresReaderOptions) {
    this.pool = new Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 8,
      types: READER_TYPES,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      idle_in_transaction_session_timeout: (options.statementTimeoutMs ?? 30_000) * 2,
      application_name: 'copilot-metrics-reader',
      // Every transaction of these connections is read-only: a reader cannot write, whatever its SQL.
      options: '-c default_transaction_read_only=on',
    });
    // An idle connection the server dropped must not take the process down.
    this.pool.on('error', () => undefined);
  }

  all<T extends object>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.on(this.pool).all<T>(sql, params);
  }

  first<T extends object>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return this.on(this.pool).first<T>(sql, params);
  }

  raw<T extends unknown[]>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.on(this.pool).raw<T>(sql, params);
  }

  pluck<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.on(this.pool).pluck<T>(sql, params);
  }

  value<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return this.on(this.pool).value<T>(sql, params);
  }

  /** A cursor in its own read-only transaction, on a connection of its own until the end. */
  async *stream<T extends unknown[]>(sql: string, params: SqlParams = []): AsyncIterable<T[]> {
    const client = await this.pool.connect();
    let ended = false;
    try {
      await client.query('BEGIN READ ONLY');
      yield* this.cursor<T>(client, sql, params);
      await client.query('COMMIT');
      ended = true;
    } finally {
      // An error, or a consumer that stopped early (`break`), leaves the transaction open.
      if (!ended) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  /** One REPEATABLE READ transaction on one connection: every read inside sees the same state. */
  async snapshot<T>(work: (reader: SqlReader) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const result = await work(this.bound(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  async schemaVersion(): Promise<number> {
    const client = await this.pool.connect();
    try {
      return await postgresSchemaVersion(client);
    } finally {
      client.release();
    }
  }

  /**
   * The current snapshot (xmin:xmax:transactions in progress): it moves whenever a transaction that
   * writes begins or ends, anywhere in the cluster, so a cache keyed by it is never stale (and
   * sometimes recomputed for nothing).
   */
  async changeToken(): Promise<string> {
    return (await this.value<string>('SELECT pg_current_snapshot()::text')) ?? '';
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The text with `$n` parameters, rewritten once per text. */
  private text(sql: string): string {
    let text = this.rewrites.get(sql);
    if (text === undefined) {
      text = postgresText(sql);
      if (this.rewrites.size >= REWRITES_KEPT) this.rewrites.delete(this.rewrites.keys().next().value!);
      this.rewrites.set(sql, text);
    }
    return text;
  }

  private on(target: Target) {
    const query = async (sql: string, params: SqlParams = [], rowMode?: 'array') =>
      (await target.query({ text: this.text(sql), values: [...params], ...(rowMode ? { rowMode } : {}) }))
        .rows;
    return {
      all: async <T extends object>(sql: string, params: SqlParams = []) => (await query(sql, params)) as T[],
      first: async <T extends object>(sql: string, params: SqlParams = []) =>
        (await query(sql, params))[0] as T | undefined,
      raw: async <T extends unknown[]>(sql: string, params: SqlParams = []) =>
        (await query(sql, params, 'array')) as T[],
      pluck: async <T>(sql: string, params: SqlParams = []) =>
        ((await query(sql, params, 'array')) as unknown[][]).map((row) => row[0] as T),
      value: async <T>(sql: string, params: SqlParams = []) =>
        ((await query(sql, params, 'array')) as unknown[][])[0]?.[0] as T | undefined,
    };
  }

  /** A reader on one connection, inside its snapshot's transaction. */
  private bound(client: PoolClient): SqlReader {
    const reads = this.on(client);
    const reader: SqlReader = {
      ...reads,
      stream: <T extends unknown[]>(sql: string, params: SqlParams = []) =>
        this.cursor<T>(client, sql, params),
      snapshot: (work) => work(reader),
      schemaVersion: () => postgresSchemaVersion(client),
      changeToken: async () => (await reads.value<string>('SELECT pg_current_snapshot()::text', [])) ?? '',
      close: async () => undefined,
    };
    return reader;
  }

  /** A cursor inside the connection's open transaction, fetched `STREAM_BATCH` rows at a time. */
  private async *cursor<T extends unknown[]>(
    client: PoolClient,
    sql: string,
    params: SqlParams,
  ): AsyncIterable<T[]> {
    const name = `reader_cursor_${++this.cursors}`;
    await client.query({
      text: `DECLARE ${name} NO SCROLL CURSOR FOR ${this.text(sql)}`,
      values: [...params],
    });
    try {
      for (;;) {
        const { rows } = await client.query({ text: `FETCH ${STREAM_BATCH} FROM ${name}`, rowMode: 'array' });
        if (rows.length) yield rows as T[];
        if (rows.length < STREAM_BATCH) return;
      }
    } finally {
      await client.query(`CLOSE ${name}`).catch(() => undefined);
    }
  }
}
