/**
 * The whole-range totals of a request's rankings that read the same rows the same way (same table,
 * grouping, filters and range; only the metric differs), read together per shape. The per-person table
 * of six columns ranked by one of them reads everyone's totals of that one metric once, ranks, and then
 * reads the other columns for the people shown only: a top 100 of 100,000 people sums five columns for
 * 100 of them, not for everyone.
 */
import type { QueryItem } from '@copilot-metrics/contract';
import type { DayRange, Plan } from '../plan/types';
import type { Aggregator } from './aggregate';
import type { AggregateRows } from './rows';

/** The totals of some groups only: those a ranking chose. */
export type TotalsOf = (groups: number[]) => Promise<AggregateRows>;

/**
 * A ranking's totals read ahead. Ranked by its own metric: that metric's totals of every group. Ranked
 * by another (`rankBy`): that one's totals of every group, and its own metric's for the groups chosen.
 */
export type SharedRanking =
  | { totals: AggregateRows; rankTotals?: never; totalsOf?: never }
  | { totals?: never; rankTotals: AggregateRows; totalsOf: TotalsOf };

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
    if (members.length < 2) continue;
    // Every group's totals of the metrics that rank, in one pass.
    const ranking = await readTogether(
      aggregator,
      members.map((m) => m.rankPlan ?? m.plan),
      range,
    );
    // The other metrics for the groups chosen, in one pass per choice (the columns of a table share it).
    const shown = members.filter((m) => m.rankPlan).map((m) => m.plan);
    const choices = new Map<string, Promise<(plan: Plan) => AggregateRows>>();
    const shownTotals = (groups: number[]) => {
      const key = groups.join(',');
      let read = choices.get(key);
      if (!read) choices.set(key, (read = readTogether(aggregator, shown, range, groups)));
      return read;
    };
    for (const { query, plan, rankPlan } of members)
      shared.set(
        query,
        rankPlan
          ? { rankTotals: ranking(rankPlan), totalsOf: async (groups) => (await shownTotals(groups))(plan) }
          : { totals: ranking(plan) },
      );
  }
  return shared;
}

/**
 * One pass over the shape's rows summing every part the plans' metrics need (each part once, whichever
 * metrics share it), for every group or for `groups` only; then each plan's own totals, taken from it.
 */
async function readTogether(
  aggregator: Aggregator,
  plans: readonly Plan[],
  range: DayRange,
  groups?: number[],
): Promise<(plan: Plan) => AggregateRows> {
  const parts: string[] = [];
  const positions = new Map<string, number[]>();
  for (const plan of plans) {
    if (positions.has(plan.metric.id)) continue;
    positions.set(
      plan.metric.id,
      plan.metric.parts.map((part) => {
        const at = parts.indexOf(part);
        return at >= 0 ? at : parts.push(part) - 1;
      }),
    );
  }
  const merged: Plan = { ...plans[0], metric: { ...plans[0].metric, parts } };
  const rows = await aggregator.rows(merged, range, 'total', groups, false);
  const own = new Map<string, AggregateRows>();
  return (plan) => {
    const at = positions.get(plan.metric.id)!;
    // A metric read alone, its parts in order: the rows as they are.
    if (at.length === parts.length && at.every((p, i) => p === i)) return rows;
    let totals = own.get(plan.metric.id);
    if (!totals) {
      totals = new Map();
      // The same rows as the plan's own pass (only the selected sums differ), so the same groups.
      for (const [key, row] of rows) totals.set(key, { ...row, parts: at.map((p) => row.parts[p]) });
      own.set(plan.metric.id, totals);
    }
    return totals;
  };
}
