/**
 * Every provisioned dashboard, run as Grafana would run it: the provisioned data source settings, the
 * template variables resolved through the plugin's own variable support (defaults: the first scope,
 * "All" elsewhere), and every panel's targets sent through the real DataSource to a real ingester that
 * synced the GitHub simulator. A panel that errors or comes back empty fails, and so does one whose
 * transformations leave nothing to draw. A second pass selects one concrete value in every variable,
 * so filters that cannot be combined fail here rather than in front of a user. Both passes run with
 * the Days variable at each of its values, on an ingester whose working days are Monday to Friday
 * less one holiday. The viewer is signed in (an ID token from a stand-in for Grafana's signing keys):
 * a member with Copilot activity and a seat, whose own figures fill "My Copilot". That dashboard is
 * also run as a member without rows and anonymously, where every panel must explain, not fail.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessStatus, DAYS, type QueryItemInput, type QueryResponse } from '@copilot-metrics/contract';
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
import { type GrafanaSigningKeys, startGrafanaSigningKeys } from './grafana-id';
import { drawn, emptyPanelText, fieldConfigOf } from './panels';
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
let keys: GrafanaSigningKeys;
let ds: DataSource;
const proxyBase = (uid: string) => `/api/datasources/proxy/uid/${uid}`;

/** A Grafana user, as their ID token names them. */
interface Viewer {
  login: string;
  role: 'Viewer' | 'Editor' | 'Admin';
}
/** Someone with Copilot activity on the dashboards' days and a seat in the first scope: a Viewer. */
let member: Viewer;

/**
 * Grafana's data source proxy, following the plugin's `ingester` route: jsonData.ingesterUrl (in
 * docker compose http://ingester:8080; here the test's ingester) with the token from secureJsonData,
 * and the ID token of `viewer` (none: anonymous). `identity`: the ingester with ACCESS_POLICY=identity.
 */
function viewAs(viewer: Viewer | undefined, policy: 'open' | 'identity' = 'open') {
  installGrafanaProxy({
    dataSourceUrl: proxyBase(provisionedDataSource().uid),
    ingesterUrl: policy === 'identity' ? ingester.identityUrl! : ingester.url,
    apiToken: TOKEN,
    idToken: () => (viewer ? keys.idToken(viewer) : undefined),
  });
}

/** The ingester's own answer, straight (no proxy), as an admin of the identity policy sees it. */
async function asAdmin<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ingester.identityUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'X-Grafana-Id': keys.idToken({ login: 'grafana-admin', role: 'Admin' }),
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Labels and values of the table answer to one query, as the admin gets it. */
async function adminTable(query: QueryItemInput, range: TimeRange): Promise<Map<string, number>> {
  const { results } = await asAdmin<QueryResponse>('/api/v1/query', {
    range: { from: range.from.toISOString(), to: range.to.toISOString() },
    queries: [{ format: 'table', ...query }],
  });
  const result = results[query.refId];
  if (!result || 'error' in result) throw new Error(`the admin's ${query.metric}: ${JSON.stringify(result)}`);
  const [labels, values] = (result.frames[0]?.data?.values ?? [[], []]) as [string[], number[]];
  return new Map(labels.map((label, i) => [label, values[i]]));
}

/**
 * The member the dashboards are viewed as: among the most active people of the first scope over the
 * default 90 days, the first with AI credits and a seat there, so that every My Copilot panel has rows.
 */
async function chooseMember(): Promise<Viewer> {
  const scopes = await asAdmin<{ values: { value: string }[] }>('/api/v1/dimensions/scope/values');
  const scope = scopes.values[0].value;
  const range = rangeOf(instant('now-90d'), instant('now'));
  const top = await adminTable(
    { refId: 'A', scope, metric: 'user_initiated_interaction_count', groupBy: 'user', limit: 20 },
    range,
  );
  const credits = await adminTable({ refId: 'A', scope, metric: 'ai_credits_used', groupBy: 'user' }, range);
  const { results } = await asAdmin<QueryResponse>('/api/v1/query', {
    range: { from: range.from.toISOString(), to: range.to.toISOString() },
    queries: [{ refId: 'S', scope, metric: 'assigned_seats', format: 'table' }],
  });
  const seated = new Set(('frames' in results.S ? results.S.frames[0].data.values[0] : []) as string[]);
  const login = [...top.keys()].find((l) => seated.has(l) && (credits.get(l) ?? 0) > 0);
  if (!login) throw new Error(`no active person with AI credits and a seat in ${scope}`);
  return { login, role: 'Viewer' };
}

beforeAll(async () => {
  keys = await startGrafanaSigningKeys();
  // GRAFANA_URL: where the ingester reads Grafana's signing keys; the tokens' issuer is the same URL.
  ingester = await startSimulatedIngester({
    INGESTER_API_TOKEN: TOKEN,
    HOLIDAYS: HOLIDAY,
    GRAFANA_URL: keys.url,
  });
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
  ds = new DataSource(settings);
  installTransformers();
  member = await chooseMember();
}, 180_000);

// Every dashboard is viewed by the member, signed in; the open policy shows them everything.
beforeEach(() => viewAs(member));

afterAll(async () => {
  await ingester?.stop();
  await keys?.stop();
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
    if (variable.type === 'textbox') {
      // A person search: empty by default; in the concrete pass, part of the first login listed, in
      // capitals (the search is case-insensitive), so the per-person tables keep at least that person.
      const login = resolved.options.user?.[0];
      const typed =
        pick === 'first' && login ? login.slice(1, 4).toUpperCase() : String(variable.current?.value ?? '');
      resolved.values[variable.name] = chosen[variable.name] ?? typed;
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

describe('Copilot users: People over the time range, top N by interactions', () => {
  const users = dashboards.find(({ dashboard }) => dashboard.uid === 'copilot-users')!.dashboard;
  const table = panelsOf(users).find((p) => p.title === 'People over the time range')!;

  /** The table as Grafana draws it: the panel's queries joined and renamed by its transformations. */
  async function drawnTable(values: Record<string, string>) {
    const resolved = await resolveVariables(users, 'default');
    installVariables({ ...resolved.values, ...values });
    const response = await runPanel(users, table, {});
    expect(response.errors ?? []).toEqual([]);
    const [frame] = await lastValueFrom(
      transformDataFrame(table.transformations as never, response.data, {
        interpolate: (text: string) => text,
      }),
    );
    const column = (name: string) =>
      [...frame.fields.find((f) => getFieldDisplayName(f, frame, [frame]) === name)!.values] as unknown[];
    const logins = column('user') as string[];
    return new Map(
      logins.map((login, i) => [login, frame.fields.slice(1).map((f) => f.values[i] as unknown)]),
    );
  }

  test('with $top, the people with the most interactions, each with every column of the full table', async () => {
    const everyone = await drawnTable({ top: '*', person: '' });
    const top5 = await drawnTable({ top: '5', person: '' });
    const interactions = [...everyone].map(([login, row]) => ({ login, value: row[0] as number }));
    interactions.sort((a, b) => b.value - a.value || a.login.localeCompare(b.login));
    expect(everyone.size).toBeGreaterThan(5);
    expect([...top5.keys()].sort()).toEqual(
      interactions
        .slice(0, 5)
        .map((r) => r.login)
        .sort(),
    );
    for (const [login, row] of top5) expect({ login, row }).toEqual({ login, row: everyone.get(login) });
  });

  test('with $person, only logins containing it, whatever the case', async () => {
    const everyone = await drawnTable({ top: '*', person: '' });
    const login = [...everyone.keys()][0];
    const typed = login.slice(1, 4).toUpperCase();
    const found = await drawnTable({ top: '100', person: typed });
    const expected = [...everyone.keys()].filter((l) => l.toLowerCase().includes(typed.toLowerCase()));
    expect([...found.keys()].sort()).toEqual(expected.sort());
    expect(found.get(login)).toEqual(everyone.get(login));
  });
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

describe('My Copilot: each viewer sees their own numbers', () => {
  const myCopilot = dashboards.find(({ dashboard }) => dashboard.uid === 'copilot-my-copilot')!.dashboard;
  const metricPanels = () => panelsOf(myCopilot).filter((panel) => copilotTargets(panel).length > 0);
  const byTitle = (title: string) => panelsOf(myCopilot).find((p) => p.title === title)!;

  /** Each panel as Grafana shows it: its query errors, its frames, and what it draws. */
  async function viewPanels() {
    await resolveVariables(myCopilot, 'default');
    const out: Array<{
      where: string;
      panel: Panel;
      errors: string[];
      frames: DataFrame[];
      empty?: string;
      header: string[];
    }> = [];
    for (const panel of metricPanels()) {
      const response = await runPanel(myCopilot, panel, {});
      const shown = await drawn(panel, response.data as DataFrame[]);
      out.push({
        where: describePanel(myCopilot, panel, {}),
        panel,
        errors: (response.errors ?? []).map((e) => `${e.refId}: ${e.message}`),
        frames: response.data as DataFrame[],
        empty: emptyPanelText(panel, shown),
        // Grafana's panel header shows the notices of the frames it draws.
        header: shown.flatMap((frame) => frame.meta?.notices ?? []).map((notice) => notice.text),
      });
    }
    expect(out.length).toBeGreaterThan(8);
    return out;
  }

  test('every Copilot query of it asks for the signed-in person, and no panel picks a person', () => {
    expect((myCopilot.templating?.list ?? []).map((v) => v.name)).not.toContain('user');
    for (const panel of metricPanels())
      for (const target of copilotTargets(panel))
        expect({ panel: panel.title, user: 'filters' in target ? target.filters?.user : undefined }).toEqual({
          panel: panel.title,
          user: ['@me'],
        });
  });

  test('a member with rows (ACCESS_POLICY=identity): every panel has data, and only their own', async () => {
    viewAs(member, 'identity');
    const panels = await viewPanels();
    for (const { where, errors, frames, empty, panel } of panels) {
      expect({ where, errors }).toEqual({ where, errors: [] });
      expect({ where, empty }).toEqual({ where, empty: undefined });
      for (const target of copilotTargets(panel))
        expect({
          where,
          refId: target.refId,
          rows: frames.some((f) => f.refId === target.refId && f.length),
        }).toEqual({ where, refId: target.refId, rows: true });
    }

    // Their figures are the admin's figures of that person, and nobody else appears.
    const range = panelRange(myCopilot, byTitle('Your totals'));
    const scope = (await resolveVariables(myCopilot, 'default')).values.scope as string;
    const admins = await adminTable(
      { refId: 'A', scope, metric: 'user_initiated_interaction_count', groupBy: 'user' },
      range,
    );
    expect(admins.size).toBeGreaterThan(5);
    const totals = panels.find((p) => p.panel.title === 'Your totals')!;
    const [table] = await drawn(totals.panel, totals.frames);
    const column = (name: string) =>
      table.fields.find((f) => getFieldDisplayName(f, table, [table]) === name)!.values;
    // The login column (shown as Login, an override this test's field config registry leaves out).
    expect(column('user')).toEqual([member.login]);
    expect(column('Interactions')).toEqual([admins.get(member.login)]);
    // The daily series add up to the same total.
    const series = panels.find((p) => p.panel.title === 'Interactions, generations and acceptances')!;
    const interactions = series.frames.filter((f) => f.refId === 'A');
    const sum = interactions
      .flatMap((f) => f.fields.filter((field) => field.type === 'number').flatMap((field) => field.values))
      .reduce((a: number, b: number | null) => a + (b ?? 0), 0);
    expect(sum).toBe(admins.get(member.login));
    // Their seat, and only theirs, as the admin's seats list has it.
    const seat = panels.find((p) => p.panel.title === 'Your seat')!.frames[0];
    const login = seat.fields.find((f) => f.name === 'login')!.values;
    expect(login).toEqual([member.login]);
    const plan = seat.fields.find((f) => f.name === 'plan_type')!.values[0];
    const { results } = await asAdmin<QueryResponse>('/api/v1/query', {
      range: { from: range.from.toISOString(), to: range.to.toISOString() },
      queries: [{ refId: 'S', scope, metric: 'assigned_seats', format: 'table', groupBy: 'plan_type' }],
    });
    const [plans, logins] = ('frames' in results.S ? results.S.frames[0].data.values : []) as string[][];
    expect(logins.length).toBeGreaterThan(5);
    expect(plans[logins.indexOf(member.login)]).toBe(plan);
  });

  test('a member without rows: every panel explains why it is empty, none is an error', async () => {
    viewAs({ login: 'not-a-copilot-user', role: 'Viewer' }, 'identity');
    for (const { where, errors, frames, empty, panel } of await viewPanels()) {
      expect({ where, errors }).toEqual({ where, errors: [] });
      expect({ where, rows: frames.filter((f) => f.length > 0).length }).toEqual({ where, rows: 0 });
      expect({ where, empty }).toEqual({ where, empty: fieldConfigOf(panel).defaults.noValue });
      expect(empty).toMatch(/No figures of yours\. Not signed in\? Sign in/);
    }
  });

  test('an anonymous viewer (ACCESS_POLICY=open): every panel asks them to sign in, none is an error', async () => {
    viewAs(undefined);
    for (const { where, errors, frames, empty, panel, header } of await viewPanels()) {
      expect({ where, errors }).toEqual({ where, errors: [] });
      expect({ where, empty }).toEqual({ where, empty: fieldConfigOf(panel).defaults.noValue });
      // Each query is the ingester's explanation: a frame without fields, its reason, a notice.
      for (const target of copilotTargets(panel)) {
        const [frame] = frames.filter((f) => f.refId === target.refId);
        expect({ where, refId: target.refId, reason: frame?.meta?.custom?.unavailable?.reason }).toEqual({
          where,
          refId: target.refId,
          reason: 'identity',
        });
        expect(frame.meta?.notices).toEqual([
          { severity: 'info', text: expect.stringMatching(/sign in to Grafana/) },
        ]);
      }
      // Grafana's joins keep no frame meta: a joined table has its "No value" text only.
      if (!panel.transformations?.length)
        expect({ where, header: header.some((text) => /sign in to Grafana/.test(text)) }).toEqual({
          where,
          header: true,
        });
    }
  });

  test('an anonymous viewer under ACCESS_POLICY=identity is refused, and the panel says what to do', async () => {
    viewAs(member, 'identity');
    await resolveVariables(myCopilot, 'default');
    viewAs(undefined, 'identity');
    await expect(runPanel(myCopilot, byTitle('AI credits used'), {})).rejects.toThrow(
      /X-Grafana-Id.*anonymous viewers are refused/,
    );
  });

  test('Save & test reports the policy in force and whether an ID token arrived', async () => {
    viewAs(member, 'identity');
    const result = await ds.testDatasource();
    expect(result.message).toMatch(/ACCESS_POLICY=identity/);
    expect(result.message).toContain(`signed in as ${member.login}`);
    const access = await asAdmin<AccessStatus>('/api/v1/access');
    expect(access).toMatchObject({ policy: 'identity', idToken: true, viewer: { seesEveryone: true } });
  });
});
