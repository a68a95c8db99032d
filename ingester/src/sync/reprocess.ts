import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { DayNumber } from '../days';
import type { ArchivedChunk, SyncStore } from '../store/interface';
import { prewarmImportWorker } from './importPipeline';
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
  store: SyncStore,
  options: { from?: DayNumber; to?: DayNumber; onReport?: (records: number) => void } = {},
): Promise<ReprocessSummary> {
  const reports = await store.archivedReports({ from: options.from, to: options.to });
  // As a sync does: the reading thread of the large reports boots while the first one is extracted.
  if (reports.some((report) => report.kind !== 'aggregate')) prewarmImportWorker();
  const dir = await mkdtemp(join(tmpdir(), 'copilot-metrics-reprocess-'));
  const summary: ReprocessSummary = { reports: 0, records: 0, malformedLines: 0, unknownKeys: [] };
  const unknown = new Set<string>();
  try {
    for (const report of reports) {
      // One compressed chunk in memory at a time; the connection is never left mid-iteration across awaits.
      const files = await extract(await store.archivedChunks(report), dir);
      const outcome = await importReport(store, report, files, { archive: false });
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
async function extract(chunks: Iterable<ArchivedChunk>, dir: string): Promise<ReportFile[]> {
  const files: ReportFile[] = [];
  let current: { index: number; stream: ReturnType<typeof createWriteStream>; file: ReportFile } | undefined;
  const close = async () => {
    if (!current) return;
    current.stream.end();
    await once(current.stream, 'close');
  };
  for (const chunk of chunks) {
    if (!current || current.index !== chunk.fileIndex) {
      await close();
      const file: ReportFile = { path: join(dir, `part-${chunk.fileIndex}.ndjson.gz`) };
      files.push(file);
      current = { index: chunk.fileIndex, stream: createWriteStream(file.path), file };
    }
    if (!current.stream.write(await chunk.data())) await once(current.stream, 'drain');
  }
  await close();
  return files;
}
