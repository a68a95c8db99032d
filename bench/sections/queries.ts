/**
 * 5 Query latency through HTTP: every named query shape, the dimension-value lookups, every panel of
 * every dashboard, and the Overview dashboard's panels sent at once, for each range.
 */
import { performance } from 'node:perf_hooks';
import { ensureDatabase } from '../lib/database';
import { repeat, timeGet, timeQuery } from '../lib/http';
import { startIngester } from '../lib/processes';
import { type Scopes, dashboardPanels, dimensionRequests, namedShapes } from '../lib/shapes';
import { type Latency, latency } from '../lib/stats';
import type { SectionContext } from './context';

export interface RangeLatency {
  rangeDays: number;
  shapes: Record<string, Latency>;
  dimensions: Record<string, Latency>;
  /** Every dashboard panel (one request each): the slowest few, and the worst p95 of all. */
  panels: { count: number; worstP95: number; slowest: { name: string; p95: number }[] };
  /** The Overview dashboard opened: all of its panel requests and its scope variable at once. */
  overview: Latency & { requests: number };
}

export interface QueriesResult {
  users: number;
  days: number;
  ranges: RangeLatency[];
}

export function scopesOf(scopes: { kind: string; slug: string }[]): Scopes {
  return {
    enterprise: scopes.find((s) => s.kind === 'enterprise')!.slug,
    org: scopes.find((s) => s.kind === 'organization')!.slug,
  };
}

export async function queries(ctx: SectionContext, users: number): Promise<QueriesResult> {
  const { options, log } = ctx;
  const built = await ensureDatabase(users, options.orgs, options.days, log, options.engine);
  const scopes = scopesOf(built.scopes);
  const ingester = await startIngester({ database: built.path, scopes: built.scopes });
  try {
    const ranges: RangeLatency[] = [];
    for (const rangeDays of options.ranges)
      ranges.push(await measureRange(ctx, ingester.url, scopes, rangeDays));
    return { users, days: options.days, ranges };
  } finally {
    await ingester.stop();
  }
}

async function measureRange(
  ctx: SectionContext,
  url: string,
  scopes: Scopes,
  rangeDays: number,
): Promise<RangeLatency> {
  const { runs } = ctx.options;
  const shapes: Record<string, Latency> = {};
  for (const shape of namedShapes(scopes)) {
    shapes[shape.name] = latency(await repeat(runs, () => timeQuery(url, shape, rangeDays)));
    ctx.log(
      `${rangeDays} d  ${shape.name.padEnd(48)} p50 ${shapes[shape.name].p50} ms  p95 ${shapes[shape.name].p95} ms`,
    );
  }
  const dimensions: Record<string, Latency> = {};
  for (const request of dimensionRequests(scopes))
    dimensions[request.name] = latency(await repeat(runs, () => timeGet(url, request.path)));

  // Every panel, fewer repetitions each: this is the "any single panel" check, not the headline figures.
  const quick = ctx.options.quick;
  const panelRuns = quick ? 1 : Math.max(3, Math.ceil(runs / 4));
  const panelTimes: { name: string; p95: number }[] = [];
  for (const interval of quick ? ['day'] : ['day', 'week']) {
    for (const panel of dashboardPanels(scopes, interval)) {
      const p95 = latency(await repeat(panelRuns, () => timeQuery(url, panel, rangeDays), quick ? 0 : 1)).p95;
      panelTimes.push({ name: `${panel.name} (${interval})`, p95 });
    }
  }
  panelTimes.sort((a, b) => b.p95 - a.p95);
  ctx.log(
    `${rangeDays} d  ${panelTimes.length} dashboard panels: worst p95 ${panelTimes[0]?.p95} ms (${panelTimes[0]?.name}); then ${panelTimes
      .slice(1, 5)
      .map((p) => `${p.name} ${p.p95} ms`)
      .join('; ')}`,
  );

  const overviewPanels = dashboardPanels(scopes, 'day', '1-overview');
  const overview = await repeat(runs, async () => {
    const started = performance.now();
    await Promise.all([
      timeGet(url, '/api/v1/dimensions/scope/values'),
      ...overviewPanels.map((panel) => timeQuery(url, panel, rangeDays)),
    ]);
    return performance.now() - started;
  });
  const overviewLatency = { ...latency(overview), requests: overviewPanels.length + 1 };
  ctx.log(
    `${rangeDays} d  Overview dashboard (${overviewLatency.requests} requests at once): p50 ${overviewLatency.p50} ms  p95 ${overviewLatency.p95} ms`,
  );
  return {
    rangeDays,
    shapes,
    dimensions,
    panels: {
      count: panelTimes.length,
      worstP95: panelTimes[0]?.p95 ?? NaN,
      slowest: panelTimes.slice(0, 5),
    },
    overview: overviewLatency,
  };
}
