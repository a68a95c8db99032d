/**
 * The ingester's privacy modes as Grafana shows them. An ingester in aggregate mode answers behind
 * the stand-in for Grafana's data source proxy: a stand-in built on the ingester's frame builders
 * (aggregate-ingester.ts), whose answers a test can shape, and the real one serving demo data. The real
 * DataSource runs the queries, and @grafana/data applies each provisioned panel's transformations and
 * field config as Grafana does. A query the mode does not answer must stay a frame that keeps its
 * notice, never an error; a panel left without figures must say why rather than a bare "No data"; and
 * a single withheld figure must stay blank.
 */
import type { QueryItemInput } from '@copilot-metrics/contract';
import { type DataFrame, type DataFrameJSON, FieldType } from '@grafana/data';
import type { Panel, RowPanel } from '@grafana/schema';
import type { QueryResponse } from '../src/api';
import type { DataSource } from '../src/datasource';
import plugin from '../src/plugin.json';
import { type CopilotQuery, isMetricsQuery } from '../src/types';
import {
  type AggregateIngester,
  NOT_KEPT,
  SMALL_GROUP_WITHHELD,
  needsPerPersonRows,
  startAggregateIngester,
} from './aggregate-ingester';
import { PROXY_URL, aDataSource, aRequest } from './builders';
import { installTransformers, installVariables, provisionedDashboards } from './grafana';
import { type RunningIngester, startIngester } from './ingester';
import { drawn, emptyPanelText, fieldConfigOf } from './panels';
import { installGrafanaProxy } from './proxy';

const RANGE = { from: '2026-11-01T00:00:00Z', to: '2026-11-07T23:59:59Z' };
const SCOPE = 'organization:octodemo-web';

let ingester: AggregateIngester;
let datasource: DataSource;

beforeAll(async () => {
  ingester = await startAggregateIngester();
  installTransformers();
});
afterAll(() => ingester?.stop());

beforeEach(() => {
  ingester.figures = 'complete';
  installVariables();
  installGrafanaProxy({ dataSourceUrl: PROXY_URL, ingesterUrl: ingester.url, apiToken: ingester.token });
  datasource = aDataSource({ ingesterUrl: ingester.url });
});

const framesOf = (frames: DataFrame[], refId: string) => frames.filter((frame) => frame.refId === refId);

describe('the data source', () => {
  test('answers a query the privacy mode does not answer with the ingester’s frame and notice, not an error', async () => {
    const topPeople = {
      refId: 'B',
      scope: SCOPE,
      metric: 'user_initiated_interaction_count',
      groupBy: 'user',
      format: 'table',
      limit: 15,
    } satisfies QueryItemInput;
    const expected = await ingester.query({
      range: RANGE,
      queries: [{ refId: 'A', scope: SCOPE, metric: 'daily_active_users' }, topPeople],
    });
    const theirs = (expected.results.B as { frames: DataFrameJSON[] }).frames;
    // The stand-in did withhold it, with its reason.
    expect(theirs.map((frame) => frame.schema?.meta?.custom?.unavailable?.text)).toEqual([NOT_KEPT]);

    const response = await datasource.query(
      aRequest([{ refId: 'A', scope: SCOPE, metric: 'daily_active_users' }, topPeople], RANGE),
    );

    expect(response.errors).toEqual([]);
    const mine = framesOf(response.data, 'B');
    expect(
      mine.map((frame) => ({
        fields: frame.fields.length,
        notices: frame.meta?.notices,
        unavailable: frame.meta?.custom?.unavailable,
      })),
    ).toEqual(
      theirs.map((frame) => ({
        fields: 0,
        notices: frame.schema?.meta?.notices,
        unavailable: frame.schema?.meta?.custom?.unavailable,
      })),
    );
    expect(mine[0].meta?.notices).toEqual([{ severity: 'info', text: NOT_KEPT }]);
    // The panel's other query still draws.
    const figures = framesOf(response.data, 'A');
    expect(figures.length).toBeGreaterThan(0);
    expect(figures.every((frame) => frame.length > 0)).toBe(true);
  });

  test('keeps the notice of an answer whose small groups were withheld, and the withheld figure stays null', async () => {
    ingester.figures = 'withheld';

    const response = await datasource.query(
      aRequest(
        [{ refId: 'A', scope: SCOPE, metric: 'code_acceptance_activity_count', groupBy: 'language' }],
        RANGE,
      ),
    );

    expect(response.errors).toEqual([]);
    const frames = response.data as DataFrame[];
    expect(frames[0].meta?.notices).toEqual([{ severity: 'info', text: SMALL_GROUP_WITHHELD }]);
    expect(frames.flatMap((frame) => [...frame.fields[1].values])).toContain(null);
  });
});

//#region The provisioned dashboards

const dashboards = provisionedDashboards();

/** Every panel of every dashboard, with the queries it sends to the data source. */
const panels = dashboards.flatMap(({ file, dashboard }) =>
  (dashboard.panels ?? [])
    .flatMap((p) => (p.type === 'row' ? ((p as RowPanel).panels as Panel[]) : [p as Panel]))
    .map((panel) => ({
      where: `${file} / ${panel.title}`,
      panel,
      targets: (panel.targets ?? []) as unknown as CopilotQuery[],
    }))
    // Metric panels only: Prometheus and annotation panels do not read per-person figures.
    .filter(
      ({ targets }) =>
        targets.length > 0 &&
        targets.every((t) => t.datasource?.type === plugin.id && t.queryType !== 'annotations'),
    ),
);

//#endregion

/**
 * A team and a person selected, weekly buckets: selections aggregate mode cannot answer; working days
 * only, which it answers as it answers every day.
 */
const SELECTED = {
  scope: SCOPE,
  team: 'web',
  user: 'mona',
  ide: 'vscode',
  language: 'go',
  model: 'gpt-5',
  interval: 'week',
  days: 'workdays',
  // The Users dashboard's top-N and person search at their defaults.
  top: '100',
  person: '',
};

/**
 * Runs every provisioned metric panel through `ds` and draws it as Grafana would. `withheldBy` tells
 * which of the sent queries the ingester did not answer, with its reason. A problem is a query that
 * became an error or lost its reason, or a panel without figures that does not say why.
 */
async function panelsExplainThemselves(
  ds: DataSource,
  range: { from: string; to: string },
  withheldBy: (queries: QueryItemInput[]) => Promise<Map<string, string>>,
): Promise<{ problems: string[]; explained: number }> {
  const problems: string[] = [];
  let explained = 0;
  for (const { where, panel, targets } of panels) {
    const response = await ds.query(aRequest(targets, range));
    const withheld = await withheldBy(targets.filter(isMetricsQuery).map((target) => ds.toQueryItem(target)));
    for (const error of response.errors ?? [])
      problems.push(`${where}: query ${error.refId} is an error: ${error.message}`);
    for (const [refId, reason] of withheld) {
      // Grafana shows a query's notices on its query row (renderWarnings of QueryEditorRow).
      const notices = framesOf(response.data, refId).flatMap((frame) => frame.meta?.notices ?? []);
      if (!notices.some((notice) => notice.severity === 'info' && notice.text === reason))
        problems.push(`${where}: query ${refId} lost its notice`);
    }
    if (withheld.size < targets.length) continue;

    const frames = await drawn(panel, response.data);
    const text = emptyPanelText(panel, frames);
    if (text === undefined) problems.push(`${where}: draws something though no query has figures`);
    else if (!/privacy mode/.test(text)) problems.push(`${where}: says "${text}"`);
    else explained++;
    // The panel header shows the notices of the frames drawn. Grafana's joins drop frame meta, so a
    // joined table has only its text to explain itself.
    const header = frames.flatMap((frame) => frame.meta?.notices ?? []).map((notice) => notice.text);
    if (!panel.transformations?.length && ![...withheld.values()].every((reason) => header.includes(reason)))
      problems.push(`${where}: no notice on the panel header`);
  }
  return { problems, explained };
}

describe('the provisioned dashboards, the ingester in aggregate mode', () => {
  test('a panel left without figures says why instead of a bare "No data", and no query is an error', async () => {
    installVariables(SELECTED);

    const { problems, explained } = await panelsExplainThemselves(datasource, RANGE, async (queries) => {
      const withheld = queries.filter(needsPerPersonRows);
      return new Map(withheld.map((query) => [query.refId, NOT_KEPT]));
    });

    expect(problems).toEqual([]);
    // The users and teams dashboards alone have more than ten such panels.
    expect(explained).toBeGreaterThan(10);
  });

  test('a figure withheld from a small group is blank: the explanation is for a panel without figures', async () => {
    ingester.figures = 'withheld';
    installVariables({
      scope: SCOPE,
      team: '*',
      user: '*',
      ide: '*',
      language: '*',
      model: '*',
      interval: 'day',
      days: 'all',
    });
    const problems: string[] = [];
    let checked = 0;
    for (const { where, panel, targets } of panels) {
      // A stat's one missing value is the panel having no figures: there the explanation belongs.
      if (!fieldConfigOf(panel).defaults.noValue || panel.type === 'stat') continue;
      const response = await datasource.query(aRequest(targets, RANGE));
      for (const frame of await drawn(panel, response.data)) {
        for (const field of frame.fields) {
          if (field.type !== FieldType.number || !field.values.includes(null)) continue;
          checked++;
          // What a table cell, a tooltip or a bar shows for the missing figure.
          const text = field.display!(null).text;
          if (text !== '') problems.push(`${where}: a withheld ${field.name} reads "${text}"`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});

describe('a real ingester in aggregate mode', () => {
  const DAY = 86_400_000;
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  /** The last whole week the demo ingester synced. */
  const range = {
    from: new Date(today - 8 * DAY).toISOString(),
    to: new Date(today - DAY - 1).toISOString(),
  };
  let real: RunningIngester;
  let ds: DataSource;

  beforeAll(async () => {
    real = await startIngester('aggregate-token', { PRIVACY_MODE: 'aggregate' });
  }, 120_000);
  afterAll(() => real?.stop());

  beforeEach(() => {
    installGrafanaProxy({ dataSourceUrl: PROXY_URL, ingesterUrl: real.url, apiToken: real.token });
    ds = aDataSource({ ingesterUrl: real.url });
  });

  test('the panels it cannot answer say why, and none is an error', async () => {
    installVariables(SELECTED);

    // Which queries the ingester withholds, and why, is its own answer to them, fetched directly.
    const { problems, explained } = await panelsExplainThemselves(ds, range, async (queries) => {
      const { results } = await real.api<QueryResponse>('/api/v1/query', { range, queries });
      const withheld = new Map<string, string>();
      for (const [refId, result] of Object.entries(results)) {
        const reason = 'frames' in result && result.frames[0]?.schema?.meta?.custom?.unavailable?.text;
        if (reason) withheld.set(refId, reason);
      }
      return withheld;
    });

    expect(problems).toEqual([]);
    // At least the users dashboard (leaderboards, the per-person table, a person's history) and the
    // seats dashboard: aggregate mode syncs no seats.
    expect(explained).toBeGreaterThan(20);
  });
});
