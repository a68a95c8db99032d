/**
 * The query models stored in dashboards and the data source settings, with their defaults next to
 * them. The models' fields are the contract's (panelQuery.ts), so the generated dashboards save the
 * same shapes; every text field may hold a template variable, and `queryItem.ts` checks them once the
 * variables are replaced.
 */
import {
  ANNOTATION_KINDS,
  type AnnotationKind,
  type AnnotationsQueryModel,
  type MetricsQueryModel,
  type VariableQueryModel,
} from '@copilot-metrics/contract';
import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

//#region Query

/** `metrics` (the default) reads figures; `annotations` reads the days the store has no final data for. */
export type QueryType = 'metrics' | 'annotations';

/** A panel's query for figures (the contract's model, as a Grafana DataQuery). */
export interface MetricsQuery extends DataQuery, MetricsQueryModel {
  queryType?: 'metrics';
}

/** The days to mark on time-series panels (a dashboard annotation's target). */
export interface AnnotationsQuery extends DataQuery, AnnotationsQueryModel {
  queryType: 'annotations';
}

export type CopilotQuery = MetricsQuery | AnnotationsQuery;

export const isAnnotationsQuery = (query: CopilotQuery): query is AnnotationsQuery =>
  query.queryType === 'annotations';

export const isMetricsQuery = (query: CopilotQuery): query is MetricsQuery => !isAnnotationsQuery(query);

export const DEFAULT_QUERY: Partial<MetricsQuery> = {
  metric: 'daily_active_users',
  groupBy: 'none',
  filters: {},
  interval: 'day',
  format: 'time_series',
  others: false,
};

export const DEFAULT_ANNOTATION_QUERY: Partial<AnnotationsQuery> = { queryType: 'annotations' };

/** The kinds of day the ingester marks (the contract's ANNOTATION_KINDS), in the editor's words. */
const ANNOTATION_KIND_WORDS: Record<AnnotationKind, { label: string; description: string }> = {
  'sync-failed': { label: 'Failed syncs', description: 'Days whose report could not be downloaded' },
  gap: { label: 'Days not synced', description: 'Days the ingester has no report for yet' },
  'no-data': { label: 'No report from GitHub', description: 'Days GitHub answered without a report' },
  provisional: { label: 'Not final yet', description: 'Recent days GitHub may still revise' },
  holiday: { label: 'Holidays', description: 'Days off of HOLIDAYS_FILE, left out of working-day figures' },
};

export const ANNOTATION_KIND_OPTIONS = ANNOTATION_KINDS.map((value) => ({
  value,
  ...ANNOTATION_KIND_WORDS[value],
}));

//#endregion

//#region Variables

/** A template variable lists the values of one dimension: `scope`, `team`, `user`, `ide`, ... */
export interface CopilotVariableQuery extends DataQuery, VariableQueryModel {}

export const DEFAULT_VARIABLE_QUERY: Omit<CopilotVariableQuery, 'refId'> = { dimension: 'team' };

//#endregion

//#region Settings

/** These are options configured for each DataSource instance. */
export interface CopilotDataSourceOptions extends DataSourceJsonData {
  /** Where Grafana's server reaches the ingester, e.g. `http://ingester:8080` (the route in plugin.json uses it). */
  ingesterUrl?: string;
  /** Scope used by queries that leave theirs empty. */
  defaultScope?: string;
}

/** Value that is used in the backend, but never sent over HTTP to the frontend. */
export interface CopilotSecureJsonData {
  /** The ingester's INGESTER_API_TOKEN; the data source proxy sends it as a bearer token. */
  apiToken?: string;
}

//#endregion
