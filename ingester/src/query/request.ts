/**
 * What a /api/v1/query request may ask for: the intervals, formats and ranges the API accepts.
 * Dependency-free, so clients can share it; query/requestSchema.ts validates requests against it.
 */
import type { Dimension } from './catalog/dimensions';

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
export const FORMATS = ['time_series', 'table'] as const;
export type Format = (typeof FORMATS)[number];
/** Longest range one query may span (ten years): bounds the work a request can ask for. */
export const MAX_RANGE_DAYS = 3660;
/** Seat metrics: a seat is active when its last activity is on one of this many days (the snapshot's included). */
export const SEAT_ACTIVE_DAYS = { min: 1, max: 365, default: 30 } as const;
/** How many groups a query may keep (`limit`). */
export const LIMIT = { min: 1, max: 1000 } as const;
/** Queries in one request. */
export const MAX_QUERIES = 50;
/** Values of one filter. */
export const MAX_FILTER_VALUES = 1000;

/** One panel query, with the defaults filled in. */
export interface QueryItem {
  refId: string;
  /** "enterprise:slug" or "organization:slug"; optional when only one scope exists. */
  scope?: string;
  metric: string;
  groupBy: Dimension;
  filters: Partial<Record<string, string[]>>;
  interval: Interval;
  format: Format;
  /** Keep the largest `limit` groups. */
  limit?: number;
  /** Fold the other groups into one "Others" series or row. */
  others: boolean;
  /** Only for the seat metrics that say so in the catalog (`parameters`). */
  seatActiveDays?: number;
}
