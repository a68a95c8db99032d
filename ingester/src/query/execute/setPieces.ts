/**
 * Which stored sets make up each bucket of a distinct-user count: whole calendar months and ISO weeks
 * from their period sets (migration 012), and the days left over from the day sets (004). Pure.
 */
import { type Period, periodEnd, periodStart } from '../../store/activePeriods';
import type { DayRange } from '../plan/types';
import type { BucketMode } from './buckets';

/** One stored set to read: a period's (whole inside the bucket, or past the last stored day) or a day's. */
export interface SetPiece {
  period: Period | 'day';
  start: number;
}

/** The periods that stand in for their days, coarsest first, by bucket. */
const LEVELS: Record<BucketMode, Period[]> = {
  day: [],
  week: ['week'],
  month: ['month', 'week'],
  total: ['month', 'week'],
};

/**
 * The pieces of every bucket of a range. A period set is the union of every stored day of the period,
 * so it stands in for the bucket's days only when it holds no other day: it lies inside the bucket, or
 * reaches past an end of the range only into days with no set (`stored`: the nearest days with sets
 * before and after the range), and holds no day left out (`daysOff`). With `periods` false (counts
 * intersected day by day), every piece is a day.
 */
export function setPieces(
  range: DayRange,
  bucket: BucketMode,
  bucketOf: (day: number) => number,
  options: { periods: boolean; stored: { before?: number; after?: number } },
): Map<number, SetPiece[]> {
  const daysOff = [...(range.daysOff ?? [])];
  const dayOff = new Set(daysOff);
  const offIn = (from: number, to: number) => daysOff.some((d) => d >= from && d <= to);
  const lo = options.stored.before === undefined ? -Infinity : options.stored.before + 1;
  const hi = options.stored.after === undefined ? Infinity : options.stored.after - 1;

  /** Pieces covering from..to, where periods may reach back to `back` and forward to `forward`. */
  const cover = (from: number, to: number, back: number, forward: number, levels: Period[]): SetPiece[] => {
    if (from > to) return [];
    if (!levels.length) {
      const days: SetPiece[] = [];
      for (let day = from; day <= to; day++) if (!dayOff.has(day)) days.push({ period: 'day', start: day });
      return days;
    }
    const [period, ...finer] = levels;
    const pieces: SetPiece[] = [];
    let gap = from;
    for (let start = periodStart(period, from); start <= to; start = periodEnd(period, start) + 1) {
      const end = periodEnd(period, start);
      if (start < back || end > forward || offIn(start, end)) continue;
      pieces.push(...cover(gap, start - 1, gap === from ? back : gap, start - 1, finer));
      pieces.push({ period, start });
      gap = end + 1;
    }
    pieces.push(...cover(gap, to, gap === from ? back : gap, forward, finer));
    return pieces;
  };

  const levels = options.periods ? LEVELS[bucket] : [];
  const out = new Map<number, SetPiece[]>();
  for (let from = range.fromDay; from <= range.toDay;) {
    const key = bucketOf(from);
    let to = from;
    while (to < range.toDay && bucketOf(to + 1) === key) to++;
    const back = from === range.fromDay ? lo : from;
    const forward = to === range.toDay ? hi : to;
    out.set(key, cover(from, to, back, forward, levels));
    from = to + 1;
  }
  return out;
}
