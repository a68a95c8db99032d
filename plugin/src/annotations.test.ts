import type { Annotation } from '@copilot-metrics/contract';
import type { AnnotationQuery, DataFrame } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import { INGESTER, aDataSource, aRequest } from '../test/builders';
import { installBackend, installVariables } from '../test/grafana';
import { annotationsFrame } from './annotations';
import type { AnnotationsQuery, CopilotQuery } from './types';

const DAY = 86_400_000;
const nov = (day: number) => Date.UTC(2026, 10, day);

const anAnnotation = (overrides: Partial<Annotation>): Annotation => ({
  time: nov(3),
  timeEnd: nov(3) + DAY - 1,
  title: 'Sync failed: organization-1-day',
  text: 'organization:octodemo-web, 2026-11-03: GitHub answered 502',
  tags: ['copilot-metrics', 'sync-failed', 'aggregate'],
  scope: 'organization:octodemo-web',
  report: 'aggregate',
  ...overrides,
});

const failed = anAnnotation({});
const provisional = anAnnotation({
  time: nov(5),
  timeEnd: nov(7) + DAY - 1,
  title: 'Not final yet',
  text: 'organization:octodemo-web: GitHub may still revise the last 3 day(s)',
  tags: ['copilot-metrics', 'provisional'],
  report: 'all',
});

const holiday = anAnnotation({
  time: nov(2),
  timeEnd: nov(2) + DAY - 1,
  title: 'Holiday: All Souls',
  text: '2026-11-02 is a day off in HOLIDAYS_FILE: "working days only" figures leave it out.',
  tags: ['copilot-metrics', 'holiday'],
  scope: 'all',
  report: 'all',
});

const annotationQuery = (overrides: Partial<AnnotationsQuery> = {}): AnnotationsQuery => ({
  refId: 'Anno',
  queryType: 'annotations',
  ...overrides,
});

beforeEach(() => installVariables({ scope: 'organization:octodemo-web' }));

test('an annotation query reads GET /api/v1/annotations for the scope and the dashboard’s range', async () => {
  const { calls } = installBackend(() => ({ data: { annotations: [failed, provisional] } }));
  const request = aRequest([annotationQuery({ scope: '$scope' })], {
    from: '2026-11-01T00:00:00Z',
    to: '2026-11-07T23:59:59Z',
  });

  const response = await aDataSource().query(request);

  const url = new URL(calls[0].url, 'http://grafana');
  expect(url.pathname).toBe(`${INGESTER}/api/v1/annotations`);
  expect(Object.fromEntries(url.searchParams)).toEqual({
    scope: 'organization:octodemo-web',
    from: String(Date.parse('2026-11-01T00:00:00Z')),
    to: String(Date.parse('2026-11-07T23:59:59Z')),
  });
  expect((response.data[0] as DataFrame).length).toBe(2);
});

test('the events are regions, coloured by kind, with the ingester’s title, text and tags', async () => {
  installBackend(() => ({ data: { annotations: [failed, provisional, holiday] } }));
  const ds = aDataSource();
  const response = await ds.query(aRequest([annotationQuery()]));

  const events = await lastValueFrom(
    ds.annotations!.processEvents!({} as AnnotationQuery<CopilotQuery>, response.data as DataFrame[]),
  );

  expect(events).toEqual([
    expect.objectContaining({
      time: failed.time,
      timeEnd: failed.timeEnd,
      isRegion: true,
      title: failed.title,
      text: failed.text,
      tags: failed.tags,
    }),
    expect.objectContaining({ time: provisional.time, timeEnd: provisional.timeEnd, title: 'Not final yet' }),
    expect.objectContaining({ time: holiday.time, isRegion: true, title: 'Holiday: All Souls' }),
  ]);
  const colors = events!.map((event) => event.color);
  expect(colors.every(Boolean)).toBe(true);
  expect(new Set(colors).size).toBe(3);
});

test('chosen kinds limit the marks; no choice marks every kind', async () => {
  installBackend(() => ({ data: { annotations: [failed, provisional, holiday] } }));
  const ds = aDataSource();
  const titles = (response: { data: unknown[] }) =>
    (response.data[0] as DataFrame).fields.find((f) => f.name === 'title')?.values;

  const only = await ds.query(aRequest([annotationQuery({ annotationKinds: ['provisional'] })]));
  const holidays = await ds.query(aRequest([annotationQuery({ annotationKinds: ['holiday'] })]));
  const all = await ds.query(aRequest([annotationQuery({ annotationKinds: [] })]));

  expect(titles(only)).toEqual(['Not final yet']);
  expect(titles(holidays)).toEqual(['Holiday: All Souls']);
  expect((all.data[0] as DataFrame).length).toBe(3);
});

test('an annotation without a scope reads the data source’s default scope', async () => {
  const { calls } = installBackend(() => ({ data: { annotations: [] } }));

  await aDataSource({ defaultScope: 'enterprise:octodemo' }).query(aRequest([annotationQuery()]));

  expect(new URL(calls[0].url, 'http://grafana').searchParams.get('scope')).toBe('enterprise:octodemo');
});

test('a saved annotation without a target gets an annotation query', () => {
  const prepared = aDataSource().annotations!.prepareAnnotation!({
    name: 'Sync gaps',
    enable: true,
    iconColor: 'red',
  });

  expect(prepared.target).toEqual({ refId: 'Anno', queryType: 'annotations' });
  expect(aDataSource().annotations!.prepareQuery!(prepared)).toEqual({
    refId: 'Anno',
    queryType: 'annotations',
  });
});

test('the frame keeps the ingester’s rows of the chosen kinds, with the fields processEvents reads', () => {
  const frame = annotationsFrame(annotationQuery({ annotationKinds: ['sync-failed'] }), [
    failed,
    provisional,
  ]);

  expect(frame.refId).toBe('Anno');
  expect(frame.fields.map((field) => [field.name, field.values])).toEqual([
    ['time', [failed.time]],
    ['timeEnd', [failed.timeEnd]],
    ['title', [failed.title]],
    ['text', [failed.text]],
    ['tags', [failed.tags]],
    ['scope', [failed.scope]],
    ['report', [failed.report]],
  ]);
});

test('Explore and the query inspector see an annotation query with its scope replaced, and nothing added', () => {
  const [query] = aDataSource().interpolateVariablesInQueries(
    [annotationQuery({ scope: '$scope', annotationKinds: ['gap'] })],
    {},
  );

  expect(query).toStrictEqual({
    refId: 'Anno',
    queryType: 'annotations',
    scope: 'organization:octodemo-web',
    annotationKinds: ['gap'],
  });
});
