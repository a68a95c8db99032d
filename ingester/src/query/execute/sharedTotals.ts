/**
 * The whole-range totals of a request's rankings that read the same rows the same way (same table,
 * grouping, filters and range; only the metric differs), computed in one pass per shape: the per-person
 * table of six activity columns reads the user rows once instead of six times. A query ranked by
 * another metric (`rankBy`) gets that metric's totals from the same pass, so a table's columns are
 * computed for the same top people without a second read.
 */
import type { QueryItem } from '@copilot-metrics/contract';
import type { DayRange, Plan } from '../plan/types';
import type { Aggregator } from './aggregate';
import type { AggregateRows } from './rows';

/** A ranking's totals read ahead: its own metric's, and those of the metric it is ranked by. */
export interface SharedRanking {
  totals: AggregateRows;
  rankTotals?: AggregateRows;
}

/** Keyed by the query object; the engine uses them in place of the query's own passes. */
export type SharedTotals = Map<QueryItem, SharedRanking>;

/** A ranking to read ahead: its plan, and the plan of its `rankBy` metric when it has one. */
export interface PlannedRanking {
  query: QueryItem;
  plan: Plan;
  rankPlan?: Plan;
}

const shapeOf = (plan: Plan) =>
  JSON.stringify([plan.source.table, plan.groupSql, plan.joins, plan.where, plan.params, plan.scope.id]);

export async function shareTotals(
  aggregator: Aggregator,
  planned: readonly PlannedRanking[],
  range: DayRange,
): Promise<SharedTotals> {
  const shapes = new Map<string, PlannedRanking[]>();
  for (const member of planned) {
    const key = shapeOf(member.plan);
    // Ranked by a metric read from other rows: the engine reads that one on its own.
    if (member.rankPlan && shapeOf(member.rankPlan) !== key) continue;
    shapes.set(key, [...(shapes.get(key) ?? []), member]);
  }
  const shared: SharedTotals = new Map();
  for (const members of shapes.values()) {
    // Each metric's parts once, wherever they are needed.
    const slices = new Map<string, { offset: number; width: number }>();
    const parts: string[] = [];
    for (const plan of members.flatMap((m) => (m.rankPlan ? [m.plan, m.rankPlan] : [m.plan]))) {
      if (slices.has(plan.metric.id)) continue;
      slices.set(plan.metric.id, { offset: parts.length, width: plan.metric.parts.length });
      parts.push(...plan.metric.parts);
    }
    if (slices.size < 2) continue;
    const merged: Plan = { ...members[0].plan, metric: { ...members[0].plan.metric, parts } };
    const rows = await aggregator.rows(merged, range, 'total');
    // One slice per metric: the columns ranked by the same metric share its totals (and its ranking).
    const sliced = new Map<string, AggregateRows>();
    const sliceOf = (plan: Plan): AggregateRows => {
      const known = sliced.get(plan.metric.id);
      if (known) return known;
      const { offset, width } = slices.get(plan.metric.id)!;
      const own: AggregateRows = new Map();
      // The same rows as the query's own pass (only the selected sums differ), so the same groups.
      for (const [key, row] of rows) own.set(key, { ...row, parts: row.parts.slice(offset, offset + width) });
      sliced.set(plan.metric.id, own);
      return own;
    };
    for (const { query, plan, rankPlan } of members)
      shared.set(query, { totals: sliceOf(plan), ...(rankPlan ? { rankTotals: sliceOf(rankPlan) } : {}) });
  }
  return shared;
}
