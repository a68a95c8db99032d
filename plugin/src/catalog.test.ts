import { aCatalog, aMetric, aQuery } from '../test/builders';
import {
  catalogProblems,
  dimensionLabel,
  filterDimensionsFor,
  findMetric,
  fitToMetric,
  groupingsFor,
} from './catalog';

const catalog = aCatalog();

describe('groupings offered for a metric', () => {
  test('are the catalog’s list for that metric', () => {
    expect(groupingsFor(catalog, 'pull_requests.total_merged')).toEqual(['none', 'repository']);
  });

  test('are every dimension when the metric is a variable, known only when the query runs', () => {
    expect(groupingsFor(catalog, '$metric')).toEqual(catalog.dimensions.map((d) => d.id));
  });

  test('are only "none" while no metric is chosen', () => {
    expect(groupingsFor(catalog, undefined)).toEqual(['none']);
  });
});

describe('dimensions used together', () => {
  const acceptances = 'code_acceptance_activity_count';

  test('a filter is offered only when it combines with the grouping and the other filters', () => {
    expect(filterDimensionsFor(catalog, acceptances, { groupBy: 'language' })).toEqual([
      'feature',
      'language',
      'model',
      'team',
      'user',
    ]);
    expect(
      filterDimensionsFor(catalog, acceptances, { groupBy: 'language', filters: { model: [] } }),
    ).toEqual(['language', 'model', 'team', 'user']);
  });

  test('a grouping is offered only when it combines with the filters', () => {
    expect(groupingsFor(catalog, acceptances, { filters: { ide: ['vscode'] } })).toEqual([
      'none',
      'ide',
      'team',
      'user',
    ]);
  });

  test('without combinations in the catalog, every grouping combines with every filter', () => {
    expect(filterDimensionsFor(catalog, 'active_users', { groupBy: 'language' })).toEqual([
      'ide',
      'language',
      'team',
      'user',
    ]);
  });

  test('choosing the metric drops a filter that does not combine with the grouping', () => {
    const query = aQuery({
      metric: 'active_users',
      groupBy: 'language',
      filters: { feature: ['chat'], ide: ['vscode'] },
    });

    expect(fitToMetric(query, findMetric(catalog, acceptances))).toMatchObject({
      groupBy: 'language',
      filters: { feature: ['chat'] },
    });
  });

  test('a saved query using dimensions that do not combine is flagged', () => {
    expect(
      catalogProblems(catalog, aQuery({ metric: acceptances, groupBy: 'language', filters: { ide: ['x'] } })),
    ).toEqual([
      {
        field: 'filters',
        message: "GitHub's reports have no breakdown of Acceptances by Language and IDE together.",
      },
    ]);
  });
});

describe('choosing another metric', () => {
  test('keeps a grouping and filters the new metric supports', () => {
    const query = aQuery({ metric: 'active_users', groupBy: 'ide', filters: { team: ['web'] } });

    expect(fitToMetric(query, findMetric(catalog, 'code_acceptance_activity_count'))).toMatchObject({
      metric: 'code_acceptance_activity_count',
      groupBy: 'ide',
      filters: { team: ['web'] },
    });
  });

  test('drops the grouping and the filters the new metric does not support', () => {
    const query = aQuery({
      metric: 'active_users',
      groupBy: 'team',
      filters: { team: ['web'], ide: ['vscode'] },
    });

    expect(fitToMetric(query, findMetric(catalog, 'pull_requests.total_merged'))).toMatchObject({
      groupBy: 'none',
      filters: {},
    });
  });

  test('keeps a grouping given as a variable (the ingester checks it at run time)', () => {
    const query = aQuery({ groupBy: '$dimension' });

    expect(fitToMetric(query, findMetric(catalog, 'daily_active_users')).groupBy).toBe('$dimension');
  });
});

describe('problems in a saved query', () => {
  test('name an unknown metric, a grouping and a filter the metric does not support', () => {
    expect(catalogProblems(catalog, aQuery({ metric: 'lines_of_poetry' }))).toEqual([
      { field: 'metric', message: 'The ingester has no metric "lines_of_poetry".' },
    ]);
    expect(catalogProblems(catalog, aQuery({ groupBy: 'team', filters: { ide: ['vscode'] } }))).toEqual([
      { field: 'groupBy', message: 'Daily active users cannot be grouped by Team.' },
      { field: 'filters', message: 'Daily active users cannot be filtered by IDE.' },
    ]);
  });

  test('are none for a valid query, or one whose metric is a variable', () => {
    expect(
      catalogProblems(catalog, aQuery({ metric: 'active_users', groupBy: 'team', filters: { ide: ['x'] } })),
    ).toEqual([]);
    expect(catalogProblems(catalog, aQuery({ metric: '$metric', groupBy: 'whatever' }))).toEqual([]);
  });
});

test('dimension ids read as words', () => {
  expect(['none', 'ide_version', 'cli_version', 'comment_type'].map(dimensionLabel)).toEqual([
    'None',
    'IDE version',
    'CLI version',
    'Comment type',
  ]);
});

describe('the seat metrics’ options', () => {
  const list = aMetric({
    id: 'inactive_seats',
    title: 'Inactive seats (list)',
    family: 'Seats',
    groupBy: ['none', 'team', 'plan_type', 'editor'],
    formats: ['table'],
    parameters: ['seatActiveDays'],
  });
  const total = aMetric({
    id: 'seats_total',
    title: 'Seats',
    family: 'Seats',
    formats: ['time_series', 'table'],
  });

  test('choosing a list makes the query a table; a metric without “Active within” drops it', () => {
    const chosen = fitToMetric(aQuery({ format: 'time_series', seatActiveDays: 60 }), list);
    expect(chosen).toMatchObject({ metric: 'inactive_seats', format: 'table', seatActiveDays: 60 });
    const after = fitToMetric(chosen, total);
    expect(after.format).toBe('table');
    expect(after).not.toHaveProperty('seatActiveDays');
    expect(fitToMetric(aQuery({ format: '$shape' }), list).format).toBe('$shape');
  });

  test('a saved query with a format or option the metric does not take is flagged', () => {
    const seats = aCatalog([list, total]);
    expect(catalogProblems(seats, aQuery({ metric: 'inactive_seats', format: 'time_series' }))).toEqual([
      { field: 'options', message: 'Inactive seats (list) answers only as table.' },
    ]);
    expect(catalogProblems(seats, aQuery({ metric: 'seats_total', seatActiveDays: 30 }))).toEqual([
      { field: 'options', message: 'Seats takes no “Active within” days.' },
    ]);
    expect(
      catalogProblems(seats, aQuery({ metric: 'inactive_seats', format: 'table', seatActiveDays: 7 })),
    ).toEqual([]);
  });
});
