import { dateTime } from '@grafana/data';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { INGESTER, aCatalog, aDataSource, aMetric, aQuery } from '../../test/builders';
import { type Answer, installBackend, installVariables } from '../../test/grafana';
import type { Catalog } from '../api';
import type { CopilotQuery, MetricsQuery } from '../types';
import { QueryEditor } from './QueryEditor';

const range = (() => {
  const from = dateTime('2026-11-01T00:00:00Z');
  const to = dateTime('2026-11-07T23:59:59Z');
  return { from, to, raw: { from, to } };
})();

/** The ingester behind the editor: the catalog, and the values of each dimension. */
function ingester(options: { catalog?: Catalog | Answer; values?: Record<string, string[]> } = {}) {
  return installBackend((call) => {
    const path = call.url.slice(INGESTER.length).split('?')[0];
    if (path === '/api/v1/catalog') {
      const catalog = options.catalog ?? aCatalog();
      return typeof catalog === 'object' && 'metrics' in catalog ? { data: catalog } : catalog;
    }
    const dimension = /^\/api\/v1\/dimensions\/(\w+)\/values$/.exec(path)?.[1];
    if (dimension) {
      const values = options.values?.[dimension] ?? [];
      return { data: { values: values.map((value) => ({ value, label: value })) } };
    }
    return { status: 404, data: { error: 'no such API route' } };
  });
}

/** The editor as Grafana holds it: the query lives in the panel, and each change comes back in. */
function renderEditor(initial: Partial<MetricsQuery> = {}, datasource = aDataSource()) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  function Panel() {
    const [query, setQuery] = useState<CopilotQuery>(aQuery(initial));
    return (
      <QueryEditor
        datasource={datasource}
        query={query}
        range={range}
        onRunQuery={onRunQuery}
        onChange={(next) => {
          onChange(next);
          setQuery(next);
        }}
      />
    );
  }
  render(<Panel />);
  const lastQuery = (): MetricsQuery => onChange.mock.lastCall?.[0];
  return { onChange, onRunQuery, lastQuery, user: userEvent.setup() };
}

const picker = (name: string) => screen.getByRole('combobox', { name });

async function choose(user: ReturnType<typeof userEvent.setup>, name: string, option: RegExp | string) {
  await user.click(picker(name));
  await user.click(await screen.findByRole('option', { name: option }));
}

async function optionsOf(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(picker(name));
  const options = (await screen.findAllByRole('option')).map((option) => option.textContent);
  await user.keyboard('{Escape}');
  return options;
}

/** Presses Tab until `target` has the focus (the tooltip icons between fields take a stop each). */
async function tabTo(user: ReturnType<typeof userEvent.setup>, target: HTMLElement) {
  for (let i = 0; i < 5 && document.activeElement !== target; i++) await user.tab();
  expect(document.activeElement).toBe(target);
}

beforeEach(() => installVariables({ dimension: 'ide', team: ['web'] }));

describe('metric', () => {
  test('offers the catalog’s metrics under their family, each with its description', async () => {
    ingester();
    const { user } = renderEditor();
    await screen.findByDisplayValue('Daily active users');

    await user.click(picker('Metric'));

    const list = await screen.findByRole('listbox');
    const acceptances = await within(list).findByRole('option', { name: /^Acceptances/ });
    expect(acceptances.textContent).toBe('AcceptancesAbout code_acceptance_activity_count.');
    expect(within(list).getByText('Code generation')).toBeTruthy();
    expect(within(list).getByText('Pull requests')).toBeTruthy();
  });

  test('choosing one runs the query', async () => {
    ingester();
    const { user, lastQuery, onRunQuery } = renderEditor();

    await choose(user, 'Metric', /^Active users/);

    expect(lastQuery().metric).toBe('active_users');
    expect(onRunQuery).toHaveBeenCalled();
  });

  test('can be chosen with the keyboard alone', async () => {
    ingester();
    const { user, lastQuery } = renderEditor();
    await screen.findByDisplayValue('Daily active users');

    await user.click(picker('Scope'));
    await user.keyboard('{Escape}');
    await tabTo(user, picker('Metric'));
    await user.keyboard('Acceptances');
    await screen.findByRole('option', { name: /^Acceptances/ });
    await user.keyboard('{Enter}');

    expect(lastQuery().metric).toBe('code_acceptance_activity_count');
  });

  test('typing "active users" puts the metric with exactly that title first', async () => {
    ingester();
    const { user, lastQuery } = renderEditor({ metric: 'code_acceptance_activity_count' });
    await screen.findByDisplayValue('Acceptances');

    await user.click(picker('Metric'));
    await user.keyboard('active users');
    await screen.findByRole('option', { name: /^Active users/ });

    expect(screen.getAllByRole('option').map((option) => option.textContent?.split('About')[0])).toEqual([
      'Active usersDistinct users with Copilot activity, counted exactly from per-user rows.',
      'Daily active users',
    ]);
    await user.keyboard('{Enter}');
    expect(lastQuery().metric).toBe('active_users');
  });

  test('a typed name that is not in the catalog matches nothing and is not taken', async () => {
    ingester();
    const { user, onChange } = renderEditor();
    await screen.findByDisplayValue('Daily active users');

    await user.click(picker('Metric'));
    await user.keyboard('lines_of_poetry');
    expect(await screen.findByText(/No options found/)).toBeTruthy();
    await user.keyboard('{Enter}');

    expect(onChange).not.toHaveBeenCalled();
  });

  test('a typed template variable is offered and taken', async () => {
    ingester();
    const { user, lastQuery } = renderEditor();
    await screen.findByDisplayValue('Daily active users');

    await user.click(picker('Metric'));
    await user.keyboard('$metric');
    await screen.findByRole('option', { name: /^\$metric/ });
    await user.keyboard('{Enter}');

    expect(lastQuery().metric).toBe('$metric');
  });

  test('its description is the field’s tooltip', async () => {
    ingester();
    const { user } = renderEditor({ metric: 'active_users' });
    await screen.findByDisplayValue('Active users');

    const label = screen.getByText('Metric').closest('label')!;
    await user.hover(within(label).getByTestId('icon-info-circle'));

    expect(await screen.findByText(/Distinct users with Copilot activity, counted exactly/)).toBeTruthy();
  });
});

describe('group by', () => {
  test('offers only the groupings the catalog allows for the metric', async () => {
    ingester();
    const { user } = renderEditor({ metric: 'pull_requests.total_merged' });
    await screen.findByDisplayValue('pull_requests.total_merged');

    const options = await optionsOf(user, 'Group by');

    expect(options.filter((text) => !text?.startsWith('$'))).toEqual([
      'NoneAbout none.',
      'RepositoryAbout repository.',
    ]);
  });

  test('switching to a metric without the grouping resets it, and drops filters the metric cannot take', async () => {
    ingester();
    const { user, lastQuery } = renderEditor({
      metric: 'active_users',
      groupBy: 'team',
      filters: { ide: ['vscode'], team: ['web'] },
    });
    await screen.findByDisplayValue('Active users');

    await choose(user, 'Metric', /^pull_requests\.total_merged/);

    expect(lastQuery()).toMatchObject({ metric: 'pull_requests.total_merged', groupBy: 'none', filters: {} });
    expect((picker('Group by') as HTMLInputElement).value).toBe('None');
  });

  test('a typed grouping the metric lacks matches nothing; a typed variable is taken', async () => {
    ingester();
    const { user, lastQuery } = renderEditor({ metric: 'daily_active_users' });
    await screen.findByDisplayValue('Daily active users');

    await user.click(picker('Group by'));
    await user.keyboard('repository');
    expect(await screen.findByText(/No options found/)).toBeTruthy();
    await user.keyboard('{Control>}a{/Control}{Backspace}$dimension');
    await screen.findByRole('option', { name: /^\$dimension/ });
    await user.keyboard('{Enter}');

    expect(lastQuery().groupBy).toBe('$dimension');
  });
});

describe('filters', () => {
  test('only dimensions the metric can be filtered by can be added', async () => {
    ingester();
    const { user } = renderEditor({ metric: 'active_users', filters: { team: ['web'] } });
    await screen.findByDisplayValue('Active users');

    await user.click(screen.getByRole('button', { name: 'Add filter' }));

    expect(await optionsOf(user, 'Filter by')).toEqual(['IDE', 'Language', 'User']);
  });

  test('a dimension the grouping cannot be combined with is not offered', async () => {
    ingester();
    const { user } = renderEditor({ metric: 'code_acceptance_activity_count', groupBy: 'language' });
    await screen.findByDisplayValue('Acceptances');

    await user.click(screen.getByRole('button', { name: 'Add filter' }));

    expect(await optionsOf(user, 'Filter by')).toEqual(['Feature', 'Language', 'Model', 'Team', 'User']);
  });

  test('a metric without breakdowns cannot be filtered', async () => {
    ingester();
    const { user } = renderEditor({ metric: 'daily_active_users' });
    await screen.findByDisplayValue('Daily active users');

    const add = screen.getByRole('button', { name: 'Add filter' });
    await user.click(add);

    expect(add).toHaveProperty('disabled', true);
    expect(screen.queryByRole('combobox', { name: 'Filter by' })).toBeNull();
  });

  test('values come from the dimensions endpoint, for the query’s scope and the panel’s range', async () => {
    const { calls } = ingester({ values: { ide: ['jetbrains', 'vscode'] } });
    const { user, lastQuery, onRunQuery } = renderEditor({
      metric: 'active_users',
      scope: 'organization:octodemo-web',
    });
    await screen.findByDisplayValue('Active users');

    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await choose(user, 'Filter by', 'IDE');
    expect(lastQuery().filters).toEqual({ ide: [] });
    await choose(user, 'IDE', 'vscode');

    expect(lastQuery().filters).toEqual({ ide: ['vscode'] });
    expect(onRunQuery).toHaveBeenCalled();
    const valuesCall = calls.find((call) => call.url.includes('/dimensions/ide/values'))!;
    expect(Object.fromEntries(new URL(valuesCall.url, 'http://grafana').searchParams)).toEqual({
      scope: 'organization:octodemo-web',
      from: '2026-11-01',
      to: '2026-11-07',
    });
  });

  test('a template variable can be a filter value, and a filter can be removed', async () => {
    ingester({ values: { team: ['mobile', 'web'] } });
    const { user, lastQuery } = renderEditor({ metric: 'active_users', filters: { team: [] } });
    await screen.findByDisplayValue('Active users');

    await choose(user, 'Team', '$team');
    expect(lastQuery().filters).toEqual({ team: ['$team'] });

    await user.click(screen.getByRole('button', { name: 'Remove the team filter' }));
    expect(lastQuery().filters).toEqual({});
  });
});

describe('options', () => {
  test('interval and format offer their fixed choices, plus variables', async () => {
    ingester();
    const { user, lastQuery } = renderEditor();

    await choose(user, 'Interval', /^Week/);
    await choose(user, 'Format', /^Table/);

    expect(lastQuery()).toMatchObject({ interval: 'week', format: 'table' });
  });

  test('limit takes a whole number from 1 to 1000 or a variable; anything else is shown and not saved', async () => {
    ingester();
    const { user, lastQuery, onChange } = renderEditor({ metric: 'active_users', groupBy: 'ide' });
    const limit = screen.getByRole('textbox', { name: 'Limit' });

    await user.type(limit, '5000{Enter}');
    expect(await screen.findByText('Enter a whole number from 1 to 1000, or a variable')).toBeTruthy();
    expect(onChange).not.toHaveBeenCalled();

    await user.clear(limit);
    await user.type(limit, '5{Enter}');
    expect(lastQuery().limit).toBe(5);

    await user.clear(limit);
    await user.type(limit, '$top');
    await user.tab();
    expect(lastQuery().limit).toBe('$top');

    await user.clear(limit);
    await user.tab();
    expect(lastQuery()).not.toHaveProperty('limit');
  });

  test('“Active within” is offered for the seat metrics that take it, and is saved only when set', async () => {
    const seatsInactive = aMetric({
      id: 'seats_inactive',
      title: 'Inactive seats',
      family: 'Seats',
      groupBy: ['none', 'plan_type'],
      parameters: ['seatActiveDays'],
    });
    ingester({ catalog: aCatalog([...aCatalog().metrics, seatsInactive]) });
    const { user, lastQuery, onChange } = renderEditor({ metric: 'seats_inactive' });
    const days = await screen.findByRole('textbox', { name: 'Active within' });

    await user.type(days, '0{Enter}');
    expect(await screen.findByText('Enter a whole number of days from 1 to 365, or a variable')).toBeTruthy();
    expect(onChange).not.toHaveBeenCalled();

    await user.clear(days);
    await user.type(days, '90{Enter}');
    expect(lastQuery().seatActiveDays).toBe(90);

    await user.clear(days);
    await user.tab();
    expect(lastQuery()).not.toHaveProperty('seatActiveDays');

    // Another metric takes no such option: the field goes away.
    await choose(user, 'Metric', /^Active users/);
    expect(screen.queryByRole('textbox', { name: 'Active within' })).toBeNull();
  });

  test('“Days” chooses all days or working days, saying what working days do to the metric; all days is not saved', async () => {
    const workdays =
      'Points of days off are absent from time series. Weeks, months and the whole range average working days only (average per working day).';
    const dailyActiveUsers = aMetric({
      id: 'daily_active_users',
      title: 'Daily active users',
      aggregation: 'average',
      workdays,
    });
    ingester({ catalog: aCatalog([dailyActiveUsers, ...aCatalog().metrics.slice(1)]) });
    installVariables({ days: 'workdays' });
    const { user, lastQuery } = renderEditor();
    await screen.findByDisplayValue('Daily active users');

    expect(await optionsOf(user, 'Days')).toEqual(['All days', `Working days${workdays}`, '$days']);

    await choose(user, 'Days', /^Working days/);
    expect(lastQuery().days).toBe('workdays');

    await choose(user, 'Days', '$days');
    expect(lastQuery().days).toBe('$days');

    await choose(user, 'Days', /^All days/);
    expect(lastQuery()).not.toHaveProperty('days');

    const label = screen.getByText('Days').closest('label')!;
    await user.hover(within(label).getByTestId('icon-info-circle'));
    expect(await screen.findByText(/For Daily active users: Points of days off are absent/)).toBeTruthy();
  });

  test('“Others” can be switched on only with a limit', async () => {
    ingester();
    const { user, lastQuery } = renderEditor({ metric: 'active_users', groupBy: 'ide' });
    const others = screen.getByRole('switch', { name: 'Others' });
    expect(others).toHaveProperty('disabled', true);

    await user.type(screen.getByRole('textbox', { name: 'Limit' }), '3{Enter}');
    await user.click(screen.getByRole('switch', { name: 'Others' }));

    expect(lastQuery()).toMatchObject({ limit: 3, others: true });
  });
});

describe('loading and errors', () => {
  test('a catalog that cannot be loaded is reported in the editor', async () => {
    ingester({
      catalog: { status: 401, data: { error: 'the bearer token does not match INGESTER_API_TOKEN' } },
    });
    renderEditor();

    expect(await screen.findByText('Could not load the metric catalog from the ingester')).toBeTruthy();
    expect(screen.getByText(/the bearer token does not match INGESTER_API_TOKEN/)).toBeTruthy();
  });

  test('a saved query the ingester would refuse is flagged before it runs', async () => {
    ingester();
    renderEditor({ metric: 'daily_active_users', groupBy: 'team' });

    expect(await screen.findByText('The ingester will refuse this query')).toBeTruthy();
    expect(screen.getByText('Daily active users cannot be grouped by Team.')).toBeTruthy();
  });

  test('the catalog is fetched once per data source, however many editors show it', async () => {
    const { calls } = ingester();
    const datasource = aDataSource();
    renderEditor({}, datasource);
    renderEditor({ refId: 'B' }, datasource);
    await act(async () => undefined);
    await waitFor(() => expect(screen.getAllByDisplayValue('Daily active users')).toHaveLength(2));

    expect(calls.filter((call) => call.url.endsWith('/api/v1/catalog'))).toHaveLength(1);
  });
});

describe('query types', () => {
  test('a query of type annotations gets the annotation editor, a query without a type the metric editor', async () => {
    ingester({ values: { scope: ['enterprise:octodemo'] } });
    const onChange = jest.fn();
    const props = { datasource: aDataSource(), onChange, onRunQuery: () => undefined, range };
    const { rerender } = render(<QueryEditor {...props} query={{ refId: 'A', queryType: 'annotations' }} />);

    const user = userEvent.setup();
    await choose(user, 'Mark', /^Failed syncs/);
    expect(screen.queryByRole('combobox', { name: 'Metric' })).toBeNull();
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'A',
      queryType: 'annotations',
      annotationKinds: ['sync-failed'],
    });

    rerender(<QueryEditor {...props} query={aQuery()} />);
    expect(await screen.findByDisplayValue('Daily active users')).toBeTruthy();
    expect(screen.queryByRole('combobox', { name: 'Mark' })).toBeNull();
  });

  test('the editors need only the catalog, dimension values and default scope, not the DataSource', async () => {
    const dimensionValues = jest.fn(async () => [{ value: 'vscode', label: 'vscode' }]);
    const datasource = {
      defaultScope: 'enterprise:octodemo',
      catalog: async () => aCatalog(),
      dimensionValues,
    };
    const query = aQuery({ metric: 'active_users', filters: { ide: [] } });
    render(<QueryEditor datasource={datasource} query={query} onChange={jest.fn()} onRunQuery={jest.fn()} />);
    const user = userEvent.setup();

    expect(await screen.findByDisplayValue('Active users')).toBeTruthy();
    expect(screen.getByPlaceholderText('Default: enterprise:octodemo')).toBeTruthy();
    await user.click(screen.getByRole('combobox', { name: 'IDE' }));
    expect(await screen.findByRole('option', { name: 'vscode' })).toBeTruthy();
    expect(dimensionValues).toHaveBeenCalledWith(
      'ide',
      expect.objectContaining({ scope: 'enterprise:octodemo' }),
    );
  });
});

describe('people: rank by and search', () => {
  test('are offered only for a query grouped by user', async () => {
    ingester();
    renderEditor({ metric: 'active_users', groupBy: 'ide' });
    await screen.findAllByRole('combobox');
    expect(screen.queryByRole('textbox', { name: 'Search people' })).toBeNull();
  });

  test('the ranking metric comes from the catalog, and the search is saved on Enter (a variable too)', async () => {
    ingester();
    const { user, lastQuery } = renderEditor({ metric: 'active_users', groupBy: 'user', format: 'table' });

    await choose(user, 'Rank by', /^Daily active users/);
    expect(lastQuery()).toMatchObject({ rankBy: 'daily_active_users' });

    const search = screen.getByRole('textbox', { name: 'Search people' });
    await user.type(search, '$person{Enter}');
    expect(lastQuery()).toMatchObject({ rankBy: 'daily_active_users', search: '$person' });

    await user.clear(search);
    await user.tab();
    expect(lastQuery()).not.toHaveProperty('search');
  });
});
