/**
 * Enterprise databases built the real way: the sync code against the simulator over HTTP. A finished
 * build leaves a marker next to the file; an interrupted one is rebuilt from scratch.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Scope, SyncSummary } from '@copilot-metrics/ingester';
import { type Engine, postgresDatabase } from './engine';
import { SEED, tmpPath } from './fixtures';
import { startIngester, startSimulator } from './processes';

export interface BuiltDatabase {
  /** A SQLite file, or a PostgreSQL connection string. */
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
  engine: Engine = 'sqlite',
): Promise<BuiltDatabase> {
  const path =
    engine === 'postgres'
      ? await postgresDatabase(`enterprise_${users}u_${orgs}o_${days}d`)
      : databasePath(users, orgs, days);
  if (engine === 'sqlite')
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
    if (engine === 'sqlite') writeFileSync(`${path}.json`, JSON.stringify(built, null, 2));
    else builtThisRun.set(`${users}:${orgs}:${days}`, built);
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

/** PostgreSQL databases live as long as the run's cluster: the ones built in this run. */
const builtThisRun = new Map<string, BuiltDatabase>();

/** The cached database of this size, built first if there is none. */
export async function ensureDatabase(
  users: number,
  orgs: number,
  days: number,
  log: (line: string) => void,
  engine: Engine = 'sqlite',
): Promise<BuiltDatabase> {
  if (engine === 'postgres')
    return builtThisRun.get(`${users}:${orgs}:${days}`) ?? buildDatabase(users, orgs, days, log, engine);
  const path = databasePath(users, orgs, days);
  if (existsSync(path) && existsSync(`${path}.json`)) return JSON.parse(readFileSync(`${path}.json`, 'utf8'));
  return buildDatabase(users, orgs, days, log);
}
