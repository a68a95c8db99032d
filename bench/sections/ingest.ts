/**
 * 1 Ingest throughput: a users-1-day report imported from a local gzip file and synced over HTTP from
 * the simulator, against the floor of reading and JSON.parse-ing the same bytes (storing nothing).
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { formatDay } from '@copilot-metrics/ingester';
import { SYNC_SETTINGS } from '../lib/database';
import { postgresDatabase } from '../lib/engine';
import { LATEST_DAY, SEED, tmpPath, usersReportFile } from '../lib/fixtures';
import { buildIngester, runImportProcess, startIngester, startSimulator } from '../lib/processes';
import { MB, round } from '../lib/stats';
import type { SectionContext } from './context';

export interface Throughput {
  seconds: number;
  recordsPerSecond: number;
  mbPerSecond: number;
}

export interface IngestResult {
  users: number;
  records: number;
  ndjsonBytes: number;
  gzipBytes: number;
  baseline: Throughput;
  /** `workerLoadMs`: the import worker's start and load, done before the clock (as a sync does as it begins). */
  file: Throughput & { ratio: number; workerLoadMs: number };
  http: Throughput & { ratio: number; files: number };
  /**
   * The floor of the HTTP sync, measured in the same run against the same simulator: the report's
   * download links fetched and every line JSON.parse'd, nothing stored (best of two).
   */
  download?: Throughput & { httpRatio: number };
}

export async function ingest(ctx: SectionContext, users: number): Promise<IngestResult> {
  buildIngester(ctx.log);
  const report = await usersReportFile(users, ctx.options.orgs);
  ctx.log(`users-1-day file: ${report.records} records, ${(report.bytes / MB).toFixed(1)} MB NDJSON`);
  const rate = (ms: number): Throughput => ({
    seconds: round(ms / 1000, 2),
    recordsPerSecond: Math.round(report.records / (ms / 1000)),
    mbPerSecond: round(report.bytes / MB / (ms / 1000)),
  });

  // Best of two, so a stray pause on a shared machine does not decide the ratio.
  const best = async (run: () => Promise<number>) => Math.min(await run(), await run());
  const baselineMs = await best(async () => (await runImportProcess('baseline', report.path)).ms);
  const postgres = ctx.options.engine === 'postgres';
  // An empty database for each import: a new SQLite file, or a new PostgreSQL database.
  let database = tmpPath(`ingest-${users}u.db`);
  const fresh = async () => {
    if (postgres) database = await postgresDatabase(`ingest_${users}u`);
    else for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
  };
  const workerLoads: number[] = [];
  const fileMs = await best(async () => {
    await fresh();
    const result = await runImportProcess('import', report.path, database, formatDay(LATEST_DAY));
    if (result.records !== report.records) throw new Error(`imported ${result.records} of ${report.records}`);
    workerLoads.push(result.workerLoadMs!);
    return result.ms;
  });

  // Over HTTP: the real sync of one users-1-day report (links, download in shards, gzip to disk, import).
  await fresh();
  const simulator = await startSimulator({ users, orgs: ctx.options.orgs, seed: SEED });
  const ingester = await startIngester({ database, simulatorUrl: simulator.url, scopes: simulator.scopes });
  let httpMs: number;
  let files: number;
  let downloadMs: number;
  try {
    downloadMs = await best(async () => {
      const result = await runImportProcess(
        'download',
        simulator.url,
        simulator.scopes[0].slug,
        formatDay(LATEST_DAY),
      );
      if (result.records !== report.records)
        throw new Error(`downloaded ${result.records} of ${report.records}`);
      return result.ms;
    });
    const started = performance.now();
    const summary = await ingester.sync({
      settings: SYNC_SETTINGS,
      scopes: [simulator.scopes[0]],
      kinds: ['users'],
      from: LATEST_DAY,
      to: LATEST_DAY,
    });
    httpMs = performance.now() - started;
    if (summary.records !== report.records) throw new Error(`synced ${summary.records} of ${report.records}`);
    files = Math.ceil(users / 5000);
  } finally {
    await ingester.stop();
    await simulator.stop();
    if (!postgres) await fresh();
  }
  const result: IngestResult = {
    users,
    records: report.records,
    ndjsonBytes: report.bytes,
    gzipBytes: report.gzipBytes,
    baseline: rate(baselineMs),
    file: {
      ...rate(fileMs),
      ratio: round(fileMs / baselineMs, 2),
      workerLoadMs: round(Math.max(...workerLoads)),
    },
    http: { ...rate(httpMs), ratio: round(httpMs / baselineMs, 2), files },
    download: { ...rate(downloadMs), httpRatio: round(httpMs / downloadMs, 2) },
  };
  ctx.log(
    `baseline ${result.baseline.recordsPerSecond} rec/s; file ${result.file.recordsPerSecond} rec/s (×${result.file.ratio}; worker loaded in ${result.file.workerLoadMs} ms before the clock); http ${result.http.recordsPerSecond} rec/s (×${result.http.ratio}); download + parse ${result.download!.recordsPerSecond} rec/s (http ÷ download ×${result.download!.httpRatio})`,
  );
  return result;
}
