/**
 * The raw archive (raw_chunks): every report's downloaded files, gzip-compressed as received, in
 * chunks, so that `reprocess` can rebuild the figures after an upgrade that stores more.
 */
import type { Statement } from 'better-sqlite3';
import type { DayNumber } from '../days';
import type { ReportKind } from '../reports/types';
import type { DB } from './connection';

export class Archive {
  private readonly remove: Statement;
  private readonly insert: Statement;

  constructor(db: DB) {
    this.remove = db.prepare('DELETE FROM raw_chunks WHERE scope_id = ? AND kind = ? AND day = ?');
    this.insert = db.prepare(
      'INSERT INTO raw_chunks (scope_id, kind, day, file_index, chunk_index, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
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
