/**
 * 3 Memory: peak RSS of a process that imports one users-1-day report, at two file sizes (the larger
 * at least 1 GB of NDJSON in the full run). Streaming means the peak should not follow the file size.
 */
import { rmSync } from 'node:fs';
import { formatDay } from '@copilot-metrics/ingester';
import { LATEST_DAY, tmpPath, usersForBytes, usersReportFile } from '../lib/fixtures';
import { buildIngester, runImportProcess } from '../lib/processes';
import { MB, round } from '../lib/stats';
import type { SectionContext } from './context';

export interface MemoryPoint {
  ndjsonMB: number;
  records: number;
  seconds: number;
  peakRssMB: number;
  peakHeapMB: number;
  peakExternalMB: number;
  /** Peak RSS of reading and parsing the same file, storing nothing. */
  baselineRssMB: number;
}

export interface MemoryResult {
  points: MemoryPoint[];
  /** Extra peak RSS per extra MB of input between the smallest and the largest file. */
  rssGrowthPerInputMB: number;
  /** The same for peak RSS minus the parse-only process's (absent in results before 2026-11-28 16:00). */
  aboveFloorGrowthPerInputMB?: number;
}

export async function memory(ctx: SectionContext): Promise<MemoryResult> {
  buildIngester(ctx.log);
  const points: MemoryPoint[] = [];
  for (const bytes of ctx.options.memoryBytes) {
    const users = usersForBytes(bytes);
    ctx.log(`generating a users-1-day report of ~${Math.round(bytes / MB)} MB (${users} members)…`);
    const report = await usersReportFile(users, ctx.options.orgs);
    const database = tmpPath(`memory-${users}u.db`);
    const fresh = () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
    };
    fresh();
    const baseline = await runImportProcess('baseline', report.path);
    const result = await runImportProcess('import', report.path, database, formatDay(LATEST_DAY));
    fresh();
    const point: MemoryPoint = {
      ndjsonMB: round(report.bytes / MB),
      records: result.records,
      seconds: round(result.ms / 1000),
      peakRssMB: round(result.maxRss / MB),
      peakHeapMB: round(result.peakHeapUsed / MB),
      peakExternalMB: round(result.peakExternal / MB),
      baselineRssMB: round(baseline.maxRss / MB),
    };
    ctx.log(
      `${point.ndjsonMB} MB, ${point.records} records: peak RSS ${point.peakRssMB} MB (heap ${point.peakHeapMB} MB, buffers ${point.peakExternalMB} MB; parse-only ${point.baselineRssMB} MB) in ${point.seconds} s`,
    );
    points.push(point);
  }
  const first = points[0];
  const last = points.at(-1)!;
  return {
    points,
    rssGrowthPerInputMB:
      last === first ? 0 : round((last.peakRssMB - first.peakRssMB) / (last.ndjsonMB - first.ndjsonMB), 3),
    // What the import adds above reading and parsing the same file (the parse-only floor grows too).
    aboveFloorGrowthPerInputMB:
      last === first
        ? 0
        : round(
            (last.peakRssMB - last.baselineRssMB - (first.peakRssMB - first.baselineRssMB)) /
              (last.ndjsonMB - first.ndjsonMB),
            3,
          ),
  };
}
