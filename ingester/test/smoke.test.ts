/**
 * The smoke test (scripts/smoke), without Docker: its checks judge recorded shapes of Grafana's,
 * Prometheus' and the ingester's answers (healthy and broken), then run end to end against stand-in
 * servers on 127.0.0.1 that answer those paths, through the command line and through smoke.sh with a
 * fake `docker` (which must always end with `docker compose down -v`). The real run, on a real
 * Grafana, happens in GitHub Actions (.github/workflows/smoke.yml).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type Answer,
  type Expected,
  type SmokeConfig,
  checkCatalog,
  checkDashboards,
  checkDataSource,
  checkGrafanaHealth,
  checkIngesterSync,
  checkPlugin,
  checkProvisionedRules,
  checkRuleEvaluations,
  checkTargets,
  expectedFromRepo,
  main,
  runChecks,
  smokeChecks,
  httpGet,
} from '../../scripts/smoke/checks';
import { tempDir } from './helpers';

const ROOT = join(__dirname, '..', '..');
const temps: { cleanup: () => void }[] = [];
const temp = () => {
  const dir = tempDir('cm-smoke-');
  temps.push(dir);
  return dir.path;
};
afterAll(() => temps.forEach((t) => t.cleanup()));
const expected = expectedFromRepo(ROOT);
const ok = (body: unknown): Answer => ({ status: 200, body });
const EVALUATED = '2026-04-20T10:05:00Z';
const NEVER = '0001-01-01T00:00:00Z';

// ---------------------------------------------------------------------------------------------------
// Recorded shapes of the answers (Grafana 13, Prometheus 3, the ingester), healthy

const grafanaHealth = () => ({ commit: '0a1b2c3', database: 'ok', version: '13.1.3' });
const pluginSettings = () => ({
  name: 'Copilot Usage Metrics',
  type: 'datasource',
  id: expected.pluginId,
  enabled: true,
  pinned: false,
  autoEnabled: false,
  module: `public/plugins/${expected.pluginId}/module.js`,
  info: { version: '0.1.0', updated: '2026-04-20', logos: {} },
  signature: 'unsigned',
  signatureType: '',
  signatureOrg: '',
});
const dataSource = (ds: Expected['dataSources'][number], id: number) => ({
  id,
  uid: ds.uid,
  orgId: 1,
  name: ds.name,
  type: ds.type,
  typeLogoUrl: '',
  access: 'proxy',
  url: ds.type === 'prometheus' ? 'http://prometheus:9090' : '',
  basicAuth: false,
  isDefault: id === 1,
  jsonData: {},
  secureJsonFields: {},
  version: 1,
  readOnly: true,
});
const catalog = () => ({
  metrics: [{ id: 'daily_active_users', title: 'Daily active users', family: 'Adoption', groupBy: [] }],
  dimensions: [{ id: 'ide', description: 'IDE' }],
});
const searchHits = (
  folderOf: (uid: string) => string | null = (uid) => expected.dashboards.find((d) => d.uid === uid)!.folder,
) =>
  expected.dashboards.map((d, i) => {
    const folder = folderOf(d.uid);
    return {
      id: i + 2,
      uid: d.uid,
      orgId: 1,
      title: d.title,
      uri: `db/${d.uid}`,
      url: `/d/${d.uid}/${d.uid}`,
      slug: '',
      type: 'dash-db',
      tags: ['copilot'],
      isStarred: false,
      sortMeta: 0,
      isDeleted: false,
      ...(folder
        ? { folderId: 1, folderUid: 'b7c4e2', folderTitle: folder, folderUrl: '/dashboards/f/b7c4e2/' }
        : {}),
    };
  });
const provisionedRules = () =>
  expected.alertRules.map((r, i) => ({
    id: i + 1,
    uid: r.uid,
    orgID: 1,
    folderUID: 'e5a1c9',
    ruleGroup: r.group,
    title: r.title,
    condition: 'B',
    data: [],
    updated: '2026-04-20T10:00:00Z',
    noDataState: 'OK',
    execErrState: 'Error',
    for: '1h',
    annotations: {},
    labels: { severity: 'warning' },
    provenance: 'file',
    isPaused: false,
  }));
type RuleState = { health?: string; lastError?: string; lastEvaluation?: string; uidField?: boolean };
const ruleStatuses = (state: (uid: string) => RuleState = () => ({})) => ({
  status: 'success',
  data: {
    groups: [...new Set(expected.alertRules.map((r) => r.group))].map((group) => ({
      name: group,
      file: 'Copilot alerts',
      folderUid: 'e5a1c9',
      rules: expected.alertRules
        .filter((r) => r.group === group)
        .map((r) => {
          const s = state(r.uid);
          return {
            state: 'inactive',
            name: r.title,
            query: '[{"refId":"A"}]',
            ...(s.uidField === false ? {} : { uid: r.uid }),
            folderUid: 'e5a1c9',
            health: s.health ?? 'ok',
            ...(s.lastError ? { lastError: s.lastError } : {}),
            type: 'alerting',
            lastEvaluation: s.lastEvaluation ?? EVALUATED,
            evaluationTime: 0.012,
            labels: { severity: 'warning', __alert_rule_uid__: r.uid },
            totals: {},
          };
        }),
      totals: {},
      interval: 300,
      lastEvaluation: EVALUATED,
      evaluationTime: 0.02,
    })),
    totals: { inactive: expected.alertRules.length },
  },
});
const target = (job: string, health: string, lastError = '') => ({
  discoveredLabels: { __address__: 'ingester:8080', job },
  labels: { instance: 'ingester:8080', job },
  scrapePool: job,
  scrapeUrl: job === 'prometheus' ? 'http://localhost:9090/metrics' : 'http://ingester:8080/metrics',
  globalUrl: 'http://ingester:8080/metrics',
  lastError,
  lastScrape: '2026-04-20T10:05:01Z',
  lastScrapeDuration: 0.004,
  health,
  scrapeInterval: '30s',
  scrapeTimeout: '10s',
});
const targets = (health = 'up', lastError = '') => ({
  status: 'success',
  data: {
    activeTargets: [target(expected.prometheusJob, health, lastError), target('prometheus', 'up')],
    droppedTargets: [],
    droppedTargetCounts: {},
  },
});
const ingesterHealth = (
  lastSync: unknown = { status: 'ok', finishedAt: '2026-04-20T10:01:00Z', ageSeconds: 4 },
) => ({
  status: 'ok',
  database: { ok: true, schemaVersion: 10 },
  lastSync,
  scopes: [{ scope: 'enterprise:octodemo', latestDay: '2026-04-18' }],
});

// ---------------------------------------------------------------------------------------------------

describe('expectedFromRepo', () => {
  it('reads the plugin, data sources, dashboards, alert rules and the scrape job from the repository', () => {
    expect(expected.pluginId).toBe('copilotmetrics-usage-datasource');
    expect(expected.catalogPath).toBe('/api/datasources/proxy/uid/copilot-metrics/ingester/api/v1/catalog');
    expect(expected.dataSources.map((d) => d.uid).sort()).toEqual(['copilot-metrics', 'copilot-prometheus']);
    expect(expected.dashboards.length).toBeGreaterThanOrEqual(9);
    expect(expected.dashboards.every((d) => d.folder === 'Copilot' && d.uid && d.title)).toBe(true);
    expect(expected.dashboards.map((d) => d.uid)).toContain('copilot-overview');
    expect(expected.alertRules.length).toBeGreaterThanOrEqual(6);
    expect(expected.alertRules.every((r) => r.uid && r.title && r.folder === 'Copilot alerts')).toBe(true);
    expect(expected.prometheusJob).toBe('copilot-ingester');
  });
});

describe('judging the answers', () => {
  it('ingester: passes once the first sync finished ok; waits while none has; fails a failed one', () => {
    expect(checkIngesterSync(ok(ingesterHealth()))).toMatchObject({ ok: true });
    expect(checkIngesterSync(ok(ingesterHealth(null)))).toEqual({
      ok: false,
      detail: 'no sync has finished yet',
    });
    expect(checkIngesterSync(ok(ingesterHealth({ status: 'failed', finishedAt: 'x' })))).toMatchObject({
      ok: false,
      final: true,
    });
    expect(checkIngesterSync({ status: 503, body: { status: 'unavailable' } })).toMatchObject({ ok: false });
  });

  it('grafana health: database ok', () => {
    expect(checkGrafanaHealth(ok(grafanaHealth()))).toEqual({
      ok: true,
      detail: 'Grafana 13.1.3, database ok',
    });
    expect(checkGrafanaHealth(ok({ ...grafanaHealth(), database: 'failing' }))).toMatchObject({ ok: false });
    expect(checkGrafanaHealth({ status: 0, body: null, error: 'ECONNREFUSED' })).toMatchObject({
      ok: false,
      detail: 'ECONNREFUSED',
    });
  });

  it('plugin: loaded as a data source; a 404 (not loaded) fails', () => {
    expect(checkPlugin(expected, ok(pluginSettings()))).toMatchObject({ ok: true });
    expect(checkPlugin(expected, { status: 404, body: { message: 'Plugin not found' } })).toMatchObject({
      ok: false,
      detail: expect.stringContaining('404'),
    });
    expect(checkPlugin(expected, ok({ ...pluginSettings(), type: 'panel' }))).toMatchObject({ final: true });
  });

  it('data sources: present with their type and name; a missing one fails', () => {
    const [copilot, prometheus] = expected.dataSources;
    expect(checkDataSource(copilot, ok(dataSource(copilot, 1)))).toMatchObject({ ok: true });
    expect(checkDataSource(prometheus, ok(dataSource(prometheus, 2)))).toMatchObject({ ok: true });
    expect(
      checkDataSource(copilot, { status: 404, body: { message: 'Data source not found' } }),
    ).toMatchObject({
      ok: false,
    });
    expect(checkDataSource(prometheus, ok({ ...dataSource(prometheus, 2), type: 'loki' }))).toMatchObject({
      ok: false,
      detail: expect.stringContaining('type "loki"'),
    });
  });

  it('catalog through the proxy: metrics listed; 401/403 (not allowed) is final; a 502 waits', () => {
    expect(checkCatalog(ok(catalog()))).toEqual({ ok: true, detail: '1 metrics' });
    expect(checkCatalog({ status: 403, body: { message: 'Access denied' } })).toMatchObject({ final: true });
    expect(checkCatalog({ status: 502, body: { message: 'Bad Gateway' } })).toEqual({
      ok: false,
      detail: 'HTTP 502: {"message":"Bad Gateway"}',
    });
    expect(checkCatalog(ok({ metrics: [] }))).toMatchObject({ ok: false });
  });

  it('dashboards: all in their folder; one in General or missing fails, naming it', () => {
    expect(checkDashboards(expected, ok(searchHits()))).toMatchObject({ ok: true });
    const general = checkDashboards(
      expected,
      ok(searchHits((uid) => (uid === 'copilot-teams' ? null : 'Copilot'))),
    );
    expect(general).toEqual({
      ok: false,
      detail: 'copilot-teams is in folder "General", expected "Copilot"',
    });
    const missing = checkDashboards(expected, ok(searchHits().filter((h) => h.uid !== 'copilot-seats')));
    expect(missing.detail).toMatch(/^copilot-seats \(dashboards\/json\/Copilot\/9-seats\.json\) is missing$/);
  });

  it('provisioned alert rules: every rule of the files', () => {
    expect(checkProvisionedRules(expected, ok(provisionedRules()))).toMatchObject({ ok: true });
    const [first] = expected.alertRules;
    const without = provisionedRules().filter((r) => r.uid !== first.uid);
    expect(checkProvisionedRules(expected, ok(without))).toEqual({
      ok: false,
      detail: `${first.uid} ("${first.title}") is missing`,
    });
  });

  it('rule evaluations: passes when all evaluated; waits for unevaluated ones; an error is final', () => {
    expect(checkRuleEvaluations(expected, ok(ruleStatuses()))).toMatchObject({ ok: true });
    // Found by the __alert_rule_uid__ label when the answer has no uid field (older Grafana).
    expect(checkRuleEvaluations(expected, ok(ruleStatuses(() => ({ uidField: false }))))).toMatchObject({
      ok: true,
    });
    const nodata = checkRuleEvaluations(
      expected,
      ok(ruleStatuses((uid) => (uid === 'copilot-data-stale' ? { health: 'nodata' } : {}))),
    );
    expect(nodata).toMatchObject({ ok: true, detail: expect.stringContaining('1 nodata') });

    const waiting = checkRuleEvaluations(
      expected,
      ok(
        ruleStatuses((uid) =>
          uid === 'copilot-seats-inactive' ? { lastEvaluation: NEVER, health: 'unknown' } : {},
        ),
      ),
    );
    expect(waiting).toEqual({ ok: false, detail: 'not evaluated yet: copilot-seats-inactive' });

    const error = checkRuleEvaluations(
      expected,
      ok(
        ruleStatuses((uid) =>
          uid === 'copilot-sync-failing'
            ? { health: 'error', lastError: 'failed to execute query A: 502 Bad Gateway' }
            : { lastEvaluation: NEVER },
        ),
      ),
    );
    expect(error).toMatchObject({ ok: false, final: true });
    expect(error.detail).toContain('copilot-sync-failing');
    expect(error.detail).toContain('502 Bad Gateway');
    // A lastError with another health counts too.
    expect(
      checkRuleEvaluations(expected, ok(ruleStatuses(() => ({ health: 'ok', lastError: 'boom' })))),
    ).toMatchObject({ final: true });
    expect(checkRuleEvaluations(expected, ok({ status: 'error', error: 'unavailable' }))).toMatchObject({
      ok: false,
    });
  });

  it('prometheus targets: the ingester job up; down or absent fails', () => {
    expect(checkTargets(expected, ok(targets()))).toEqual({
      ok: true,
      detail: 'http://ingester:8080/metrics up',
    });
    expect(checkTargets(expected, ok(targets('down', 'connection refused')))).toEqual({
      ok: false,
      detail: 'http://ingester:8080/metrics down: connection refused',
    });
    expect(
      checkTargets(
        expected,
        ok({ status: 'success', data: { activeTargets: [target('prometheus', 'up')] } }),
      ),
    ).toMatchObject({ ok: false, detail: 'no active target of job "copilot-ingester"' });
  });
});

// ---------------------------------------------------------------------------------------------------
// Stand-in servers on 127.0.0.1

type Reply = { status: number; body: unknown };
type World = Record<string, () => Reply>;
const json = (body: unknown): Reply => ({ status: 200, body });
const ADMIN = `Basic ${Buffer.from('admin:smoke-secret').toString('base64')}`;

/** Grafana's, Prometheus' and the ingester's paths, healthy; a test replaces entries to break them. */
function healthyWorld(): World {
  const world: World = {
    'grafana /api/health': () => json(grafanaHealth()),
    [`grafana /api/plugins/${expected.pluginId}/settings`]: () => json(pluginSettings()),
    [`grafana ${expected.catalogPath}`]: () => json(catalog()),
    [`grafana ${expected.catalogPath} anonymous`]: () => json(catalog()),
    'grafana /api/search': () => json(searchHits()),
    'grafana /api/v1/provisioning/alert-rules': () => json(provisionedRules()),
    'grafana /api/prometheus/grafana/api/v1/rules': () => json(ruleStatuses()),
    'prometheus /api/v1/targets': () => json(targets()),
    'prometheus /-/ready': () => ({ status: 200, body: 'Prometheus Server is Ready.' }),
    'ingester /api/health': () => json(ingesterHealth()),
  };
  expected.dataSources.forEach((ds, i) => {
    world[`grafana /api/datasources/uid/${ds.uid}`] = () => json(dataSource(ds, i + 1));
  });
  return world;
}

interface StandIns {
  world: World;
  urls: { grafana: string; prometheus: string; ingester: string };
  close: () => Promise<void>;
}

async function startStandIns(): Promise<StandIns> {
  const state = { world: healthyWorld() };
  const servers: Server[] = [];
  const listen = async (service: string) => {
    const server = createServer((req: IncomingMessage, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const anonymous = !req.headers.authorization;
      const isCatalog = service === 'grafana' && path === expected.catalogPath;
      // Grafana's admin API wants the admin's basic auth; the anonymous viewer may use the proxy.
      if (
        service === 'grafana' &&
        path !== '/api/health' &&
        !isCatalog &&
        req.headers.authorization !== ADMIN
      ) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Unauthorized"}');
        return;
      }
      const key = `${service} ${path}${isCatalog && anonymous ? ' anonymous' : ''}`;
      const reply = state.world[key]?.() ?? { status: 404, body: { message: 'Not found' } };
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const urls = {
    grafana: await listen('grafana'),
    prometheus: await listen('prometheus'),
    ingester: await listen('ingester'),
  };
  return {
    get world() {
      return state.world;
    },
    urls,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

let standIns: StandIns;
beforeAll(async () => {
  standIns = await startStandIns();
});
afterAll(async () => standIns?.close());
beforeEach(() => {
  Object.assign(standIns.world, healthyWorld());
});

const config = (overrides: Partial<SmokeConfig> = {}): SmokeConfig => ({
  grafanaUrl: standIns.urls.grafana,
  prometheusUrl: standIns.urls.prometheus,
  ingesterUrl: standIns.urls.ingester,
  user: 'admin',
  password: 'smoke-secret',
  waitMs: 1500,
  syncWaitMs: 1500,
  ruleWaitMs: 3000,
  pollMs: 100,
  requestTimeoutMs: 2000,
  artifacts: '',
  ...overrides,
});

const env = (overrides: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GRAFANA_URL: standIns.urls.grafana,
  PROMETHEUS_URL: standIns.urls.prometheus,
  INGESTER_URL: standIns.urls.ingester,
  GRAFANA_ADMIN_PASSWORD: 'smoke-secret',
  SMOKE_WAIT_SECONDS: '1.5',
  SMOKE_SYNC_WAIT_SECONDS: '1.5',
  SMOKE_RULE_WAIT_SECONDS: '3',
  SMOKE_POLL_SECONDS: '0.1',
  ...overrides,
});

async function run(command: string, args: string[], childEnv: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, output };
}

describe('the checks against stand-in servers', () => {
  it('all pass against healthy answers, asking again while the sync and the rules are not done', async () => {
    let syncAsked = 0;
    let rulesAsked = 0;
    standIns.world['ingester /api/health'] = () => json(ingesterHealth(++syncAsked < 3 ? null : undefined));
    standIns.world['grafana /api/prometheus/grafana/api/v1/rules'] = () =>
      json(ruleStatuses(() => (++rulesAsked < 3 ? { lastEvaluation: NEVER, health: 'unknown' } : {})));
    const c = config();
    const lines: string[] = [];
    const results = await runChecks(smokeChecks(expected, c, httpGet(c.requestTimeoutMs)), c.pollMs, (l) =>
      lines.push(l),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      'ingester: first sync finished',
      'grafana: /api/health',
      `grafana: plugin ${expected.pluginId} loaded`,
      ...expected.dataSources.map((d) => `grafana: data source ${d.uid}`),
      `grafana: ${expected.catalogPath} as admin`,
      `grafana: ${expected.catalogPath} as anonymous viewer`,
      'grafana: dashboards in their folders',
      'grafana: alert rules provisioned',
      'grafana: alert rules evaluated without error',
      `prometheus: job ${expected.prometheusJob} up`,
    ]);
    expect(syncAsked).toBeGreaterThanOrEqual(3);
    expect(lines).toHaveLength(results.length);
  });

  it('fails exactly the broken ones: rule error, dashboard in General, missing data source, target down, anonymous refused', async () => {
    const w = standIns.world;
    w['grafana /api/prometheus/grafana/api/v1/rules'] = () =>
      json(
        ruleStatuses((uid) =>
          uid === 'copilot-ingester-down' ? { health: 'error', lastError: 'query timed out' } : {},
        ),
      );
    w['grafana /api/search'] = () => json(searchHits((uid) => (uid === 'copilot-users' ? null : 'Copilot')));
    delete w['grafana /api/datasources/uid/copilot-prometheus'];
    w['prometheus /api/v1/targets'] = () => json(targets('down', 'dial tcp: lookup ingester: no such host'));
    w[`grafana ${expected.catalogPath} anonymous`] = () => ({
      status: 403,
      body: { message: 'Access denied' },
    });

    const c = config({ ruleWaitMs: 60_000 });
    const started = Date.now();
    const results = await runChecks(
      smokeChecks(expected, c, httpGet(c.requestTimeoutMs)),
      c.pollMs,
      () => {},
    );
    const failed = Object.fromEntries(results.filter((r) => !r.ok).map((r) => [r.name, r.detail]));
    expect(Object.keys(failed).sort()).toEqual(
      [
        'grafana: alert rules evaluated without error',
        'grafana: dashboards in their folders',
        'grafana: data source copilot-prometheus',
        `grafana: ${expected.catalogPath} as anonymous viewer`,
        `prometheus: job ${expected.prometheusJob} up`,
      ].sort(),
    );
    expect(failed['grafana: alert rules evaluated without error']).toContain('query timed out');
    expect(failed['grafana: dashboards in their folders']).toContain('copilot-users is in folder "General"');
    expect(failed['grafana: data source copilot-prometheus']).toContain('HTTP 404');
    expect(failed[`prometheus: job ${expected.prometheusJob} up`]).toContain('no such host');
    // A rule error is final: no waiting out the rules' 60 s.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('the command line exits 0 when all pass and writes checks.json; 1 when one fails', async () => {
    const artifacts = temp();
    const pass = await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/smoke/run-checks.ts'],
      env({ SMOKE_ARTIFACTS: artifacts }),
    );
    expect(pass.output).toContain('All 11 checks passed.');
    expect(pass.code).toBe(0);
    const written = JSON.parse(readFileSync(join(artifacts, 'checks.json'), 'utf8'));
    expect(written).toHaveLength(11);

    standIns.world['grafana /api/health'] = () => json({ ...grafanaHealth(), database: 'failing' });
    const lines: string[] = [];
    expect(await main(env(), ROOT, (l) => lines.push(l))).toBe(1);
    expect(lines.at(-1)).toMatch(
      /^1 of 11 checks failed:\nFAIL {2}grafana: \/api\/health .*database: failing \(gave up/,
    );
  });
});

describe('scripts/smoke/smoke.sh with a fake docker', () => {
  /** A `docker` that logs its arguments and does nothing. */
  function fakeDocker(): { bin: string; log: string } {
    const bin = temp();
    const log = join(bin, 'docker.log');
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "$*" >> "${log}"\n`);
    chmodSync(join(bin, 'docker'), 0o755);
    return { bin, log };
  }
  const smoke = async (overrides: Record<string, string> = {}) => {
    const docker = fakeDocker();
    const artifacts = temp();
    const result = await run(
      'bash',
      ['scripts/smoke/smoke.sh', '--no-browser'],
      env({
        PATH: `${docker.bin}:${process.env.PATH}`,
        SMOKE_ARTIFACTS: artifacts,
        SMOKE_START_TIMEOUT: '4',
        ...overrides,
      }),
    );
    const calls = existsSync(docker.log) ? readFileSync(docker.log, 'utf8').trim().split('\n') : [];
    return { ...result, calls, artifacts };
  };
  const project = '--project-name copilot-metrics-smoke --env-file';

  it('starts compose, waits, checks, and ends with down -v', async () => {
    const { code, output, calls, artifacts } = await smoke();
    expect(output).toContain('All 11 checks passed.');
    expect(output).toContain('smoke test passed');
    expect(code).toBe(0);
    expect(calls[0]).toMatch(new RegExp(`^compose ${project} \\S+ up -d --build --wait --wait-timeout 4$`));
    expect(calls.at(-1)).toMatch(new RegExp(`^compose ${project} \\S+ down -v --remove-orphans$`));
    expect(existsSync(join(artifacts, 'checks.json'))).toBe(true);
  });

  it('fails when a check fails, and still runs down -v', async () => {
    standIns.world['grafana /api/v1/provisioning/alert-rules'] = () => json([]);
    const { code, output, calls } = await smoke();
    expect(output).toContain('FAIL  grafana: alert rules provisioned');
    expect(output).toContain('smoke test FAILED (exit 1)');
    expect(code).toBe(1);
    expect(calls.at(-1)).toContain('down -v');
  });

  it('gives up on a service that never answers (bounded), and still runs down -v', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    const { code, output, calls } = await smoke({
      GRAFANA_URL: `http://127.0.0.1:${port}`,
      SMOKE_START_TIMEOUT: '2',
    });
    expect(output).toContain(`grafana did not answer http://127.0.0.1:${port}/api/health within 2 s`);
    expect(output).not.toContain('HTTP checks');
    expect(code).not.toBe(0);
    expect(calls.at(-1)).toContain('down -v');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
