/** The buckets of an interval: as SQL over a day column, and the same in JavaScript. */
import { dayToMs, isoWeekday } from '../../days';

/** SQL for a bucket start day from x.day; `total` folds the whole range into one bucket. */
export const BUCKETS = {
  day: (col: string) => col,
  week: (col: string) => `(${col} - ((${col} + 3) % 7))`,
  month: (col: string) =>
    `CAST(julianday(date(${col} * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER)`,
  total: () => '0',
} as const;
export type BucketMode = keyof typeof BUCKETS;

/** The same buckets in JavaScript, for answers computed outside SQL. */
export const BUCKET_OF = {
  day: (day: number) => day,
  week: (day: number) => day - isoWeekday(day),
  month: (day: number) => {
    const date = new Date(dayToMs(day));
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 86_400_000;
  },
  total: () => 0,
} as const satisfies Record<BucketMode, (day: number) => number>;
