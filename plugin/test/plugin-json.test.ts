/**
 * plugin.json, as written (src) and as shipped (dist), against the rules of Grafana's plugin.json
 * schema (docs/sources/developers/plugins/plugin.schema.json in grafana/grafana, and the plugin-tools
 * metadata reference generated from it) that apply to a frontend data source. The rules are restated
 * below rather than downloaded: tests run without network.
 */
import { PLUGIN_ID } from '@copilot-metrics/contract';
import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fill } from './proxy';

const ROOT = join(__dirname, '..');

/** Every top-level key the schema defines; it sets `additionalProperties: false`. */
const TOP_LEVEL_KEYS = [
  '$schema',
  'alerting',
  'annotations',
  'autoEnabled',
  'backend',
  'builtIn',
  'category',
  'dependencies',
  'enterpriseFeatures',
  'executable',
  'hideFromList',
  'id',
  'includes',
  'info',
  'logs',
  'metrics',
  'name',
  'pascalName',
  'preload',
  'queryOptions',
  'routes',
  'skipDataQuery',
  'state',
  'streaming',
  'tracing',
  'type',
];

const pluginJsonRules = {
  type: 'object',
  required: ['type', 'name', 'id', 'info', 'dependencies'],
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(TOP_LEVEL_KEYS.map((key) => [key, {}])),
    // The schema writes `\-`; Ajv compiles patterns in unicode mode, where that escape is invalid.
    id: {
      type: 'string',
      pattern: '^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource|secretsmanager|transformer)$',
    },
    type: { enum: ['app', 'datasource', 'panel', 'renderer', 'secretsmanager', 'transformer'] },
    name: { type: 'string', minLength: 1 },
    metrics: { type: 'boolean' },
    annotations: { type: 'boolean' },
    backend: { type: 'boolean' },
    alerting: { type: 'boolean' },
    category: {
      enum: ['tsdb', 'logging', 'cloud', 'tracing', 'profiling', 'sql', 'enterprise', 'iot', 'other'],
    },
    info: {
      type: 'object',
      required: ['logos', 'version', 'updated', 'keywords'],
      additionalProperties: false,
      properties: {
        author: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string' }, email: { type: 'string' }, url: { type: 'string' } },
        },
        build: { type: 'object' },
        description: { type: 'string' },
        keywords: { type: 'array', minItems: 1, items: { type: 'string' } },
        links: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: { name: { type: 'string' }, url: { type: 'string', pattern: '^https?://' } },
          },
        },
        logos: {
          type: 'object',
          required: ['small', 'large'],
          additionalProperties: false,
          properties: { small: { type: 'string' }, large: { type: 'string' } },
        },
        screenshots: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: { name: { type: 'string' }, path: { type: 'string' } },
          },
        },
        updated: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2}|%TODAY%)$' },
        version: { type: 'string', pattern: '^((0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)|%VERSION%)$' },
      },
    },
    dependencies: {
      type: 'object',
      required: ['grafanaDependency'],
      additionalProperties: false,
      properties: {
        grafanaDependency: {
          type: 'string',
          pattern:
            '^(<=|>=|<|>|=|~|\\^)?([0-9]+)(\\.[0-9x\\*]+)(\\.[0-9x\\*]+)?(\\s(<=|>=|<|=>)?([0-9]+)(\\.[0-9x]+)(\\.[0-9x]+))?$',
        },
        grafanaVersion: { type: 'string' },
        plugins: { type: 'array' },
      },
    },
    routes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'url'],
        properties: {
          // "Don't use an empty string" (metadata reference).
          path: { type: 'string', minLength: 1 },
          method: { type: 'string' },
          url: { type: 'string', minLength: 1 },
          reqSignedIn: { type: 'boolean' },
          reqRole: { type: 'string' },
          reqAction: { type: 'string' },
          headers: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'content'],
              additionalProperties: false,
              properties: { name: { type: 'string', minLength: 1 }, content: { type: 'string' } },
            },
          },
          body: { type: 'object' },
          tokenAuth: { type: 'object' },
          jwtTokenAuth: { type: 'object' },
          urlParams: { type: 'array' },
        },
      },
    },
  },
  // Alerting "requires `backend` to be set to `true`".
  if: { properties: { alerting: { const: true } }, required: ['alerting'] },
  then: { properties: { backend: { const: true } }, required: ['backend'] },
};

const validate = new Ajv({ allErrors: true }).compile(pluginJsonRules);
const errorsOf = (json: unknown) =>
  validate(json) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`);

const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const source = read('src/plugin.json');

describe('src/plugin.json', () => {
  test('follows the schema rules', () => {
    expect(errorsOf(source)).toEqual([]);
  });

  test('is the data source the issue describes', () => {
    expect(source).toMatchObject({
      type: 'datasource',
      id: 'copilotmetrics-usage-datasource',
      name: 'Copilot Usage Metrics',
      metrics: true,
      annotations: true,
      dependencies: { grafanaDependency: '>=12.3.0' },
      info: { version: '%VERSION%', updated: '%TODAY%' },
    });
    // Frontend only: no backend, so no alerting (Grafana refuses alert rules on frontend data sources).
    expect(source).not.toHaveProperty('backend');
    expect(source).not.toHaveProperty('alerting');
  });

  test('has the id the contract gives the dashboards and provisioning', () => {
    expect(source.id).toBe(PLUGIN_ID);
  });

  test('reaches the ingester through one proxy route that adds the token from secureJsonData', () => {
    expect(source.routes).toEqual([
      {
        path: 'ingester',
        url: '{{ .JsonData.ingesterUrl }}',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken | orEmpty }}' }],
      },
    ]);
  });

  test('a data source without a saved token sends an empty bearer, not "<no value>"', () => {
    // Go's text/template prints a missing map key as "<no value>"; Grafana's `orEmpty` prints "".
    const [header] = source.routes[0].headers;
    const settings = { dataSourceUrl: '/api/datasources/proxy/uid/x', ingesterUrl: 'http://ingester:8080' };
    expect(fill(header.content, settings)).toBe('Bearer ');
    expect(fill(header.content, { ...settings, apiToken: 's3cret' })).toBe('Bearer s3cret');
    expect(fill('Bearer {{ .SecureJsonData.apiToken }}', settings)).toBe('Bearer <no value>');
  });

  test('names a logo that exists', () => {
    expect(existsSync(join(ROOT, 'src', source.info.logos.small))).toBe(true);
    expect(existsSync(join(ROOT, 'src', source.info.logos.large))).toBe(true);
  });
});

describe('the rules', () => {
  const broken: Array<[string, (json: Record<string, unknown>) => void]> = [
    ['an unknown top-level key', (json) => (json.frontend = true)],
    ['an id without a type suffix', (json) => (json.id = 'copilot-metrics')],
    ['a route with an empty path', (json) => ((json.routes as Array<{ path: string }>)[0].path = '')],
    [
      'a header without content',
      (json) => ((json.routes as Array<{ headers: object[] }>)[0].headers = [{ name: 'X' }]),
    ],
    [
      'a grafanaDependency that is not a version range',
      (json) => (json.dependencies = { grafanaDependency: 'latest' }),
    ],
    ['no keywords', (json) => ((json.info as { keywords: string[] }).keywords = [])],
    ['alerting without a backend', (json) => (json.alerting = true)],
  ];

  test.each(broken)('reject %s', (_what, breakIt) => {
    const json = structuredClone(source);
    breakIt(json);
    expect(errorsOf(json)).not.toEqual([]);
  });
});

describe('dist/plugin.json', () => {
  const distPath = join(ROOT, 'dist', 'plugin.json');

  test('exists (the build has run: `npm run build`)', () => {
    expect(existsSync(distPath)).toBe(true);
  });

  const dist = () => read('dist/plugin.json');

  test('follows the schema rules', () => {
    expect(errorsOf(dist())).toEqual([]);
  });

  test('has a concrete version and build date in place of %VERSION% and %TODAY%', () => {
    const { info } = dist();
    expect(info.version).toBe(read('package.json').version);
    expect(info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Math.abs(Date.parse(info.updated) - Date.now())).toBeLessThan(2 * 86_400_000);
    expect(readFileSync(distPath, 'utf8')).not.toMatch(/%[A-Z_]+%/);
  });

  test('differs from the source only in those two fields', () => {
    const { info, ...rest } = dist();
    expect({ ...rest, info: { ...info, version: '%VERSION%', updated: '%TODAY%' } }).toEqual(source);
  });
});
