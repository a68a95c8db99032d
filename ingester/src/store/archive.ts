/**
 * The raw archive (raw_chunks): every report's downloaded files, gzip-compressed as received, in
 * chunks, written with the report and read back by `reprocess` to rebuild the figures after an
 * upgrade that stores more.
 */
import type { Statement } from 'better-sqlite3';
import type { DayNumber } from '../days';
import type { ReportKind } from '../reports/types';
import type { DB } from './connection';
import type { ArchivedReport } from './interface';

export class Archive {
  private readonly remove: Statement;
  private readonly insert: Statement;
  private readonly reports: Statement;
  private readonly chunkIds: Statement;
  private readonly chunkData: Statement;

  constructor(db: DB) {
    this.remove = db.prepare('DELETE FROM raw_chunks WHERE scope_id = ? AND kind = ? AND day = ?');
    this.insert = db.prepare(
      'INSERT INTO raw_chunks (scope_id, kind, day, file_index, chunk_index, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.reports = db.prepare(
      `SELECT scope_id, kind, day FROM reports WHERE status = 'ok' AND day BETWEEN ? AND ?
       AND EXISTS (SELECT 1 FROM raw_chunks r WHERE r.scope_id = reports.scope_id AND r.kind = reports.kind AND r.day = reports.day)
       ORDER BY day, scope_id, kind`,
    );
    this.chunkIds = db.prepare(
      'SELECT id, file_index FROM raw_chunks WHERE scope_id = ? AND kind = ? AND day = ? ORDER BY file_index, chunk_index',
    );
    this.chunkData = db.prepare('SELECT data FROM raw_chunks WHERE id = ?').pluck();
  }

  /** The ok reports of the days from..to (every day when absent) that have archived files, oldest first. */
  archivedReports(range: { from?: DayNumber; to?: DayNumber }): ArchivedReport[] {
    const rows = this.reports.all(range.from ?? -1e9, range.to ?? 1e9) as {
      scope_id: number;
      kind: ReportKind;
      day: number;
    }[];
    return rows.map((row) => ({ scopeId: row.scope_id, kind: row.kind, day: row.day }));
  }

  /** A report's chunks in file and chunk order; each is read when its `data` is called, not before. */
  chunksOf(report: ArchivedReport): { fileIndex: number; data: () => Buffer }[] {
    const rows = this.chunkIds.all(report.scopeId, report.kind, report.day) as {
      id: number;
      file_index: number;
    }[];
    return rows.map((row) => ({
      fileIndex: row.file_index,
      data: () => this.chunkData.get(row.id) as Buffer,
    }));
  }

  /** Drops a report's archived files, before the new download is archived. */
  removeReport(scopeId: number, kind: ReportKind, day: DayNumber): void {
    this.remove.run(scopeId, kind, day);
  }

  addChunk(
    scopeId: number,
    kind: ReportKind,
    day: DayNumber,
    fileIndex: number,
    chunkIndex: number,
    data: Buffer,
  ): void {
    this.insert.run(scopeId, kind, day, fileIndex, chunkIndex, data);
  }
}
