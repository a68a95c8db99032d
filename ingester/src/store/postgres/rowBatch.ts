/**
 * A report's figure rows on PostgreSQL, as the SQLite writer's (../rowBatch.ts): buffered per table,
 * written in multi-row INSERTs. A key already stored in the report (a user listed twice, a repeated
 * breakdown entry) makes the wide INSERT fail with a unique violation; a savepoint taken before it
 * undoes that statement alone, and the batch's rows are then written one by one with the upsert that
 * adds counters (`insertSql`), whose `RETURNING (xmax <> 0)` tells which updated a stored row.
 *
 * `add` is a buffered call: a full batch is handed to the connection at once (its statement runs while
 * the caller maps the next records) and `flush` waits for every batch, reporting the first failure.
 */
import type { CellValue } from '../../reports/mapping';
import type { TableSpec } from '../../reports/schema';
import { POSTGRES } from '../dialect';
import { insertSql, wideInsertSql } from '../reportSql';
import { type Query, type WriterConnection, isUniqueViolation } from './writerConnection';

/** Bind parameters a statement at most: well under PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;
/** Rows a statement at most: past this, a larger statement saves no round trip worth having. */
const MAX_ROWS = 1000;

interface TableBuffer {
  readonly spec: TableSpec;
  /** Rows a full batch holds (the table's width decides). */
  readonly rows: number;
  cells: CellValue[];
  tags: number[];
}

/** The statements of one table spec, built once per process. */
interface SpecSql {
  wide: string;
  wideName: string;
  upsert: string;
}

const specSql = new Map<TableSpec, SpecSql>();
let named = 0;

function sqlOf(spec: TableSpec, rows: number): SpecSql {
  let sql = specSql.get(spec);
  if (!sql) {
    sql = {
      wide: wideInsertSql(spec, rows),
      // Prepared once per connection under this name: parsed and planned once, not per batch.
      wideName: `report_rows_${++named}`,
      upsert: `${insertSql(spec, POSTGRES)} RETURNING (xmax <> 0) AS repeated`,
    };
    specSql.set(spec, sql);
  }
  return sql;
}

export class PostgresRowBatcher {
  private readonly buffers = new Map<TableSpec, TableBuffer>();
  private readonly repeated: number[] = [];
  private mergedAny = false;
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
    if (!buffer) {
      const width = 3 + values.length;
      const rows = Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / width));
      this.buffers.set(spec, (buffer = { spec, rows, cells: [], tags: [] }));
    }
    const cells = buffer.cells;
    cells.push(scopeId, day, subjectRef);
    for (let i = 0; i < values.length; i++) cells.push(values[i]);
    buffer.tags.push(tag);
    if (buffer.tags.length === buffer.rows) this.write(buffer);
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
    return this.repeated.splice(0, this.repeated.length);
  }

  /** Whether any row so far was merged into one stored before it (its cells are not as written). */
  get merged(): boolean {
    return this.mergedAny;
  }

  /** Forgets buffered rows (the transaction is rolled back). */
  async discard(): Promise<void> {
    this.buffers.clear();
    this.repeated.length = 0;
    await Promise.allSettled(this.pending.splice(0, this.pending.length));
  }

  /** Hands the buffer's rows to the connection, and starts a new buffer. */
  private write(buffer: TableBuffer): void {
    const { spec, cells, tags } = buffer;
    buffer.cells = [];
    buffer.tags = [];
    const written = this.connection
      .serial((query) => this.writeBatch(query, spec, buffer.rows, cells, tags))
      .catch((error: unknown) => {
        this.failure ??= error;
      });
    this.pending.push(written);
  }

  private async writeBatch(
    query: Query,
    spec: TableSpec,
    fullRows: number,
    cells: CellValue[],
    tags: number[],
  ): Promise<void> {
    if (this.failure !== undefined) return; // the transaction is failing: it will be rolled back
    const sql = sqlOf(spec, fullRows);
    const full = tags.length === fullRows;
    await query('SAVEPOINT report_rows');
    try {
      await query(
        full ? sql.wide : wideInsertSql(spec, tags.length),
        cells,
        full ? { name: sql.wideName } : {},
      );
      await query('RELEASE SAVEPOINT report_rows');
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await query('ROLLBACK TO SAVEPOINT report_rows');
      await query('RELEASE SAVEPOINT report_rows');
    }
    const width = cells.length / tags.length;
    for (let row = 0; row < tags.length; row++) {
      const { rows } = await query<{ repeated: boolean }>(
        sql.upsert,
        cells.slice(row * width, (row + 1) * width),
      );
      if (!rows[0].repeated) continue;
      this.mergedAny = true;
      if (tags[row] >= 0) this.repeated.push(tags[row]);
    }
  }
}
