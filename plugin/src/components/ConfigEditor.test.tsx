import type { DataSourceSettings } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import type { CopilotDataSourceOptions, CopilotSecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<CopilotDataSourceOptions, CopilotSecureJsonData>;

function aSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'copilot',
    orgId: 1,
    name: 'Copilot Usage Metrics',
    type: 'copilotmetrics-usage-datasource',
    typeName: 'Copilot Usage Metrics',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    readOnly: false,
    withCredentials: false,
    jsonData: {},
    secureJsonFields: {},
    ...overrides,
  } as Settings;
}

/** The settings page: every change comes back in, as Grafana does until "Save & test". */
function renderConfig(initial: Settings = aSettings()) {
  const onOptionsChange = jest.fn();
  function Page() {
    const [options, setOptions] = useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          onOptionsChange(next);
          setOptions(next);
        }}
      />
    );
  }
  render(<Page />);
  return { user: userEvent.setup(), saved: (): Settings => onOptionsChange.mock.lastCall?.[0] };
}

test('the ingester URL and default scope go to jsonData, which the proxy route and queries read', async () => {
  const { user, saved } = renderConfig();

  await user.type(screen.getByRole('textbox', { name: /Ingester URL/ }), 'http://ingester:8080');
  await user.type(screen.getByRole('textbox', { name: /^Default scope/ }), 'organization:octodemo-web');

  expect(saved().jsonData).toEqual({
    ingesterUrl: 'http://ingester:8080',
    defaultScope: 'organization:octodemo-web',
  });
});

test('a trailing slash is dropped from the URL when leaving the field', async () => {
  const { user, saved } = renderConfig();

  await user.type(screen.getByRole('textbox', { name: /Ingester URL/ }), 'http://ingester:8080/');
  await user.tab();

  expect(saved().jsonData.ingesterUrl).toBe('http://ingester:8080');
});

test('the API token goes to secureJsonData, never to jsonData', async () => {
  const { user, saved } = renderConfig();

  await user.type(screen.getByLabelText(/^API token/), 's3cret');

  expect(saved().secureJsonData).toEqual({ apiToken: 's3cret' });
  expect(JSON.stringify(saved().jsonData)).not.toContain('s3cret');
});

test('a saved token shows as configured and can be reset to enter a new one', async () => {
  const { user, saved } = renderConfig(aSettings({ secureJsonFields: { apiToken: true } }));
  expect((screen.getByLabelText(/^API token/) as HTMLInputElement).value).toBe('configured');

  await user.click(screen.getByRole('button', { name: 'Reset' }));

  expect(saved().secureJsonFields).toEqual({ apiToken: false });
  expect(saved().secureJsonData).toEqual({ apiToken: '' });
  expect((screen.getByLabelText(/^API token/) as HTMLInputElement).value).toBe('');
});

test('a URL or scope in the wrong form says what form it needs', async () => {
  const { user } = renderConfig();

  await user.type(screen.getByRole('textbox', { name: /Ingester URL/ }), 'ingester:8080');
  await user.type(screen.getByRole('textbox', { name: /^Default scope/ }), 'octodemo-web');

  expect(screen.getByText('Use an http:// or https:// URL')).toBeTruthy();
  expect(screen.getByText('Use organization:<login> or enterprise:<slug>')).toBeTruthy();
});
