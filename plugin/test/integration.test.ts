/**
 * The plugin's real DataSource against a real ingester serving simulator data, through a stand-in for
 * Grafana's data source proxy. Every expectation is the ingester's own answer, fetched directly.
 */
import type { Annotation, QueryItemInput, SyncStatus } from '@copilot-metrics/contract';
import { type DataFrame, type DataFrameJSON, type DataQueryRequest } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import type { QueryResponse } from '../src/api';
import type { DataSource } from '../src/datasource';
import type { CopilotQuery, CopilotVariableQuery } from '../src/types';
import { CopilotVariableSupport } from '../src/variables';
import { PROXY_URL, aDataSource, aRequest } from './builders';
import { installVariables } from './grafana';
import { type RunningIngester, freePort, startIngester } from './ingester';
import { installGrafanaProxy } from './proxy';

const DAY = 86_400_000;
/** Seven whole days ending two days before today (UTC): GitHub's latest days are always synced. */
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const RANGE = {
  from: new Date(today - 8 * DAY).toISOString(),
  to: new Date(today - DAY - 1).toISOString(),
};
const SCOPE = 'organization:octodemo-web';

let ingester: RunningIngester;
let datasource: DataSource;

beforeAll(async () => {
  ingester = await startIngester();
});
afterAll(() => ingester?.stop());

beforeEach(() => {
  installVariables();
  installGrafanaProxy({ dataSourceUrl: PROXY_URL, ingesterUrl: ingester.url, apiToken: ingester.token });
  datasource = aDataSource({ ingesterUrl: ingester.url });
});

const request = (targets: CopilotQuery[]): DataQueryRequest<CopilotQuery> =>
  aRequest(targets, { from: RANGE.from, to: RANGE.to });

/** The ingester's own answer to the same queries. */
const direct = (queries: QueryItemInput[]) =>
  ingester.api<QueryResponse>('/api/v1/query', { range: RANGE, queries });

const fieldsOfJson = (frame: DataFrameJSON) =>
  frame.schema!.fields.map((field, i) => ({
    name: field.name,
    type: field.type,
    labels: field.labels,
    values: frame.data!.values[i],
  }));
const fieldsOf = (frame: DataFrame) =>
  frame.fields.map((field) => ({
    name: field.name,
    type: field.type,
    labels: field.labels,
    values: [...field.values],
  }));

function framesOf(response: QueryResponse, refId: string): DataFrameJSON[] {
  const result = response.results[refId];
  if (!('frames' in result)) throw new Error(`${refId}: ${result.error}`);
  return result.frames;
}

test('each query’s frames hold the values the ingester computes for it', async () => {
  const targets: CopilotQuery[] = [
    { refId: 'A', scope: SCOPE, metric: 'daily_active_users' },
    {
      refId: 'B',
      scope: SCOPE,
      metric: 'active_users',
      groupBy: 'ide',
      limit: 2,
      others: true,
      interval: 'week',
    },
    {
      refId: 'C',
      scope: SCOPE,
      metric: 'code_acceptance_activity_count',
      groupBy: 'language',
      filters: { feature: ['code_completion'] },
      format: 'table',
    },
  ];

  const response = await datasource.query(request(targets));
  const expected = await direct([
    { refId: 'A', scope: SCOPE, metric: 'daily_active_users' },
    {
      refId: 'B',
      scope: SCOPE,
      metric: 'active_users',
      groupBy: 'ide',
      limit: 2,
      others: true,
      interval: 'week',
    },
    {
      refId: 'C',
      scope: SCOPE,
      metric: 'code_acceptance_activity_count',
      groupBy: 'language',
      filters: { feature: ['code_completion'] },
      format: 'table',
    },
  ]);

  expect(response.errors).toEqual([]);
  const frames = response.data as DataFrame[];
  for (const refId of ['A', 'B', 'C']) {
    const mine = frames.filter((frame) => frame.refId === refId);
    const theirs = framesOf(expected, refId);
    expect(mine.map(fieldsOf)).toEqual(theirs.map(fieldsOfJson));
    expect(mine.map((frame) => frame.meta?.notices)).toEqual(
      theirs.map((frame) => frame.schema?.meta?.notices),
    );
  }
  // Real figures, so the comparison above compares something.
  const dau = frames.find((frame) => frame.refId === 'A')!.fields[1].values as number[];
  expect(dau.length).toBeGreaterThanOrEqual(6);
  expect(Math.max(...dau)).toBeGreaterThan(0);
  expect(frames.filter((frame) => frame.refId === 'B').map((frame) => frame.name)).toContain('Others');
  expect(frames.find((frame) => frame.refId === 'C')!.length).toBeGreaterThan(1);
});

test('a multi-value $team variable, listed by the variable support, filters like the teams written out', async () => {
  const teams = await lastValueFrom(
    new CopilotVariableSupport(datasource).query(
      aRequest<CopilotVariableQuery>([{ refId: 'team', dimension: 'team', scope: SCOPE }], RANGE),
    ),
  );
  const listed = (teams.data[0] as DataFrame).fields.find((field) => field.name === 'value')!
    .values as string[];
  const { values: known } = await ingester.api<{ values: Array<{ value: string }> }>(
    `/api/v1/dimensions/team/values?scope=${SCOPE}&from=${RANGE.from.slice(0, 10)}&to=${RANGE.to.slice(0, 10)}`,
  );
  expect(listed).toEqual(known.map((team) => team.value));
  expect(listed.length).toBeGreaterThanOrEqual(2);

  const chosen = listed.slice(0, 2);
  installVariables({ team: chosen });
  const response = await datasource.query(
    request([
      { refId: 'A', scope: SCOPE, metric: 'active_users', groupBy: 'team', filters: { team: ['$team'] } },
    ]),
  );
  const expected = await direct([
    { refId: 'A', scope: SCOPE, metric: 'active_users', groupBy: 'team', filters: { team: chosen } },
  ]);

  expect((response.data as DataFrame[]).map(fieldsOf)).toEqual(framesOf(expected, 'A').map(fieldsOfJson));
  expect((response.data as DataFrame[]).map((frame) => frame.fields[1].labels?.team)).toEqual(chosen);
});

test('the user variable searches the ingester as you type ($__searchFilter), case-insensitively', async () => {
  const support = new CopilotVariableSupport(datasource);
  const loginsFor = async (scopedVars: Record<string, { text: string; value: string }>) => {
    const response = await lastValueFrom(
      support.query(
        aRequest<CopilotVariableQuery>(
          [{ refId: 'user', dimension: 'user', scope: SCOPE, search: '$__searchFilter' }],
          { ...RANGE, scopedVars },
        ),
      ),
    );
    return (response.data[0] as DataFrame).fields.find((field) => field.name === 'value')!.values as string[];
  };
  // Nothing typed: Grafana leaves __searchFilter unset, and the variable lists people as without a search.
  const everyone = await loginsFor({});
  const { values: known } = await ingester.api<{ values: Array<{ value: string }> }>(
    `/api/v1/dimensions/user/values?scope=${SCOPE}&from=${RANGE.from.slice(0, 10)}&to=${RANGE.to.slice(0, 10)}`,
  );
  expect(everyone).toEqual(known.map((user) => user.value));
  expect(everyone.length).toBeGreaterThan(2);

  // Typed: a piece of one login, in upper case; every login containing it, whatever its case, and no other.
  const typed = everyone[1].slice(1, 4).toUpperCase();
  const found = await loginsFor({ __searchFilter: { text: typed, value: typed } });
  expect(found).toEqual(everyone.filter((login) => login.toLowerCase().includes(typed.toLowerCase())));
  expect(found).toContain(everyone[1]);
});

test('a query the ingester refuses is that query’s error, in the ingester’s words', async () => {
  const response = await datasource.query(
    request([
      { refId: 'A', scope: SCOPE, metric: 'daily_active_users' },
      { refId: 'B', scope: SCOPE, metric: 'daily_active_users', groupBy: 'team' },
    ]),
  );
  const expected = await direct([
    { refId: 'B', scope: SCOPE, metric: 'daily_active_users', groupBy: 'team' },
  ]);

  expect(expected.results.B).toMatchObject({ status: 400 });
  expect(response.errors).toEqual([
    { refId: 'B', message: (expected.results.B as { error: string }).error, status: 400 },
  ]);
  expect((response.data as DataFrame[]).every((frame) => frame.refId === 'A')).toBe(true);
});

test('annotations mark what the ingester reports for the scope and range', async () => {
  const response = await datasource.query(
    request([{ refId: 'Anno', queryType: 'annotations', scope: SCOPE }]),
  );
  const { annotations } = await ingester.api<{ annotations: Annotation[] }>(
    `/api/v1/annotations?scope=${SCOPE}&from=${Date.parse(RANGE.from)}&to=${Date.parse(RANGE.to)}`,
  );

  const events = await lastValueFrom(
    datasource.annotations!.processEvents!({} as never, response.data as DataFrame[]),
  );
  expect(
    events!.map(({ time, timeEnd, title, text, tags }) => ({ time, timeEnd, title, text, tags })),
  ).toEqual(
    annotations.map(({ time, timeEnd, title, text, tags }) => ({ time, timeEnd, title, text, tags })),
  );
  // The range ends within GitHub's revision window, so at least "not final yet" is marked.
  expect(annotations.length).toBeGreaterThan(0);
});

describe('Save & test', () => {
  test('reports every scope with data and the last day the ingester holds for it', async () => {
    const status = await ingester.api<SyncStatus>('/api/v1/sync/status');

    const result = await datasource.testDatasource();

    expect(result.status).toBe('success');
    for (const scope of status.scopes) {
      const lastDay = scope.reports.find((report) => report.report === 'aggregate')!.lastDay;
      expect(result.message).toContain(`${scope.scope} up to ${lastDay}`);
    }
  });

  test('without the token, asks for it; with a wrong one, says it does not match', async () => {
    installGrafanaProxy({ dataSourceUrl: PROXY_URL, ingesterUrl: ingester.url });
    const missing = await datasource.testDatasource();
    installGrafanaProxy({ dataSourceUrl: PROXY_URL, ingesterUrl: ingester.url, apiToken: 'not-the-token' });
    const wrong = await datasource.testDatasource();

    expect(missing).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/requires an API token/),
    });
    expect(wrong).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/rejected the API token/),
    });
  });

  test('with a URL nothing listens on, says the ingester cannot be reached there', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    installGrafanaProxy({ dataSourceUrl: PROXY_URL, ingesterUrl: nowhere, apiToken: ingester.token });

    const result = await aDataSource({ ingesterUrl: nowhere }).testDatasource();

    expect(result.status).toBe('error');
    expect(result.message).toContain(`Grafana could not reach the ingester at ${nowhere} (502 Bad Gateway)`);
  });
});
