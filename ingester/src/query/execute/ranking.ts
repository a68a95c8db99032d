/** Rankings: a table of groups, or the top groups of a series, each with an optional Others. */
import type { QueryItem } from '@copilot-metrics/contract';
import type { Plan } from '../plan/types';
import { combine } from './combine';
import type { GroupGuard } from './guard';
import { excluding } from './others';
import { rank } from './rank';
import type { AggregateRows } from './rows';

/** Whether a query ranks groups by their whole-range totals: a table, or a series with a limit. */
export function isRanking(query: QueryItem): boolean {
  return query.format === 'table' || (query.limit !== undefined && query.groupBy !== 'none');
}

/**
 * The groups a ranking shows, by their whole-range totals, and the plan its Others reads (undefined
 * when there is no Others). Groups hidden over the whole range never add to Others: they are left out
 * of it, or Others is withheld.
 */
export function rankGroups(
  plan: Plan,
  query: QueryItem,
  totals: AggregateRows,
  label: (group: number) => string,
  guard?: GroupGuard,
): { top: { group: number; value: number | null }[]; others?: Plan } {
  const totalsByGroup = [...totals.values()].map((row) => ({
    group: row.group,
    value: guard?.hides(0, row.group, 'total') ? null : combine(plan.metric, row.parts),
  }));
  const top = rank(totalsByGroup, query.limit, label);
  const rest = query.limit !== undefined && query.others && totalsByGroup.length > top.length;
  const hiddenRest = guard ? guard.hiddenGroups().filter((g) => !top.some((r) => r.group === g)) : [];
  const others = hiddenRest.length ? excluding(plan, hiddenRest) : plan;
  if (!rest) return { top };
  if (!others) guard!.withheldOthers();
  return { top, others };
}
