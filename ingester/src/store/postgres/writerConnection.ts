/**
 * The PostgreSQL engine's writer connection: one session for every write of the process (the sync
 * lock is held on it, and a report's transaction spans awaits on it). `PostgresStore.exclusive` keeps
 * other work out of an open report transaction; inside one, the records and the raw archive are written
 * concurrently, so this class also runs each statement, or each group of statements that must stay
 * together (a savepoint, its INSERT and its rollback), one at a time.
 */
import { Client, type QueryResult } from 'pg';
import { READER_TYPES, positionalParameters } from './reader';

/** What a group of statements runs through: one statement, its parameters bound to its `?` in order. */
export type Query = <R extends object = Record<string, unknown>>(
  sql: string,
  params?: readonly unknown[],
  options?: { name?: string; rowMode?: 'array' },
) => Promise<QueryResult<R>>;

/** PostgreSQL's error code for a duplicate key. */
export const UNIQUE_VIOLATION = '23505';

export const isUniqueViolation = (error: unknown) =>
  (error as { code?: string } | null)?.code === UNIQUE_VIOLATION;

/** A statement written with `@name` parameters (as SQLite's writers are), rewritten to `$n` once. */
export class NamedStatement {
  readonly text: string;
  private readonly names: string[] = [];

  constructor(sql: string) {
    this.text = sql.replace(/@(\w+)/g, (_, name: string) => {
      let index = this.names.indexOf(name);
      if (index < 0) index = this.names.push(name) - 1;
      return `$${index + 1}`;
    });
  }

  /** The values in parameter order; a name missing from `values` is an error, not a NULL. */
  bind(values: Record<string, unknown>): unknown[] {
    return this.names.map((name) => {
      if (!(name in values)) throw new Error(`no value for @${name}`);
      return values[name];
    });
  }
}

export class WriterConnection {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly rewrites = new Map<string, string>();

  private constructor(readonly client: Client) {}

  /** Connects to `url` with the reader's value types (bigint and numeric as numbers). */
  static async open(url: string): Promise<WriterConnection> {
    const client = new Client({
      connectionString: url,
      types: READER_TYPES,
      application_name: 'copilot-metrics-writer',
    });
    await client.connect();
    // A dropped connection must not take the process down; the next statement reports it.
    client.on('error', () => undefined);
    return new WriterConnection(client);
  }

  /** One statement, `?` parameters, after whatever runs before it. */
  readonly query: Query = (sql, params, options) => this.serial((query) => query(sql, params, options));

  /** Runs `work` with the connection to itself: no other statement runs until it settles. */
  serial<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const run = this.queue.then(
      () => work(this.direct),
      () => work(this.direct),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * BEGIN, `work`, COMMIT; ROLLBACK and `onRollback` (forget ids handed out inside) if anything throws.
   * Its statements run one by one through `query`: call it inside the store's `exclusive`, so nothing
   * else lands inside the transaction.
   */
  async transaction<T>(work: (query: Query) => Promise<T>, onRollback?: () => void): Promise<T> {
    await this.query('BEGIN');
    try {
      const result = await work(this.query);
      await this.query('COMMIT');
      return result;
    } catch (error) {
      await this.query('ROLLBACK').catch(() => undefined);
      onRollback?.();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.client.end();
  }

  private readonly direct: Query = (sql, params = [], options = {}) =>
    this.client.query({
      text: this.text(sql),
      values: params as unknown[],
      ...(options.name ? { name: options.name } : {}),
      ...(options.rowMode ? { rowMode: options.rowMode } : {}),
    });

  /** The text with `$n` parameters, rewritten once per text. */
  private text(sql: string): string {
    let text = this.rewrites.get(sql);
    if (text === undefined) {
      text = positionalParameters(sql);
      if (this.rewrites.size >= 1000) this.rewrites.clear();
      this.rewrites.set(sql, text);
    }
    return text;
  }
}
