/**
 * SIGTERM at any moment ends `serve` and `sync`, run as documented (`npm run ingester -- …`), well
 * within a pod's grace period: no process left behind, an intact database with no half-stored report,
 * the interrupted run recorded as such, and a later sync that completes the days.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatDay } from '../src/days';
import type { SimulatorServer } from '../src/simulator/server';
import { runCli } from './cli';
import { day, startSimulator, tempDir } from './helpers';
import { consistency, npmCli, okReports, processesUsing, waitFor } from './processes';

jest.setTimeout(120_000);

/** A pod's default grace period is 30 s; the ingester must be done well before. */
const BOUND_MS = 10_000;
const FROM = day('2026-09-01');
const TO = day('2026-09-20');

let sim: SimulatorServer;
let dir: ReturnType<typeof tempDir>;
let n = 0;

beforeAll(async () => {
  sim = await startSimulator({ users: 2500, orgs: 1 });
  dir = tempDir();
});
afterAll(async () => {
  await sim.stop();
  dir.cleanup();
});

const env = (path: string, extra: Record<string, string> = {}) => ({
  GITHUB_API_URL: sim.url,
  GITHUB_TOKEN: 'test',
  COPILOT_ORGS: sim.scopes.orgs[0],
  DATABASE_PATH: path,
  SYNC_CONCURRENCY: '2',
  ...extra,
});
const freshPath = () => join(dir.path, `db-${++n}.db`);
const syncArgs = [
  'sync',
  '--from',
  formatDay(FROM),
  '--to',
  formatDay(TO),
  '--report',
  'aggregate',
  '--report',
  'users',
];

/** Sends SIGTERM once `ready` holds; returns how the process ended and how long after the signal. */
async function terminateWhen(cli: ReturnType<typeof npmCli>, ready: () => boolean, what: string) {
  await waitFor(what, ready);
  const sent = Date.now();
  cli.child.kill('SIGTERM');
  const exit = await Promise.race([
    cli.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still running 20 s after SIGTERM (${what})`)), 20_000).unref(),
    ),
  ]);
  return { ...exit, afterMs: exit.at - sent };
}

test('serve: SIGTERM right after spawn ends it at once, leaving nothing behind', async () => {
  const path = freshPath();
  const cli = npmCli(['serve'], env(path));
  const exit = await terminateWhen(cli, () => true, 'spawn');
  expect(exit.afterMs).toBeLessThan(BOUND_MS);
  // Before Node has loaded anything a signal ends it by default; from the first import on, cleanly.
  expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  expect(processesUsing(path)).toEqual([]);
  if (existsSync(path)) expect(consistency(path).integrity).toBe('ok');
});

test('serve: SIGTERM during start-up (the database being created and migrated) ends it with 0', async () => {
  const path = freshPath();
  const cli = npmCli(['serve'], env(path, { SYNC_BACKFILL_DAYS: '30' }));
  const exit = await terminateWhen(cli, () => existsSync(path), 'the database file');
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.afterMs).toBeLessThan(BOUND_MS);
  expect(cli.output()).not.toMatch(/"msg":"sync started"/);
  expect(processesUsing(path)).toEqual([]);
  expect(consistency(path).integrity).toBe('ok');
});

test('serve: SIGTERM while idle ends it with 0', async () => {
  const path = freshPath();
  const cli = npmCli(['serve'], env(path, { SYNC_BACKFILL_DAYS: '2' }));
  const exit = await terminateWhen(cli, () => /"msg":"sync finished"/.test(cli.output()), 'the first sync');
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.afterMs).toBeLessThan(BOUND_MS);
  expect(processesUsing(path)).toEqual([]);
  expect(consistency(path)).toMatchObject({ integrity: 'ok', runs: ['ok'] });
});

test('serve: SIGTERM mid-sync stops the sync after the reports being stored, records it interrupted, exits 0; a later sync completes', async () => {
  const path = freshPath();
  const cli = npmCli(['serve'], env(path, { SYNC_BACKFILL_DAYS: '120' }));
  const exit = await terminateWhen(cli, () => okReports(path) >= 6, 'a few stored reports');
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.afterMs).toBeLessThan(BOUND_MS);
  expect(cli.output()).toMatch(/the running sync stops after the reports being stored/);
  expect(processesUsing(path)).toEqual([]);
  const after = consistency(path);
  expect(after).toMatchObject({ integrity: 'ok', runs: ['interrupted'] });
  expect(after.okUserDays).toBeGreaterThan(0);

  const later = await runCli(syncArgs, env(path, { BILLING: 'off' }));
  expect(later.stdout).toMatch(/^sync ok: /);
  expect(later.code).toBe(0);
  expect(consistency(path).runs).toEqual(['interrupted', 'ok']);
});

test('sync: SIGTERM mid-sync exits 143 with the run marked interrupted; the next sync completes every day', async () => {
  const path = freshPath();
  const cli = npmCli(syncArgs, env(path));
  const exit = await terminateWhen(cli, () => okReports(path) >= 4, 'a few stored reports');
  expect(exit).toMatchObject({ code: 143, signal: null });
  expect(exit.afterMs).toBeLessThan(BOUND_MS);
  expect(cli.output()).toMatch(
    /^sync interrupted \(SIGTERM; the reports not stored are fetched by the next sync\)/m,
  );
  expect(processesUsing(path)).toEqual([]);
  const after = consistency(path);
  expect(after).toMatchObject({ integrity: 'ok', runs: ['interrupted'] });
  expect(after.okUserDays).toBeLessThan(TO - FROM + 1);

  const later = await runCli(syncArgs, env(path, { BILLING: 'off' }));
  expect(later.code).toBe(0);
  expect(consistency(path)).toMatchObject({
    integrity: 'ok',
    okUserDays: TO - FROM + 1,
    runs: ['interrupted', 'ok'],
  });
});
