/**
 * Every provisioned dashboard, run as Grafana would run it: the provisioned data source settings, the
 * template variables resolved through the plugin's own variable support (defaults: the first scope,
 * "All" elsewhere), and every panel's targets sent through the real DataSource to a real ingester that
 * synced the GitHub simulator. A panel that errors or comes back empty fails, and so does one whose
 * transformations leave nothing to draw. A second pass selects one concrete value in every variable,
 * so filters that cannot be combined fail here rather than in front of a user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
import type { CopilotDataSourceOptions, CopilotQuery, CopilotVariableQuery } from '../src/types';
import type { CopilotVariableSupport } from '../src/variables';
import { installTransformers, installVariables, provisionedDashboards } from './grafana';
import { installGrafanaProxy } from './proxy';
import { type SimulatedIngester, startSimulatedIngester } from './simulated-ingester';

const ROOT = join(__dirname, '..', '..');
const TOKEN = 'dashboards-test-token';

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
  ingester = await startSimulatedIngester({ INGESTER_API_TOKEN: TOKEN });
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

/** Resolves the variables in order, each seeing the ones before it, as Grafana does on load. */
async function resolveVariables(dashboard: Dashboard, pick: 'default' | 'first'): Promise<Resolved> {
  const resolved: Resolved = { values: {}, options: {} };
  const range = rangeOf(instant(dashboard.time?.from ?? 'now-90d'), instant(dashboard.time?.to ?? 'now'));
  for (const variable of (dashboard.templating?.list ?? []) as VariableModel[]) {
    installVariables(resolved.values);
    if (variable.type === 'custom') {
      const current = variable.current?.value;
      resolved.values[variable.name] = Array.isArray(current) ? current[0] : String(current);
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

//#endregion

describe.each(dashboards)('$file', ({ dashboard }) => {
  test('every Copilot panel returns data for every query, with the variables at their defaults', async () => {
    const resolved = await resolveVariables(dashboard, 'default');
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
  });

  test('the comparison stats compare two full periods', async () => {
    await resolveVariables(dashboard, 'default');
    for (const panel of panelsOf(dashboard).filter((p) => p.type === 'stat' && p.timeFrom)) {
      const response = await runPanel(dashboard, panel, {});
      const [frame] = await lastValueFrom(
        transformDataFrame(panel.transformations as never, response.data, {
          interpolate: (text: string) => text,
        }),
      );
      // 29 trailing means: the first covers the previous 28 days, the last the latest 28.
      expect({ panel: panel.title, rows: frame.length }).toEqual({ panel: panel.title, rows: 29 });
      const values = frame.fields[1].values as number[];
      expect(values.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
  });

  test('the data-gap annotations load', async () => {
    await resolveVariables(dashboard, 'default');
    const annotation = dashboard.annotations?.list?.find((a) => a.datasource?.uid === ds.uid);
    expect(annotation?.target).toBeDefined();
    const range = rangeOf(instant(dashboard.time!.from), instant(dashboard.time!.to));
    const response = (await ds.query(
      request([annotation!.target as CopilotQuery], range),
    )) as DataQueryResponse;
    expect(response.errors ?? []).toEqual([]);
    expect(response.data[0].length).toBeGreaterThan(0);
  });

  test('every filter combination the variables allow is accepted, one concrete value in each', async () => {
    const resolved = await resolveVariables(dashboard, 'first');
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
  });
});
