/**
 * A small stand-in for Grafana's panel editor, for the browser test: it provides Grafana's theme and
 * global styles, loads the built dist/module.js through AMD with the packages Grafana shares
 * (React, rxjs, @grafana/*), and renders the plugin's editors. The page's backendSrv calls the test
 * server's proxy path, as Grafana's frontend calls Grafana's data source proxy.
 */
import * as data from '@grafana/data';
import {
  type DataFrame,
  type DataQueryRequest,
  type DataSourcePlugin,
  createTheme,
  dateTime,
} from '@grafana/data';
import * as runtime from '@grafana/runtime';
import type { BackendSrv, BackendSrvRequest, TemplateSrv } from '@grafana/runtime';
import * as ui from '@grafana/ui';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import * as React from 'react';
import { useMemo, useRef, useState } from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import type { DataSource } from '../../src/datasource';
import type { CopilotDataSourceOptions, CopilotQuery } from '../../src/types';

const SHARED: Record<string, unknown> = {
  react: React,
  'react/jsx-runtime': jsxRuntime,
  'react-dom': ReactDOM,
  rxjs,
  '@grafana/data': data,
  '@grafana/ui': ui,
  '@grafana/runtime': runtime,
};

type Plugin = DataSourcePlugin<DataSource, CopilotQuery, CopilotDataSourceOptions>;

async function loadPlugin(): Promise<Plugin> {
  const source = await (await fetch('/dist/module.js')).text();
  return new Promise((resolve, reject) => {
    const define = (dependencies: string[], factory: (...modules: unknown[]) => { plugin: Plugin }) => {
      const missing = dependencies.filter((name) => !(name in SHARED));
      if (missing.length) reject(new Error(`module.js needs ${missing.join(', ')}`));
      else resolve(factory(...dependencies.map((name) => SHARED[name])).plugin);
    };
    new Function('define', source)(Object.assign(define, { amd: true }));
  });
}

runtime.setBackendSrv({
  fetch: (options: BackendSrvRequest) =>
    rxjs.from(
      (async () => {
        const response = await fetch(options.url, {
          method: options.method ?? 'GET',
          headers: options.data === undefined ? {} : { 'Content-Type': 'application/json' },
          body: options.data === undefined ? undefined : JSON.stringify(options.data),
        });
        const body = await response.json().catch(() => null);
        if (!response.ok)
          throw { status: response.status, statusText: response.statusText, data: body, config: options };
        return { status: response.status, ok: true, data: body, config: options };
      })(),
    ),
} as unknown as BackendSrv);

runtime.setTemplateSrv({
  getVariables: () => [{ name: 'team' }, { name: 'scope' }] as never,
  containsTemplate: (text?: string) => !!text?.includes('$'),
  updateTimeRange: () => undefined,
  replace: (text?: string) => text ?? '',
} as TemplateSrv);

const now = Date.now();
const from = dateTime(now - 8 * 86_400_000);
const to = dateTime(now - 2 * 86_400_000);
const range = { from, to, raw: { from, to } };

function PanelEditor({ plugin }: { plugin: Plugin }) {
  const datasource = useMemo(
    () =>
      new plugin.DataSourceClass({
        id: 1,
        uid: 'copilot',
        type: 'copilotmetrics-usage-datasource',
        name: 'Copilot Usage Metrics',
        url: '/api/datasources/proxy/uid/copilot',
        access: 'proxy',
        readOnly: false,
        jsonData: { ingesterUrl: 'http://ingester:8080', defaultScope: 'organization:octodemo-web' },
        meta: { id: 'copilotmetrics-usage-datasource' },
      } as never),
    [plugin],
  );
  const [query, setQuery] = useState<CopilotQuery>({
    refId: 'A',
    ...datasource.getDefaultQuery(data.CoreApp.PanelEditor),
  });
  const latest = useRef(query);
  const [result, setResult] = useState('not run yet');
  const QueryEditor = plugin.components.QueryEditor!;
  const ConfigEditor = plugin.components.ConfigEditor!;

  // Grafana runs the panel's queries when the editor calls onRunQuery, with the query it last received.
  const run = async () => {
    try {
      const response = await datasource.query({
        requestId: 'A',
        targets: [latest.current],
        range,
        scopedVars: {},
        interval: '1d',
        intervalMs: 86_400_000,
        timezone: 'utc',
        app: 'panel-editor',
        startTime: Date.now(),
      } as DataQueryRequest<CopilotQuery>);
      const frames = response.data as DataFrame[];
      const errors = (response.errors ?? []).map((error) => error.message);
      setResult(
        `${frames.length} series: ${frames.map((frame) => frame.name).join(', ')}${errors.length ? `; errors: ${errors.join('; ')}` : ''}`,
      );
    } catch (error) {
      setResult(`failed: ${(error as Error).message}`);
    }
  };

  return (
    <main style={{ padding: 16, width: 1100, display: 'flex', flexDirection: 'column', gap: 16 }}>
      <ui.Text element="h3">Query A — Copilot Usage Metrics</ui.Text>
      <section data-testid="query-editor">
        <QueryEditor
          datasource={datasource}
          query={query}
          range={range}
          onChange={(next) => {
            latest.current = next;
            setQuery(next);
          }}
          onRunQuery={() => void run()}
        />
      </section>
      <output data-testid="result">{result}</output>
      <pre data-testid="query">{JSON.stringify(query)}</pre>
      <ui.Text element="h3">Data source settings</ui.Text>
      <section data-testid="config-editor">
        <ConfigEditor
          options={
            {
              jsonData: { ingesterUrl: 'http://ingester:8080', defaultScope: 'organization:octodemo-web' },
              secureJsonFields: { apiToken: true },
            } as never
          }
          onOptionsChange={() => undefined}
        />
      </section>
    </main>
  );
}

const theme = createTheme({ colors: { mode: 'dark' } });
loadPlugin().then(
  (plugin) =>
    createRoot(document.getElementById('root')!).render(
      <ThemeContext.Provider value={theme}>
        <GlobalStyles />
        <PanelEditor plugin={plugin} />
      </ThemeContext.Provider>,
    ),
  (error: Error) => {
    document.body.textContent = `plugin failed to load: ${error.message}`;
  },
);
