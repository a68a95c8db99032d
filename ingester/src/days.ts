/**
 * Report days are UTC calendar days. Inside the store they are integers (days since 1970-01-01):
 * compact, and range scans stay simple.
 */
const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export type DayNumber = number;

/** Parses `YYYY-MM-DD`; returns undefined for anything that is not a real calendar day. */
export function parseDay(text: string): DayNumber | undefined {
  if (!ISO_DAY.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms)) return undefined;
  const day = ms / MS_PER_DAY;
  // Date.parse rolls 2026-02-30 over to March; a real day formats back to itself.
  return formatDay(day) === text ? day : undefined;
}

const formatted = new Map<DayNumber, string>();

/** YYYY-MM-DD; remembered, since reports name the same few days on every line. */
export function formatDay(day: DayNumber): string {
  let text = formatted.get(day);
  if (text === undefined) {
    text = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (formatted.size >= 4096) formatted.clear();
    formatted.set(day, text);
  }
  return text;
}

export function dayOf(date: Date): DayNumber {
  return Math.floor(date.getTime() / MS_PER_DAY);
}

export function dayToMs(day: DayNumber): number {
  return day * MS_PER_DAY;
}

/** 0 = Monday … 6 = Sunday (ISO). 1970-01-01 was a Thursday. */
export function isoWeekday(day: DayNumber): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function* dayRange(from: DayNumber, to: DayNumber): Generator<DayNumber> {
  for (let day = from; day <= to; day++) yield day;
}

/** The first day of the day's calendar month (UTC). */
export function monthStart(day: DayNumber): DayNumber {
  const date = new Date(dayToMs(day));
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 86_400_000;
}

/** The last day of the day's calendar month (UTC). */
export function monthEnd(day: DayNumber): DayNumber {
  const date = new Date(dayToMs(day));
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 86_400_000 - 1;
}

/** The whole calendar months inside from..to, as their first and last day; undefined when there are none. */
export function wholeMonths(
  from: DayNumber,
  to: DayNumber,
): { first: DayNumber; last: DayNumber } | undefined {
  const first = from === monthStart(from) ? from : monthEnd(from) + 1;
  const last = to === monthEnd(to) ? to : monthStart(to) - 1;
  return first <= last ? { first, last } : undefined;
}
