import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { INGESTER, aCatalog, aDataSource } from '../../test/builders';
import { installBackend, installVariables } from '../../test/grafana';
import type { CopilotVariableQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

function renderVariableEditor(initial?: Partial<CopilotVariableQuery>) {
  installBackend((call) =>
    call.url === `${INGESTER}/api/v1/catalog`
      ? { data: aCatalog() }
      : { data: { values: [{ value: 'organization:octodemo-web', label: 'organization:octodemo-web' }] } },
  );
  const onChange = jest.fn();
  function Variable() {
    const [query, setQuery] = useState(initial as CopilotVariableQuery);
    return (
      <VariableQueryEditor
        datasource={aDataSource()}
        query={query}
        onRunQuery={() => undefined}
        onChange={(next) => {
          onChange(next);
          setQuery(next);
        }}
      />
    );
  }
  render(<Variable />);
  return { user: userEvent.setup(), saved: (): CopilotVariableQuery => onChange.mock.lastCall?.[0] };
}

beforeEach(() => installVariables({ scope: 'organization:octodemo-web' }));

test('a new variable stores the dimension it shows', async () => {
  const { saved } = renderVariableEditor(undefined);
  await screen.findByDisplayValue('Team');

  expect(saved()).toEqual({ refId: 'CopilotVariable', dimension: 'team' });
});

test('offers the scope and every dimension of the catalog that has values', async () => {
  const { user } = renderVariableEditor({ refId: 'A', dimension: 'team' });
  await screen.findByDisplayValue('Team');

  await user.click(screen.getByRole('combobox', { name: 'Values of' }));
  const options = (await screen.findAllByRole('option')).map((option) =>
    option.textContent?.replace(/About .*$/, ''),
  );

  expect(options).toEqual([
    'ScopeEnterprises and organizations the ingester holds, e.g. organization:my-org',
    'IDE',
    'Feature',
    'Language',
    'Model',
    'Team',
    'User',
    'Repository',
  ]);
});

test('picks a dimension, a scope (which may be a variable) and a search text', async () => {
  const { user, saved } = renderVariableEditor({ refId: 'A', dimension: 'team' });
  await screen.findByDisplayValue('Team');

  await user.click(screen.getByRole('combobox', { name: 'Values of' }));
  await user.click(await screen.findByRole('option', { name: /^User/ }));
  await user.click(screen.getByRole('combobox', { name: 'Scope' }));
  await user.click(await screen.findByRole('option', { name: '$scope' }));
  await user.type(screen.getByRole('textbox', { name: 'Containing' }), 'octo');
  await user.tab();

  expect(saved()).toEqual({ refId: 'A', dimension: 'user', scope: '$scope', search: 'octo' });
});

test('the scope dimension has no scope of its own to pick', async () => {
  renderVariableEditor({ refId: 'A', dimension: 'scope' });
  await screen.findByDisplayValue('Scope');

  expect(screen.queryByRole('combobox', { name: 'Scope' })).toBeNull();
});
