/**
 * Child process for file-based measurements, so each one starts from a fresh heap and reports its
 * own peak RSS. Usage (JSON on stdout):
 *   node --import tsx bench/lib/import-process.ts baseline <file.ndjson.gz>
 *   node --import tsx bench/lib/import-process.ts import <file.ndjson.gz> <database>
 *   node --import tsx bench/lib/import-process.ts download <simulator url> <enterprise slug> <YYYY-MM-DD>
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';

/**
 * Only the import: the benchmark's peak RSS is the import's, not the HTTP server's modules'. With
 * BENCH_COMPILED=1, the compiled ingester (ingester/dist, as the image runs it: its import worker starts
 * without compiling TypeScript), else the sources.
 */
type ImportModule = typeof import('@copilot-metrics/ingester/import');
const engine: Promise<ImportModule> = (
  process.env.BENCH_COMPILED === '1'
    ? import(join(__dirname, '..', '..', 'ingester', 'dist', 'importing.js'))
    : import('@copilot-metrics/ingester/import')
).then((module: Partial<ImportModule> & { default?: ImportModule }) =>
  // A CommonJS module imported from ESM may come as its default export only.
  module.default && !module.importReport ? module.default : (module as ImportModule),
);

export interface ImportProcessResult {
  mode: 'baseline' | 'import' | 'download';
  records: number;
  ms: number;
  /** import: how long the import worker took to start and load, before the clock. */
  workerLoadMs?: number;
  /** Peak resident set size of this process, in bytes. */
  maxRss: number;
  /** Peak V8 heap in use and peak off-heap buffers (sampled every 50 ms), in bytes: the rest of RSS is native (SQLite, zlib). */
  peakHeapUsed: number;
  peakExternal: number;
}

const peaks = { heapUsed: 0, external: 0 };
function sample(): void {
  const usage = process.memoryUsage();
  peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
  peaks.external = Math.max(peaks.external, usage.external);
}

/** The floor any ingest pays: gunzip, split lines, JSON.parse each one, store nothing. */
async function baseline(file: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let records = 0;
  for await (const line of lines) {
    if (line.length === 0) continue;
    if (JSON.parse(line)) records++;
  }
  return records;
}

/**
 * The floor of a sync over HTTP: ask for the users report's download links as the sync does, download
 * every file through the same client, split lines and JSON.parse each one; store nothing, write nothing.
 */
async function download(url: string, enterprise: string, day: string): Promise<number> {
  // Loaded here only: the other modes measure a process that loads nothing but the import.
  const { GitHubClient, StaticToken, silentLogger } = await import('@copilot-metrics/ingester');
  const client = new GitHubClient({ apiUrl: url, auth: new StaticToken('bench'), logger: silentLogger });
  try {
    const path = `/enterprises/${encodeURIComponent(enterprise)}/copilot/metrics/reports/users-1-day?day=${day}`;
    const answer = await client.call('GET', path, { account: enterprise });
    const links = (answer.body as { download_links?: string[] }).download_links;
    if (answer.status !== 200 || !links) throw new Error(`no download links (${answer.status})`);
    let records = 0;
    for (const link of links) {
      const response = await client.openDownload(link);
      if (response.statusCode !== 200) throw new Error(`download answered ${response.statusCode}`);
      for await (const line of createInterface({ input: response.body, crlfDelay: Infinity })) {
        if (line.length === 0) continue;
        if (JSON.parse(line)) records++;
      }
    }
    return records;
  } finally {
    await client.close();
  }
}

/**
 * The real path of a downloaded file: archive copy, parse, map, store, team and active-set rebuild.
 * The import worker is started and loaded before the clock, as a sync and a reprocess start it as they
 * begin (once a run, not once a report); how long it took to load is reported apart.
 */
async function ingest(
  file: string,
  database: string,
  day: number,
): Promise<{ records: number; ms: number; workerLoadMs: number }> {
  const { importReport, importWorkerReady, openDatabase, PostgresStore, Store } = await engine;
  const loading = performance.now();
  await importWorkerReady();
  const workerLoadMs = performance.now() - loading;
  // A PostgreSQL connection string (an empty database), or a SQLite file.
  const postgres = /^postgres(ql)?:\/\//.test(database);
  const db = postgres ? undefined : openDatabase(database);
  const store = db ? new Store(db) : await PostgresStore.open(database);
  const scopeId = await store.scopeId({ kind: 'enterprise', slug: 'octodemo' });
  const started = performance.now();
  const outcome = await importReport(store, { scopeId, kind: 'users', day }, [{ path: file }]);
  const ms = performance.now() - started;
  db?.close();
  if (store instanceof PostgresStore) await store.close();
  if (outcome.malformedLines)
    throw new Error(`${outcome.malformedLines} malformed lines: ${outcome.issues[0]}`);
  return { records: outcome.records, ms, workerLoadMs };
}

async function main() {
  setInterval(sample, 50).unref();
  const [mode, file, database, dayText] = process.argv.slice(2);
  let measured: { records: number; ms: number; workerLoadMs?: number };
  if (mode === 'baseline') {
    const started = performance.now();
    const records = await baseline(file);
    measured = { records, ms: performance.now() - started };
  } else if (mode === 'import')
    measured = await ingest(file, database, (await engine).parseDay(dayText || '2026-09-29')!);
  else if (mode === 'download') {
    // Here `file` is the simulator's URL and `database` the enterprise's slug.
    const started = performance.now();
    const records = await download(file, database, dayText);
    measured = { records, ms: performance.now() - started };
  } else throw new Error(`unknown mode "${mode}"`);
  sample();
  const result: ImportProcessResult = {
    mode,
    ...measured,
    maxRss: process.resourceUsage().maxRSS * 1024,
    peakHeapUsed: peaks.heapUsed,
    peakExternal: peaks.external,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
