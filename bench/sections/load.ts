/**
 * 6 Under load: query latency while a sync is writing (WAL readers in the same process as the
 * writer, as `serve` runs), and throughput with many concurrent clients (autocannon, loopback, bounded
 * in time), idle and while syncing. Any error in any answer is counted.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { ensureDatabase, SYNC_SETTINGS } from '../lib/database';
import { LATEST_DAY, SEED } from '../lib/fixtures';
import { timeQuery } from '../lib/http';
import { type IngesterProcess, startIngester, startSimulator } from '../lib/processes';
import { type QueryRequest, dashboardPanels, namedShapes, rangeOf } from '../lib/shapes';
import { type Latency, latency, round } from '../lib/stats';
import type { SectionContext } from './context';
import { scopesOf } from './queries';

export interface ProbeResult extends Latency {
  errors: number;
  firstError?: string;
}

export interface CannonResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Connection errors and timeouts (autocannon waits 10 s for an answer), non-2xx answers, and 200 answers carrying a query error. */
  errors: number;
  /** Of `errors`, the requests not answered within autocannon's 10 s. */
  timeouts?: number;
  /** `errors` by cause: the socket error's code (ECONNRESET…) or autocannon's message. */
  errorCauses?: Record<string, number>;
  non2xx: number;
  queryErrors: number;
}

export interface LoadResult {
  users: number;
  rangeDays: number;
  syncDays: number;
  /** Every named shape in turn, one client: idle, then while syncs keep writing. */
  probeIdle: ProbeResult;
  probeWhileSyncing: ProbeResult;
  cannonIdle: CannonResult;
  cannonWhileSyncing: CannonResult;
  /** Syncs that completed during the measured phases, and their records. */
  syncs: number;
  syncRecords: number;
}

export async function load(ctx: SectionContext, users: number): Promise<LoadResult> {
  const { options, log } = ctx;
  const built = await ensureDatabase(users, options.orgs, options.days, log, options.engine);
  const scopes = scopesOf(built.scopes);
  const rangeDays = options.ranges[0];
  const simulator = await startSimulator({ users, orgs: options.orgs, seed: SEED });
  const ingester = await startIngester({
    database: built.path,
    simulatorUrl: simulator.url,
    scopes: built.scopes,
  });
  const shapes = namedShapes(scopes);
  const mix = [...dashboardPanels(scopes, 'day', '1-overview'), ...shapes];
  const probeMs = options.loadSeconds * 1000;
  try {
    const probeIdle = await probe(ingester.url, shapes, rangeDays, probeMs);
    log(`probe idle: p50 ${probeIdle.p50} ms, p95 ${probeIdle.p95} ms, ${probeIdle.errors} errors`);
    const cannonIdle = await cannon(ingester.url, mix, rangeDays, options.connections, options.loadSeconds);
    log(`autocannon idle: ${summary(cannonIdle)}`);

    const syncing = keepSyncing(ingester, options.loadDays);
    const probeWhileSyncing = await probe(ingester.url, shapes, rangeDays, probeMs);
    log(
      `probe while syncing: p50 ${probeWhileSyncing.p50} ms, p95 ${probeWhileSyncing.p95} ms, ${probeWhileSyncing.errors} errors`,
    );
    const cannonWhileSyncing = await cannon(
      ingester.url,
      mix,
      rangeDays,
      options.connections,
      options.loadSeconds,
    );
    log(`autocannon while syncing: ${summary(cannonWhileSyncing)}`);
    const { syncs, records } = await syncing.stop();
    log(
      `${syncs} syncs of the last ${options.loadDays} days (${records} records) ran during the measurements`,
    );
    return {
      users,
      rangeDays,
      syncDays: options.loadDays,
      probeIdle,
      probeWhileSyncing,
      cannonIdle,
      cannonWhileSyncing,
      syncs,
      syncRecords: records,
    };
  } finally {
    await ingester.stop();
    await simulator.stop();
  }
}

/** Re-syncs (forced) the trailing days, again and again, until stopped: a writer that never rests. */
function keepSyncing(ingester: IngesterProcess, days: number) {
  let stopped = false;
  let syncs = 0;
  let records = 0;
  const loop = (async () => {
    while (!stopped) {
      const summary = await ingester.sync({
        settings: SYNC_SETTINGS,
        from: LATEST_DAY - days + 1,
        to: LATEST_DAY,
        force: true,
      });
      if (summary.failed) throw new Error(`sync under load failed: ${summary.failures[0]?.error}`);
      syncs++;
      records += summary.records;
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { syncs, records };
    },
  };
}

async function probe(
  url: string,
  shapes: QueryRequest[],
  rangeDays: number,
  durationMs: number,
): Promise<ProbeResult> {
  const times: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const until = performance.now() + durationMs;
  for (let i = 0; performance.now() < until || i < shapes.length; i++) {
    try {
      times.push(await timeQuery(url, shapes[i % shapes.length], rangeDays));
    } catch (error) {
      errors++;
      firstError ??= (error as Error).message;
    }
  }
  return { ...latency(times), errors, ...(firstError ? { firstError } : {}) };
}

/** An autocannon phase in one line: throughput, latency, every error (and autocannon's by cause). */
function summary(result: CannonResult): string {
  const causes = Object.entries(result.errorCauses ?? {});
  const errors = result.errors + result.non2xx + result.queryErrors;
  return `${result.requestsPerSecond} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${errors} errors${
    causes.length ? ` (${causes.map(([cause, count]) => `${cause} ${count}`).join(', ')})` : ''
  }`;
}

async function cannon(
  url: string,
  requests: QueryRequest[],
  rangeDays: number,
  connections: number,
  seconds: number,
): Promise<CannonResult> {
  let queryErrors = 0;
  const errorCauses: Record<string, number> = {};
  const range = rangeOf(rangeDays);
  const options: autocannon.Options = {
    url,
    connections,
    duration: seconds,
    requests: requests.map((request) => ({
      method: 'POST' as const,
      path: '/api/v1/query',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ range, queries: request.queries }),
      onResponse: (status: number, body: string) => {
        if (status === 200 && body.includes('"error"')) queryErrors++;
      },
    })),
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('reqError', (error: NodeJS.ErrnoException) => {
      const cause = error.code ?? error.message;
      errorCauses[cause] = (errorCauses[cause] ?? 0) + 1;
    });
  });
  return {
    connections,
    seconds,
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    queryErrors,
    errorCauses,
  };
}
