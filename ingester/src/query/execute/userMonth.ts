/**
 * Whole-range totals per person from the monthly rollup (user_month, migration 009): whole months from
 * it, the partial months at the ends from the day rows.
 */
import { monthEnd, monthStart, wholeMonths } from '../../days';
import type { SqlReader } from '../../store/reader';
import { rolledUpColumns } from '../plan/rollups';
import type { DayRange, Plan } from '../plan/types';
import type { AggregateRow, AggregateRows } from './rows';
import { seekPeople } from './sql';

/**
 * The months of a range that user_month answers whole: calendar months inside it, and also the months
 * at its ends when the range reaches past every stored day (the current month, up to yesterday's report,
 * is whole for a range ending today). Undefined when there are none.
 */
export async function storedMonths(
  reader: SqlReader,
  scopeIds: readonly number[],
  range: DayRange,
): Promise<{ first: number; last: number } | undefined> {
  const span = (await reader.first<{ first: number | null; last: number | null }>(
    `SELECT min(day) AS first, max(day) AS last FROM reports
       WHERE scope_id IN (${scopeIds.map(() => '?').join(', ') || 'NULL'}) AND kind = 'users' AND status = 'ok'`,
    scopeIds,
  ))!;
  if (span.first === null || span.last === null) return undefined;
  const from = range.fromDay <= span.first ? monthStart(Math.max(range.fromDay, span.first)) : range.fromDay;
  const to = range.toDay >= span.last ? monthEnd(Math.min(range.toDay, span.last)) : range.toDay;
  return wholeMonths(from, to);
}

/**
 * Whole-range totals per person of plain sums of the monthly-rolled-up counters, of everyone or of the
 * people in `top` (each sought by primary key, month by month and day by day at the ends). Undefined
 * when the plan is not such a ranking, or the range holds no whole month.
 */
export async function totalsByUserMonth(
  reader: SqlReader,
  plan: Plan,
  range: DayRange,
  top?: number[],
): Promise<AggregateRows | undefined> {
  // Whole months add up every day: a working-days query reads the day rows.
  if (range.daysOff?.length) return undefined;
  const columns = plan.groupSql === 'x.user_ref' ? rolledUpColumns(plan, { people: true }) : undefined;
  if (!columns || top?.length === 0) return undefined;
  const months = await storedMonths(reader, [plan.scope.id], range);
  if (!months) return undefined;
  const { first, last } = months;
  const sums = columns.map((c) => `SUM(x.${c})`).join(', ');
  // A user filter or person search: the same conditions on both tables (alias x, keyed by user_ref).
  const people = plan.people.where.map((condition) => ` AND ${condition}`).join('');
  // Two grouped reads merged here: SQLite would otherwise sort their union once more.
  const read = (table: 'user_month' | 'usage_day', column: 'month' | 'day', from: number, to: number) => {
    if (top) {
      const periods = [];
      for (let p = from; p <= to; p = column === 'month' ? monthEnd(p) + 1 : p + 1) periods.push(p);
      const seek = seekPeople(`${table} x`, column, periods, top);
      return reader.stream<(number | null)[]>(
        `SELECT x.user_ref, ${sums} FROM ${seek.from}
             WHERE x.scope_id = ? AND ${seek.where.join(' AND ')}${people} GROUP BY x.user_ref`,
        [...seek.params, plan.scope.id, ...plan.people.params],
      );
    }
    // Each end on its own: an OR of two day ranges would not follow the primary key.
    return reader.stream<(number | null)[]>(
      `SELECT x.user_ref, ${sums} FROM ${table} x
           WHERE x.scope_id = ? AND x.${column} BETWEEN ? AND ?${table === 'usage_day' ? ' AND x.user_ref > 0' : ''}${people} GROUP BY x.user_ref`,
      [plan.scope.id, from, to, ...plan.people.params],
    );
  };
  const wholeMonthRows = read('user_month', 'month', first, monthStart(last));
  const edgeRows = (from: number, to: number) => (from > to ? [] : read('usage_day', 'day', from, to));
  const out: AggregateRows = new Map();
  for (const batches of [wholeMonthRows, edgeRows(range.fromDay, first - 1), edgeRows(last + 1, range.toDay)])
    for await (const rows of batches)
      for (const row of rows) {
        const key = `0:${row[0]}`;
        const known: AggregateRow | undefined = out.get(key);
        if (!known) {
          out.set(key, { bucket: 0, group: row[0]!, parts: row.slice(1) });
          continue;
        }
        // SQL's SUM: nulls are skipped, and all-null stays null.
        for (let i = 1; i < row.length; i++)
          if (row[i] !== null) known.parts[i - 1] = (known.parts[i - 1] ?? 0) + row[i]!;
      }
  return out;
}
