/**
 * GET /metrics over real HTTP, against a real SQLite file synced from the simulator by the real
 * SyncService. Expected Copilot figures are computed independently from the simulator's raw records;
 * the exposition is checked with the real `promtool check metrics`.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DayNumber } from '../src/days';
import type { GitHubClient } from '../src/github/client';
import { createApp } from '../src/http/app';
import { WINDOWS, createMetrics, type IngesterMetrics } from '../src/http/metrics';
import { silentLogger } from '../src/log';
import { SYNC_KINDS, type JsonObject } from '../src/reports/types';
import type { Scope } from '../src/scopes';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import { backgroundCheckpointsSettled } from '../src/store/checkpoints';
import { openDatabase } from '../src/store/db';
import { SqliteReader, openSqliteReader } from '../src/store/sqliteReader';
import { acquireSyncLease } from '../src/sync/lock';
import { SyncService } from '../src/sync/scheduler';
import { spawnCli } from './cli';
import {
  SYNC_SETTINGS,
  day,
  startSimulator,
  syncDays,
  tempDatabase,
  tempDir,
  testClient,
  testNow,
  type TestDb,
} from './helpers';

const FROM = day('2026-09-04');
// A Tuesday: the 7-day window spans a weekend.
const TO = day('2026-09-22');
const ADMIN = 'admin-token-for-tests';

let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
let reader: SqliteReader;
let metrics: IngesterMetrics;
let service: SyncService;
let server: Server;
let baseUrl: string;
let beforeSync: string;
let afterSync: string;

/** promtool from Debian's `prometheus` package (scripts/test.sh installs it). */
function findPromtool(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    'promtool is not on PATH: install it (Debian: `apt-get install -y prometheus`; scripts/test.sh does this) to validate the /metrics exposition',
  );
}

async function scrape(): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition's sample lines. */
function parse(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return out;
}

function select(text: string, name: string, labels: Record<string, string> = {}): Series[] {
  return parse(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The one sample of a series; fails when absent or ambiguous. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = select(text, name, labels);
  if (found.length !== 1)
    throw new Error(`expected one sample of ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return found[0].value;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: readonly number[]) => sum(values) / values.length;
const daysBetween = (from: DayNumber, to: DayNumber) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** Days of a trailing window ending on `to` that were synced. */
const windowDays = (length: number, to = TO) => daysBetween(Math.max(FROM, to - length + 1), to);

function simScopes(): [string, SimScope][] {
  const p = sim.population;
  return [
    [`enterprise:${p.enterprise.slug}`, { kind: 'enterprise' }],
    ...p.orgs.map(
      (org) => [`organization:${org.login}`, { kind: 'organization', org }] as [string, SimScope],
    ),
  ];
}

/** The scopes to sync: the enterprise and its organizations. */
const syncScopes = (): Scope[] => [
  { kind: 'enterprise', slug: sim.scopes.enterprise },
  ...sim.scopes.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
];

beforeAll(async () => {
  findPromtool();
  sim = await startSimulator({ users: 60, orgs: 2 });
  client = testClient(sim.url);
  t = tempDatabase();
  reader = openSqliteReader(t.path);
  metrics = createMetrics(reader, { logger: silentLogger });
  service = new SyncService(
    { store: t.store, client, logger: silentLogger },
    {
      scopes: syncScopes(),
      settings: SYNC_SETTINGS,
      from: FROM,
      to: TO,
      now: testNow(),
    },
    silentLogger,
    { onFinished: metrics.observeSync, onError: metrics.observeSyncError },
  );
  const app = createApp({
    reader,
    logger: silentLogger,
    scopes: [],
    backfillDays: 365,
    adminToken: ADMIN,
    sync: service,
    metrics: metrics.registry,
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  beforeSync = await scrape();
  const response = await fetch(`${baseUrl}/api/v1/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(response.status).toBe(202);
  while (service.isRunning) await sleep(20);
  expect(service.lastSummary).toMatchObject({ failed: 0, planned: 3 * 4 * (TO - FROM + 1) });
  afterSync = await scrape();
});

afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await reader?.close();
  t?.close();
  await client?.close();
  await sim?.stop();
});

test('the exposition passes `promtool check metrics` without errors or lint warnings', () => {
  for (const text of [beforeSync, afterSync]) {
    const result = spawnSync(findPromtool(), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  }
  // Process metrics are on the dedicated registry too.
  expect(select(afterSync, 'process_cpu_user_seconds_total')).toHaveLength(1);
  expect(select(afterSync, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
});

test('/metrics stays open when the API token is set', async () => {
  const app = createApp({
    reader,
    logger: silentLogger,
    scopes: [],
    backfillDays: 365,
    apiToken: 'secret',
    metrics: metrics.registry,
  });
  const other = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => other.once('listening', resolve));
  try {
    const port = (other.address() as AddressInfo).port;
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/catalog`)).status).toBe(401);
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
});

test('sync counters start at zero and move with the run the API triggered', () => {
  const days = TO - FROM + 1;
  expect(
    value(beforeSync, 'copilot_metrics_ingester_sync_runs_total', { trigger: 'api', status: 'ok' }),
  ).toBe(0);
  expect(value(afterSync, 'copilot_metrics_ingester_sync_runs_total', { trigger: 'api', status: 'ok' })).toBe(
    1,
  );
  expect(
    value(afterSync, 'copilot_metrics_ingester_sync_runs_total', { trigger: 'api', status: 'failed' }),
  ).toBe(0);
  expect(value(beforeSync, 'copilot_metrics_ingester_sync_duration_seconds_count')).toBe(0);
  expect(value(afterSync, 'copilot_metrics_ingester_sync_duration_seconds_count')).toBe(1);
  for (const report of ['aggregate', 'users', 'user-teams', 'repos']) {
    for (const status of ['ok', 'no_data', 'failed', 'skipped'])
      expect(value(beforeSync, 'copilot_metrics_ingester_reports_synced_total', { report, status })).toBe(0);
    // Three scopes, every day of every report exists at the simulator in September 2026.
    expect(value(afterSync, 'copilot_metrics_ingester_reports_synced_total', { report, status: 'ok' })).toBe(
      3 * days,
    );
    expect(
      value(afterSync, 'copilot_metrics_ingester_reports_synced_total', { report, status: 'failed' }),
    ).toBe(0);
    const stored = t.db
      .prepare("SELECT total(records) FROM reports WHERE kind = ? AND status = 'ok'")
      .pluck()
      .get(report) as number;
    expect(stored).toBeGreaterThan(0);
    expect(value(afterSync, 'copilot_metrics_ingester_records_ingested_total', { report })).toBe(stored);
    expect(value(afterSync, 'copilot_metrics_ingester_malformed_lines_total', { report })).toBe(0);
  }
});

test("the reports' background checkpoints are counted", async () => {
  expect(value(beforeSync, 'copilot_metrics_ingester_checkpoints_total', { status: 'failed' })).toBe(0);
  const stats = await backgroundCheckpointsSettled();
  const text = await scrape();
  // Requests that come while one runs are merged: at least one, at most one per stored report.
  const stored = t.db.prepare("SELECT count(*) FROM reports WHERE status = 'ok'").pluck().get() as number;
  const ok = value(text, 'copilot_metrics_ingester_checkpoints_total', { status: 'ok' });
  expect(ok).toBe(stats.done);
  expect(ok).toBeGreaterThan(0);
  expect(ok).toBeLessThanOrEqual(stored);
  expect(value(text, 'copilot_metrics_ingester_checkpoints_total', { status: 'failed' })).toBe(0);
});

test('sync state read from the database: last success, latest day, failed days, unknown keys, runs', () => {
  const started = Date.parse(t.db.prepare('SELECT min(started_at) FROM sync_runs').pluck().get() as string);
  for (const [scope] of simScopes()) {
    for (const report of ['aggregate', 'users', 'user-teams', 'repos']) {
      const last = value(afterSync, 'copilot_metrics_ingester_report_last_success_timestamp_seconds', {
        scope,
        report,
      });
      expect(last * 1000).toBeGreaterThanOrEqual(started);
      expect(last * 1000).toBeLessThanOrEqual(Date.now());
      expect(
        value(afterSync, 'copilot_metrics_ingester_report_latest_day_timestamp_seconds', { scope, report }),
      ).toBe(TO * 86_400);
      expect(value(afterSync, 'copilot_metrics_ingester_reports_failed', { scope, report })).toBe(0);
    }
  }
  for (const report of ['aggregate', 'users', 'user-teams', 'repos'])
    expect(value(afterSync, 'copilot_metrics_ingester_unknown_keys', { report })).toBe(0);
  expect(value(afterSync, 'copilot_metrics_ingester_database_up')).toBe(1);
  const finished = value(afterSync, 'copilot_metrics_ingester_sync_run_last_finished_timestamp_seconds', {
    status: 'ok',
  });
  expect(finished * 1000).toBeGreaterThanOrEqual(started);
  // Nothing about Copilot before the first sync.
  expect(parse(beforeSync).filter((s) => s.name.startsWith('copilot_') && s.labels.scope)).toEqual([]);
});

/** The aggregate figure of a raw record as the gauges name it. */
const RAW_FIELDS: [string, (r: JsonObject) => number][] = [
  ['copilot_daily_active_users', (r) => r.daily_active_users as number],
  ['copilot_weekly_active_users', (r) => r.weekly_active_users as number],
  ['copilot_monthly_active_users', (r) => r.monthly_active_users as number],
  ['copilot_daily_active_cli_users', (r) => (r.daily_active_cli_users as number | undefined) ?? 0],
  ['copilot_user_initiated_interactions', (r) => r.user_initiated_interaction_count as number],
  ['copilot_code_generations', (r) => r.code_generation_activity_count as number],
  ['copilot_code_acceptances', (r) => r.code_acceptance_activity_count as number],
  ['copilot_lines_added', (r) => r.loc_added_sum as number],
  ['copilot_lines_deleted', (r) => r.loc_deleted_sum as number],
  ['copilot_lines_suggested_to_add', (r) => r.loc_suggested_to_add_sum as number],
  ['copilot_lines_suggested_to_delete', (r) => r.loc_suggested_to_delete_sum as number],
  ['copilot_pull_requests_merged', (r) => (r.pull_requests as JsonObject).total_merged as number],
];

/** Every scope gauge against the simulator's aggregate records, for the latest day `to`. */
function checkScopeGauges(text: string, to: DayNumber) {
  for (const [scope, simScope] of simScopes()) {
    expect(value(text, 'copilot_latest_day_timestamp_seconds', { scope })).toBe(to * 86_400);
    const raw = (d: DayNumber) => sim.generator.aggregateRecord(simScope, d);
    for (const [name, field] of RAW_FIELDS) {
      expect([name, value(text, name, { scope, window: '1d' })]).toEqual([name, field(raw(to))]);
      for (const [window, length] of [
        ['7d', 7],
        ['28d', 28],
      ] as const) {
        const expected = mean(windowDays(length, to).map((d) => field(raw(d))));
        expect(value(text, name, { scope, window })).toBeCloseTo(expected, 9);
      }
    }
    for (const [window, length] of [
      ['1d', 1],
      ['7d', 7],
      ['28d', 28],
    ] as const) {
      const records = windowDays(length, to).map(raw);
      const generations = sum(records.map((r) => r.code_generation_activity_count as number));
      expect(generations).toBeGreaterThan(0);
      const expected = sum(records.map((r) => r.code_acceptance_activity_count as number)) / generations;
      expect(value(text, 'copilot_code_acceptance_ratio', { scope, window })).toBeCloseTo(expected, 12);
    }
    // The 28-day window reaches before the first synced day: only days with data are averaged.
    expect(windowDays(28, to)).toHaveLength(to - FROM + 1);
    // The figures are not trivially zero.
    for (const name of ['copilot_daily_active_cli_users', 'copilot_pull_requests_merged'])
      expect([scope, name, value(text, name, { scope, window: '1d' })]).toEqual([
        scope,
        name,
        expect.any(Number),
      ]);
    expect(value(text, 'copilot_daily_active_users', { scope, window: '1d' })).toBeGreaterThan(5);
  }
}

test('scope gauges of the latest day and their 7- and 28-day averages equal the simulator’s records', () => {
  checkScopeGauges(afterSync, TO);
});

/** Per team slug on one day: the members' user indexes, from the simulator's user-teams records. */
function rawTeams(scope: SimScope, d: DayNumber): Map<string, Set<number>> {
  const p = sim.population;
  const byId = new Map(Array.from({ length: p.userCount }, (_, u) => [p.userId(u), u]));
  const teams = new Map<string, Set<number>>();
  for (const record of sim.generator.teamRecords(scope, d)) {
    const members = teams.get(record.slug as string) ?? new Set<number>();
    members.add(byId.get(record.user_id as number)!);
    teams.set(record.slug as string, members);
  }
  return teams;
}

function rawTeamDay(scope: SimScope, d: DayNumber, slug: string) {
  const members = rawTeams(scope, d).get(slug);
  if (!members) return undefined;
  const records = [...members]
    .map((u) => sim.generator.userRecord(u, d, scope))
    .filter((r): r is JsonObject => r !== undefined);
  const total = (field: string) => sum(records.map((r) => r[field] as number));
  return {
    active: records.length,
    interactions: total('user_initiated_interaction_count'),
    generations: total('code_generation_activity_count'),
    acceptances: total('code_acceptance_activity_count'),
  };
}

/** Every team gauge against the simulator's user-teams and user records, for the latest day `to`. */
function checkTeamGauges(text: string, to: DayNumber) {
  let enterpriseSlugsInSeveralOrgs = 0;
  let ratiosOmitted = 0;
  for (const [scope, simScope] of simScopes()) {
    expect(value(text, 'copilot_team_latest_day_timestamp_seconds', { scope })).toBe(to * 86_400);
    const slugs = [...rawTeams(simScope, to).keys()].sort();
    expect(slugs.length).toBeGreaterThanOrEqual(2);
    expect(slugs).not.toContain('tiger-team');
    const shown = [
      ...new Set(select(text, 'copilot_team_active_users', { scope }).map((s) => s.labels.team)),
    ].sort();
    expect(shown).toEqual(slugs);
    if (simScope.kind === 'enterprise') {
      const teamOrgs = (slug: string) =>
        sim.population.orgs.filter((o) => o.teams.some((team) => team.slug === slug)).length;
      enterpriseSlugsInSeveralOrgs = slugs.filter((slug) => teamOrgs(slug) > 1).length;
    }
    for (const slug of slugs) {
      for (const [window, length] of [
        ['1d', 1],
        ['7d', 7],
        ['28d', 28],
      ] as const) {
        const days = windowDays(length, to)
          .map((d) => rawTeamDay(simScope, d, slug))
          .filter((x) => x !== undefined);
        const labels = { scope, team: slug, window };
        const close = (name: string, expected: number) =>
          expect([name, labels, value(text, name, labels)]).toEqual([
            name,
            labels,
            expect.closeTo(expected, 9),
          ]);
        close('copilot_team_active_users', mean(days.map((x) => x.active)));
        close('copilot_team_user_initiated_interactions', mean(days.map((x) => x.interactions)));
        close('copilot_team_code_generations', mean(days.map((x) => x.generations)));
        close('copilot_team_code_acceptances', mean(days.map((x) => x.acceptances)));
        const generations = sum(days.map((x) => x.generations));
        if (generations > 0)
          close('copilot_team_code_acceptance_ratio', sum(days.map((x) => x.acceptances)) / generations);
        else {
          // Nothing generated: no ratio sample rather than NaN or 0.
          expect(select(text, 'copilot_team_code_acceptance_ratio', labels)).toEqual([]);
          ratiosOmitted++;
        }
      }
    }
  }
  // In the enterprise, same-slug teams of different organizations are one series (no duplicate series).
  expect(enterpriseSlugsInSeveralOrgs).toBeGreaterThan(0);
  expect(ratiosOmitted).toBeLessThan(3);
  expect(text).not.toContain('tiger-team');
}

test('team gauges equal the simulator’s team members’ records; small teams have no series', () => {
  checkTeamGauges(afterSync, TO);
  expect(t.db.prepare("SELECT count(*) FROM teams WHERE slug = 'tiger-team'").pluck().get()).toBe(0);
});

test('no user login or id appears, and labels stay within the bounded set', () => {
  const p = sim.population;
  expect(p.userCount).toBe(60);
  for (let u = 0; u < p.userCount; u++) {
    expect(afterSync).not.toContain(p.userLogin(u));
  }
  const ids = new Set(Array.from({ length: p.userCount }, (_, u) => String(p.userId(u))));
  const series = parse(afterSync);
  const allowed = new Set(['scope', 'report', 'team', 'status', 'window', 'trigger', 'le']);
  for (const s of series) {
    for (const v of Object.values(s.labels)) expect(ids.has(v)).toBe(false);
    if (s.name.startsWith('copilot_'))
      for (const label of Object.keys(s.labels))
        expect([s.name, label, allowed.has(label)]).toEqual([s.name, label, true]);
  }
  const teamValues = new Set(series.flatMap((s) => (s.labels.team === undefined ? [] : [s.labels.team])));
  const teamSlugs = t.db.prepare('SELECT DISTINCT slug FROM teams').pluck().all() as string[];
  expect([...teamValues].every((slug) => teamSlugs.includes(slug))).toBe(true);
  // Bounded: one series per scope (and team) and window, at most.
  const teamCount = select(afterSync, 'copilot_team_active_users', { window: '1d' }).length;
  const names = new Set(series.map((s) => s.name).filter((n) => /^copilot_(?!metrics_)/.test(n)));
  // Two timestamps, 13 scope figures, 5 team figures, and whether the latest day is a working day.
  expect(names.size).toBe(2 + 13 + 5 + 1);
  const windows = WINDOWS.length;
  for (const name of names) {
    const count = select(afterSync, name).length;
    const bound =
      name.endsWith('_timestamp_seconds') || name === 'copilot_latest_day_is_workday'
        ? 3
        : name.startsWith('copilot_team_')
          ? teamCount * windows
          : 3 * windows;
    if (name.endsWith('_ratio')) expect([name, count <= bound]).toEqual([name, true]);
    else expect([name, count]).toEqual([name, bound]);
  }
});

test('a failed sync shows in counters and in the failed-days gauge; a refused run counts as error', async () => {
  const missing = { kind: 'organization' as const, slug: 'no-such-org' };
  const failed = await syncDays(t.store, client, { scopes: [missing], from: TO, to: TO, trigger: 'cli' });
  expect(failed.failed).toBeGreaterThan(0);
  metrics.observeSync(failed, 'cli');
  const text = await scrape();
  expect(value(text, 'copilot_metrics_ingester_sync_runs_total', { trigger: 'cli', status: 'failed' })).toBe(
    1,
  );
  const failedSeries = select(text, 'copilot_metrics_ingester_reports_failed', {
    scope: 'organization:no-such-org',
  });
  expect(failedSeries).toHaveLength(SYNC_KINDS.length);
  expect(sum(failedSeries.map((s) => s.value))).toBe(failed.failed);
  expect(
    sum(
      select(text, 'copilot_metrics_ingester_reports_synced_total', { status: 'failed' }).map((s) => s.value),
    ),
  ).toBe(failed.failed);
  expect(
    sum(
      select(text, 'copilot_metrics_ingester_reports_synced_total', { status: 'skipped' }).map(
        (s) => s.value,
      ),
    ),
  ).toBe(failed.skipped);
  expect(failed.failed + failed.skipped).toBe(4);
  // The failing scope has no data, so no Copilot series.
  expect(select(text, 'copilot_daily_active_users', { scope: 'organization:no-such-org' })).toEqual([]);

  // Another holder of the sync lease: the API's run cannot start, and the hook counts it.
  const lease = await t.store.exclusive(() => acquireSyncLease(t.store));
  try {
    const response = await fetch(`${baseUrl}/api/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(response.status).toBe(409);
    while (service.isRunning) await sleep(20);
  } finally {
    await t.store.exclusive(() => lease.release());
  }
  const after = await scrape();
  expect(value(after, 'copilot_metrics_ingester_sync_runs_total', { trigger: 'api', status: 'error' })).toBe(
    1,
  );
  expect(value(after, 'copilot_metrics_ingester_sync_runs_total', { trigger: 'api', status: 'ok' })).toBe(1);
});

test('days synced later move the gauges: the figures follow the database, not a stale cache', async () => {
  const later = TO + 2;
  const summary = await syncDays(t.store, client, {
    scopes: syncScopes(),
    from: TO + 1,
    to: later,
  });
  expect(summary).toMatchObject({ failed: 0, ok: 3 * 4 * 2 });
  const text = await scrape();
  checkScopeGauges(text, later);
  checkTeamGauges(text, later);
  for (const [scope] of simScopes())
    expect(
      value(text, 'copilot_metrics_ingester_report_latest_day_timestamp_seconds', { scope, report: 'users' }),
    ).toBe(later * 86_400);
});

test('an unreadable database gives database_up 0 and a valid exposition, not a failed scrape', async () => {
  const broken = openDatabase(t.path, { readonly: true });
  const own = createMetrics(new SqliteReader(broken), { defaultMetrics: false });
  expect(value(await own.registry.metrics(), 'copilot_metrics_ingester_database_up')).toBe(1);
  broken.close();
  const text = await own.registry.metrics();
  expect(value(text, 'copilot_metrics_ingester_database_up')).toBe(0);
  expect(select(text, 'copilot_daily_active_users')).toEqual([]);
  const result = spawnSync(findPromtool(), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
    status: 0,
    output: '',
  });
});

test('`serve` wires the metrics: its /metrics counts the start-up sync and shows the synced scopes', async () => {
  const dir = tempDir();
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const child = spawnCli(['serve'], {
    DATABASE_PATH: join(dir.path, 'serve.db'),
    SYNC_BACKFILL_DAYS: '3',
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  let logs = '';
  child.stderr!.on('data', (chunk) => (logs += chunk));
  try {
    let text = '';
    for (const deadline = Date.now() + 40_000; Date.now() < deadline; await sleep(100)) {
      text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
      if (/sync_runs_total\{trigger="startup",status="ok"\} 1/.test(text)) break;
    }
    // On a timeout, the failure shows what serve logged.
    expect({ counted: /sync_runs_total\{trigger="startup",status="ok"\} 1/.test(text), logs }).toEqual({
      counted: true,
      logs: expect.any(String),
    });
    expect(
      value(text, 'copilot_metrics_ingester_sync_runs_total', { trigger: 'startup', status: 'ok' }),
    ).toBe(1);
    expect(
      value(text, 'copilot_metrics_ingester_reports_synced_total', { report: 'aggregate', status: 'ok' }),
    ).toBeGreaterThan(0);
    expect(
      select(text, 'copilot_daily_active_users', { window: '1d' })
        .map((s) => s.labels.scope)
        .sort(),
    ).toEqual([
      'enterprise:octodemo',
      'organization:octodemo-mobile',
      'organization:octodemo-platform',
      'organization:octodemo-web',
    ]);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'close');
    dir.cleanup();
  }
});
