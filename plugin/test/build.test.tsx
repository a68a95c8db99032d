/**
 * The build as Grafana receives it: dist/module.js is an AMD module whose dependencies are the
 * packages Grafana provides, with none of them bundled, and what it defines is a working plugin.
 */
import * as grafanaData from '@grafana/data';
import { DataSourcePlugin, dateTime } from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { render, screen } from '@testing-library/react';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import type { DataSource } from '../src/datasource';
import { aCatalog } from './builders';
import { installBackend, installVariables } from './grafana';

const DIST = join(__dirname, '..', 'dist');
const moduleSource = () => readFileSync(join(DIST, 'module.js'), 'utf8');

/** What Grafana's SystemJS hands an AMD plugin for each dependency name: its own copy of the package. */
const GRAFANA_PROVIDES: Record<string, unknown> = {
  react: React,
  'react/jsx-runtime': jsxRuntime,
  'react-dom': ReactDOM,
  rxjs,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
};

/** The smallest AMD loader: runs module.js with a `define` that resolves dependencies by name. */
function loadAmd(source: string): { dependencies: string[]; exports: Record<string, unknown> } {
  let defined:
    { dependencies: string[]; factory: (...modules: unknown[]) => Record<string, unknown> } | undefined;
  const define = Object.assign(
    (dependencies: string[], factory: (...modules: unknown[]) => Record<string, unknown>) => {
      defined = { dependencies, factory };
    },
    { amd: true },
  );
  new Function('define', source)(define);
  if (!defined) throw new Error('module.js did not call define()');
  const unknown = defined.dependencies.filter((name) => !(name in GRAFANA_PROVIDES));
  if (unknown.length)
    throw new Error(`module.js needs modules Grafana does not provide: ${unknown.join(', ')}`);
  const modules = defined.dependencies.map((name) => GRAFANA_PROVIDES[name]);
  return { dependencies: defined.dependencies, exports: defined.factory(...modules) };
}

test('dist holds module.js and the files Grafana reads next to it', () => {
  for (const file of ['module.js', 'plugin.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'img/logo.svg']) {
    expect(existsSync(join(DIST, file))).toBe(true);
  }
});

test('module.js is an AMD module that imports React, rxjs and @grafana/* from Grafana', () => {
  const source = moduleSource();

  expect(source.startsWith('define([')).toBe(true);
  expect(loadAmd(source).dependencies.sort()).toEqual(
    ['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'react/jsx-runtime', 'rxjs'].sort(),
  );
});

test('bundles none of them: no React, rxjs or Grafana UI source, and a small size', () => {
  const source = moduleSource();

  // Markers that only appear in those packages' own code.
  expect(source).not.toContain('__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED');
  expect(source).not.toContain('react.element');
  expect(source).not.toContain('ObjectUnsubscribedError');
  expect(source).not.toContain('getComboboxStyles');
  expect(statSync(join(DIST, 'module.js')).size).toBeLessThan(100 * 1024);
});

test('loaded through AMD, it exposes a data source plugin with its config and query editors', async () => {
  const { plugin } = loadAmd(moduleSource()).exports as { plugin: DataSourcePlugin<DataSource> };

  expect(plugin).toBeInstanceOf(DataSourcePlugin);
  expect(typeof plugin.components.ConfigEditor).toBe('function');
  expect(typeof plugin.components.QueryEditor).toBe('function');

  // The bundled editor renders with Grafana's packages and talks to the ingester through the proxy.
  installVariables();
  installBackend(() => ({ data: aCatalog() }));
  const datasource = new plugin.DataSourceClass({
    id: 1,
    uid: 'copilot',
    type: 'copilotmetrics-usage-datasource',
    name: 'Copilot',
    url: '/api/datasources/proxy/uid/copilot',
    jsonData: {},
    meta: {},
  } as never);
  const QueryEditor = plugin.components.QueryEditor!;
  const from = dateTime('2026-11-01');
  render(
    <QueryEditor
      datasource={datasource}
      query={{ refId: 'A', metric: 'active_users' }}
      range={{ from, to: from, raw: { from, to: from } }}
      onChange={() => undefined}
      onRunQuery={() => undefined}
    />,
  );

  expect(await screen.findByDisplayValue('Active users')).toBeTruthy();
  expect(datasource.variables).toBeDefined();
  expect(datasource.annotations?.QueryEditor).toBeDefined();
});
