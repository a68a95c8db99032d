/** The raw archive (raw_chunks) on PostgreSQL: ../archive.ts's statements, the chunks as bytea. */
import type { DayNumber } from '../../days';
import type { ReportKind } from '../../reports/types';
import type { ArchivedChunk, ArchivedReport } from '../interface';
import type { Query, WriterConnection } from './writerConnection';

export class PostgresArchive {
  constructor(private readonly connection: WriterConnection) {}

  async archivedReports(range: { from?: DayNumber; to?: DayNumber }): Promise<ArchivedReport[]> {
    const { rows } = await this.connection.query<{ scope_id: number; kind: ReportKind; day: number }>(
      `SELECT scope_id, kind, day FROM reports WHERE status = 'ok' AND day BETWEEN ? AND ?
       AND EXISTS (SELECT 1 FROM raw_chunks r WHERE r.scope_id = reports.scope_id AND r.kind = reports.kind AND r.day = reports.day)
       ORDER BY day, scope_id, kind`,
      [range.from ?? -1e9, range.to ?? 1e9],
    );
    return rows.map((row) => ({ scopeId: row.scope_id, kind: row.kind, day: row.day }));
  }

  /** A report's chunks in file and chunk order; each is read when its `data` is called, not before. */
  async chunksOf(report: ArchivedReport): Promise<ArchivedChunk[]> {
    const { rows } = await this.connection.query<{ id: number; file_index: number }>(
      'SELECT id, file_index FROM raw_chunks WHERE scope_id = ? AND kind = ? AND day = ? ORDER BY file_index, chunk_index',
      [report.scopeId, report.kind, report.day],
    );
    return rows.map((row) => ({
      fileIndex: row.file_index,
      data: async () =>
        (await this.connection.query<{ data: Buffer }>('SELECT data FROM raw_chunks WHERE id = ?', [row.id]))
          .rows[0].data,
    }));
  }

  async removeReport(query: Query, scopeId: number, kind: ReportKind, day: DayNumber): Promise<void> {
    await query('DELETE FROM raw_chunks WHERE scope_id = ? AND kind = ? AND day = ?', [scopeId, kind, day]);
  }

  async addChunk(
    scopeId: number,
    kind: ReportKind,
    day: DayNumber,
    fileIndex: number,
    chunkIndex: number,
    data: Buffer,
  ): Promise<void> {
    await this.connection.query(
      'INSERT INTO raw_chunks (scope_id, kind, day, file_index, chunk_index, data) VALUES (?, ?, ?, ?, ?, ?)',
      [scopeId, kind, day, fileIndex, chunkIndex, data],
    );
  }
}
