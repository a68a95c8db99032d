/**
 * HOLIDAYS_FILE: the days off besides the weekly ones, as an iCalendar file (all-day events, recurring
 * ones expanded) or a plain list of `YYYY-MM-DD` dates, one per line, `#` starting a comment. A
 * problem is reported with its line, so a person can open the file there and fix it.
 */
import ICAL from 'ical.js';
import { type DayNumber, formatDay, parseDay } from '../days';

export class HolidaysFileError extends Error {
  constructor(
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line === undefined ? reason : `line ${line}: ${reason}`);
    this.name = 'HolidaysFileError';
  }
}

export interface Holidays {
  days: Map<DayNumber, string>;
  /** Events that are not all-day (a timed meeting is no day off); counted so start-up can say so. */
  ignoredTimedEvents: number;
}

/** iCalendar if the text says so (BEGIN:VCALENDAR), a list of dates otherwise. */
export function parseHolidays(text: string, until: DayNumber): Holidays {
  return /^\s*BEGIN:VCALENDAR/i.test(text) ? parseICalendar(text, until) : parseDateList(text);
}

/** `YYYY-MM-DD`, one per line; blank lines and `#` comments (whole-line or trailing) are ignored. */
export function parseDateList(text: string): Holidays {
  const days = new Map<DayNumber, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const [value, ...comment] = raw.split('#');
    const date = value.trim();
    if (date === '') return;
    const day = parseDay(date);
    if (day === undefined)
      throw new HolidaysFileError(
        index + 1,
        `"${date}" is not a date: write one day per line as YYYY-MM-DD, with # before any comment`,
      );
    days.set(day, comment.join('#').trim());
  });
  return { days, ignoredTimedEvents: 0 };
}

/** A DATE value (`20261225`), as a day. */
function icalDay(value: string): DayNumber | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return match ? parseDay(`${match[1]}-${match[2]}-${match[3]}`) : undefined;
}

/**
 * Date values of DTSTART, DTEND, RDATE and EXDATE, checked before ical.js reads them: it would take
 * "20261301" as a day in the next year instead of refusing it, and it does not say which line.
 */
function checkDateValues(text: string) {
  text.split(/\r?\n/).forEach((line, index) => {
    const match = /^(DTSTART|DTEND|RDATE|EXDATE)([;:])(.*)$/i.exec(line);
    if (!match) return;
    const params = match[2] === ';' ? match[3].slice(0, match[3].indexOf(':')) : '';
    const values = match[3].slice(match[3].indexOf(':') + 1);
    for (const value of values.split(',')) {
      const date = value.trim().slice(0, 8);
      const dateOnly = /VALUE=DATE(?!-)/i.test(params) || /^\d{8}$/.test(value.trim());
      if (
        !/^\d{8}/.test(value.trim()) ||
        icalDay(date) === undefined ||
        (dateOnly && value.trim().length !== 8)
      )
        throw new HolidaysFileError(
          index + 1,
          `${match[1].toUpperCase()} "${value.trim()}" is not a valid date`,
        );
    }
  });
}

/** Guards against a runaway rule (FREQ=DAILY without an end): a holiday calendar needs far fewer. */
const MAX_OCCURRENCES = 5000;

export function parseICalendar(text: string, until: DayNumber): Holidays {
  checkDateValues(text);
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new HolidaysFileError(undefined, `not a valid iCalendar file: ${(error as Error).message}`);
  }
  const days = new Map<DayNumber, string>();
  let ignoredTimedEvents = 0;
  for (const component of calendar.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(component);
    if (!event.startDate) continue;
    if (!event.startDate.isDate) {
      ignoredTimedEvents++;
      continue;
    }
    // An all-day event's DTEND is exclusive; without one it is a single day.
    const length = event.endDate ? Math.max(1, event.endDate.subtractDate(event.startDate).days) : 1;
    const starts = event.isRecurring() ? occurrences(event, until) : [event.startDate];
    for (const start of starts) {
      const first = icalDay(start.toICALString())!;
      for (let day = first; day < first + length && day <= until; day++)
        days.set(day, event.summary ?? formatDay(day));
    }
  }
  return { days, ignoredTimedEvents };
}

function occurrences(event: ICAL.Event, until: DayNumber): ICAL.Time[] {
  const found: ICAL.Time[] = [];
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    if (icalDay(next.toICALString())! > until) break;
    found.push(next);
    if (found.length > MAX_OCCURRENCES)
      throw new HolidaysFileError(
        undefined,
        `the event "${event.summary}" recurs more than ${MAX_OCCURRENCES} times before ${formatDay(until)}: give its RRULE an end`,
      );
  }
  return found;
}
