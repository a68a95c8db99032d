/**
 * Test fixtures on real things: temp SQLite files, the simulator over HTTP, a client with fast retries,
 * and a fixed "today". The ingester's tests and the plugin's (through @copilot-metrics/ingester/testing)
 * share them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDay, type DayNumber } from '../days';
import { GitHubClient } from '../github/client';
import { StaticToken } from '../github/auth';
import { silentLogger } from '../log';
import { SimulatorServer, type SimulatorServerOptions } from '../simulator/server';
import { openDatabase, type DB } from '../store/db';
import type { Scope } from '../scopes';
import type { SyncStore } from '../store/interface';
import { Store } from '../store/writer';
import { runSync, type SyncRequest } from '../sync/runner';

/** The "today" tests run at, so that availability does not depend on the calendar. */
export const TEST_TODAY = parseDay('2026-10-01')!;
export const testNow = () => new Date(TEST_TODAY * 86_400_000 + 12 * 3_600_000);

export function tempDir(prefix = 'cm-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  // Retried: a background checkpoint (store/checkpoints.ts) may still hold the database's files.
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true, maxRetries: 3 }) };
}

export interface TestDb {
  path: string;
  db: DB;
  store: Store;
  close: () => void;
}

export function tempDatabase(): TestDb {
  const dir = tempDir();
  const path = join(dir.path, 'metrics.db');
  const db = openDatabase(path);
  return {
    path,
    db,
    store: new Store(db),
    close: () => {
      if (db.open) db.close();
      dir.cleanup();
    },
  };
}

export async function startSimulator(options: SimulatorServerOptions = {}): Promise<SimulatorServer> {
  const simulator = new SimulatorServer({ users: 60, orgs: 2, today: () => TEST_TODAY, ...options });
  await simulator.start();
  return simulator;
}

/** A client with fast retries, so fault tests stay quick. */
export function testClient(url: string, token = 'test'): GitHubClient {
  return new GitHubClient({
    apiUrl: url,
    auth: new StaticToken(token),
    logger: silentLogger,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });
}

export const SYNC_SETTINGS = { backfillDays: 365, refetchDays: 3, concurrency: 4 };

export async function syncDays(
  store: SyncStore,
  client: GitHubClient,
  request: Partial<SyncRequest> & Pick<SyncRequest, 'scopes'>,
) {
  return runSync(
    { store, client, logger: silentLogger },
    { settings: SYNC_SETTINGS, trigger: 'test', now: testNow(), ...request },
  );
}

export const day = (text: string): DayNumber => parseDay(text)!;

/** The simulator's enterprise and every one of its organizations, as sync scopes. */
export function simulatedScopes(sim: SimulatorServer): Scope[] {
  return [
    { kind: 'enterprise', slug: sim.scopes.enterprise },
    ...sim.scopes.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
  ];
}

/**
 * A simulated enterprise synced over HTTP, for the days from..to, into a fresh database: the shared
 * setup of the API and consistency tests. The caller closes `t`, `client` and `sim`.
 */
export async function syncedEnterprise(
  options: SimulatorServerOptions,
  range: { from: DayNumber; to: DayNumber },
): Promise<{ sim: SimulatorServer; client: GitHubClient; t: TestDb; scopes: Scope[] }> {
  const sim = await startSimulator(options);
  const client = testClient(sim.url);
  const t = tempDatabase();
  const scopes = simulatedScopes(sim);
  const summary = await syncDays(t.store, client, { scopes, ...range });
  if (summary.failed) throw new Error(`setup sync failed: ${summary.failures[0]?.error}`);
  return { sim, client, t, scopes };
}
