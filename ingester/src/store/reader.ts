/**
 * What the query side (query/, http/, coverage.ts) reads the database through: SQL with positional `?`
 * parameters, answered asynchronously. The SQLite engine (sqliteReader.ts) answers at once; a network
 * engine (PostgreSQL: a pool, `$n` parameters, a cursor for streams, a repeatable-read transaction for
 * snapshots) implements the same calls. The SQL text is the caller's; the engines differ only where
 * the dialect inventory (postgres/README.md) says.
 */

/** Values bound to a statement's `?`, in the order they appear in the text. */
export type SqlParams = readonly unknown[];

export interface SqlReader {
  /** Every row, as an object keyed by column name. */
  all<T extends object = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
  /** The first row; undefined when there is none. */
  first<T extends object = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** Every row as an array of its values, in column order. */
  raw<T extends unknown[] = unknown[]>(sql: string, params?: SqlParams): Promise<T[]>;
  /** The first column of every row. */
  pluck<T = unknown>(sql: string, params?: SqlParams): Promise<T[]>;
  /** The first column of the first row; undefined when there is no row. */
  value<T = unknown>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /**
   * Rows as arrays of values, read as they are consumed rather than all at once, in batches (an await
   * per row would cost more than the row). Consume to the end or `break`: either ends the read.
   */
  stream<T extends unknown[] = unknown[]>(sql: string, params?: SqlParams): AsyncIterable<T[]>;
  /**
   * Runs `work` with a reader whose reads all see one state of the database, though a sync commits
   * meanwhile; the snapshot ends when `work` settles, whether it returns or throws. Inside, read through
   * the reader given (a network engine binds it to one connection); a snapshot within it joins it.
   */
  snapshot<T>(work: (reader: SqlReader) => Promise<T>): Promise<T>;
  /** The database's schema version (SQLite's user_version; the migrations table elsewhere). */
  schemaVersion(): Promise<number>;
  /**
   * A cheap token that changes whenever a commit (of any connection) may have changed what reads
   * return: the key of caches of derived figures (/metrics).
   */
  changeToken(): Promise<string>;
  /** Ends the reader and its connections. */
  close(): Promise<void>;
}
