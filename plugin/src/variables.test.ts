import { type DataFrame, type DataQueryResponse } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import { INGESTER, aDataSource, aRequest } from '../test/builders';
import { installBackend, installVariables } from '../test/grafana';
import type { CopilotVariableQuery } from './types';
import { CopilotVariableSupport } from './variables';

const values = [
  { value: 'platform', label: 'platform' },
  { value: 'web', label: 'web' },
];

async function runVariable(query: Omit<CopilotVariableQuery, 'refId'>, scopedVars = {}) {
  const support = new CopilotVariableSupport(aDataSource());
  const request = aRequest([{ refId: 'variable', ...query }], {
    from: '2026-11-01T00:00:00Z',
    to: '2026-11-07T12:00:00Z',
    scopedVars,
  });
  const response: DataQueryResponse = await lastValueFrom(support.query(request));
  return response.data[0] as DataFrame;
}

test('a variable lists the values of its dimension as text/value pairs, within the dashboard’s range', async () => {
  installVariables();
  const { calls } = installBackend(() => ({ data: { values } }));

  const frame = await runVariable({ dimension: 'team' });

  expect(calls.map((call) => call.url)).toEqual([
    `${INGESTER}/api/v1/dimensions/team/values?from=2026-11-01&to=2026-11-07`,
  ]);
  expect(frame.fields.map((field) => [field.name, field.values])).toEqual([
    ['text', ['platform', 'web']],
    ['value', ['platform', 'web']],
  ]);
});

test('its scope and search may use other variables, so $team can follow $scope', async () => {
  installVariables({ scope: 'organization:octodemo-web', prefix: 'pl' });
  const { calls } = installBackend(() => ({ data: { values } }));

  await runVariable({ dimension: 'team', scope: '$scope', search: '$prefix' });

  expect(new URL(calls[0].url, 'http://grafana').searchParams.toString()).toBe(
    'scope=organization%3Aoctodemo-web&search=pl&from=2026-11-01&to=2026-11-07',
  );
});

test('a variable without a dimension lists nothing rather than failing', async () => {
  installVariables();
  const { calls } = installBackend(() => ({ data: { values } }));

  const frame = await runVariable({ dimension: '' });

  expect(calls).toHaveLength(0);
  expect(frame.length).toBe(0);
});

describe('$__searchFilter: the text typed in the variable’s picker', () => {
  test('is sent as the search, so the ingester searches as the person types', async () => {
    installVariables({ scope: 'organization:octodemo-web' });
    const { calls } = installBackend(() => ({ data: { values } }));

    await runVariable(
      { dimension: 'user', scope: '$scope', search: '$__searchFilter' },
      { __searchFilter: { text: 'Mona', value: 'Mona' } },
    );

    expect(new URL(calls[0].url, 'http://grafana').searchParams.get('search')).toBe('Mona');
  });

  test('with nothing typed (Grafana leaves it unset) searches for nothing, not for "$__searchFilter"', async () => {
    installVariables();
    const { calls } = installBackend(() => ({ data: { values } }));

    await runVariable({ dimension: 'user', search: '$__searchFilter' });

    expect(calls.map((call) => call.url)).toEqual([
      `${INGESTER}/api/v1/dimensions/user/values?from=2026-11-01&to=2026-11-07`,
    ]);
  });
});
