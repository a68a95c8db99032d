/**
 * The SQLite engine's SqlReader: better-sqlite3 on a reader connection (query_only), answering at once.
 * Statements are prepared once per SQL text and kept (least recently used first out), where the query
 * side used to prepare each statement again on every call.
 */
import type { Statement } from 'better-sqlite3';
import type { DB } from './connection';
import { openDatabase } from './db';
import type { SqlParams, SqlReader } from './reader';

/** Statements kept: the engine's fixed texts, plus texts that vary with the length of an `IN (?, …)` list. */
export const STATEMENT_CACHE_SIZE = 300;

/** Rows a stream hands over at a time. */
const STREAM_BATCH = 1000;

type Mode = 'objects' | 'raw' | 'pluck';

export class SqliteReader implements SqlReader {
  private readonly statements = new Map<string, Statement>();
  /** Streams started and not finished (each keeps the connection busy). */
  private readonly open = new Set<IterableIterator<unknown>>();
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly totalChanges: Statement;
  /** Snapshots running on the connection, and whether the outermost began the transaction. */
  private depth = 0;
  private began = false;
  /** The snapshots have ended, and their transaction ends with the last open stream. */
  private commitPending = false;

  constructor(
    /** A reader connection (`openDatabase(path, { readonly: true })`); any connection works. */
    private readonly db: DB,
    private readonly cacheSize = STATEMENT_CACHE_SIZE,
  ) {
    this.begin = db.prepare('BEGIN DEFERRED');
    this.commit = db.prepare('COMMIT');
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  /** How many statements are kept now (at most the cache size). */
  get cachedStatements(): number {
    return this.statements.size;
  }

  async all<T extends object>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.statement(sql, 'objects').all(...params) as T[];
  }

  async first<T extends object>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return this.statement(sql, 'objects').get(...params) as T | undefined;
  }

  async raw<T extends unknown[]>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.statement(sql, 'raw').all(...params) as T[];
  }

  async pluck<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.statement(sql, 'pluck').all(...params) as T[];
  }

  async value<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return this.statement(sql, 'pluck').get(...params) as T | undefined;
  }

  async *stream<T extends unknown[]>(sql: string, params: SqlParams = []): AsyncIterable<T[]> {
    const rows = this.statement(sql, 'raw').iterate(...params) as IterableIterator<T>;
    this.open.add(rows);
    try {
      let batch: T[] = [];
      for (const row of rows) {
        batch.push(row);
        if (batch.length === STREAM_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      this.open.delete(rows);
      rows.return?.();
      if (this.commitPending && !this.open.size) this.end();
    }
  }

  /**
   * One read transaction (BEGIN DEFERRED: the snapshot is taken at its first read) around `work`.
   * Snapshots that overlap on this connection (nested, or started while another awaits) share it, and
   * the last to end commits. Inside a transaction this reader did not begin (a wrapped writer's), the
   * work just runs in it.
   */
  async snapshot<T>(work: (reader: SqlReader) => Promise<T>): Promise<T> {
    if (this.depth === 0) {
      if (this.commitPending) {
        // The last snapshot's commit waits for a stream: this one takes its transaction over.
        this.commitPending = false;
        this.began = true;
      } else if (!this.db.inTransaction) {
        this.begin.run();
        this.began = true;
      }
    }
    this.depth++;
    try {
      return await work(this);
    } finally {
      this.depth--;
      if (this.depth === 0 && this.began) {
        this.began = false;
        // SQLite cannot commit while a statement is being read: the last stream to finish commits.
        if (this.open.size) this.commitPending = true;
        else this.end();
      }
    }
  }

  private end(): void {
    this.commitPending = false;
    if (this.db.inTransaction) this.commit.run();
  }

  async schemaVersion(): Promise<number> {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** data_version moves on other connections' commits, total_changes() on this one's. */
  async changeToken(): Promise<string> {
    return `${this.db.pragma('data_version', { simple: true })}:${this.totalChanges.get()}`;
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.db.close();
  }

  /** The statement of a SQL text, in the row mode asked: from the cache, or prepared and kept. */
  private statement(sql: string, mode: Mode): Statement {
    let statement = this.statements.get(sql);
    if (statement && statement.busy) {
      // Its stream is still being read: this read gets a statement of its own.
      statement = this.db.prepare(sql);
    } else {
      if (statement) this.statements.delete(sql);
      else {
        statement = this.db.prepare(sql);
        if (this.statements.size >= this.cacheSize)
          this.statements.delete(this.statements.keys().next().value!);
      }
      // Map order is insertion order: the least recently used statement comes first.
      this.statements.set(sql, statement);
    }
    if (mode === 'raw') statement.raw(true);
    else if (mode === 'pluck') statement.pluck(true);
    else statement.raw(false).pluck(false);
    return statement;
  }
}

/** A reader of the SQLite file at `path`, on a connection of its own (query_only), which `close` closes. */
export function openSqliteReader(path: string): SqliteReader {
  return new SqliteReader(openDatabase(path, { readonly: true }));
}
