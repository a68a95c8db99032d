/** Rankings: a table of groups, or the top groups of a series, each with an optional Others. */
import type { MetricInfo, QueryItem } from '@copilot-metrics/contract';
import type { GroupLabels } from '../labels';
import type { Plan } from '../plan/types';
import { combine } from './combine';
import type { GroupGuard } from './guard';
import { excluding } from './others';
import { rank } from './rank';
import type { AggregateRow, AggregateRows } from './rows';
import type { TotalsOf } from './sharedTotals';

/** Whether a query ranks groups by their whole-range totals: a table, or a series with a limit. */
export function isRanking(query: QueryItem): boolean {
  return query.format === 'table' || (query.limit !== undefined && query.groupBy !== 'none');
}

/** The groups chosen from one object of totals, by limit: the columns of a table share theirs. */
const RANKINGS = new WeakMap<AggregateRows, Map<string, number[]>>();

/** What a ranking is ordered by when it is not its own metric (`rankBy`): that metric's whole-range totals. */
export interface RankedBy {
  metric: MetricInfo;
  totals: AggregateRows;
}

/**
 * The groups a ranking shows, by their whole-range totals (or those of `by`), and the plan its Others
 * reads (undefined when there is no Others). Groups hidden over the whole range never add to Others:
 * they are left out of it, or Others is withheld. Each group keeps its own metric's value (null when
 * it has none but ranks by `by`). Ranked by `by`, its own totals are needed for the groups chosen
 * only: `totals` may read just those.
 */
export async function rankGroups(
  plan: Plan,
  query: QueryItem,
  totals: AggregateRows | TotalsOf,
  labels: GroupLabels,
  guard?: GroupGuard,
  by?: RankedBy,
): Promise<{ top: { group: number; value: number | null }[]; others?: Plan }> {
  await guard?.measure('total');
  const hidden = (group: number) => guard?.hides(0, group, 'total') ?? false;
  const valueOf = (metric: MetricInfo, rows: AggregateRows) =>
    new Map(
      [...rows.values()].map((row) => [row.group, hidden(row.group) ? null : combine(metric, row.parts)]),
    );
  if (!by && typeof totals === 'function')
    throw new Error('a ranking by its own metric needs the totals of every group');
  const rankedRows = by?.totals ?? (totals as AggregateRows);
  // The columns of one table rank everyone by the same totals (one object, read ahead): ranked once,
  // unless a guard hides values, which it decides per query.
  const memo = guard ? undefined : (RANKINGS.get(rankedRows) ?? new Map<string, number[]>());
  let chosen = memo?.get(String(query.limit));
  let ranked: Map<number, number | null> | undefined;
  if (!chosen) {
    ranked = valueOf(by?.metric ?? plan.metric, rankedRows);
    const candidates = [...ranked].map(([group, value]) => ({ group, value }));
    chosen = (await rank(candidates, query.limit, labels)).map((r) => r.group);
    if (memo) RANKINGS.set(rankedRows, memo.set(String(query.limit), chosen));
  }
  // Its own metric's value only for the groups shown: a top 100 of 100,000 people combines 100.
  const own = !by && ranked ? ranked : undefined;
  const rowsByGroup = own
    ? undefined
    : groupIndex(typeof totals === 'function' ? await totals(chosen) : totals);
  const ownValue = (group: number): number | null => {
    if (own) return own.get(group) ?? null;
    const row = rowsByGroup!.get(group);
    return row === undefined || hidden(group) ? null : combine(plan.metric, row.parts);
  };
  const top = chosen.map((group) => ({ group, value: ownValue(group) }));
  const rest = query.limit !== undefined && query.others && rankedRows.size > top.length;
  const hiddenRest = guard ? guard.hiddenGroups().filter((g) => !top.some((r) => r.group === g)) : [];
  const others = hiddenRest.length ? excluding(plan, hiddenRest) : plan;
  if (!rest) return { top };
  if (!others) guard!.withheldOthers();
  return { top, others };
}

/** A ranking's rows by group (one per group: whole-range totals), indexed once per totals object. */
const GROUP_INDEX = new WeakMap<AggregateRows, Map<number, AggregateRow>>();
function groupIndex(totals: AggregateRows): Map<number, AggregateRow> {
  let index = GROUP_INDEX.get(totals);
  if (!index) {
    index = new Map([...totals.values()].map((row) => [row.group, row]));
    GROUP_INDEX.set(totals, index);
  }
  return index;
}
