/**
 * Query latency through HTTP on a simulated enterprise: builds (or reuses) a database by syncing the
 * simulator, then times every dashboard query shape. Usage:
 *   npm run bench -- query [--users 10000] [--days 90] [--runs 20]
 * Results are printed as JSON; the full benchmark suite (issue "Benchmarks at enterprise scale") builds on it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { dayToMs, parseDay } from '../ingester/src/days';
import { StaticToken } from '../ingester/src/github/auth';
import { GitHubClient } from '../ingester/src/github/client';
import { createApp } from '../ingester/src/http/app';
import { silentLogger } from '../ingester/src/log';
import { SimulatorServer } from '../ingester/src/simulator/server';
import { openDatabase } from '../ingester/src/store/db';
import { Store } from '../ingester/src/store/writer';
import { runSync } from '../ingester/src/sync/runner';

const TODAY = parseDay('2026-10-01')!;

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' },
      days: { type: 'string' },
      runs: { type: 'string' },
      orgs: { type: 'string' },
    },
    allowPositionals: true,
  });
  const users = Number(values.users ?? 10_000);
  const days = Number(values.days ?? 90);
  const runs = Number(values.runs ?? 20);
  const orgs = Number(values.orgs ?? 4);
  const dir = join(__dirname, 'results', 'tmp');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `enterprise-${users}u-${orgs}o-${days}d.db`);
  const sim = new SimulatorServer({ users, orgs, today: () => TODAY });
  await sim.start();
  const scopes = [
    { kind: 'enterprise' as const, slug: sim.scopes.enterprise },
    ...sim.scopes.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
  ];
  if (!existsSync(path)) {
    const db = openDatabase(path);
    const client = new GitHubClient({
      apiUrl: sim.url,
      auth: new StaticToken('bench'),
      logger: silentLogger,
    });
    const started = performance.now();
    const summary = await runSync(
      { store: new Store(db), client, logger: silentLogger },
      {
        scopes,
        settings: { backfillDays: days, refetchDays: 0, concurrency: 4 },
        trigger: 'bench',
        now: new Date(dayToMs(TODAY)),
      },
    );
    console.error(
      `built ${path}: ${summary.ok} reports, ${summary.records} records in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    db.close();
    await client.close();
  }
  await sim.stop();

  const reader = openDatabase(path, { readonly: true });
  const app = createApp({ db: reader, logger: silentLogger, scopes, backfillDays: 365 });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const last = TODAY - 2;
  const range = (span: number) => ({
    from: new Date(dayToMs(last - span + 1)).toISOString(),
    to: new Date(dayToMs(last) + 86_399_000).toISOString(),
  });
  const ent = `enterprise:${sim.scopes.enterprise}`;
  const org = `organization:${sim.scopes.orgs[0]}`;
  const shapes: [string, Record<string, unknown>, number][] = [
    ['org daily active users', { scope: org, metric: 'daily_active_users' }, days],
    ['enterprise totals (generations)', { scope: ent, metric: 'code_generation_activity_count' }, days],
    ['acceptance rate by IDE', { scope: ent, metric: 'acceptance_rate', groupBy: 'ide' }, days],
    [
      'generations by language, weekly',
      { scope: ent, metric: 'code_generation_activity_count', groupBy: 'language', interval: 'week' },
      days,
    ],
    [
      'model × feature filter',
      {
        scope: ent,
        metric: 'user_initiated_interaction_count',
        groupBy: 'model',
        filters: { feature: ['chat_panel_agent_mode'] },
      },
      days,
    ],
    ['active users, monthly (distinct)', { scope: ent, metric: 'active_users', interval: 'month' }, days],
    ['active users by team', { scope: ent, metric: 'active_users', groupBy: 'team' }, days],
    [
      'team comparison table',
      { scope: ent, metric: 'acceptance_rate', groupBy: 'team', format: 'table' },
      days,
    ],
    [
      'top 10 users (table)',
      { scope: ent, metric: 'code_generation_activity_count', groupBy: 'user', format: 'table', limit: 10 },
      days,
    ],
    [
      'top 5 users + others, weekly',
      { scope: ent, metric: 'loc_added_sum', groupBy: 'user', limit: 5, others: true, interval: 'week' },
      days,
    ],
    [
      'pull requests merged by repository (top 10)',
      { scope: ent, metric: 'pull_requests.total_merged', groupBy: 'repository', limit: 10, format: 'table' },
      days,
    ],
    ['one year of org totals', { scope: org, metric: 'daily_active_users' }, 365],
  ];
  const results: Record<string, { p50: number; p95: number }> = {};
  for (const [name, query, span] of shapes) {
    const times: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ range: range(span), queries: [{ refId: 'A', ...query }] }),
      });
      const body = (await response.json()) as { results: { A: { error?: string } } };
      if (body.results.A.error) throw new Error(`${name}: ${body.results.A.error}`);
      if (i >= 2) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    results[name] = {
      p50: +times[Math.floor(times.length * 0.5)].toFixed(1),
      p95: +times[Math.min(times.length - 1, Math.floor(times.length * 0.95))].toFixed(1),
    };
    console.error(`${name.padEnd(45)} p50 ${results[name].p50} ms  p95 ${results[name].p95} ms`);
  }
  const dimension = performance.now();
  await fetch(`${url}/api/v1/dimensions/user/values?scope=${ent}`);
  console.error(`${'dimension values: users'.padEnd(45)} ${(performance.now() - dimension).toFixed(1)} ms`);
  console.log(JSON.stringify({ users, orgs, days, runs, results }, null, 2));
  server.close();
  reader.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
