/**
 * The CLI as a user runs it: the simulator and the ingester as separate processes talking HTTP,
 * configuration from the environment, results on stdout, exit codes that scripts can trust.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { runCli, spawnCli } from './cli';
import { fingerprint, tempDir } from './helpers';

let simulator: ChildProcess;
const fingerprintOf = (path: string) => {
  const db = new Database(path);
  try {
    return fingerprint(db);
  } finally {
    db.close();
  }
};
let url = '';
let enterprise = '';
let dir: ReturnType<typeof tempDir>;

beforeAll(async () => {
  dir = tempDir();
  simulator = spawnCli(['simulate', '--port', '0', '--users', '40', '--orgs', '2', '--seed', '7'], {});
  let output = '';
  simulator.stdout!.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 200 && !/listening on (\S+)/.test(output); i++) await sleep(50);
  url = /listening on (\S+)/.exec(output)![1];
  enterprise = /enterprise: +(\S+)/.exec(output)![1];
  expect(output).toMatch(/orgs: +octodemo-web, octodemo-platform/);
});
afterAll(async () => {
  simulator.kill('SIGTERM');
  await once(simulator, 'close');
  dir.cleanup();
});

// Billing has its own CLI test below; these count the usage reports alone.
const env = (database: string) => ({
  GITHUB_API_URL: url,
  GITHUB_TOKEN: 'test',
  COPILOT_ORGS: 'octodemo-web',
  DATABASE_PATH: `${dir.path}/${database}`,
  BILLING: 'off',
});

test('sync reports every day, status --json shows the coverage, and a second sync stores nothing new', async () => {
  const first = await runCli(['sync', '--from', '2026-08-01', '--to', '2026-08-07'], env('a.db'));
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/^sync ok: 28 report\(s\) planned, 28 stored, 0 without data, 0 failed/);

  const status = await runCli(['status', '--json'], env('a.db'));
  expect(status.code).toBe(0);
  const report = JSON.parse(status.stdout);
  const users = report.scopes[0].reports.find((r: { report: string }) => r.report === 'users');
  expect(report.scopes[0].scope).toBe('organization:octodemo-web');
  expect(users).toMatchObject({ firstDay: '2026-08-01', lastDay: '2026-08-07', okDays: 7, failed: [] });
  expect(report.lastRun).toMatchObject({ status: 'ok', ok: 28, failed: 0 });

  const before = fingerprintOf(`${dir.path}/a.db`);
  const second = await runCli(['sync', '--from', '2026-08-01', '--to', '2026-08-07'], env('a.db'));
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/^sync ok: 0 report\(s\) planned/);
  expect(fingerprintOf(`${dir.path}/a.db`)).toEqual(before);
});

test('sync --report billing syncs AI-credit billing (usage, the export, budgets and cost centers), and status lists it', async () => {
  const from = new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10);
  const billingEnv = {
    ...env('billing.db'),
    BILLING: 'on',
    COPILOT_ENTERPRISES: enterprise,
    BILLING_EXPORT_POLL_SECONDS: '1',
  };
  const result = await runCli(['sync', '--report', 'billing', '--from', from], billingEnv);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  // 4 days of billing for the enterprise and the organization, the enterprise's export of them, 2 snapshots.
  expect(result.stdout).toMatch(/^sync ok: 14 report\(s\) planned, \d+ stored/);
  const status = await runCli(['status'], billingEnv);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^ {2}billing {10}\S+ \.\. \S+ {2}ok 4, no data 0, failed 0, missing \d+/m);
  expect(status.stdout).toMatch(/^ {2}billing-users /m);
  expect(status.stdout).toMatch(/^ {2}billing-snapshot /m);
});

test('reprocess rebuilds every figure from the raw archive', async () => {
  await runCli(['sync', '--from', '2026-08-01', '--to', '2026-08-03'], env('r.db'));
  const db = new Database(`${dir.path}/r.db`);
  const before = fingerprint(db);
  db.exec('DELETE FROM by_ide; DELETE FROM usage_day WHERE user_ref > 0; DELETE FROM team_members');
  expect(fingerprint(db)).not.toEqual(before);
  db.close();
  const result = await runCli(['reprocess'], env('r.db'));
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^reprocessed 12 report\(s\)/);
  expect(fingerprintOf(`${dir.path}/r.db`)).toEqual(before);
});

test('a day that fails makes sync exit 1 with a summary naming the scope, report and day', async () => {
  const result = await runCli(
    ['sync', '--org', 'no-such-org', '--from', '2026-08-01', '--to', '2026-08-01', '--report', 'aggregate'],
    env('f.db'),
  );
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/FAILED organization:no-such-org aggregate 2026-08-01: GitHub answered 404/);
  expect(result.stdout).toMatch(/COPILOT_ORGS/);
});

test.each([
  [{ SYNC_BACKFILL_DAYS: 'lots' }, /SYNC_BACKFILL_DAYS must be a whole number/],
  [{ GITHUB_API_URL: 'ftp://example' }, /GITHUB_API_URL must be an http\(s\) URL/],
  [{ COPILOT_ORGS: '' }, /No scope to sync: set COPILOT_ORGS/],
])('bad configuration stops with a message naming the variable (%o)', async (override, message) => {
  const result = await runCli(['sync'], { ...env('c.db'), ...override });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^Configuration error:/);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for a user error
});

test('bad arguments are refused with usage', async () => {
  const result = await runCli(['sync', '--from', '2026-02-30'], env('u.db'));
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--from must be a date as YYYY-MM-DD \(got "2026-02-30"\)/);
  expect(result.stderr).toMatch(/Usage: npm run ingester/);
});

test('serve in demo mode syncs from the built-in simulator and stops cleanly on SIGTERM', async () => {
  const server = spawnCli(['serve'], {
    DATABASE_PATH: `${dir.path}/demo.db`,
    SYNC_BACKFILL_DAYS: '3',
    LOG_LEVEL: 'info',
    PORT: '0', // any free port
  });
  let logs = '';
  server.stderr!.on('data', (chunk) => (logs += chunk));
  for (let i = 0; i < 600 && !/"msg":"sync finished"/.test(logs); i++) await sleep(50);
  // Idle keep-alive connections outlive Grafana's proxy's (90 s), so it never reuses one being closed.
  const port = /"port":(\d+)[^\n]*"msg":"API listening"/.exec(logs)?.[1];
  const health = await fetch(`http://127.0.0.1:${port}/api/health`);
  expect(health.headers.get('keep-alive')).toBe('timeout=95');
  await health.arrayBuffer();
  server.kill('SIGTERM');
  const [code] = await once(server, 'close');
  expect(logs).toMatch(/demo mode/);
  expect(logs).toMatch(/"msg":"sync finished"/);
  expect(code).toBe(0);
  const db = new Database(`${dir.path}/demo.db`);
  const scopes = db.prepare("SELECT kind || ':' || slug FROM scopes ORDER BY 1").pluck().all();
  expect(scopes).toEqual([
    'enterprise:octodemo',
    'organization:octodemo-mobile',
    'organization:octodemo-platform',
    'organization:octodemo-web',
  ]);
  expect(db.prepare("SELECT count(*) FROM reports WHERE status = 'failed'").pluck().get()).toBe(0);
  expect(db.prepare('SELECT count(*) FROM usage_day WHERE user_ref > 0').pluck().get()).toBeGreaterThan(0);
  db.close();
});

test('a database keeps its privacy mode: another mode is refused with what to do, and nothing is written', async () => {
  const key = { PRIVACY_MODE: 'pseudonymous', PRIVACY_KEY: 'cli-test-key-0123456789abcdef-0123456789' };
  const first = await runCli(['sync', '--from', '2026-08-01', '--to', '2026-08-02'], {
    ...env('private.db'),
    ...key,
  });
  expect(first.code).toBe(0);
  const before = fingerprintOf(`${dir.path}/private.db`);
  for (const other of [
    { PRIVACY_MODE: 'off' },
    { PRIVACY_MODE: 'aggregate' },
    { ...key, PRIVACY_KEY: `${key.PRIVACY_KEY}-x` },
  ]) {
    const refused = await runCli(['sync', '--from', '2026-08-03', '--to', '2026-08-03'], {
      ...env('private.db'),
      ...other,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error: The database .*private\.db was (written with PRIVACY_MODE=pseudonymous|pseudonymized with another PRIVACY_KEY).*DATABASE_PATH/,
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  }
  expect(fingerprintOf(`${dir.path}/private.db`)).toEqual(before);
});
