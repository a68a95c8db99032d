import type { AnnotationKind, QueryRequest } from '@copilot-metrics/contract';
import { CoreApp, type DataFrame } from '@grafana/data';
import { INGESTER, aDataSource, aQuery, aRequest, aSeriesFrame } from '../test/builders';
import { type Answer, type Call, installBackend, installVariables } from '../test/grafana';

/** The ingester answering POST /api/v1/query with `results`. */
const ingesterAnswering = (results: Record<string, unknown>) =>
  installBackend((): Answer => ({ data: { results } }));

const queryBody = (call: Call) => call.data as QueryRequest;

beforeEach(() => installVariables());

describe('query', () => {
  test('sends all the panel’s queries in one POST /api/v1/query with the dashboard’s time range', async () => {
    const { calls } = ingesterAnswering({ A: { frames: [] }, B: { frames: [] } });
    const request = aRequest([aQuery({ refId: 'A' }), aQuery({ refId: 'B', metric: 'active_users' })], {
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-07T23:59:59Z',
    });

    await aDataSource().query(request);

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: `${INGESTER}/api/v1/query`, method: 'POST' });
    expect(queryBody(calls[0]).range).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-07T23:59:59.000Z',
    });
    expect(queryBody(calls[0]).queries.map((q) => [q.refId, q.metric])).toEqual([
      ['A', 'daily_active_users'],
      ['B', 'active_users'],
    ]);
  });

  test('sends only the fields the ingester’s strict request schema accepts', async () => {
    const { calls } = ingesterAnswering({ A: { frames: [] } });
    const stored = {
      ...aQuery({ scope: 'organization:octodemo-web', groupBy: 'ide', filters: { language: ['go'] } }),
      datasource: { type: 'copilotmetrics-usage-datasource', uid: 'copilot' },
      key: 'Q-1',
      queryType: 'metrics' as const,
      annotationKinds: [],
      limit: 5,
      others: true,
    };

    await aDataSource().query(aRequest([stored]));

    expect(queryBody(calls[0]).queries[0]).toEqual({
      refId: 'A',
      scope: 'organization:octodemo-web',
      metric: 'daily_active_users',
      groupBy: 'ide',
      filters: { language: ['go'] },
      interval: 'day',
      format: 'time_series',
      limit: 5,
      others: true,
    });
  });

  test('turns the ingester’s frames into data frames, keeping labels, units and notices', async () => {
    const notice = { severity: 'info', text: 'Computed from per-user rows.' };
    ingesterAnswering({
      A: {
        frames: [
          aSeriesFrame({
            refId: 'A',
            metric: 'active_users',
            labels: { ide: 'vscode' },
            points: [
              ['2026-11-01', 12],
              ['2026-11-02', null],
            ],
            notices: [notice],
          }),
        ],
      },
    });

    const response = await aDataSource().query(
      aRequest([aQuery({ metric: 'active_users', groupBy: 'ide' })]),
    );

    const [frame] = response.data as DataFrame[];
    expect(frame.refId).toBe('A');
    expect(frame.fields[0].values).toEqual([
      Date.parse('2026-11-01T00:00:00Z'),
      Date.parse('2026-11-02T00:00:00Z'),
    ]);
    expect(frame.fields[1]).toMatchObject({
      values: [12, null],
      labels: { ide: 'vscode' },
      config: { unit: 'short' },
    });
    expect(frame.meta?.notices).toEqual([notice]);
  });

  test('a query the ingester refuses shows as that query’s error while the others still draw', async () => {
    ingesterAnswering({
      A: { frames: [aSeriesFrame({ refId: 'A', points: [['2026-11-01', 3]] })] },
      B: { error: 'daily_active_users cannot be grouped by team', status: 400 },
    });

    const response = await aDataSource().query(
      aRequest([aQuery({ refId: 'A' }), aQuery({ refId: 'B', groupBy: 'team' })]),
    );

    expect((response.data as DataFrame[]).map((frame) => frame.refId)).toEqual(['A']);
    expect(response.errors).toEqual([
      { refId: 'B', message: 'daily_active_users cannot be grouped by team', status: 400 },
    ]);
  });

  test('replaces template variables in every field', async () => {
    installVariables({
      scope: 'enterprise:octodemo',
      metric: 'active_users',
      dimension: 'team',
      bucket: 'week',
      shape: 'table',
      top: '5',
    });
    const { calls } = ingesterAnswering({ A: { frames: [] } });
    const query = aQuery({
      scope: '$scope',
      metric: '${metric}',
      groupBy: '$dimension',
      interval: '$bucket',
      format: '$shape',
      limit: '$top',
    });

    await aDataSource().query(aRequest([query]));

    expect(queryBody(calls[0]).queries[0]).toMatchObject({
      scope: 'enterprise:octodemo',
      metric: 'active_users',
      groupBy: 'team',
      interval: 'week',
      format: 'table',
      limit: 5,
    });
  });

  test('seatActiveDays is sent only when the query sets it (the ingester refuses it elsewhere)', async () => {
    installVariables({ days: '90' });
    const { calls } = ingesterAnswering({ A: { frames: [] }, B: { frames: [] }, C: { frames: [] } });

    await aDataSource().query(
      aRequest([
        aQuery({ refId: 'A', metric: 'seats_inactive', seatActiveDays: 60 }),
        aQuery({ refId: 'B', metric: 'seats_inactive', seatActiveDays: '$days' }),
        aQuery({ refId: 'C', metric: 'seats_inactive' }),
      ]),
    );

    const [a, b, c] = queryBody(calls[0]).queries;
    expect([a.seatActiveDays, b.seatActiveDays]).toEqual([60, 90]);
    expect(c).not.toHaveProperty('seatActiveDays');
  });

  test('a multi-value variable becomes a filter list; an "All" of `*` drops the filter', async () => {
    installVariables({ team: ['platform', 'web'], ide: '*', user: 'octocat' });
    const { calls } = ingesterAnswering({ A: { frames: [] } });
    const query = aQuery({
      metric: 'active_users',
      filters: { team: ['$team', 'mobile'], ide: ['$ide'], user: ['$user', 'octocat'], language: [] },
    });

    await aDataSource().query(aRequest([query]));

    expect(queryBody(calls[0]).queries[0].filters).toEqual({
      team: ['platform', 'web', 'mobile'],
      user: ['octocat'],
    });
  });

  test('variables of a repeated panel (scopedVars) win over the dashboard’s', async () => {
    installVariables({ scope: 'organization:octodemo-web' });
    const { calls } = ingesterAnswering({ A: { frames: [] } });
    const scopedVars = { scope: { text: 'mobile', value: 'organization:octodemo-mobile' } };

    await aDataSource().query(aRequest([aQuery({ scope: '$scope' })], { scopedVars }));

    expect(queryBody(calls[0]).queries[0].scope).toBe('organization:octodemo-mobile');
  });

  test('several values in a one-value field are an error of that query, and it is not sent', async () => {
    installVariables({ scope: ['organization:octodemo-web', 'organization:octodemo-mobile'] });
    const { calls } = ingesterAnswering({ B: { frames: [] } });

    const response = await aDataSource().query(
      aRequest([aQuery({ refId: 'A', scope: '$scope' }), aQuery({ refId: 'B' })]),
    );

    expect(queryBody(calls[0]).queries.map((q) => q.refId)).toEqual(['B']);
    expect(response.errors).toEqual([
      {
        refId: 'A',
        status: 400,
        message: expect.stringMatching(/^scope takes one value, but \$scope has 2 selected/),
      },
    ]);
  });

  test.each([
    [{ interval: '$bucket' }, { bucket: 'hour' }, 'interval must be day, week, month (got "hour")'],
    [{ format: 'graph' }, {}, 'format must be time_series or table (got "graph")'],
    [{ limit: '$top' }, { top: '0' }, 'limit must be a whole number from 1 to 1000 (got "0")'],
    [{ limit: 'ten' }, {}, 'limit must be a whole number from 1 to 1000 (got "ten")'],
    [
      { metric: 'seats_active', seatActiveDays: '$days' },
      { days: '400' },
      'seat active days must be a whole number from 1 to 365 (got "400")',
    ],
    [{ days: '$days' }, { days: 'weekends' }, 'days must be all or workdays (got "weekends")'],
  ])(
    'an invalid value is reported on its query without asking the ingester (%o)',
    async (fields, variables, message) => {
      installVariables(variables);
      const { calls } = ingesterAnswering({});

      const response = await aDataSource().query(aRequest([aQuery(fields)]));

      expect(calls).toHaveLength(0);
      expect(response.errors).toEqual([{ refId: 'A', status: 400, message }]);
    },
  );

  test('a query without a scope reads the data source’s default scope, or lets the ingester choose', async () => {
    const { calls } = ingesterAnswering({ A: { frames: [] } });

    await aDataSource({ defaultScope: 'organization:octodemo-web' }).query(aRequest([aQuery()]));
    await aDataSource().query(aRequest([aQuery()]));

    expect(queryBody(calls[0]).queries[0].scope).toBe('organization:octodemo-web');
    expect(queryBody(calls[1]).queries[0]).not.toHaveProperty('scope');
  });

  test('passes the requestId, so Grafana cancels a superseded request; the cancelled one ends quietly', async () => {
    const { calls } = installBackend(() => 'cancel');

    const response = await aDataSource().query(aRequest([aQuery()], { requestId: 'Q42' }));

    expect(calls[0].requestId).toBe('Q42');
    expect(response).toEqual({ data: [] });
  });

  test('when the ingester cannot be reached the panel error says so and names the URL', async () => {
    installBackend(() => ({ status: 502, statusText: 'Bad Gateway', data: { message: 'Bad Gateway' } }));

    await expect(aDataSource().query(aRequest([aQuery()]))).rejects.toThrow(
      /could not reach the ingester at http:\/\/ingester:8080 \(502 Bad Gateway\)/,
    );
  });

  test('skips hidden queries and queries without a metric', async () => {
    const { calls } = ingesterAnswering({ A: { frames: [] } });
    const ds = aDataSource();

    await ds.query(
      aRequest([
        aQuery({ refId: 'A' }),
        aQuery({ refId: 'B', hide: true }),
        aQuery({ refId: 'C', metric: '' }),
      ]),
    );

    expect(queryBody(calls[0]).queries.map((q) => q.refId)).toEqual(['A']);
    expect(ds.filterQuery(aQuery({ metric: undefined }))).toBe(false);
  });

  test('the default query is complete: it runs as is', () => {
    const ds = aDataSource();
    const query = { refId: 'A', ...ds.getDefaultQuery(CoreApp.Dashboard) };

    expect(ds.filterQuery(query)).toBe(true);
    expect(ds.toQueryItem(query)).toEqual({
      refId: 'A',
      metric: 'daily_active_users',
      groupBy: 'none',
      filters: {},
      interval: 'day',
      format: 'time_series',
    });
  });

  test('a collapsed query row reads as metric, grouping and scope', () => {
    const ds = aDataSource();

    expect(
      ds.getQueryDisplayText(
        aQuery({ metric: 'active_users', groupBy: 'ide', scope: 'enterprise:octodemo' }),
      ),
    ).toBe('active_users by ide in enterprise:octodemo');
    expect(ds.getQueryDisplayText(aQuery({ groupBy: 'none' }))).toBe('daily_active_users');
    expect(ds.getQueryDisplayText(aQuery({ days: 'workdays' }))).toBe('daily_active_users, working days');
    expect(ds.getQueryDisplayText(aQuery({ days: '$days' }))).toBe('daily_active_users, $days');
    expect(ds.getQueryDisplayText(aQuery({ days: 'all' }))).toBe('daily_active_users');
  });

  test('a collapsed annotation query reads as the kinds of day it marks', () => {
    const ds = aDataSource();
    const annotations = (annotationKinds?: AnnotationKind[]) =>
      ds.getQueryDisplayText({ refId: 'Anno', queryType: 'annotations', scope: '$scope', annotationKinds });

    expect(annotations(['holiday'])).toBe('Holidays of $scope');
    expect(annotations(['gap', 'provisional'])).toBe('Days not synced, Not final yet of $scope');
    expect(annotations()).toBe('Sync gaps and holidays of $scope');
  });

  test('Explore and the query inspector see the query with variables replaced', () => {
    installVariables({ team: ['platform', 'web'], metric: 'active_users' });

    const [query] = aDataSource().interpolateVariablesInQueries(
      [aQuery({ metric: '$metric', filters: { team: ['$team'] } })],
      {},
    );

    expect(query).toMatchObject({ metric: 'active_users', filters: { team: ['platform', 'web'] } });
  });
});
