/**
 * The query models stored in dashboards and the data source settings, with their defaults next to
 * them. Every text field may hold a template variable, so the stored types are strings; `queryItem.ts`
 * checks them once the variables are replaced.
 */
import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

//#region What the ingester's API accepts (moves to contract/ with the request and answer types of api.ts)

/** Bucket sizes the ingester understands. */
export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** `time_series`: one frame per group over time; `table`: one row per group for the whole range. */
export const FORMATS = ['time_series', 'table'] as const;
export type Format = (typeof FORMATS)[number];

/** The ingester's bounds for a top-N limit (its request schema rejects anything else). */
export const LIMIT_RANGE = { min: 1, max: 1000 } as const;

/**
 * Seat metrics: a seat is active when its last activity is on one of this many days. The ingester
 * rejects the field on other metrics, so it is sent only when set.
 */
export const SEAT_ACTIVE_DAYS_RANGE = { min: 1, max: 365, default: 30 } as const;

/** Kinds of annotation the ingester marks, by the tag it puts on each. */
export const ANNOTATION_KINDS = [
  { value: 'sync-failed', label: 'Failed syncs', description: 'Days whose report could not be downloaded' },
  { value: 'gap', label: 'Days not synced', description: 'Days the ingester has no report for yet' },
  { value: 'no-data', label: 'No report from GitHub', description: 'Days GitHub answered without a report' },
  { value: 'provisional', label: 'Not final yet', description: 'Recent days GitHub may still revise' },
] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number]['value'];

//#endregion

//#region Query

/** A filter value meaning "every value": a multi-value variable's custom all value should be `*`. */
export const ALL_VALUES = '*';

/** `metrics` (the default) reads figures; `annotations` reads the days the store has no final data for. */
export type QueryType = 'metrics' | 'annotations';

/**
 * A panel's query for figures. Saved dashboards (and every query written before annotations existed)
 * have no `queryType`: a query without one is a metrics query.
 */
export interface MetricsQuery extends DataQuery {
  queryType?: 'metrics';
  /** `organization:<login>` or `enterprise:<slug>`; empty means the data source's default scope. */
  scope?: string;
  /** A metric id from the ingester's catalog, e.g. `daily_active_users`. */
  metric?: string;
  /** One of the metric's groupings from the catalog, or `none` for a single series. */
  groupBy?: string;
  /** Dimension → accepted values: values of one dimension are OR-ed, dimensions are AND-ed. */
  filters?: Record<string, string[]>;
  /** `day`, `week` or `month`. */
  interval?: string;
  /** `time_series` or `table`. */
  format?: string;
  /** Keep the top N groups by their total over the range (1 to 1000). */
  limit?: number | string;
  /** With a limit, fold the remaining groups into one "Others" series instead of dropping them. */
  others?: boolean;
  /** Seat metrics that take it (catalog `parameters`): days a seat's last activity may be ago to count as active; 30 when empty. */
  seatActiveDays?: number | string;
}

/** The days to mark on time-series panels (a dashboard annotation's target). */
export interface AnnotationsQuery extends DataQuery {
  queryType: 'annotations';
  /** `organization:<login>` or `enterprise:<slug>`; empty means the data source's default scope. */
  scope?: string;
  /** Which kinds of day to mark; empty marks all of them. */
  annotationKinds?: AnnotationKind[];
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

//#endregion

//#region Variables

/** A template variable lists the values of one dimension: `scope`, `team`, `user`, `ide`, ... */
export interface CopilotVariableQuery extends DataQuery {
  dimension: string;
  /** Only values seen in this scope; empty means every scope. */
  scope?: string;
  /** Only values containing this text. */
  search?: string;
}

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
