import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { DayNumber } from '../days';
import type { ReportKind } from '../reports/types';
import type { Store } from '../store/writer';
import { importReport, type ReportFile } from './importer';

export interface ReprocessSummary {
  reports: number;
  records: number;
  malformedLines: number;
  unknownKeys: string[];
}

/**
 * Rebuilds every figure table from the raw archive, report by report, each in its own transaction,
 * with the current mapping. Run it after an upgrade that stores more of what GitHub sends.
 */
export async function reprocess(
  store: Store,
  options: { from?: DayNumber; to?: DayNumber; onReport?: (records: number) => void } = {},
): Promise<ReprocessSummary> {
  const reports = store.db
    .prepare(
      `SELECT scope_id, kind, day FROM reports WHERE status = 'ok' AND day BETWEEN ? AND ?
       AND EXISTS (SELECT 1 FROM raw_chunks r WHERE r.scope_id = reports.scope_id AND r.kind = reports.kind AND r.day = reports.day)
       ORDER BY day, scope_id, kind`,
    )
    .all(options.from ?? -1e9, options.to ?? 1e9) as { scope_id: number; kind: ReportKind; day: number }[];
  const chunkIds = store.db.prepare(
    'SELECT id, file_index FROM raw_chunks WHERE scope_id = ? AND kind = ? AND day = ? ORDER BY file_index, chunk_index',
  );
  const chunkData = store.db.prepare('SELECT data FROM raw_chunks WHERE id = ?').pluck();
  const dir = await mkdtemp(join(tmpdir(), 'copilot-metrics-reprocess-'));
  const summary: ReprocessSummary = { reports: 0, records: 0, malformedLines: 0, unknownKeys: [] };
  const unknown = new Set<string>();
  try {
    for (const report of reports) {
      const ids = chunkIds.all(report.scope_id, report.kind, report.day) as {
        id: number;
        file_index: number;
      }[];
      // One compressed chunk in memory at a time; the connection is never left mid-iteration across awaits.
      const rows = ids.map((row) => ({
        file_index: row.file_index,
        data: () => chunkData.get(row.id) as Buffer,
      }));
      const files = await extract(rows, dir);
      const outcome = await importReport(
        store,
        { scopeId: report.scope_id, kind: report.kind, day: report.day },
        files,
        { archive: false },
      );
      summary.reports++;
      summary.records += outcome.records;
      summary.malformedLines += outcome.malformedLines;
      for (const key of outcome.unknownKeys) unknown.add(`${report.kind}: ${key}`);
      options.onReport?.(outcome.records);
      await Promise.all(files.map((file) => rm(file.path, { force: true })));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  summary.unknownKeys = [...unknown].sort();
  return summary;
}

/** Writes the archived gzip chunks back to one file per original download. */
async function extract(
  rows: Iterable<{ file_index: number; data: () => Buffer }>,
  dir: string,
): Promise<ReportFile[]> {
  const files: ReportFile[] = [];
  let current: { index: number; stream: ReturnType<typeof createWriteStream>; file: ReportFile } | undefined;
  const close = async () => {
    if (!current) return;
    current.stream.end();
    await once(current.stream, 'close');
  };
  for (const row of rows) {
    if (!current || current.index !== row.file_index) {
      await close();
      const file: ReportFile = { path: join(dir, `part-${row.file_index}.ndjson.gz`) };
      files.push(file);
      current = { index: row.file_index, stream: createWriteStream(file.path), file };
    }
    if (!current.stream.write(row.data())) await once(current.stream, 'drain');
  }
  await close();
  return files;
}
