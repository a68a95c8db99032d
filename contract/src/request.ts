/**
 * What a POST /api/v1/query request may ask for: the intervals, formats and ranges the API accepts,
 * and the shape of a request. The ingester's zod schema (ingester/src/query/requestSchema.ts) is built
 * from these; the plugin checks a query against the same values before it sends it.
 */
import type { Dimension } from './catalog/dimensions';

/** Bucket sizes. */
export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
/** `time_series`: one frame per group over time; `table`: one row per group for the whole range. */
export const FORMATS = ['time_series', 'table'] as const;
export type Format = (typeof FORMATS)[number];
/**
 * Which days count: `all` (the default), or `workdays`: only the ingester's working days (WORKWEEK
 * less HOLIDAYS_FILE). With `workdays`, other days are absent points of a time series, and every
 * aggregation over a bucket or the range (sums, ratios of sums, distinct users, averages of daily
 * values) reads working days only; each metric's catalog entry says what that means for it.
 */
export const DAYS = ['all', 'workdays'] as const;
export type Days = (typeof DAYS)[number];
/**
 * A user filter value meaning "the signed-in person": the ingester puts the login Grafana's ID token
 * proves in its place (never one the browser names), or answers that the viewer must sign in.
 */
export const SIGNED_IN_USER = '@me';
/** Longest range one query may span (ten years): bounds the work a request can ask for. */
export const MAX_RANGE_DAYS = 3660;
/** Seat metrics: a seat is active when its last activity is on one of this many days (the snapshot's included). */
export const SEAT_ACTIVE_DAYS = { min: 1, max: 365, default: 30 } as const;
/** How many groups a query may keep (`limit`). */
export const LIMIT = { min: 1, max: 1000 } as const;
/** Longest person search (`search`). */
export const MAX_SEARCH_LENGTH = 200;
/** Queries in one request. */
export const MAX_QUERIES = 50;
/** Values of one filter. */
export const MAX_FILTER_VALUES = 1000;

/** One panel query, with the defaults filled in: what the ingester runs. */
export interface QueryItem {
  refId: string;
  /** "enterprise:slug" or "organization:slug"; optional when only one scope exists. */
  scope?: string;
  metric: string;
  groupBy: Dimension;
  filters: Partial<Record<string, string[]>>;
  interval: Interval;
  format: Format;
  /** Keep the largest `limit` groups: by this query's metric, or by `rankBy`'s. */
  limit?: number;
  /**
   * A metric id: rank the groups by its whole-range totals instead of this query's own (with the same
   * grouping and filters), so the columns of a table, one query each, are computed for the same top
   * groups. The groups come in that metric's order.
   */
  rankBy?: string;
  /**
   * Only people whose login contains this text, case-insensitively (queries grouped by user). In
   * PRIVACY_MODE=pseudonymous it matches the stored pseudonyms, never real logins.
   */
  search?: string;
  /** Fold the other groups into one "Others" series or row. */
  others: boolean;
  /** Only for the seat metrics that say so in the catalog (`parameters`). */
  seatActiveDays?: number;
  /** Which days count; `all` when absent. */
  days?: Days;
}

/**
 * One panel query as a client sends it: the fields with a default may be left out (no grouping, no
 * filters, `day`, `time_series`, no "Others"). The grouping is a dimension id from the catalog the
 * client fetched, which may be newer than this contract; the ingester checks it. No other keys.
 */
export interface QueryItemInput extends Omit<
  QueryItem,
  'groupBy' | 'filters' | 'interval' | 'format' | 'others'
> {
  groupBy?: string;
  filters?: Partial<Record<string, string[]>>;
  interval?: Interval;
  format?: Format;
  others?: boolean;
}

/** The body of POST /api/v1/query: instants are ISO 8601 or epoch milliseconds. */
export interface QueryRequest {
  range: { from: string | number; to: string | number };
  queries: QueryItemInput[];
}
