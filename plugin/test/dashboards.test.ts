/**
 * Every provisioned dashboard, run as Grafana would run it: the provisioned data source settings, the
 * template variables resolved through the plugin's own variable support (defaults: the first scope,
 * "All" elsewhere), and every panel's targets sent through the real DataSource to a real ingester that
 * synced the GitHub simulator. A panel that errors or comes back empty fails, and so does one whose
 * transformations leave nothing to draw. A second pass selects one concrete value in every variable,
 * so filters that cannot be combined fail here rather than in front of a user. Both passes run with
 * the Days variable at each of its values, on an ingester whose working days are Monday to Friday
 * less one holiday.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAYS } from '@copilot-metrics/contract';
import {
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TimeRange,
  dateTime,
  getFieldDisplayName,
  transformDataFrame,
} from '@grafana/data';
import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/schema';
import { lastValueFrom } from 'rxjs';
import { parse } from 'yaml';
import { DataSource } from '../src/datasource';
import plugin from '../src/plugin.json';
import {
  type CopilotDataSourceOptions,
  type CopilotQuery,
  type CopilotVariableQuery,
  isAnnotationsQuery,
} from '../src/types';
import type { CopilotVariableSupport } from '../src/variables';
import { installTransformers, installVariables, provisionedDashboards } from './grafana';
import { installGrafanaProxy } from './proxy';
import { type SimulatedIngester, startSimulatedIngester } from './simulated-ingester';

const ROOT = join(__dirname, '..', '..');
const TOKEN = 'dashboards-test-token';
/** The test ingester's one holiday (HOLIDAYS_FILE's part): a Monday, US Labor Day, within every panel's range. */
const HOLIDAY = '2026-09-07';

const dashboards = provisionedDashboards();

/** The Copilot data source exactly as provisioning/grafana/datasources declares it. */
function provisionedDataSource(): {
  uid: string;
  type: string;
  name: string;
  jsonData: CopilotDataSourceOptions;
} {
  const file = parse(readFileSync(join(ROOT, 'provisioning/grafana/datasources/datasources.yaml'), 'utf8'));
  return file.datasources.find((d: { type: string }) => d.type === plugin.id);
}

let ingester: SimulatedIngester;
let ds: DataSource;
const proxyBase = (uid: string) => `/api/datasources/proxy/uid/${uid}`;

beforeAll(async () => {
  ingester = await startSimulatedIngester({ INGESTER_API_TOKEN: TOKEN, HOLIDAYS: HOLIDAY });
  const provisioned = provisionedDataSource();
  const settings = {
    id: 1,
    uid: provisioned.uid,
    type: provisioned.type,
    name: provisioned.name,
    access: 'proxy',
    readOnly: true,
    url: proxyBase(provisioned.uid),
    jsonData: provisioned.jsonData,
    meta: {
      id: plugin.id,
      name: plugin.name,
      type: 'datasource',
      info: plugin.info,
      module: '',
      baseUrl: '',
    },
  } as unknown as DataSourceInstanceSettings<CopilotDataSourceOptions>;
  // Grafana's data source proxy, following the plugin's `ingester` route: jsonData.ingesterUrl (in
  // docker compose http://ingester:8080; here the test's ingester) with the token from secureJsonData.
  installGrafanaProxy({
    dataSourceUrl: proxyBase(provisioned.uid),
    ingesterUrl: ingester.url,
    apiToken: TOKEN,
  });
  ds = new DataSource(settings);
  installTransformers();
}, 180_000);

afterAll(async () => {
  await ingester?.stop();
});

//#region Grafana's side of a dashboard

/** `now-90d`, `now`: the relative times these dashboards use, against the simulator's "now". */
function instant(text: string): number {
  const now = ingester.now.getTime();
  if (text === 'now') return now;
  const match = /^now-(\d+)([dh])$/.exec(text);
  if (!match) throw new Error(`unsupported relative time "${text}"`);
  return now - Number(match[1]) * (match[2] === 'd' ? 86_400_000 : 3_600_000);
}

function rangeOf(from: number, to: number): TimeRange {
  return { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
}

/** The panel's range: the dashboard's, or its own relative time (`timeFrom: '60d'`). */
function panelRange(dashboard: Dashboard, panel: Panel): TimeRange {
  const to = instant(dashboard.time?.to ?? 'now');
  if (panel.timeFrom) return rangeOf(instant(`now-${panel.timeFrom}`), to);
  return rangeOf(instant(dashboard.time?.from ?? 'now-90d'), to);
}

let requestCount = 0;
function request<T extends { refId: string }>(targets: T[], range: TimeRange, scopedVars: ScopedVars = {}) {
  return {
    requestId: `test-${++requestCount}`,
    interval: '1d',
    intervalMs: 86_400_000,
    maxDataPoints: 1000,
    range,
    scopedVars,
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  } as unknown as DataQueryRequest<T>;
}

interface Resolved {
  /** What `$name` stands for: `*` for "All". */
  values: Record<string, string | string[]>;
  /** Every option of each query variable, for repeated panels and the second pass. */
  options: Record<string, string[]>;
}

/**
 * Resolves the variables in order, each seeing the ones before it, as Grafana does on load.
 * @param chosen values of custom variables (`{ days: 'workdays' }`) in place of their defaults.
 */
async function resolveVariables(
  dashboard: Dashboard,
  pick: 'default' | 'first',
  chosen: Record<string, string> = {},
): Promise<Resolved> {
  const resolved: Resolved = { values: {}, options: {} };
  const range = rangeOf(instant(dashboard.time?.from ?? 'now-90d'), instant(dashboard.time?.to ?? 'now'));
  for (const variable of (dashboard.templating?.list ?? []) as VariableModel[]) {
    installVariables(resolved.values);
    if (variable.type === 'custom') {
      const current = variable.current?.value;
      const options = (variable.options ?? []).map((option) => String(option.value));
      const value = chosen[variable.name] ?? (Array.isArray(current) ? current[0] : String(current));
      expect({ variable: variable.name, value, offered: options.includes(value) }).toEqual({
        variable: variable.name,
        value,
        offered: true,
      });
      resolved.values[variable.name] = value;
      continue;
    }
    expect(variable.type).toBe('query');
    expect(variable.datasource?.uid).toBe(ds.uid);
    const query = variable.query as unknown as CopilotVariableQuery;
    const response = await lastValueFrom(
      (ds.variables as CopilotVariableSupport).query(request([query], range)),
    );
    const frame = response.data[0] as DataFrame;
    const values = (frame.fields.find((f) => f.name === 'value')?.values ?? []) as string[];
    // A variable without values empties every panel that follows it.
    expect({ variable: variable.name, count: values.length > 0 }).toEqual({
      variable: variable.name,
      count: true,
    });
    resolved.options[variable.name] = values;
    const all = variable.includeAll && [variable.current?.value].flat().includes('$__all');
    resolved.values[variable.name] = pick === 'default' && all ? variable.allValue! : values[0];
  }
  installVariables(resolved.values);
  return resolved;
}

function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((p) =>
    p.type === 'row' ? ((p as RowPanel).panels as Panel[]) : [p as Panel],
  );
}

const copilotTargets = (panel: Panel) =>
  ((panel.targets ?? []) as unknown as CopilotQuery[]).filter((t) => t.datasource?.uid === ds.uid);

/** The scoped variables of each copy of a panel: one per value of its repeat variable. */
function copiesOf(panel: Panel, resolved: Resolved): ScopedVars[] {
  if (!panel.repeat) return [{}];
  const selected = resolved.values[panel.repeat];
  const values = selected === '*' ? resolved.options[panel.repeat] : ([] as string[]).concat(selected);
  return values.map((value) => ({ [panel.repeat!]: { text: value, value } }));
}

async function runPanel(dashboard: Dashboard, panel: Panel, scopedVars: ScopedVars) {
  const response = await ds.query(request(copilotTargets(panel), panelRange(dashboard, panel), scopedVars));
  return response as DataQueryResponse;
}

const describePanel = (dashboard: Dashboard, panel: Panel, scopedVars: ScopedVars) =>
  `${dashboard.title} / ${panel.title}${Object.keys(scopedVars).length ? ` ${JSON.stringify(scopedVars)}` : ''}`;

const hasVariable = (dashboard: Dashboard, name: string) =>
  (dashboard.templating?.list ?? []).some((variable) => variable.name === name);

/** The values the Days variable takes: both on a dashboard that has it; `all`, what its absence means, elsewhere. */
const daysValuesOf = (dashboard: Dashboard): string[] =>
  hasVariable(dashboard, 'days') ? [...DAYS] : ['all'];

/** Whether a day (epoch ms at any time within it) is off in the test ingester's calendar. */
function isDayOff(time: number): boolean {
  const weekday = new Date(time).getUTCDay();
  return weekday === 0 || weekday === 6 || new Date(time).toISOString().slice(0, 10) === HOLIDAY;
}

/** The instants of a panel's answer that carry a value, over all its time-series frames. */
function pointTimes(frames: DataFrame[]): number[] {
  const times = new Set<number>();
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === 'time');
    const values = frame.fields.filter((f) => f.type === 'number');
    if (!time) continue;
    (time.values as number[]).forEach((t, i) => {
      if (values.some((field) => field.values[i] !== null && field.values[i] !== undefined)) times.add(t);
    });
  }
  return [...times].sort((a, b) => a - b);
}

//#endregion

describe.each(dashboards)('$file', ({ dashboard }) => {
  test.each(daysValuesOf(dashboard))(
    'every Copilot panel returns data for every query, with the variables at their defaults and Days at %s',
    async (days) => {
      const resolved = await resolveVariables(dashboard, 'default', { days });
      const problems: string[] = [];
      let checked = 0;
      for (const panel of panelsOf(dashboard)) {
        if (!copilotTargets(panel).length) continue;
        for (const scopedVars of copiesOf(panel, resolved)) {
          checked++;
          const where = describePanel(dashboard, panel, scopedVars);
          const response = await runPanel(dashboard, panel, scopedVars);
          for (const error of response.errors ?? [])
            problems.push(`${where}: query ${error.refId}: ${error.message}`);
          for (const target of copilotTargets(panel)) {
            const frames = response.data.filter((f: DataFrame) => f.refId === target.refId);
            if (!frames.some((f: DataFrame) => f.length > 0))
              problems.push(`${where}: query ${target.refId} is empty`);
          }
          if (panel.transformations?.length) {
            const out = await lastValueFrom(
              transformDataFrame(panel.transformations as never, response.data, {
                interpolate: (text: string) => text,
              }),
            );
            if (!out.some((f) => f.length > 0))
              problems.push(`${where}: nothing left after the transformations`);
            for (const t of panel.transformations) {
              // Columns are renamed and sorted by display name: a name that matches nothing is a silent no-op.
              const names = out.flatMap((f) => f.fields.map((field) => getFieldDisplayName(field, f, out)));
              const renamed = Object.values(
                (t.options as { renameByName?: Record<string, string> }).renameByName ?? {},
              );
              const sorted = ((t.options as { sort?: { field: string }[] }).sort ?? []).map((s) => s.field);
              for (const name of [...renamed, ...sorted]) {
                if (!names.includes(name))
                  problems.push(`${where}: no column "${name}" (have ${names.join(', ')})`);
              }
            }
          }
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    },
  );

  test.each(daysValuesOf(dashboard))(
    'the comparison stats compare two full periods (Days at %s)',
    async (days) => {
      await resolveVariables(dashboard, 'default', { days });
      for (const panel of panelsOf(dashboard).filter((p) => p.type === 'stat' && p.timeFrom)) {
        const response = await runPanel(dashboard, panel, {});
        const options = (id: string) =>
          panel.transformations!.find((t) => t.id === id)!.options as Record<string, never>;
        // A trailing mean over `period` rows, then the last period + 1 of those: the first of them
        // is the mean of the previous period, the last the mean of the latest.
        const period: number = options('calculateField')['window']['windowSize'];
        const kept = -options('limit')['limitField'];
        expect(kept).toBe(period + 1);
        const rows = Math.max(...response.data.map((f: DataFrame) => f.length));
        // Fewer rows would make the previous period's mean one of fewer days.
        expect({ panel: panel.title, fullPeriods: rows >= 2 * period }).toEqual({
          panel: panel.title,
          fullPeriods: true,
        });
        const [frame] = await lastValueFrom(
          transformDataFrame(panel.transformations as never, response.data, {
            interpolate: (text: string) => text,
          }),
        );
        expect({ panel: panel.title, rows: frame.length }).toEqual({ panel: panel.title, rows: kept });
        const values = frame.fields[1].values as number[];
        expect(values.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      }
    },
  );

  test('the data-gap annotations load, and the holidays on dashboards with time series', async () => {
    await resolveVariables(dashboard, 'default');
    const annotations = (dashboard.annotations?.list ?? []).filter((a) => a.datasource?.uid === ds.uid);
    const range = rangeOf(instant(dashboard.time!.from), instant(dashboard.time!.to));
    const rowsOf = async (name: string) => {
      const annotation = annotations.find((a) => a.name === name);
      expect({ name, target: !!annotation?.target }).toEqual({ name, target: true });
      const response = (await ds.query(
        request([annotation!.target as CopilotQuery], range),
      )) as DataQueryResponse;
      expect(response.errors ?? []).toEqual([]);
      const frame = response.data[0] as DataFrame;
      const field = (fieldName: string) => frame.fields.find((f) => f.name === fieldName)!.values;
      return { times: field('time') as number[], tags: field('tags') as string[][] };
    };

    const gaps = await rowsOf('Copilot data gaps');
    expect(gaps.times.length).toBeGreaterThan(0);
    expect(gaps.tags.filter((tags) => tags.includes('holiday'))).toEqual([]);

    if (panelsOf(dashboard).some((p) => p.type === 'timeseries')) {
      const holidays = await rowsOf('Holidays');
      expect(holidays.times).toEqual([Date.parse(`${HOLIDAY}T00:00:00Z`)]);
      expect(holidays.tags).toEqual([['copilot-metrics', 'holiday']]);
    }
  });

  test.each(daysValuesOf(dashboard))(
    'every filter combination the variables allow is accepted, one concrete value in each (Days at %s)',
    async (days) => {
      const resolved = await resolveVariables(dashboard, 'first', { days });
      const problems: string[] = [];
      for (const panel of panelsOf(dashboard)) {
        if (!copilotTargets(panel).length) continue;
        const [scopedVars] = copiesOf(panel, resolved);
        const response = await runPanel(dashboard, panel, scopedVars);
        for (const error of response.errors ?? []) {
          problems.push(
            `${describePanel(dashboard, panel, scopedVars)}: query ${error.refId}: ${error.message}`,
          );
        }
      }
      expect(problems).toEqual([]);
    },
  );
});

const withDays = dashboards.filter(({ dashboard }) => hasVariable(dashboard, 'days'));

describe.each(withDays)('$file, Days at working days', ({ dashboard }) => {
  test('every Copilot query follows Days or fixes its days, and its panel says which days count', () => {
    for (const panel of panelsOf(dashboard)) {
      const days = copilotTargets(panel).flatMap((t) => (isAnnotationsQuery(t) ? [] : [t.days]));
      if (!days.length) continue;
      expect({
        panel: panel.title,
        days: days.filter((d) => !['$days', 'all', 'workdays'].includes(d!)),
      }).toEqual({ panel: panel.title, days: [] });
      expect({ panel: panel.title, says: /Days: /.test(panel.description ?? '') }).toEqual({
        panel: panel.title,
        says: true,
      });
    }
  });

  test('every time series following Days loses its weekend and holiday points, and only those', async () => {
    const following = panelsOf(dashboard).filter((panel) =>
      copilotTargets(panel).some(
        (t) => 'days' in t && t.days === '$days' && (t.format ?? 'time_series') === 'time_series',
      ),
    );
    const answers = async (days: string) => {
      const resolved = await resolveVariables(dashboard, 'default', { days });
      const out = new Map<Panel, number[]>();
      for (const panel of following) {
        const [scopedVars] = copiesOf(panel, resolved);
        const response = await runPanel(dashboard, panel, scopedVars);
        expect(response.errors ?? []).toEqual([]);
        out.set(panel, pointTimes(response.data as DataFrame[]));
      }
      return out;
    };
    const everyDay = await answers('all');
    const workdays = await answers('workdays');

    let withDaysOff = 0;
    for (const panel of following) {
      const all = everyDay.get(panel)!;
      const daysOff = all.filter(isDayOff);
      if (daysOff.length) withDaysOff++;
      // Day buckets at the default interval: the working-day answer is the every-day one less its days off.
      expect({ panel: panel.title, times: workdays.get(panel) }).toEqual({
        panel: panel.title,
        times: all.filter((time) => !isDayOff(time)),
      });
    }
    // Not vacuous: the every-day answers do have weekend and holiday points to leave out.
    expect(withDaysOff).toBeGreaterThan(0);
  });
});

describe('Copilot overview: daily active users per working day', () => {
  const overview = dashboards.find(({ dashboard }) => dashboard.uid === 'copilot-overview')!.dashboard;
  const byTitle = (title: string) => panelsOf(overview).find((p) => p.title === title)!;
  const numberIn = (response: DataQueryResponse) =>
    (response.data as DataFrame[]).flatMap((frame) =>
      frame.fields.filter((f) => f.type === 'number').flatMap((f) => f.values as number[]),
    );

  test('the average is that of the working days’ daily values, whatever Days says, above the every-day average', async () => {
    const panel = byTitle('Average daily active users per working day');
    const range = panelRange(overview, panel);
    const [target] = copilotTargets(panel);
    expect(target).toMatchObject({ metric: 'daily_active_users', format: 'table', days: 'workdays' });
    const averages: number[] = [];
    for (const days of DAYS) {
      await resolveVariables(overview, 'default', { days });
      const [average] = numberIn(await runPanel(overview, panel, {}));
      averages.push(average);
    }
    // The panel ignores Days.
    expect(averages[1]).toBe(averages[0]);

    await resolveVariables(overview, 'default');
    const daily = (days: string) =>
      ds.query(request([{ ...target, refId: 'D', format: 'time_series', interval: 'day', days }], range));
    const workdayValues = numberIn(await daily('workdays'));
    const everyDayValues = numberIn(await daily('all'));
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(workdayValues.length).toBeGreaterThan(0);
    expect(averages[0]).toBeCloseTo(mean(workdayValues), 6);
    // The simulator's people work less at weekends: leaving the weekends out raises the average.
    expect(averages[0]).toBeGreaterThan(mean(everyDayValues));
  });

  test('the working-day comparison reads working days only: no weekend or holiday among its days', async () => {
    const panel = byTitle('Daily active users per working day: last 4 weeks against the 4 before');
    await resolveVariables(overview, 'default');
    const response = await runPanel(overview, panel, {});
    const times = pointTimes(response.data as DataFrame[]);
    expect(times.length).toBeGreaterThan(40);
    expect(times.filter(isDayOff).map((t) => new Date(t).toISOString())).toEqual([]);
    // The holiday is a Monday inside the panel's range, so its absence is the calendar's doing.
    expect(times[0]).toBeLessThan(Date.parse(HOLIDAY));
    expect(times.at(-1)).toBeGreaterThan(Date.parse(HOLIDAY));
  });
});
