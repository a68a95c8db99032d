/**
 * The plans: what the planner decides for one query, before any figure is read. The executors
 * (query/execute/) turn a Plan into SQL and rows, and a SeatPlan into seat counts.
 */
import type { Dimension, Format, Interval, MetricInfo } from '@copilot-metrics/contract';
import type { Scope } from '../../scopes';
import type { Source } from '../catalog/sources';
import type { MetricDef } from '../catalog/sql';

export interface DayRange {
  fromDay: number;
  toDay: number;
  /** Days of the range left out (a `days=workdays` query: weekends and holidays), ascending. */
  daysOff?: readonly number[];
}

export interface ResolvedScope {
  id: number;
  key: string;
  kind: Scope['kind'];
}

/** A cheaper way to answer the same plan from a rollup table (team_day, user_totals_day), when it applies. */
export interface Rollup {
  table: string;
  groupSql: string;
  where: string[];
  params: unknown[];
  parts: string[];
  /** Distinct counts only add up per day: other buckets go back to the join. */
  dailyOnly: boolean;
}

/** Distinct users from the per-day active sets (store/activeSets.ts), counted by execute/distinct.ts. */
export interface DistinctPlan {
  scopeId: number;
  /** Set kind whose keys are the groups ('all' and flags have the single key 0). */
  kind: string;
  /** Only these keys count (a filter on the grouped dimension). */
  keys?: number[];
  /** Fold every key into group 0 (a filter on a dimension without grouping by it). */
  collapse: boolean;
  /** Intersect each day with this flag's set (used_* metrics grouped by a dimension). */
  flag?: string;
  teams?: number[];
  users?: number[];
}

/** One figure query: the table, grouping and filters as SQL over alias x, and the cheaper ways to read it. */
export interface Plan {
  rollup?: Rollup;
  /** Distinct-user metrics answered from the per-day active sets. */
  sets?: DistinctPlan;
  metric: MetricDef;
  source: Source;
  scope: ResolvedScope;
  userRows: boolean;
  repoRows: boolean;
  groupBy: Dimension;
  /** SQL of the group key over alias x (and tm when grouped by team). */
  groupSql: string;
  joins: string;
  where: string[];
  params: unknown[];
  /**
   * The conditions of `where`, with their values, that only pick people by user_ref (a user filter, a
   * person search): a per-user rollup keyed by user_ref (user_month) applies them as they are.
   */
  people: { where: string[]; params: unknown[] };
  reportKinds: string[];
}

/** A seat metric query (query/execute/seats.ts): the seats snapshot columns of its grouping and filters. */
export interface SeatPlan {
  refId: string;
  metric: MetricInfo & { snapshot: NonNullable<MetricInfo['snapshot']> };
  scope: ResolvedScope;
  groupBy: Dimension;
  /** Column of the grouping in seat_snapshots; a null value is group 0. */
  groupColumn?: string;
  /** Column → accepted ids (an empty list matches nothing). */
  filters: { column: string; ids: number[] }[];
  activeDays: number;
  interval: Interval;
  format: Format;
  limit?: number;
  others: boolean;
}

/** An AI-credit billing query (query/billing/): the billing table and the columns of its grouping and filters. */
export interface BillingPlan {
  refId: string;
  metric: MetricDef;
  scope: ResolvedScope;
  source: Source;
  groupBy: Dimension;
  /** Column of the grouping in the source's table. */
  groupColumn?: string;
  /** Column → accepted values: GitHub's strings, or users.id for a user filter (empty matches nothing). */
  filters: { dim: Dimension; column: string; values: (string | number)[] }[];
  interval: Interval;
  format: Format;
  limit?: number;
  others: boolean;
}
