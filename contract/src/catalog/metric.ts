/**
 * The shape of a metric's catalog entry: what it means, how it adds up over a bucket, and which
 * records it is read from. SQL-free (the ingester's query/catalog/sql.ts derives the SQL from
 * `measure`).
 */
import type { BreakdownId } from './breakdowns';

/**
 * How a metric's value is computed over a bucket:
 * - sum: counters add up;
 * - average: report-provided counts (DAU, engaged users, ...) are averaged over the days present;
 * - distinct: distinct users, counted exactly from user rows over the whole bucket;
 * - ratio: Σ numerator / Σ denominator (never an average of ratios; 0/0 is null);
 * - weighted: Σ(value × weight) / Σ weight, for medians and averages GitHub computes per day;
 * - snapshot: counted in one seats snapshot; a bucket shows its latest snapshot (the ingester's
 *   query/execute/seats.ts);
 * - month: one figure per calendar month (the AI-credit billing cycle: pool, month to date, forecast;
 *   the ingester's query/billing/).
 */
export type Aggregation = 'sum' | 'average' | 'distinct' | 'ratio' | 'weighted' | 'snapshot' | 'month';

/**
 * What a snapshot metric counts in one seats snapshot (the ingester's query/execute/seats.ts), N being
 * the query's `seatActiveDays` (30 by default):
 * - all: seats; active: seats whose last activity is on one of the N days ending on the snapshot day;
 *   inactive: the others, never-used ones included; never_used: seats with no last activity at all;
 *   pending_cancellation: seats ending at the next billing cycle;
 * - without_recent_usage: seats whose user has no usage row in the usage window (the 28 days ending
 *   two days before the snapshot, GitHub's publishing delay);
 * - recent_users: users with usage rows in that window; recent_users_without_seat: those of them
 *   without a seat in the snapshot (licensed through another organization, or seat removed since).
 */
export type SeatCount =
  | 'all'
  | 'active'
  | 'inactive'
  | 'never_used'
  | 'pending_cancellation'
  | 'without_recent_usage'
  | 'recent_users'
  | 'recent_users_without_seat';

/**
 * What an AI-credit billing metric (family "AI credits", the ingester's query/billing/) computes:
 * - credits_* / dollars_*: Σ of GitHub's gross, discount and net quantities (AI credits) or amounts (USD);
 * - pool: the month's included credits (licensed seats × plan allowance); month_to_date: credits
 *   consumed since the 1st; pool_used: month to date ÷ pool;
 * - forecast_*: the month's projection (month end, the day the pool runs out, days left, metered
 *   credits and dollars);
 * - dollars_per_*: Σ gross dollars ÷ Σ merged pull requests or active users (ratio of sums);
 * - reconciliation: the per-person usage signal against billing, per day (a list);
 * - budgets, budget_users: budgets and per-person budget states of the latest snapshot (lists).
 */
export const BILLING_FIGURES = [
  'credits_gross',
  'credits_discount',
  'credits_net',
  'dollars_gross',
  'dollars_discount',
  'dollars_net',
  'pool',
  'month_to_date',
  'pool_used',
  'forecast_month_end',
  'forecast_pool_runs_out',
  'forecast_days_left',
  'forecast_metered_credits',
  'forecast_metered_dollars',
  'dollars_per_merged_pull_request',
  'dollars_per_active_user',
  'reconciliation',
  'budgets',
  'budget_users',
] as const;
export type BillingFigure = (typeof BILLING_FIGURES)[number];

/**
 * The figures of a scope that need its included pool, which is counted from seats (per-person records,
 * which PRIVACY_MODE=aggregate does not keep). Grouped by cost center, the pool is GitHub's own cap.
 */
export const SEAT_COUNTED_BILLING_FIGURES: readonly BillingFigure[] = [
  'pool',
  'pool_used',
  'forecast_pool_runs_out',
  'forecast_days_left',
  'forecast_metered_credits',
  'forecast_metered_dollars',
];

/** Query fields only some metrics take. */
export const METRIC_PARAMETERS = ['seatActiveDays'] as const;
export type MetricParameter = (typeof METRIC_PARAMETERS)[number];

/**
 * What a metric adds up, in the field names of GitHub's records; each kind implies the aggregation:
 * a sum of a field, the average of a field over the days, distinct users (all of them, or those whose
 * flag is true), Σ of some fields ÷ Σ of another, or a field weighted by another.
 */
export type Measure =
  | { sum: string; ofKind?: string }
  | { average: string }
  | { distinctUsers: true }
  | { distinctUsersWith: string }
  | { ratio: { of: string[]; per: string } }
  | { weighted: { value: string; weight: string } };

export interface MetricInfo {
  id: string;
  family: string;
  title: string;
  description: string;
  /** Grafana unit id. */
  unit: string;
  aggregation: Aggregation;
  /** The kinds of records it is read from, in order of preference. */
  from: BreakdownId[];
  /** What it adds up; none for snapshot metrics, which count seats instead. */
  measure?: Measure;
  /** Only user rows carry this figure (per-user fields, distinct users). */
  userRowsOnly?: boolean;
  /** Only the scope's aggregate record carries it (report-provided user counts): no team or user split. */
  aggregateOnly?: boolean;
  /** GitHub omits the figure when it is zero: on reported days a missing value is 0, not a gap. */
  omittedWhenZero?: boolean;
  /**
   * Seats metrics: what is counted in each snapshot, and divided by what (a ratio). `list` answers one
   * row per counted seat instead of a count (format table only).
   */
  snapshot?: { count: SeatCount; per?: SeatCount; list?: boolean };
  /** Query fields this metric takes besides the common ones. */
  parameters?: MetricParameter[];
  /**
   * AI-credit billing metrics: what is computed, where from in words (the catalog's `source`), and
   * whether it answers a list (format table only) and whether that list names people.
   */
  billing?: { figure: BillingFigure; source: string; list?: boolean; namesPeople?: boolean };
}

function aggregationOf(measure: Measure | undefined): Aggregation {
  if (!measure) return 'snapshot';
  if ('sum' in measure) return 'sum';
  if ('average' in measure) return 'average';
  if ('ratio' in measure) return 'ratio';
  if ('weighted' in measure) return 'weighted';
  return 'distinct';
}

/** A catalog entry: the title defaults to the id, the aggregation follows from the measure. */
export function metric(def: Omit<MetricInfo, 'title' | 'aggregation'> & { title?: string }): MetricInfo {
  return { title: def.title ?? def.id, aggregation: aggregationOf(def.measure), ...def };
}
