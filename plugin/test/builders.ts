/** Small builders for the tests: each returns a valid default that a test overrides where it matters. */
import type { Health, ReportCoverage, ScopeCoverage, SyncKind, SyncStatus } from '@copilot-metrics/contract';
import {
  type DataFrameJSON,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type ScopedVars,
  dateTime,
} from '@grafana/data';
import type { Catalog, CatalogMetric } from '../src/api';
import { DataSource } from '../src/datasource';
import type { CopilotDataSourceOptions, MetricsQuery } from '../src/types';

export const PROXY_URL = '/api/datasources/proxy/uid/copilot';
export const INGESTER = `${PROXY_URL}/ingester`;

export function aDataSource(jsonData: Partial<CopilotDataSourceOptions> = {}): DataSource {
  const settings = {
    id: 1,
    uid: 'copilot',
    type: 'copilotmetrics-usage-datasource',
    name: 'Copilot Usage Metrics',
    url: PROXY_URL,
    access: 'proxy',
    readOnly: false,
    meta: { id: 'copilotmetrics-usage-datasource' },
    jsonData: { ingesterUrl: 'http://ingester:8080', ...jsonData },
  } as unknown as DataSourceInstanceSettings<CopilotDataSourceOptions>;
  return new DataSource(settings);
}

export function aQuery(overrides: Partial<MetricsQuery> = {}): MetricsQuery {
  return { refId: 'A', metric: 'daily_active_users', ...overrides };
}

export function aRequest<Q extends { refId: string }>(
  targets: Q[],
  options: { from?: string; to?: string; requestId?: string; scopedVars?: ScopedVars } = {},
): DataQueryRequest<Q> {
  const from = dateTime(options.from ?? '2026-11-01T00:00:00Z');
  const to = dateTime(options.to ?? '2026-11-07T23:59:59Z');
  return {
    requestId: options.requestId ?? 'Q1',
    targets,
    range: { from, to, raw: { from, to } },
    scopedVars: options.scopedVars ?? {},
    interval: '1d',
    intervalMs: 86_400_000,
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  } as DataQueryRequest<Q>;
}

export function aMetric(overrides: Partial<CatalogMetric> & { id: string }): CatalogMetric {
  return {
    title: overrides.id,
    family: 'Adoption',
    description: `About ${overrides.id}.`,
    unit: 'short',
    aggregation: 'sum',
    groupBy: ['none'],
    source: 'aggregate report',
    ...overrides,
  };
}

/** A catalog shaped like the ingester's, with metrics whose groupings differ. */
export function aCatalog(metrics?: CatalogMetric[]): Catalog {
  return {
    metrics: metrics ?? [
      aMetric({ id: 'daily_active_users', title: 'Daily active users', aggregation: 'average' }),
      aMetric({
        id: 'active_users',
        title: 'Active users',
        aggregation: 'distinct',
        description: 'Distinct users with Copilot activity, counted exactly from per-user rows.',
        groupBy: ['none', 'ide', 'language', 'team', 'user'],
      }),
      aMetric({
        id: 'code_acceptance_activity_count',
        title: 'Acceptances',
        family: 'Code generation',
        groupBy: ['none', 'ide', 'feature', 'language', 'model', 'team', 'user'],
        // As the ingester's planner has it: one set per figure table (by IDE, by feature, ...).
        combinations: [
          ['ide', 'team', 'user'],
          ['feature', 'team', 'user'],
          ['language', 'feature', 'team', 'user'],
          ['model', 'feature', 'team', 'user'],
          ['language', 'model', 'team', 'user'],
        ],
      }),
      aMetric({
        id: 'pull_requests.total_merged',
        title: 'pull_requests.total_merged',
        family: 'Pull requests',
        groupBy: ['none', 'repository'],
      }),
    ],
    dimensions: ['none', 'ide', 'feature', 'language', 'model', 'team', 'user', 'repository'].map((id) => ({
      id,
      description: `About ${id}.`,
    })),
  };
}

/** One time series frame as the ingester sends it (DataFrameJSON, times in epoch ms). */
export function aSeriesFrame(options: {
  refId: string;
  metric?: string;
  points: Array<[string, number | null]>;
  labels?: Record<string, string>;
  notices?: Array<{ severity: string; text: string }>;
}): DataFrameJSON {
  const metric = options.metric ?? 'daily_active_users';
  return {
    schema: {
      refId: options.refId,
      name: metric,
      meta: {
        type: 'timeseries-multi',
        typeVersion: [0, 1],
        ...(options.notices ? { notices: options.notices } : {}),
      },
      fields: [
        { name: 'time', type: 'time', config: {} },
        { name: metric, type: 'number', labels: options.labels, config: { unit: 'short' } },
      ],
    },
    data: {
      values: [
        options.points.map(([day]) => Date.parse(`${day}T00:00:00Z`)),
        options.points.map(([, v]) => v),
      ],
    },
  } as DataFrameJSON;
}

/** One report of a scope in /api/v1/sync/status, synced from 2026-11-01 up to `lastDay`. */
export function aReportCoverage(
  report: SyncKind,
  options: { lastDay?: string | null; failed?: Array<{ day: string; error: string }> } = {},
): ReportCoverage {
  const lastDay = options.lastDay === undefined ? '2026-11-26' : options.lastDay;
  return {
    report,
    firstDay: lastDay ? '2026-11-01' : null,
    lastDay,
    okDays: lastDay ? 26 : 0,
    noDataDays: 0,
    records: lastDay ? 26 : 0,
    malformedLines: 0,
    failed: (options.failed ?? []).map((f) => ({ ...f, attempts: 3, status: null })),
    gaps: [],
    lastFetchedAt: lastDay ? '2026-11-28T06:17:30.000Z' : null,
  };
}

/** A scope in /api/v1/sync/status; `lastDay` null means nothing synced yet, `failed` are aggregate days. */
export function aScopeStatus(
  scope: string,
  options: { lastDay?: string | null; failed?: Array<{ day: string; error: string }> } = {},
): ScopeCoverage {
  return {
    scope,
    expected: { from: '2026-11-01', to: '2026-11-26' },
    reports: [aReportCoverage('aggregate', options), aReportCoverage('users', { lastDay: options.lastDay })],
  };
}

/** The last sync run of /api/v1/sync/status: by default one that went well. */
export function aLastRun(overrides: Partial<NonNullable<SyncStatus['lastRun']>> = {}): SyncStatus['lastRun'] {
  return {
    id: 7,
    trigger: 'schedule',
    status: 'ok',
    startedAt: '2026-11-28T06:17:00.000Z',
    finishedAt: '2026-11-28T06:18:00.000Z',
    durationMs: 60_000,
    planned: 8,
    ok: 8,
    noData: 0,
    failed: 0,
    records: 208,
    error: null,
    ...overrides,
  };
}

export function aSyncStatus(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    running: false,
    scopes: [aScopeStatus('organization:octodemo-web')],
    unknownKeys: [],
    lastRun: aLastRun(),
    ...overrides,
  };
}

export const aHealth = (): Health => ({
  status: 'ok',
  database: { ok: true, schemaVersion: 3 },
  lastSync: { status: 'ok', finishedAt: '2026-11-28T06:18:00.000Z', ageSeconds: 60 },
  scopes: [{ scope: 'organization:octodemo-web', latestDay: '2026-11-26' }],
});
