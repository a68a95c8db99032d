/** Working days: WORKWEEK and HOLIDAYS_FILE, parsed, expanded, and refused with the file and line. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHolidays } from '../src/calendar/holidays';
import { describeWorkweek, parseWorkweek, workCalendar } from '../src/calendar/workCalendar';
import { ConfigError, loadConfig } from '../src/config';
import { day, tempDir } from './helpers';

const days = (map: ReadonlyMap<number, string>) =>
  [...map.keys()].sort((a, b) => a - b).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));

/**
 * fixtures/holidays.ics: a holiday recurring every year on 12-25 and 12-26 (from 2024), a one-off company day
 * (2026-09-16), and a timed meeting that is no day off.
 */
const HOLIDAYS_ICS = readFileSync(join(__dirname, 'fixtures', 'holidays.ics'), 'utf8');

describe('WORKWEEK', () => {
  test.each([
    ['mon-fri', [0, 1, 2, 3, 4], 'mon-fri'],
    ['sun-thu', [6, 0, 1, 2, 3], 'sun-thu'],
    ['Monday, wed ,FRI', [0, 2, 4], 'mon,wed,fri'],
    ['fri-mon', [4, 5, 6, 0], 'fri-mon'],
  ])('%s', (text, weekdays, described) => {
    const workweek = parseWorkweek(text);
    expect([...workweek].sort()).toEqual([...weekdays].sort());
    expect(describeWorkweek(workweek)).toBe(described);
  });

  test('a working day is in the working week and not a holiday', () => {
    const calendar = workCalendar(parseWorkweek('sun-thu'), new Map([[day('2026-06-10'), 'Offsite']]));
    // 2026-06-05 is a Friday, 06-06 a Saturday, 06-07 a Sunday, 06-10 a Wednesday.
    expect(calendar.isWorkday(day('2026-06-05'))).toBe(false);
    expect(calendar.isWorkday(day('2026-06-06'))).toBe(false);
    expect(calendar.isWorkday(day('2026-06-07'))).toBe(true);
    expect(calendar.isWorkday(day('2026-06-10'))).toBe(false);
    expect(calendar.daysOff(day('2026-06-05'), day('2026-06-11'))).toEqual([
      day('2026-06-05'),
      day('2026-06-06'),
      day('2026-06-10'),
    ]);
    expect(calendar.summary).toBe('sun-thu, 1 holiday');
  });
});

describe('HOLIDAYS_FILE', () => {
  test('iCalendar: all-day events, multi-day ones, yearly recurrences up to the horizon; timed events are no day off', () => {
    const holidays = parseHolidays(HOLIDAYS_ICS, day('2027-12-25'));
    expect(days(holidays.days)).toEqual([
      '2024-12-25',
      '2024-12-26',
      '2025-12-25',
      '2025-12-26',
      '2026-09-16',
      '2026-12-25',
      '2026-12-26',
      '2027-12-25',
    ]);
    expect(holidays.days.get(day('2026-12-26'))).toBe('Christmas');
    expect(holidays.ignoredTimedEvents).toBe(1);
  });

  test('a list of dates with comments', () => {
    const holidays = parseHolidays(
      '# Public holidays\n2026-01-01  # New year\n\n2026-05-01\n',
      day('2030-01-01'),
    );
    expect(days(holidays.days)).toEqual(['2026-01-01', '2026-05-01']);
    expect(holidays.days.get(day('2026-01-01'))).toBe('New year');
  });
});

describe('start-up refuses bad input, naming the variable, the file and the line', () => {
  const dir = tempDir('cm-calendar-');
  afterAll(() => dir.cleanup());
  const problems = (env: NodeJS.ProcessEnv) => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('loadConfig accepted the configuration');
  };
  const file = (name: string, text: string) => {
    writeFileSync(join(dir.path, name), text);
    return join(dir.path, name);
  };

  test('an unreadable file', () => {
    const path = join(dir.path, 'missing.ics');
    expect(problems({ HOLIDAYS_FILE: path })).toEqual([
      expect.stringContaining(`HOLIDAYS_FILE cannot be read (ENOENT): check the path "${path}"`),
    ]);
  });

  test('a malformed date in a list', () => {
    const path = file('holidays.txt', '2026-01-01\n# comment\n2026-02-30 # no such day\n');
    expect(problems({ HOLIDAYS_FILE: path })).toEqual([
      expect.stringContaining(`HOLIDAYS_FILE ${path} line 3: "2026-02-30" is not a date`),
    ]);
  });

  test('a malformed date in an iCalendar file', () => {
    const path = file('holidays.ics', HOLIDAYS_ICS.replace('20260916', '20261316'));
    expect(problems({ HOLIDAYS_FILE: path })).toEqual([
      expect.stringContaining(`HOLIDAYS_FILE ${path} line 13: DTSTART "20261316" is not a valid date`),
    ]);
  });

  test('an iCalendar file that does not end', () => {
    const path = file('cut.ics', HOLIDAYS_ICS.split('END:VEVENT')[0]);
    expect(problems({ HOLIDAYS_FILE: path })).toEqual([
      expect.stringContaining(`HOLIDAYS_FILE ${path} not a valid iCalendar file`),
    ]);
  });

  test.each([',', 'funday', 'mon-tue-wed'])('WORKWEEK=%j', (value) => {
    expect(problems({ WORKWEEK: value })).toEqual([expect.stringMatching(/^WORKWEEK .*\(got /)]);
  });

  test('an empty working week says so', () => {
    expect(problems({ WORKWEEK: ',' })).toEqual([expect.stringContaining('WORKWEEK has no working day')]);
  });

  test('defaults: Monday to Friday, no holidays; a good file and week are taken', () => {
    expect(loadConfig({}).calendar.summary).toBe('mon-fri, 0 holidays');
    const config = loadConfig({ WORKWEEK: 'sun-thu', HOLIDAYS_FILE: file('ok.ics', HOLIDAYS_ICS) });
    expect(config.calendar.summary).toMatch(/^sun-thu, \d+ holidays$/);
    expect(config.calendar.holidays.get(day('2026-09-16'))).toBe('Company offsite');
    expect(config.ignoredTimedHolidayEvents).toBe(1);
  });
});
