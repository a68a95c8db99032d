/** A plan → the one SELECT that aggregates it over buckets (pure: the statement and its bound values). */
import { indexHint } from '../plan/indexHints';
import type { DayRange, Plan, Rollup } from '../plan/types';
import { BUCKETS, type BucketMode } from './buckets';
import { OTHERS } from './rows';

/** The day condition every plan's statement starts with (after the scope), bound to the range's ends. */
const DAY_RANGE = 'x.day BETWEEN ? AND ?';

/**
 * Every day of a range as one bound value (a JSON list), for `x.day IN (…)`: with the subject's own
 * `IN`, SQLite seeks the primary key (scope_id, day, subject) once per day and subject.
 */
export const DAY_SEEK = {
  /** Longer ranges (an API client's, not a dashboard's) read the range as a range. */
  maxDays: 3660,
  sql: 'x.day IN (SELECT value FROM json_each(?))',
  /** A list bound as one JSON text, as a table of its values (`value`). */
  list: '(SELECT value FROM json_each(?))',
  param: (range: DayRange): string =>
    JSON.stringify(Array.from({ length: range.toDay - range.fromDay + 1 }, (_, i) => range.fromDay + i)),
};

/**
 * A working-days range's days off as one condition on a day column and its one bound value (a JSON
 * list): nothing when the range leaves no day out.
 */
export function daysOffFilter(
  range: DayRange,
  column: string,
): { sql: string; params: string[] } | undefined {
  return range.daysOff?.length
    ? { sql: `${column} NOT IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(range.daysOff)] }
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
  const joins = rollup ? '' : plan.joins;
  let group = source.groupSql;
  const where = [...source.where];
  const params: unknown[] = [];
  // A working-days query leaves the days off out of every bucket; bound after the source's values.
  const daysOff = daysOffFilter(range, 'x.day');
  if (daysOff) where.push(daysOff.sql);
  // A few people's rows (the top of a ranking), read by seeking each day's rows of each of them: the
  // figure tables are keyed (scope_id, day, subject, ...), so a range scan would read everyone's rows.
  const seekDays =
    top !== undefined &&
    !fold &&
    !rollup &&
    plan.userRows &&
    source.groupSql === 'x.user_ref' &&
    where[1] === DAY_RANGE &&
    range.toDay - range.fromDay < DAY_SEEK.maxDays;
  // Seeking: each day of the range, each person of the list, in that order whatever the statistics say
  // (limited ANALYZE samples make a day's rows look few, and SQLite then reads every row of each day).
  const seekPeople = seekDays && top!.length > 0;
  let from = `${source.table} x ${rollup ? '' : indexHint(plan)} ${joins}`;
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
      where.push(seekPeople ? `${source.groupSql} = sp.value` : `${source.groupSql} IN (${list})`);
    }
  }
  if (seekPeople) {
    from = `${DAY_SEEK.list} sd CROSS JOIN ${DAY_SEEK.list} sp CROSS JOIN ${from}`;
    where[1] = 'x.day = sd.value';
  } else if (seekDays) where[1] = DAY_SEEK.sql; // The day range as a list, or SQLite may prefer the range.
  // A constant in GROUP BY hides the index order from SQLite's planner (it then sorts every row): leave constants out.
  const sql = `SELECT ${BUCKETS[bucket]('x.day')} AS bucket, ${group} AS grp, ${source.parts.map((p, i) => `${p} AS p${i}`).join(', ')}
      FROM ${from}
      WHERE ${where.join(' AND ')}
      GROUP BY ${[bucket === 'total' ? '' : 'bucket', group === '0' ? '' : 'grp'].filter(Boolean).join(', ') || 'bucket'}`;
  if (seekPeople)
    return {
      sql,
      params: [
        DAY_SEEK.param(range),
        JSON.stringify(top),
        plan.scope.id,
        ...source.params,
        ...(daysOff?.params ?? []),
      ],
    };
  return {
    sql,
    params: [
      ...params,
      plan.scope.id,
      ...(seekDays ? [DAY_SEEK.param(range)] : [range.fromDay, range.toDay]),
      ...source.params,
      ...(daysOff?.params ?? []),
      ...(top && !fold ? top : []),
    ],
  };
}
