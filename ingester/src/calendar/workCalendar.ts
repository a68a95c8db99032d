/**
 * Which days are working days: the working week (WORKWEEK) less the days off (HOLIDAYS_FILE). Copilot
 * use drops on every weekend and holiday, so averages and trends "per working day" leave those days out.
 * Days are UTC report days, like everything else here.
 */
import { type DayNumber, formatDay, isoWeekday } from '../days';

/** ISO weekday numbers, 0 = Monday … 6 = Sunday (days.ts `isoWeekday`). */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const DEFAULT_WORKWEEK = 'mon-fri';

export interface WorkCalendar {
  /** ISO weekdays that are working days. */
  readonly workweek: ReadonlySet<number>;
  /** Days off besides the weekly ones, with their names where the file gives one. */
  readonly holidays: ReadonlyMap<DayNumber, string>;
  isWorkday(day: DayNumber): boolean;
  /** The days of from..to that are not working days. */
  daysOff(from: DayNumber, to: DayNumber): DayNumber[];
  /** "mon-fri, 12 holidays": for logs and notices. */
  readonly summary: string;
}

export function workCalendar(
  workweek: ReadonlySet<number>,
  holidays: ReadonlyMap<DayNumber, string>,
): WorkCalendar {
  const isWorkday = (day: DayNumber) => workweek.has(isoWeekday(day)) && !holidays.has(day);
  return {
    workweek,
    holidays,
    isWorkday,
    daysOff(from, to) {
      const off: DayNumber[] = [];
      for (let day = from; day <= to; day++) if (!isWorkday(day)) off.push(day);
      return off;
    },
    summary: `${describeWorkweek(workweek)}, ${holidays.size} holiday${holidays.size === 1 ? '' : 's'}`,
  };
}

/** "mon-fri", or "sun-thu", or "mon,wed,fri". */
export function describeWorkweek(workweek: ReadonlySet<number>): string {
  const days = [...workweek].sort((a, b) => a - b);
  // A run, possibly wrapping past Sunday (sun-thu), is written as a range.
  for (let start = 0; start < 7; start++) {
    const run = Array.from({ length: days.length }, (_, i) => (start + i) % 7);
    if (days.length > 2 && run.every((d) => workweek.has(d)))
      return `${WEEKDAY_NAMES[run[0]]}-${WEEKDAY_NAMES[run.at(-1)!]}`;
  }
  return days.map((d) => WEEKDAY_NAMES[d]).join(',');
}

/**
 * Parses WORKWEEK: day names (`mon` or `monday`) and ranges (`mon-fri`, `sun-thu`, which wrap past
 * Sunday), comma-separated, any case. Throws an Error whose message says what is wrong.
 */
export function parseWorkweek(text: string): Set<number> {
  const dayNumber = (name: string): number => {
    const n = DAY_BY_NAME.get(name);
    if (n === undefined)
      throw new Error(
        `"${name}" is not a day of the week (mon, tue, wed, thu, fri, sat, sun, or their full names)`,
      );
    return n;
  };
  const workweek = new Set<number>();
  for (const token of text
    .toLowerCase()
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const [from, to, ...rest] = token.split('-').map((t) => t.trim());
    if (rest.length) throw new Error(`"${token}" is not a day or a range of days such as mon-fri`);
    const first = dayNumber(from);
    const last = to === undefined ? first : dayNumber(to);
    for (let d = first; ; d = (d + 1) % 7) {
      workweek.add(d);
      if (d === last) break;
    }
  }
  if (workweek.size === 0) throw new Error('has no working day: name at least one, e.g. mon-fri or sun-thu');
  return workweek;
}

const FULL_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAY_BY_NAME = new Map<string, number>([
  ...WEEKDAY_NAMES.map((name, n) => [name, n] as [string, number]),
  ...FULL_NAMES.map((name, n) => [name, n] as [string, number]),
]);

/** For messages: a day with its weekday. */
export const describeDay = (day: DayNumber) => `${formatDay(day)} (${WEEKDAY_NAMES[isoWeekday(day)]})`;

/** WORKWEEK's default, Monday to Friday, without holidays. */
export const DEFAULT_CALENDAR = workCalendar(parseWorkweek(DEFAULT_WORKWEEK), new Map());
