/**
 * A report's figure rows on PostgreSQL, as the SQLite writer's (../rowBatch.ts): buffered per table,
 * written a batch a statement. A batch is one INSERT … SELECT FROM unnest(…) binding one array per
 * column, not a VALUES tuple per row: the server then parses and plans one short statement, prepared
 * once per connection, and binds a few dozen arrays instead of up to 30,000 parameters, which cost
 * the writer's backend more CPU than storing the rows. A key already stored in the report (a user
 * listed twice, a repeated breakdown entry) makes the batch fail with a unique violation; a savepoint
 * taken before it undoes that statement alone, and the batch's rows are then written one by one with
 * the upsert that adds counters (`insertSql`), whose `RETURNING (xmax <> 0)` tells which updated a
 * stored row.
 *
 * `add` is a buffered call: a full batch is handed to the connection at once (its statement runs while
 * the caller maps the next records) and `flush` waits for every batch, reporting the first failure.
 */
import type { CellValue } from '../../reports/mapping';
import type { ColumnSpec, TableSpec } from '../../reports/schema';
import { POSTGRES } from '../dialect';
import { RepeatedKeys } from '../repeatedKeys';
import { insertSql, keyColumnsOf } from '../reportSql';
import { type Query, type WriterConnection, isUniqueViolation } from './writerConnection';

/** Rows a statement at most: past this, a larger statement saves no round trip worth having. */
const BATCH_ROWS = 1000;

interface TableBuffer {
  readonly spec: TableSpec;
  /** The buffered rows, a list per column in the spec's order (scope_id, day, subject first). */
  columns: CellValue[][];
  tags: number[];
}

/** The statements of one table spec, built once per process. */
interface SpecSql {
  unnest: string;
  unnestName: string;
  upsert: string;
}

const specSql = new Map<TableSpec, SpecSql>();
let named = 0;

/**
 * The array type a column's values are bound as: the widest of its kind (bigint for every integer,
 * the schema's integer keys included: INSERT casts them back), as the table's column is typed.
 */
function arrayType(column: ColumnSpec | undefined): string {
  if (column?.kind === 'text') return 'text[]';
  if (column?.kind === 'real') return 'double precision[]';
  return 'bigint[]';
}

/** The array type of each of a spec's columns, in its row order. */
export function unnestTypes(spec: TableSpec): string[] {
  return [
    ...['scope_id', 'day', spec.subject].map(() => 'bigint[]'),
    ...(spec.fixed ? ['bigint[]'] : []), // a dictionary id
    ...spec.keys.map(arrayType),
    ...spec.values.map(arrayType),
  ];
}

function sqlOf(spec: TableSpec): SpecSql {
  let sql = specSql.get(spec);
  if (!sql) {
    const columns = [...keyColumnsOf(spec), ...spec.values.map((v) => v.column)];
    sql = {
      unnest: `INSERT INTO ${spec.table} (${columns.join(', ')}) SELECT * FROM unnest(${unnestTypes(spec)
        .map((type) => `?::${type}`)
        .join(', ')})`,
      // Prepared once per connection under this name: parsed and planned once, not per batch.
      unnestName: `report_rows_${++named}`,
      upsert: `${insertSql(spec, POSTGRES)} RETURNING (xmax <> 0) AS repeated`,
    };
    specSql.set(spec, sql);
  }
  return sql;
}

export class PostgresRowBatcher {
  private readonly buffers = new Map<TableSpec, TableBuffer>();
  private readonly repeated = new RepeatedKeys();
  private readonly pending: Promise<void>[] = [];
  private failure: unknown;

  constructor(private readonly connection: WriterConnection) {}

  /** Buffers one row; `tag` (≥ 0) comes back from `takeRepeated` if its key was already stored. */
  add(
    spec: TableSpec,
    scopeId: number,
    day: number,
    subjectRef: number,
    values: CellValue[],
    tag: number,
  ): void {
    let buffer = this.buffers.get(spec);
    if (!buffer)
      this.buffers.set(spec, (buffer = { spec, columns: emptyColumns(3 + values.length), tags: [] }));
    const columns = buffer.columns;
    columns[0].push(scopeId);
    columns[1].push(day);
    columns[2].push(subjectRef);
    for (let i = 0; i < values.length; i++) columns[3 + i].push(values[i]);
    buffer.tags.push(tag);
    if (buffer.tags.length === BATCH_ROWS) this.write(buffer);
  }

  /** Writes every buffered row and waits for every batch; throws the first failure. */
  async flush(): Promise<void> {
    for (const buffer of this.buffers.values()) if (buffer.tags.length) this.write(buffer);
    const pending = this.pending.splice(0, this.pending.length);
    await Promise.all(pending);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Tags of rows whose key was already stored in this report, since the last call (after `flush`). */
  takeRepeated(): number[] {
    return this.repeated.take();
  }

  /** Whether any row so far was merged into one stored before it (its cells are not as written). */
  get merged(): boolean {
    return this.repeated.any;
  }

  /** Forgets buffered rows (the transaction is rolled back). */
  async discard(): Promise<void> {
    this.buffers.clear();
    this.repeated.clear();
    await Promise.allSettled(this.pending.splice(0, this.pending.length));
  }

  /** Hands the buffer's rows to the connection, and starts a new buffer. */
  private write(buffer: TableBuffer): void {
    const { spec, columns, tags } = buffer;
    buffer.columns = emptyColumns(columns.length);
    buffer.tags = [];
    const written = this.connection
      .serial((query) => this.writeBatch(query, spec, columns, tags))
      .catch((error: unknown) => {
        this.failure ??= error;
      });
    this.pending.push(written);
  }

  private async writeBatch(
    query: Query,
    spec: TableSpec,
    columns: CellValue[][],
    tags: number[],
  ): Promise<void> {
    if (this.failure !== undefined) return; // the transaction is failing: it will be rolled back
    const sql = sqlOf(spec);
    await query('SAVEPOINT report_rows');
    try {
      await query(sql.unnest, columns, { name: sql.unnestName });
      await query('RELEASE SAVEPOINT report_rows');
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await query('ROLLBACK TO SAVEPOINT report_rows');
      await query('RELEASE SAVEPOINT report_rows');
    }
    for (let row = 0; row < tags.length; row++) {
      const { rows } = await query<{ repeated: boolean }>(
        sql.upsert,
        columns.map((column) => column[row]),
      );
      if (rows[0].repeated) this.repeated.merged(tags[row]);
    }
  }
}

function emptyColumns(width: number): CellValue[][] {
  return Array.from({ length: width }, () => []);
}
