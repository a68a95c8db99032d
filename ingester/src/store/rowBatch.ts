/**
 * Figure rows written in multi-row INSERTs: a report's rows are buffered per table and written
 * `WIDE_ROWS` at a time through one statement prepared once per table, instead of one statement per
 * row (about fifteen per users record); what is left when a batch of records ends (a flush) goes in
 * one statement of its size, also prepared once. A key already stored in the report makes the wide statement
 * fail as a whole (SQLite undoes that statement only); its rows are then written one by one, the
 * repeated key adding its counters as before.
 */
import type { Statement } from 'better-sqlite3';
import type { CellValue } from '../reports/mapping';
import type { TableSpec } from '../reports/schema';
import type { DB } from './connection';
import { RepeatedKeys } from './repeatedKeys';
import { wideInsertSql } from './reportSql';

/** Rows per multi-row INSERT (at most ~25 columns each: well under SQLite's 32,766 variables). */
export const WIDE_ROWS = 64;

interface TableBuffer {
  readonly spec: TableSpec;
  /** scope_id, day, subject, then the spec's cells, row after row. */
  readonly cells: CellValue[];
  /** Per buffered row: the caller's tag for "the subject already had figures", or -1. */
  readonly tags: number[];
}

export class RowBatcher {
  private readonly buffers = new Map<TableSpec, TableBuffer>();
  private readonly repeated = new RepeatedKeys();

  constructor(
    private readonly db: DB,
    private readonly plain: ReadonlyMap<TableSpec, Statement>,
    private readonly upsert: ReadonlyMap<TableSpec, Statement>,
    /** Wide statements by row count, prepared on first use and kept by the writer across reports. */
    private readonly wide: Map<TableSpec, Map<number, Statement>>,
  ) {}

  /**
   * Buffers one row. `tag` (≥ 0) is handed back by `takeRepeated` if the row's key was already stored
   * in this report; pass -1 for rows whose repetition is not worth telling.
   */
  add(
    spec: TableSpec,
    scopeId: number,
    day: number,
    subjectRef: number,
    values: CellValue[],
    tag: number,
  ): void {
    let buffer = this.buffers.get(spec);
    if (!buffer) this.buffers.set(spec, (buffer = { spec, cells: [], tags: [] }));
    const cells = buffer.cells;
    cells.push(scopeId, day, subjectRef);
    for (let i = 0; i < values.length; i++) cells.push(values[i]);
    buffer.tags.push(tag);
    if (buffer.tags.length === WIDE_ROWS) this.writeWide(buffer);
  }

  /** Writes every buffered row (before anything reads the tables, and before commit). */
  flush(): void {
    for (const buffer of this.buffers.values()) if (buffer.tags.length) this.writeWide(buffer);
  }

  /** Tags of rows whose key was already stored in this report, since the last call. */
  takeRepeated(): number[] {
    return this.repeated.take();
  }

  /** Whether any row so far was merged into one stored before it (its cells are not as written). */
  get merged(): boolean {
    return this.repeated.any;
  }

  /** Forgets buffered rows (the transaction is rolled back). */
  discard(): void {
    this.buffers.clear();
    this.repeated.clear();
  }

  /** The buffered rows in one statement: `WIDE_ROWS` of them, or what is left when the batch is flushed. */
  private writeWide(buffer: TableBuffer): void {
    const statement = this.wideStatement(buffer.spec, buffer.tags.length);
    try {
      statement.run(buffer.cells);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
      this.writeRows(buffer);
      return;
    }
    buffer.cells.length = 0;
    buffer.tags.length = 0;
  }

  /** One statement a row: a wide batch with a repeated key. */
  private writeRows(buffer: TableBuffer): void {
    const { spec, cells, tags } = buffer;
    if (tags.length === 0) return;
    const width = cells.length / tags.length;
    const plain = this.plain.get(spec)!;
    for (let row = 0; row < tags.length; row++) {
      const values = cells.slice(row * width, (row + 1) * width);
      try {
        plain.run(values);
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
        this.repeated.merged(tags[row]);
        this.upsert.get(spec)!.run(values);
      }
    }
    cells.length = 0;
    tags.length = 0;
  }

  private wideStatement(spec: TableSpec, rows: number): Statement {
    let bySize = this.wide.get(spec);
    if (!bySize) this.wide.set(spec, (bySize = new Map()));
    let statement = bySize.get(rows);
    if (!statement) {
      statement = this.db.prepare(wideInsertSql(spec, rows));
      bySize.set(rows, statement);
    }
    return statement;
  }
}
