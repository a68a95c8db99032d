/**
 * Runs a plan: rows of its SQL parts per (bucket, group), read the cheapest way that gives the same
 * figures (the monthly rollup for whole-range totals per person, the active sets for distinct users, or
 * the plan's aggregate statement).
 */
import type { SqlReader } from '../../store/reader';
import type { DayRange, DistinctPlan, Plan } from '../plan/types';
import type { BucketMode } from './buckets';
import { distinctCounts } from './distinct';
import { OTHERS, type AggregateRows } from './rows';
import { aggregateStatement, usableRollup } from './sql';
import { totalsByUserMonth } from './userMonth';

export class Aggregator {
  constructor(private readonly reader: SqlReader) {}

  /** The plan's aggregate over buckets; with `top`, other groups are dropped or folded into OTHERS. */
  async rows(
    plan: Plan,
    range: DayRange,
    bucket: BucketMode,
    top?: number[],
    fold = true,
  ): Promise<AggregateRows> {
    const rollup = usableRollup(plan, bucket);
    // A ranking's totals of everyone, or of the people shown, from the monthly rollup where it applies.
    if (bucket === 'total' && (!top || !fold) && !rollup && !plan.sets) {
      const months = await totalsByUserMonth(this.reader, plan, range, top);
      if (months) return months;
    }
    if (plan.sets && !rollup) return this.distinct(plan.sets, range, bucket, top, fold);
    const statement = aggregateStatement(plan, range, bucket, top, fold);
    const rows = await this.reader.raw<(number | null)[]>(statement.sql, statement.params);
    const out: AggregateRows = new Map();
    for (const row of rows)
      out.set(`${row[0]}:${row[1]}`, { bucket: row[0]!, group: row[1]!, parts: row.slice(2) });
    return out;
  }

  private async distinct(
    plan: DistinctPlan,
    range: DayRange,
    bucket: BucketMode,
    top: number[] | undefined,
    fold: boolean,
  ): Promise<AggregateRows> {
    const sets: DistinctPlan =
      top && !fold ? { ...plan, keys: plan.keys ? plan.keys.filter((k) => top.includes(k)) : top } : plan;
    const rows = await distinctCounts(
      this.reader,
      sets,
      range,
      bucket,
      top && fold ? { top, others: OTHERS } : undefined,
    );
    const out: AggregateRows = new Map();
    // A group none of whose users pass the filters has no rows, as in SQL.
    for (const row of rows)
      if (row.count > 0)
        out.set(`${row.bucket}:${row.group}`, { bucket: row.bucket, group: row.group, parts: [row.count] });
    return out;
  }
}
