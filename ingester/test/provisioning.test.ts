/**
 * `docker compose up`, checked without Docker: the compose file, the Dockerfiles and every provisioning
 * file parse and agree with each other and with the code (plugin id, data source uids, ports, env
 * vars, mounted paths). The alert rules and the dashboards' PromQL run on a real Prometheus (Debian's
 * `prometheus` package; scripts/test.sh installs it) scraping a real ingester filled from the simulator.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, posix } from 'node:path';
import { parse, stringify } from 'yaml';
import { createApp } from '../src/http/app';
import { createMetrics } from '../src/http/metrics';
import { silentLogger } from '../src/log';
import { type SqliteReader, openSqliteReader } from '../src/store/sqliteReader';
import {
  type TestDb,
  day,
  insertBillingFixture,
  startSimulator,
  syncDays,
  tempDatabase,
  testClient,
} from './helpers';
import { type RunningPrometheus, prometheusBinary, startPrometheus } from './prometheus';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const yamlOf = (path: string) => parse(read(path));

const PLUGIN_ID: string = JSON.parse(read('plugin/src/plugin.json')).id;
const compose = yamlOf('docker-compose.yml');
const services = compose.services as Record<string, any>;
const envExample = read('.env.example');
const datasources = yamlOf('provisioning/grafana/datasources/datasources.yaml');
const rulesFile = yamlOf('provisioning/grafana/alerting/copilot-rules.yaml');
const rules: any[] = rulesFile.groups.flatMap((g: any) => g.rules.map((r: any) => ({ ...r, group: g })));
const PROMETHEUS_CONFIG = 'provisioning/prometheus/prometheus.yml';

/** Environment of a compose service as a map (compose accepts a map or a list of NAME=value). */
function environment(service: any): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(
    env.map((line: string) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
  );
}

/** Bind mounts as [host path, container path]; named volumes are left out. */
function bindMounts(service: any): [string, string][] {
  return (service.volumes ?? [])
    .map((v: string) => v.split(':'))
    .filter(([source]: string[]) => source.startsWith('.') || source.startsWith('/'))
    .map(([source, target]: string[]) => [source, target]);
}

describe('docker-compose.yml', () => {
  test('has the three services, built or pinned, on the agreed ports, and PostgreSQL behind a profile', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'ingester', 'postgres', 'prometheus']);
    // `docker compose up` starts the three; `--profile postgres` adds the database, never published.
    const always = Object.entries(services).filter(([, s]: [string, any]) => !s.profiles);
    expect(always.map(([name]) => name).sort()).toEqual(['grafana', 'ingester', 'prometheus']);
    expect(services.postgres.profiles).toEqual(['postgres']);
    expect(services.postgres.image).toMatch(/^postgres:1[4-9]\.\d+-bookworm$/);
    expect(services.postgres.ports).toBeUndefined();
    expect(services.postgres.healthcheck.test).toContain('pg_isready');
    // The ingester waits for it only when the profile runs it, and reads DATABASE_URL from .env.
    expect(services.ingester.depends_on.postgres).toEqual({ condition: 'service_healthy', required: false });
    expect(services.ingester.environment.DATABASE_URL).toBe('${DATABASE_URL:-}');
    expect(services.ingester.build).toEqual({ context: '.', dockerfile: 'ingester/Dockerfile' });
    expect(services.grafana.build).toEqual({ context: '.', dockerfile: 'plugin/Dockerfile' });
    // Pinned to a patch release of a supported long-term-support line (3.13 LTS: until July 2027).
    expect(services.prometheus.image).toMatch(/^prom\/prometheus:v3\.13\.\d+$/);
    const published = (s: any) => (s.ports as string[]).map((p) => p.split(':').slice(-2).join(':'));
    expect(published(services.ingester)).toEqual(['8080:8080']);
    expect(published(services.grafana)).toEqual(['3000:3000']);
    expect(published(services.prometheus)).toEqual(['9090:9090']);
  });

  test('named volumes are declared and used; bind-mounted paths exist', () => {
    const named = Object.values(services).flatMap((s: any) =>
      (s.volumes ?? []).map((v: string) => v.split(':')[0]).filter((source: string) => !/^[./]/.test(source)),
    );
    expect(named.sort()).toEqual(Object.keys(compose.volumes).sort());
    expect(services.ingester.volumes).toContain('ingester-data:/data');
    for (const service of Object.values(services)) {
      for (const [source] of bindMounts(service))
        expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
    }
  });

  test('every variable it reads from .env is documented in .env.example', () => {
    const used = [...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)(?::?-[^}]*)?\}/g)].map(
      (m) => m[1],
    );
    expect(used.length).toBeGreaterThan(10);
    for (const name of new Set(used)) {
      expect({ name, documented: new RegExp(`^(# )?${name}=`, 'm').test(envExample) }).toEqual({
        name,
        documented: true,
      });
    }
  });

  test('the ingester gets only variables its config reads, its health check, and the database on the volume', () => {
    const configKeys = [...read('ingester/src/config.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map(
      (m) => m[1],
    );
    const proxies = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];
    const env = environment(services.ingester);
    for (const name of Object.keys(env)) expect([...configKeys, ...proxies]).toContain(name);
    expect(env.PORT).toBe('8080');
    expect(env.DATABASE_PATH.startsWith('/data/')).toBe(true);
    expect(services.ingester.healthcheck.test.join(' ')).toMatch(/127\.0\.0\.1:8080\/api\/health/);
  });

  test('Grafana starts after a healthy ingester, allow-lists the unsigned plugin, anonymous viewers only', () => {
    const grafana = services.grafana;
    expect(grafana.depends_on.ingester.condition).toBe('service_healthy');
    const env = environment(grafana);
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(PLUGIN_ID);
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('${GF_AUTH_ANONYMOUS_ENABLED:-true}');
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD/);
    // The data source provisioning reads $INGESTER_API_TOKEN from Grafana's environment.
    expect(env.INGESTER_API_TOKEN).toBe('${INGESTER_API_TOKEN:-}');
    expect(environment(services.ingester).INGESTER_API_TOKEN).toBe('${INGESTER_API_TOKEN:-}');
    // The home dashboard is one of the mounted files.
    const mounts = bindMounts(grafana);
    const home = env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    const [source, target] = mounts.find(([, t]) => home.startsWith(`${t}/`))!;
    expect(existsSync(join(ROOT, source, posix.relative(target, home)))).toBe(true);
  });

  test('viewer identity is wired: the ingester trusts the Grafana of this file, GitHub sign-in is opt-in', () => {
    const ingester = environment(services.ingester);
    const grafana = environment(services.grafana);
    // The ingester reads the keys from the grafana service, on its port inside the network.
    expect(ingester.GRAFANA_URL).toBe('${GRAFANA_URL:-http://grafana:3000}');
    // The tokens' issuer is Grafana's root_url: one variable, one default, for both.
    expect(ingester.GRAFANA_ROOT_URL).toBe('${GRAFANA_ROOT_URL:-http://localhost:3000}');
    expect(grafana.GF_SERVER_ROOT_URL).toBe(ingester.GRAFANA_ROOT_URL);
    expect(ingester.ACCESS_POLICY).toBe('${ACCESS_POLICY:-}');
    expect(grafana.GF_AUTH_GITHUB_ENABLED).toBe('${GF_AUTH_GITHUB_ENABLED:-false}');
    const github = Object.keys(grafana).filter((name) => name.startsWith('GF_AUTH_GITHUB_'));
    expect(github).toEqual(
      expect.arrayContaining([
        'GF_AUTH_GITHUB_CLIENT_ID',
        'GF_AUTH_GITHUB_CLIENT_SECRET',
        'GF_AUTH_GITHUB_ALLOWED_ORGANIZATIONS',
        'GF_AUTH_GITHUB_ROLE_ATTRIBUTE_PATH',
      ]),
    );
    // Empty means Grafana's own default (it ignores empty GF_ variables), so every one is optional.
    for (const name of github)
      expect({ name, value: grafana[name] }).toEqual({
        name,
        value: expect.stringMatching(/^\$\{[A-Z_]+:-[a-z]*\}$/),
      });
  });
});

describe('Dockerfiles', () => {
  const ingester = read('ingester/Dockerfile');
  const grafana = read('plugin/Dockerfile');
  const stages = (text: string) => [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);

  test('the ingester image is multi-stage, slim, non-root and runs `serve` with a health check', () => {
    expect(stages(ingester).length).toBeGreaterThanOrEqual(2);
    expect(stages(ingester).at(-1)).toMatch(/^node:\d+-\S*slim$/);
    const final = ingester.slice(ingester.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^CMD \["node", "dist\/main\.js", "serve"\]$/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/api\/health/m);
    // The build copies the SQL migrations next to the compiled store, where db.ts reads them.
    expect(JSON.parse(read('ingester/package.json')).scripts.build).toMatch(
      /cp -r src\/store\/migrations dist\/store\/migrations/,
    );
  });

  test('the ingester image builds the contract and ships it where its workspace link points', () => {
    // The compiled ingester requires @copilot-metrics/contract: node_modules links it to /app/contract,
    // whose package.json names dist/index.js.
    expect(JSON.parse(read('ingester/package.json')).dependencies['@copilot-metrics/contract']).toBeDefined();
    expect(JSON.parse(read('contract/package.json')).main).toBe('dist/index.js');
    expect(ingester).toMatch(/^COPY contract\/ contract\/$/m);
    expect(ingester).toMatch(/^RUN npm run build --workspace contract --workspace ingester$/m);
    const final = ingester.slice(ingester.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^COPY --from=build \/app\/contract\/dist contract\/dist$/m);
    expect(final).toMatch(/^COPY contract\/package\.json contract\/$/m);
    expect(final).toMatch(/^COPY --from=deps \/app\/node_modules node_modules$/m);
  });

  test('npm ci in every build stage sees every workspace the lockfile names', () => {
    // npm ci refuses a lockfile whose workspaces it cannot find.
    const workspaces: string[] = JSON.parse(read('package.json')).workspaces;
    const missing = Object.entries({ 'ingester/Dockerfile': ingester, 'plugin/Dockerfile': grafana }).flatMap(
      ([file, text]) =>
        text
          .split(/\nFROM /)
          .filter((stage) => /npm ci/.test(stage))
          .flatMap((stage) =>
            workspaces
              .filter((workspace) => !stage.includes(`COPY ${workspace}/package.json ${workspace}/`))
              .map((workspace) => `${file}, stage ${stage.split(/\s/)[0]}: ${workspace}/package.json`),
          ),
    );
    expect(missing).toEqual([]);
  });

  test('the Grafana image is the official one at a pinned 13.x, with the plugin built inside', () => {
    expect(stages(grafana)[0]).toMatch(/^node:/);
    expect(stages(grafana).at(-1)).toMatch(/^grafana\/grafana:13\.\d+\.\d+$/);
    const pluginsPath = /GF_PATHS_PLUGINS=(\S+)/.exec(grafana)![1];
    expect(grafana).toContain(`COPY --from=build /app/plugin/dist ${pluginsPath}/${PLUGIN_ID}`);
    expect(grafana).toMatch(/npm run build --workspace plugin/);
    // webpack bundles the contract from its sources, aliased by tsconfig-paths.js.
    expect(grafana).toMatch(/^COPY contract\/ contract\/$/m);
    expect(grafana).toMatch(
      /^COPY package\.json package-lock\.json tsconfig\.json tsconfig-paths\.js \.\/$/m,
    );
  });

  test('.dockerignore keeps dependencies, outputs and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.env', '.git']) expect(ignored).toContain(entry);
  });
});

describe('Grafana provisioning', () => {
  const copilot = datasources.datasources.find((d: any) => d.uid === 'copilot-metrics');
  const prometheus = datasources.datasources.find((d: any) => d.uid === 'copilot-prometheus');

  test('the Copilot data source is the plugin, reaching the ingester service with the API token', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(copilot.type).toBe(PLUGIN_ID);
    expect(copilot.access).toBe('proxy');
    expect(copilot.jsonData.ingesterUrl).toBe('http://ingester:8080');
    expect(copilot.secureJsonData).toEqual({ apiToken: '$INGESTER_API_TOKEN' });
    // The plugin's proxy route reads exactly these two settings.
    const route = JSON.parse(read('plugin/src/plugin.json')).routes[0];
    expect(route.url).toBe('{{ .JsonData.ingesterUrl }}');
    expect(JSON.stringify(route.headers)).toContain('{{ .SecureJsonData.apiToken | orEmpty }}');
  });

  test('Prometheus is the compose service, under the uid the alert rules use', () => {
    expect(prometheus.type).toBe('prometheus');
    expect(prometheus.url).toBe('http://prometheus:9090');
  });

  test('the dashboards provider reads the mounted JSON, with folders from its directories', () => {
    const { providers } = yamlOf('provisioning/grafana/dashboards/copilot.yaml');
    expect(providers).toHaveLength(1);
    const [provider] = providers;
    expect(provider.type).toBe('file');
    expect(provider.folder ?? '').toBe('');
    expect(provider.options.foldersFromFilesStructure).toBe(true);
    const mount = bindMounts(services.grafana).find(([, target]) => target === provider.options.path);
    expect(mount?.[0]).toBe('./dashboards/json');
    expect(readdirSync(join(ROOT, 'dashboards/json/Copilot')).length).toBe(11);
    // And the provisioning directory itself is what Grafana reads.
    expect(bindMounts(services.grafana)).toContainEqual([
      './provisioning/grafana',
      '/etc/grafana/provisioning',
    ]);
  });

  test('alert rules: unique uids, Prometheus queries, a threshold condition, a runbook description', () => {
    const uids = rules.map((r) => r.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toEqual(
      expect.arrayContaining([
        'copilot-data-stale',
        'copilot-sync-failing',
        'copilot-daily-users-drop',
        'copilot-acceptance-drop',
        'copilot-seats-inactive',
      ]),
    );
    for (const rule of rules) {
      expect(rule.uid.length).toBeLessThanOrEqual(40);
      expect(rule.group.folder).toBe('Copilot alerts');
      const refIds = rule.data.map((d: any) => d.refId);
      expect(refIds).toContain(rule.condition);
      for (const query of rule.data) {
        expect(['copilot-prometheus', '__expr__']).toContain(query.datasourceUid);
        if (query.datasourceUid === '__expr__') expect(refIds).toContain(query.model.expression);
        else expect(query.model.instant).toBe(true);
      }
      expect(rule.data.find((d: any) => d.refId === rule.condition).model.type).toBe('threshold');
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
      expect(rule.annotations.description).toMatch(/What it means:[\s\S]*Check:[\s\S]*Fix:/);
      expect(['OK', 'Alerting', 'NoData', 'KeepLast']).toContain(rule.noDataState);
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(rule.labels.severity).toBeDefined();
    }
  });

  test('every rule runs; the seats rule divides the 30-day inactive seats by the seats assigned', () => {
    for (const rule of rules) expect([rule.uid, rule.isPaused ?? false]).toEqual([rule.uid, false]);
    const seats = rules.find((r) => r.uid === 'copilot-seats-inactive');
    const expr = seats.data.find((d: any) => d.refId === 'A').model.expr;
    expect(expr).toMatch(/copilot_seats_inactive\{window="30d"\}[\s\S]*\/[\s\S]*copilot_seats_assigned/);
    expect(seats.annotations.__dashboardUid__).toBe('copilot-seats');
  });

  test('a placeholder contact point receives the alerts', () => {
    const file = yamlOf('provisioning/grafana/alerting/contact-points.yaml');
    const [contactPoint] = file.contactPoints;
    expect(contactPoint.receivers[0].type).toBe('webhook');
    expect(file.policies[0].receiver).toBe(contactPoint.name);
  });
});

describe('Prometheus', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let client: ReturnType<typeof testClient>;
  let t: TestDb;
  let reader: SqliteReader;
  let server: Server;
  let prometheus: RunningPrometheus | undefined;
  const query = (expr: string) => prometheus!.query(expr);
  /** The enterprise's pool, seats × included credits, counted here from its seats snapshot. */
  let pool = 0;
  let fixture: ReturnType<typeof insertBillingFixture>;

  beforeAll(async () => {
    sim = await startSimulator();
    client = testClient(sim.url);
    t = tempDatabase();
    const scopes = [
      { kind: 'enterprise' as const, slug: sim.scopes.enterprise },
      ...sim.scopes.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
    ];
    // Six weeks up to a Tuesday: every 1d/7d/28d window is full and the latest day is a weekday.
    const summary = await syncDays(t.store, client, {
      scopes,
      from: day('2026-08-15'),
      to: day('2026-09-29'),
    });
    expect(summary.failed).toBe(0);
    // And today's seats, for the seats rule and panels.
    const seats = await syncDays(t.store, client, { scopes, kinds: ['seats'] });
    expect(seats).toMatchObject({ ok: scopes.length, failed: 0 });
    // AI-credit billing of September for the enterprise, fixed rows (the sync above runs with BILLING
    // off): a twelfth of its pool each working day, so the pool runs out mid-month and the budgets
    // are near their limit, and every billing rule and panel has series.
    const enterprise = t.db
      .prepare("SELECT id FROM scopes WHERE kind = 'enterprise'")
      .pluck()
      .get() as number;
    const seatsByPlan = t.db
      .prepare(
        `SELECT d.value AS plan, count(*) AS n FROM seat_snapshots x JOIN dictionary d ON d.id = x.plan_type
         WHERE x.scope_id = ? AND x.day = (SELECT max(day) FROM seat_snapshots WHERE scope_id = ?) GROUP BY plan`,
      )
      .all(enterprise, enterprise) as { plan: string; n: number }[];
    pool = seatsByPlan.reduce(
      (a, r) => a + r.n * (r.plan === 'enterprise' ? 3900 : r.plan === 'business' ? 1900 : 0),
      0,
    );
    expect(pool).toBeGreaterThan(0);
    fixture = insertBillingFixture(t.db, {
      scopeId: enterprise,
      from: day('2026-09-01'),
      to: day('2026-09-29'),
      creditsPerWorkday: pool / 12,
      pool,
    });
    reader = openSqliteReader(t.path);
    const metrics = createMetrics(reader);
    metrics.observeSync(summary, 'startup');
    const app = createApp({
      reader,
      logger: silentLogger,
      scopes,
      backfillDays: 365,
      metrics: metrics.registry,
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The provisioned scrape config, pointed at this ingester.
    const config = yamlOf(PROMETHEUS_CONFIG);
    config.scrape_configs = config.scrape_configs
      .filter((job: any) => job.job_name === 'copilot-ingester')
      .map((job: any) => ({ ...job, static_configs: [{ targets: [target] }] }));
    prometheus = await startPrometheus(config);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await reader?.close();
    t?.close();
    await client?.close();
    await sim?.stop();
  });

  test('the AI-credit gauges, scraped: the pool is seats × allowances, month to date the fixture rows', async () => {
    const value = async (expr: string) => Number((await query(expr)).data!.result[0]?.value[1]);
    const scope = `enterprise:${sim.scopes.enterprise}`;
    expect(await value(`copilot_ai_credits_pool{scope="${scope}"}`)).toBe(pool);
    const september = fixture.rows.reduce((a, r) => a + r.quantity, 0);
    expect(await value(`copilot_ai_credits_month_to_date{scope="${scope}"}`)).toBeCloseTo(september, 3);
    expect(
      await value(`copilot_ai_credits_pool_runs_out_days_before_month_end{scope="${scope}"}`),
    ).toBeGreaterThan(5);
    // The organization budget of the fixture consumed 95% of its amount (rounded up to whole dollars).
    const near = fixture.budgets.find((b) => b.id === 'budget-org-near')!;
    expect(await value(`copilot_ai_credits_budget_consumed_ratio{budget="budget-org-near"}`)).toBeCloseTo(
      near.consumed! / near.amount,
      9,
    );
    // Nothing names a person: user budgets are not exported.
    expect(
      (await query('copilot_ai_credits_budget_consumed_ratio{budget="budget-user"}')).data!.result,
    ).toEqual([]);
  });

  test('the provisioned scrape config is valid (promtool check config)', () => {
    const check = spawnSync(
      prometheusBinary('promtool'),
      ['check', 'config', join(ROOT, PROMETHEUS_CONFIG)],
      {
        encoding: 'utf8',
      },
    );
    expect(check.stdout + check.stderr).toMatch(/SUCCESS/);
    expect(check.status).toBe(0);
  });

  test('every alert rule query evaluates on Prometheus and finds series', async () => {
    for (const rule of rules) {
      const expr = rule.data.find((d: any) => d.datasourceUid === 'copilot-prometheus').model.expr;
      const answer = await query(expr);
      expect({ rule: rule.uid, status: answer.status, error: answer.error }).toEqual({
        rule: rule.uid,
        status: 'success',
        error: undefined,
      });
      const found = answer.data!.result.length > 0;
      expect({ rule: rule.uid, found }).toEqual({ rule: rule.uid, found: true });
    }
  });

  test('the rules pass promtool check rules in Prometheus form', () => {
    const ops: Record<string, string> = { gt: '>', lt: '<' };
    const groups = rulesFile.groups.map((group: any) => ({
      name: group.name,
      rules: group.rules.map((rule: any) => {
        const expr = rule.data.find((d: any) => d.refId === 'A').model.expr;
        const { evaluator } = rule.data.find((d: any) => d.refId === rule.condition).model.conditions[0];
        return {
          alert: rule.title.replace(/[^A-Za-z0-9]+/g, ''),
          expr: `(${expr}) ${ops[evaluator.type]} ${evaluator.params[0]}`,
          for: rule.for,
          labels: rule.labels,
          // Grafana's $values.A is Prometheus's $value: the value of the alerting series.
          annotations: Object.fromEntries(
            ['summary', 'description'].map((key) => [
              key,
              rule.annotations[key].replaceAll('$values.A', '$value'),
            ]),
          ),
        };
      }),
    }));
    const file = join(prometheus!.dir, 'rules.yml');
    writeFileSync(file, stringify({ groups }));
    const check = spawnSync(prometheusBinary('promtool'), ['check', 'rules', file], { encoding: 'utf8' });
    expect({ status: check.status, output: check.stdout + check.stderr }).toEqual({
      status: 0,
      output: expect.stringMatching(/SUCCESS: \d+ rules found/),
    });
  });

  test("every Prometheus panel's query of the dashboards returns series", async () => {
    const dashboards = readdirSync(join(ROOT, 'dashboards/json'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(read(join('dashboards/json', f))));
    const exprs = dashboards.flatMap((d: any) =>
      (d.panels ?? []).flatMap((p: any) =>
        (p.targets ?? [])
          .filter((target: any) => target.datasource?.uid === 'copilot-prometheus')
          .map((target: any) => ({ panel: `${d.title} / ${p.title}`, expr: target.expr as string })),
      ),
    );
    expect(exprs.length).toBeGreaterThan(5);
    for (const { panel, expr } of exprs) {
      expect(expr).not.toMatch(/\$/); // no dashboard variables to fill in
      const answer = await query(expr);
      expect({ panel, status: answer.status, series: (answer.data?.result.length ?? 0) > 0 }).toEqual({
        panel,
        status: 'success',
        series: true,
      });
    }
  });
});
