/**
 * The simulated enterprise every section measures, and the files and databases built from it. Built
 * artefacts are cached under bench/results/tmp (git-ignored), keyed by their parameters.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { ARCHIVE_GZIP_LEVEL, type DayNumber, parseDay } from '@copilot-metrics/ingester';
import { Population, ReportGenerator } from '@copilot-metrics/ingester/testing';

/** "Today" for every run, so that figures do not depend on the calendar (as in the tests). */
export const TODAY: DayNumber = parseDay('2026-10-01')!;
/** The latest day GitHub has a report for (reports lag two days). */
export const LATEST_DAY: DayNumber = TODAY - 2;
export const NOW = new Date(TODAY * 86_400_000 + 12 * 3_600_000);
export const SEED = 42;

export const TMP_DIR = join(__dirname, '..', 'results', 'tmp');

/** Changes whenever the simulator's code does, so that cached report files are never stale. */
function simulatorFingerprint(): string {
  const dir = join(__dirname, '..', '..', 'ingester', 'src', 'simulator');
  const hash = createHash('sha1');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files.sort()) hash.update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 8);
}

export function tmpPath(name: string): string {
  mkdirSync(TMP_DIR, { recursive: true });
  return join(TMP_DIR, name);
}

export interface ReportFileStats {
  path: string;
  /** NDJSON bytes before compression. */
  bytes: number;
  gzipBytes: number;
  records: number;
  users: number;
  day: DayNumber;
}

/**
 * Writes the enterprise's users-1-day report for `day`, gzip-compressed the way downloads are
 * archived, streaming (never holding the file). Reuses a cached file with the same parameters.
 */
export async function usersReportFile(
  users: number,
  orgs: number,
  day = LATEST_DAY,
): Promise<ReportFileStats> {
  const path = tmpPath(`users-1-day-${users}u-${orgs}o-${day}-${simulatorFingerprint()}.ndjson.gz`);
  const statsPath = `${path}.json`;
  if (existsSync(path) && existsSync(statsPath)) return JSON.parse(readFileSync(statsPath, 'utf8'));
  const generator = new ReportGenerator(new Population({ seed: SEED, users, orgs }));
  const gzip = createGzip({ level: ARCHIVE_GZIP_LEVEL });
  const out = gzip.pipe(createWriteStream(`${path}.partial`));
  let bytes = 0;
  let records = 0;
  let batch = '';
  for (let u = 0; u < users; u++) {
    const record = generator.userRecord(u, day, { kind: 'enterprise' });
    if (!record) continue;
    batch += `${JSON.stringify(record)}\n`;
    records++;
    if (batch.length >= 1 << 20) {
      bytes += Buffer.byteLength(batch);
      if (!gzip.write(batch)) await once(gzip, 'drain');
      batch = '';
    }
  }
  bytes += Buffer.byteLength(batch);
  gzip.end(batch);
  await once(out, 'finish');
  renameSync(`${path}.partial`, path);
  const stats: ReportFileStats = { path, bytes, gzipBytes: statSync(path).size, records, users, day };
  writeFileSync(statsPath, JSON.stringify(stats));
  return stats;
}

/** Population size whose users-1-day report on LATEST_DAY is about `bytes` of NDJSON (~1.95 KB per member). */
export function usersForBytes(bytes: number): number {
  return Math.min(1_000_000, Math.ceil(bytes / 1950));
}
