/** A plan → the one SELECT that aggregates it over buckets (pure: the statement and its bound values). */
import { indexHint } from '../plan/indexHints';
import { type DayRange, type Plan, type Rollup, hasDaysOff } from '../plan/types';
import { BUCKETS, type BucketMode } from './buckets';
import { OTHERS } from './rows';

/** The plan's rollup, when it can answer buckets of this size. */
export function usableRollup(plan: Plan, bucket: BucketMode): Rollup | undefined {
  return plan.rollup && (bucket === 'day' || !plan.rollup.dailyOnly) ? plan.rollup : undefined;
}

/**
 * The aggregate of a plan over buckets, from its rollup when one applies. With `top`, other groups are
 * folded into OTHERS (`fold`) or left out.
 */
export function aggregateStatement(
  plan: Plan,
  range: DayRange,
  bucket: BucketMode,
  top?: number[],
  fold = true,
): { sql: string; params: unknown[] } {
  const rollup = usableRollup(plan, bucket);
  const source = rollup ?? {
    table: plan.source.table,
    groupSql: plan.groupSql,
    where: plan.where,
    params: plan.params,
    parts: plan.metric.parts,
  };
  const joins = rollup ? '' : plan.joins;
  let group = source.groupSql;
  const where = [...source.where];
  const params: unknown[] = [];
  // A working-days query leaves the days off out of every bucket; bound after the source's values.
  const daysOff = hasDaysOff(range) ? [JSON.stringify(range.daysOff)] : [];
  if (daysOff.length) where.push('x.day NOT IN (SELECT value FROM json_each(?))');
  if (top) {
    const list = top.length ? top.map(() => '?').join(', ') : 'NULL';
    if (fold) {
      group = `CASE WHEN ${source.groupSql} IN (${list}) THEN ${source.groupSql} ELSE ${OTHERS} END`;
      params.push(...top);
    } else {
      where.push(`${source.groupSql} IN (${list})`);
    }
  }
  // A constant in GROUP BY hides the index order from SQLite's planner (it then sorts every row): leave constants out.
  const sql = `SELECT ${BUCKETS[bucket]('x.day')} AS bucket, ${group} AS grp, ${source.parts.map((p, i) => `${p} AS p${i}`).join(', ')}
      FROM ${source.table} x ${rollup ? '' : indexHint(plan, range, top !== undefined && !fold)} ${joins}
      WHERE ${where.join(' AND ')}
      GROUP BY ${[bucket === 'total' ? '' : 'bucket', group === '0' ? '' : 'grp'].filter(Boolean).join(', ') || 'bucket'}`;
  return {
    sql,
    params: [
      ...params,
      plan.scope.id,
      range.fromDay,
      range.toDay,
      ...source.params,
      ...daysOff,
      ...(top && !fold ? top : []),
    ],
  };
}
