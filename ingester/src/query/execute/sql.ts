/** A plan → the one SELECT that aggregates it over buckets (pure: the statement and its bound values). */
import { indexHint } from '../plan/indexHints';
import type { DayRange, Plan, Rollup } from '../plan/types';
import { BUCKETS, type BucketMode } from './buckets';
import { OTHERS } from './rows';

/** The day condition every plan's statement starts with (after the scope), bound to the range's ends. */
const DAY_RANGE = 'x.day BETWEEN ? AND ?';

/** A list bound as one JSON text, as a table of its values (`value`); PostgreSQL's reader rewrites it. */
export const JSON_LIST = '(SELECT value FROM json_each(?))';

/** Longer ranges (an API client's, not a dashboard's) read the range as a range, not day by day. */
const SEEK_MAX_DAYS = 3660;

/**
 * Some people's rows over some periods (days, or months of user_month), sought by primary key period by
 * period and person by person, in that order whatever the statistics say: limited ANALYZE samples make a
 * period's rows look few, and SQLite then reads every row of each. `source` is the table (alias x); the
 * periods and the people are bound first, as two JSON lists.
 */
export function seekPeople(
  source: string,
  column: 'day' | 'month',
  periods: number[],
  people: number[],
): { from: string; where: string[]; params: string[] } {
  return {
    from: `${JSON_LIST} sd CROSS JOIN ${JSON_LIST} sp CROSS JOIN ${source}`,
    where: [`x.${column} = sd.value`, 'x.user_ref = sp.value'],
    params: [JSON.stringify(periods), JSON.stringify(people)],
  };
}

/**
 * A working-days range's days off as one condition on a day column and its one bound value (a JSON
 * list): nothing when the range leaves no day out.
 */
export function daysOffFilter(
  range: DayRange,
  column: string,
): { sql: string; params: string[] } | undefined {
  return range.daysOff?.length
    ? { sql: `${column} NOT IN ${JSON_LIST}`, params: [JSON.stringify(range.daysOff)] }
    : undefined;
}

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
  const table = `${source.table} x ${rollup ? '' : indexHint(plan)} ${rollup ? '' : plan.joins}`;
  let group = source.groupSql;
  const where = [...source.where];
  const params: unknown[] = [];
  // A working-days query leaves the days off out of every bucket; bound after the source's values.
  const daysOff = daysOffFilter(range, 'x.day');
  if (daysOff) where.push(daysOff.sql);
  // A few people's rows (the top of a ranking), read by seeking each day's rows of each of them: the
  // figure tables are keyed (scope_id, day, subject, ...), so a range scan would read everyone's rows.
  const seek =
    top !== undefined &&
    top.length > 0 &&
    !fold &&
    !rollup &&
    plan.userRows &&
    source.groupSql === 'x.user_ref' &&
    where[1] === DAY_RANGE &&
    range.toDay - range.fromDay < SEEK_MAX_DAYS
      ? seekPeople(
          table,
          'day',
          Array.from({ length: range.toDay - range.fromDay + 1 }, (_, i) => range.fromDay + i),
          top,
        )
      : undefined;
  if (top) {
    const list = top.length ? top.map(() => '?').join(', ') : 'NULL';
    if (fold) {
      group = `CASE WHEN ${source.groupSql} IN (${list}) THEN ${source.groupSql} ELSE ${OTHERS} END`;
      params.push(...top);
    } else {
      // The list stands in for the planner's subject condition (`x.user_ref > 0`): its ids come from a
      // ranking of the same rows, and SQLite, given both, may seek the range instead of each id.
      const subject = where.indexOf(`${source.groupSql} > 0`);
      if (subject >= 0) where.splice(subject, 1);
      where.push(seek ? seek.where[1] : `${source.groupSql} IN (${list})`);
    }
  }
  if (seek) where[1] = seek.where[0];
  // A constant in GROUP BY hides the index order from SQLite's planner (it then sorts every row): leave constants out.
  const sql = `SELECT ${BUCKETS[bucket]('x.day')} AS bucket, ${group} AS grp, ${source.parts.map((p, i) => `${p} AS p${i}`).join(', ')}
      FROM ${seek?.from ?? table}
      WHERE ${where.join(' AND ')}
      GROUP BY ${[bucket === 'total' ? '' : 'bucket', group === '0' ? '' : 'grp'].filter(Boolean).join(', ') || 'bucket'}`;
  return {
    sql,
    params: [
      ...(seek?.params ?? params),
      plan.scope.id,
      ...(seek ? [] : [range.fromDay, range.toDay]),
      ...source.params,
      ...(daysOff?.params ?? []),
      ...(top && !fold && !seek ? top : []),
    ],
  };
}
