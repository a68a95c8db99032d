/**
 * Enterprise databases built the real way: the sync code against the simulator over HTTP. A finished
 * build leaves a marker next to the file; an interrupted one is rebuilt from scratch.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Scope, SyncSummary } from '@copilot-metrics/ingester';
import { SEED, tmpPath } from './fixtures';
import { startIngester, startSimulator } from './processes';

export interface BuiltDatabase {
  path: string;
  users: number;
  orgs: number;
  days: number;
  scopes: Scope[];
  backfill: SyncTiming;
  resync: SyncTiming;
}

export interface SyncTiming {
  seconds: number;
  reports: number;
  noData: number;
  failed: number;
  records: number;
}

export const SYNC_SETTINGS = { backfillDays: 365, refetchDays: 3, concurrency: 4 };

export function databasePath(users: number, orgs: number, days: number): string {
  return tmpPath(`enterprise-${users}u-${orgs}o-${days}d.db`);
}

/** Backfills `days` of every report kind for the enterprise and its orgs, then re-syncs (trailing re-fetch only). */
export async function buildDatabase(
  users: number,
  orgs: number,
  days: number,
  log: (line: string) => void,
): Promise<BuiltDatabase> {
  const path = databasePath(users, orgs, days);
  for (const suffix of ['', '-wal', '-shm', '.json']) rmSync(`${path}${suffix}`, { force: true });
  const simulator = await startSimulator({ users, orgs, seed: SEED });
  const ingester = await startIngester({
    database: path,
    simulatorUrl: simulator.url,
    scopes: simulator.scopes,
  });
  try {
    const settings = { ...SYNC_SETTINGS, backfillDays: days };
    log(`backfill: ${days} days × ${simulator.scopes.length} scopes × 4 report kinds at ${users} users…`);
    const backfill = await timedSync(() => ingester.sync({ settings }));
    log(`backfill: ${backfill.reports} reports, ${backfill.records} records in ${backfill.seconds} s`);
    const resync = await timedSync(() => ingester.sync({ settings }));
    log(`re-sync: ${resync.reports} reports in ${resync.seconds} s`);
    const built: BuiltDatabase = { path, users, orgs, days, scopes: simulator.scopes, backfill, resync };
    writeFileSync(`${path}.json`, JSON.stringify(built, null, 2));
    return built;
  } finally {
    await ingester.stop();
    await simulator.stop();
  }
}

async function timedSync(run: () => Promise<SyncSummary>): Promise<SyncTiming> {
  const started = performance.now();
  const summary = await run();
  if (summary.failed) throw new Error(`${summary.failed} reports failed: ${summary.failures[0]?.error}`);
  return {
    seconds: Math.round((performance.now() - started) / 100) / 10,
    reports: summary.ok,
    noData: summary.noData,
    failed: summary.failed,
    records: summary.records,
  };
}

/** The cached database of this size, built first if there is none. */
export async function ensureDatabase(
  users: number,
  orgs: number,
  days: number,
  log: (line: string) => void,
): Promise<BuiltDatabase> {
  const path = databasePath(users, orgs, days);
  if (existsSync(path) && existsSync(`${path}.json`)) return JSON.parse(readFileSync(`${path}.json`, 'utf8'));
  return buildDatabase(users, orgs, days, log);
}
