/**
 * The whole-range totals of a request's rankings that read the same rows the same way (same table,
 * grouping, filters and range; only the metric differs), computed in one pass per shape: the per-person
 * table of six activity columns reads the user rows once instead of six times.
 */
import type { QueryItem } from '@copilot-metrics/contract';
import type { DayRange, Plan } from '../plan/types';
import type { Aggregator } from './aggregate';
import type { AggregateRows } from './rows';

/** Keyed by the query object; the engine uses them in place of the query's own pass. */
export type SharedTotals = Map<QueryItem, AggregateRows>;

export function shareTotals(
  aggregator: Aggregator,
  planned: readonly { query: QueryItem; plan: Plan }[],
  range: DayRange,
): SharedTotals {
  const shapes = new Map<string, { query: QueryItem; plan: Plan }[]>();
  for (const member of planned) {
    const { plan } = member;
    const key = JSON.stringify([
      plan.source.table,
      plan.groupSql,
      plan.joins,
      plan.where,
      plan.params,
      plan.scope.id,
    ]);
    shapes.set(key, [...(shapes.get(key) ?? []), member]);
  }
  const shared: SharedTotals = new Map();
  for (const members of shapes.values()) {
    if (members.length < 2) continue;
    const parts = members.flatMap((m) => m.plan.metric.parts);
    const merged: Plan = { ...members[0].plan, metric: { ...members[0].plan.metric, parts } };
    const rows = aggregator.rows(merged, range, 'total');
    let offset = 0;
    for (const { query, plan } of members) {
      const width = plan.metric.parts.length;
      const own: AggregateRows = new Map();
      // The same rows as the query's own pass (only the selected sums differ), so the same groups.
      for (const [key, row] of rows) own.set(key, { ...row, parts: row.parts.slice(offset, offset + width) });
      shared.set(query, own);
      offset += width;
    }
  }
  return shared;
}
