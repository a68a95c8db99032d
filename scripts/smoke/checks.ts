/**
 * The HTTP checks of the smoke test (scripts/smoke/smoke.sh runs them once `docker compose up` is
 * healthy): plain GET requests to Grafana's HTTP API, Prometheus and the ingester, compared with what
 * the repository provisions. Each answer is judged by a pure function (`check*`, unit-tested with
 * recorded shapes of these answers in ingester/test/smoke.test.ts); `runChecks` asks again until a
 * check passes, fails for good, or its time is up. No dependency beyond Node and `yaml` (root).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';

/** What the repository provisions, read from its files (`expectedFromRepo`). */
export interface Expected {
  pluginId: string;
  /**
   * The ingester's catalog through Grafana's data source proxy: `/api/datasources/proxy/uid/<uid of
   * the provisioned Copilot data source>/<plugin.json route to the ingester>/api/v1/catalog`.
   */
  catalogPath: string;
  dataSources: { uid: string; type: string; name: string }[];
  /** `folder`: the directory under dashboards/json (a Grafana folder), null for a file at its top. */
  dashboards: { uid: string; title: string; file: string; folder: string | null }[];
  alertRules: { uid: string; title: string; folder: string; group: string }[];
  /** The Prometheus job that scrapes the ingester. */
  prometheusJob: string;
}

/** An HTTP answer: status 0 and `error` when there was none (connection refused, timeout). */
export interface Answer {
  status: number;
  body: unknown;
  error?: string;
}

export interface Outcome {
  ok: boolean;
  detail: string;
  /** A failure that asking again will not fix: stop waiting. */
  final?: boolean;
}

export interface CheckResult extends Outcome {
  name: string;
  seconds: number;
}

const pass = (detail: string): Outcome => ({ ok: true, detail });
/** Not (yet) right: asked again until the check's time is up. */
const pending = (detail: string): Outcome => ({ ok: false, detail });
const fail = (detail: string): Outcome => ({ ok: false, detail, final: true });

const record = (x: unknown): Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const text = (x: unknown): string => (typeof x === 'string' ? x : '');
const brief = (body: unknown): string => {
  const s = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** The outcome of an answer that is not a 200 with a body, or undefined when it is one. */
function unanswered(answer: Answer): Outcome | undefined {
  if (answer.error) return pending(answer.error);
  if (answer.status !== 200) return pending(`HTTP ${answer.status}: ${brief(answer.body)}`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// What the repository provisions

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const path = join(dir, f);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return f.endsWith('.json') ? [path] : [];
    });
}

/** Reads the plugin id and route, the data sources, dashboards, alert rules and scrape job. */
export function expectedFromRepo(root: string): Expected {
  const plugin = JSON.parse(readFileSync(join(root, 'plugin/src/plugin.json'), 'utf8'));
  const routes = list(plugin.routes).map(record);
  const route = routes.find((r) => text(r.url).includes('ingesterUrl')) ?? routes[0];
  if (!route) throw new Error('plugin/src/plugin.json has no route for the data source proxy');

  const provisioning = join(root, 'provisioning/grafana');
  const dataSources = yamlFiles(join(provisioning, 'datasources')).flatMap((file) =>
    list(record(parse(readFileSync(file, 'utf8'))).datasources).map((d) => {
      const ds = record(d);
      return { uid: text(ds.uid), type: text(ds.type), name: text(ds.name) };
    }),
  );
  const alertRules = yamlFiles(join(provisioning, 'alerting')).flatMap((file) =>
    list(record(parse(readFileSync(file, 'utf8'))).groups).flatMap((g) => {
      const group = record(g);
      return list(group.rules).map((r) => ({
        uid: text(record(r).uid),
        title: text(record(r).title),
        folder: text(group.folder),
        group: text(group.name),
      }));
    }),
  );

  const dashboardRoot = join(root, 'dashboards/json');
  const dashboards = jsonFiles(dashboardRoot).map((file) => {
    const json = record(JSON.parse(readFileSync(file, 'utf8')));
    const parts = relative(dashboardRoot, file).split(sep);
    return {
      uid: text(json.uid),
      title: text(json.title),
      file: relative(root, file).split(sep).join('/'),
      folder: parts.length > 1 ? parts[0] : null,
    };
  });

  const prometheus = record(
    parse(readFileSync(join(root, 'provisioning/prometheus/prometheus.yml'), 'utf8')),
  );
  const job = list(prometheus.scrape_configs)
    .map(record)
    .find((c) =>
      list(c.static_configs).some((s) =>
        list(record(s).targets).some((t) => text(t).startsWith('ingester:')),
      ),
    );
  if (!job) throw new Error('provisioning/prometheus/prometheus.yml has no job scraping ingester:*');

  const copilot = dataSources.find((d) => d.type === plugin.id);
  if (!copilot) throw new Error(`no data source of type ${plugin.id} in provisioning/grafana/datasources`);

  return {
    pluginId: text(plugin.id),
    catalogPath: `/api/datasources/proxy/uid/${copilot.uid}/${text(route.path)}/api/v1/catalog`,
    dataSources,
    dashboards,
    alertRules,
    prometheusJob: text(job.job_name),
  };
}

// ---------------------------------------------------------------------------------------------------
// Judging the answers (pure)

/** Ingester GET /api/health: its first sync (demo data from the simulator) has finished, and ok. */
export function checkIngesterSync(answer: Answer): Outcome {
  const bad = unanswered(answer);
  if (bad) return bad;
  const body = record(answer.body);
  const lastSync = body.lastSync === null ? null : record(body.lastSync);
  if (!lastSync) return pending('no sync has finished yet');
  const scopes = list(body.scopes).map(record);
  if (lastSync.status !== 'ok')
    return fail(`the last sync ended "${text(lastSync.status)}" (health: ${brief(answer.body)})`);
  const latest = scopes.map((s) => `${text(s.scope)} ${text(s.latestDay) || 'no day'}`).join(', ');
  return pass(`last sync ok at ${text(lastSync.finishedAt)}; ${latest}`);
}

/** Grafana GET /api/health: `{ database: "ok", version }`. */
export function checkGrafanaHealth(answer: Answer): Outcome {
  const bad = unanswered(answer);
  if (bad) return bad;
  const body = record(answer.body);
  if (body.database !== 'ok') return pending(`database: ${brief(body.database)}`);
  return pass(`Grafana ${text(body.version)}, database ok`);
}

/** Grafana GET /api/plugins/<id>/settings: the plugin is loaded as a data source. */
export function checkPlugin(expected: Pick<Expected, 'pluginId'>, answer: Answer): Outcome {
  const bad = unanswered(answer);
  if (bad) return bad;
  const body = record(answer.body);
  if (body.id !== expected.pluginId) return pending(`answered for plugin "${text(body.id)}"`);
  if (body.type !== 'datasource') return fail(`type "${text(body.type)}", not "datasource"`);
  const info = record(body.info);
  return pass(`loaded, version ${text(info.version) || '?'}, signature ${text(body.signature) || '?'}`);
}

/** Grafana GET /api/datasources/uid/<uid>: provisioned with this type and name. */
export function checkDataSource(expected: Expected['dataSources'][number], answer: Answer): Outcome {
  const bad = unanswered(answer);
  if (bad) return bad;
  const body = record(answer.body);
  const problems = [
    body.uid !== expected.uid && `uid "${text(body.uid)}"`,
    body.type !== expected.type && `type "${text(body.type)}", expected "${expected.type}"`,
    body.name !== expected.name && `name "${text(body.name)}", expected "${expected.name}"`,
  ].filter(Boolean);
  if (problems.length) return pending(problems.join('; '));
  return pass(`"${expected.name}" (${expected.type})`);
}

/**
 * Grafana GET /api/datasources/proxy/uid/<uid>/<route>/api/v1/catalog: the ingester's catalog came
 * through the data source proxy. 401/403 is final: the user may not query the data source.
 */
export function checkCatalog(answer: Answer): Outcome {
  if (answer.status === 401 || answer.status === 403)
    return fail(`HTTP ${answer.status}: ${brief(answer.body)}`);
  const bad = unanswered(answer);
  if (bad) return bad;
  const metrics = list(record(answer.body).metrics);
  if (!metrics.length) return pending(`no metrics in the answer: ${brief(answer.body)}`);
  return pass(`${metrics.length} metrics`);
}

/** Grafana GET /api/search?type=dash-db: every dashboard file, by uid, in its folder. */
export function checkDashboards(expected: Pick<Expected, 'dashboards'>, answer: Answer): Outcome {
  const bad = unanswered(answer);
  if (bad) return bad;
  const found = new Map(list(answer.body).map((h) => [text(record(h).uid), record(h)]));
  const problems = expected.dashboards.flatMap((d) => {
    const hit = found.get(d.uid);
    if (!hit) return [`${d.uid} (${d.file}) is missing`];
    const folder = text(hit.folderTitle) || null;
    if (folder !== d.folder)
      return [`${d.uid} is in folder "${folder ?? 'General'}", expected "${d.folder ?? 'General'}"`];
    return [];
  });
  if (problems.length) return pending(problems.join('; '));
  const folders = [...new Set(expected.dashboards.map((d) => d.folder ?? 'General'))].join(', ');
  return pass(`${expected.dashboards.length} dashboards, folder ${folders}`);
}

/** Grafana GET /api/v1/provisioning/alert-rules: every rule of provisioning/grafana/alerting. */
export function checkProvisionedRules(expected: Pick<Expected, 'alertRules'>, answer: Answer): Outcome {
  const bad = unanswered(answer);
  if (bad) return bad;
  const found = new Map(list(answer.body).map((r) => [text(record(r).uid), record(r)]));
  const problems = expected.alertRules.flatMap((r) => {
    const hit = found.get(r.uid);
    if (!hit) return [`${r.uid} ("${r.title}") is missing`];
    if (hit.title !== r.title) return [`${r.uid} is titled "${text(hit.title)}", expected "${r.title}"`];
    return [];
  });
  if (problems.length) return pending(problems.join('; '));
  return pass(`${expected.alertRules.length} rules`);
}

/**
 * Grafana GET /api/prometheus/grafana/api/v1/rules?includeInternalLabels=true: every provisioned rule
 * has been evaluated at least once, without error (health "error" or a lastError is final). A rule is
 * found by its uid (field `uid`, or the label `__alert_rule_uid__`), else by its title.
 */
export function checkRuleEvaluations(expected: Pick<Expected, 'alertRules'>, answer: Answer): Outcome {
  const bad = unanswered(answer);
  if (bad) return bad;
  const body = record(answer.body);
  if (body.status !== 'success') return pending(`status "${text(body.status)}": ${brief(body.error)}`);
  const rules = list(record(body.data).groups).flatMap((g) => list(record(g).rules).map(record));
  const find = (uid: string, title: string) =>
    rules.find((r) => r.uid === uid || record(r.labels).__alert_rule_uid__ === uid) ??
    rules.find((r) => r.name === title);

  const errors: string[] = [];
  const waiting: string[] = [];
  const healths = new Map<string, number>();
  for (const rule of expected.alertRules) {
    const found = find(rule.uid, rule.title);
    if (!found) {
      waiting.push(`${rule.uid} (not listed)`);
      continue;
    }
    const health = text(found.health);
    const lastError = text(found.lastError);
    if (health === 'error' || lastError) {
      errors.push(
        `${rule.uid} ("${rule.title}"): health ${health || '?'}, error: ${lastError || '(none given)'}`,
      );
      continue;
    }
    // Never evaluated: Go's zero time, 0001-01-01T00:00:00Z (or no timestamp at all).
    const evaluated = Date.parse(text(found.lastEvaluation)) > 0;
    if (!evaluated) waiting.push(rule.uid);
    else healths.set(health || '?', (healths.get(health || '?') ?? 0) + 1);
  }
  if (errors.length) return fail(errors.join('; '));
  if (waiting.length) return pending(`not evaluated yet: ${waiting.join(', ')}`);
  const summary = [...healths].map(([health, n]) => `${n} ${health}`).join(', ');
  return pass(`${expected.alertRules.length} rules evaluated without error (health: ${summary})`);
}

/** Prometheus GET /api/v1/targets: the ingester's job has targets, all up. */
export function checkTargets(expected: Pick<Expected, 'prometheusJob'>, answer: Answer): Outcome {
  const bad = unanswered(answer);
  if (bad) return bad;
  const body = record(answer.body);
  const targets = list(record(body.data).activeTargets)
    .map(record)
    .filter(
      (t) => record(t.labels).job === expected.prometheusJob || t.scrapePool === expected.prometheusJob,
    );
  if (!targets.length) return pending(`no active target of job "${expected.prometheusJob}"`);
  const down = targets.filter((t) => t.health !== 'up');
  if (down.length)
    return pending(
      down
        .map((t) => `${text(t.scrapeUrl)} ${text(t.health)}${t.lastError ? `: ${text(t.lastError)}` : ''}`)
        .join('; '),
    );
  return pass(`${targets.map((t) => text(t.scrapeUrl)).join(', ')} up`);
}

// ---------------------------------------------------------------------------------------------------
// Asking

export interface SmokeConfig {
  grafanaUrl: string;
  prometheusUrl: string;
  ingesterUrl: string;
  user: string;
  password: string;
  /** How long each check may take to pass (services still starting, provisioning, first scrape). */
  waitMs: number;
  /** The ingester's first sync (demo data: about a minute). */
  syncWaitMs: number;
  /** The alert rules' first evaluation (their interval is 5 minutes). */
  ruleWaitMs: number;
  pollMs: number;
  requestTimeoutMs: number;
  /** Where checks.json goes; none when empty. */
  artifacts: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv): SmokeConfig {
  const seconds = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of seconds`);
    return value * 1000;
  };
  return {
    grafanaUrl: (env.GRAFANA_URL || 'http://localhost:3000').replace(/\/$/, ''),
    prometheusUrl: (env.PROMETHEUS_URL || 'http://localhost:9090').replace(/\/$/, ''),
    ingesterUrl: (env.INGESTER_URL || 'http://localhost:8080').replace(/\/$/, ''),
    user: env.GRAFANA_ADMIN_USER || 'admin',
    password: env.GRAFANA_ADMIN_PASSWORD || 'admin',
    waitMs: seconds('SMOKE_WAIT_SECONDS', 120),
    syncWaitMs: seconds('SMOKE_SYNC_WAIT_SECONDS', 300),
    ruleWaitMs: seconds('SMOKE_RULE_WAIT_SECONDS', 420),
    pollMs: seconds('SMOKE_POLL_SECONDS', 5),
    requestTimeoutMs: seconds('SMOKE_REQUEST_TIMEOUT_SECONDS', 15),
    artifacts: env.SMOKE_ARTIFACTS ?? '',
  };
}

export type Get = (url: string, auth?: { user: string; password: string }) => Promise<Answer>;

/** A GET with a deadline; the body parsed as JSON when it is JSON. */
export function httpGet(timeoutMs: number): Get {
  return async (url, auth) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (auth)
      headers.Authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      const raw = await res.text();
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // not JSON: keep the text for the message
      }
      return { status: res.status, body };
    } catch (error) {
      const { cause } = error as { cause?: { code?: string; message?: string } };
      const why = cause?.code ?? cause?.message;
      return {
        status: 0,
        body: null,
        error: `GET ${url}: ${(error as Error).message}${why ? ` (${why})` : ''}`,
      };
    }
  };
}

export interface Check {
  name: string;
  waitMs: number;
  run: () => Promise<Outcome>;
}

/** The smoke test's checks, in the README's order. */
export function smokeChecks(expected: Expected, config: SmokeConfig, get: Get): Check[] {
  const admin = { user: config.user, password: config.password };
  const grafana = (path: string, auth?: typeof admin) => get(`${config.grafanaUrl}${path}`, auth);
  const { catalogPath } = expected;
  const check = (name: string, waitMs: number, run: () => Promise<Outcome>): Check => ({ name, waitMs, run });
  return [
    check('ingester: first sync finished', config.syncWaitMs, async () =>
      checkIngesterSync(await get(`${config.ingesterUrl}/api/health`)),
    ),
    check('grafana: /api/health', config.waitMs, async () =>
      checkGrafanaHealth(await grafana('/api/health')),
    ),
    check(`grafana: plugin ${expected.pluginId} loaded`, config.waitMs, async () =>
      checkPlugin(expected, await grafana(`/api/plugins/${expected.pluginId}/settings`, admin)),
    ),
    ...expected.dataSources.map((ds) =>
      check(`grafana: data source ${ds.uid}`, config.waitMs, async () =>
        checkDataSource(ds, await grafana(`/api/datasources/uid/${encodeURIComponent(ds.uid)}`, admin)),
      ),
    ),
    check(`grafana: ${catalogPath} as admin`, config.waitMs, async () =>
      checkCatalog(await grafana(catalogPath, admin)),
    ),
    check(`grafana: ${catalogPath} as anonymous viewer`, config.waitMs, async () =>
      checkCatalog(await grafana(catalogPath)),
    ),
    check('grafana: dashboards in their folders', config.waitMs, async () =>
      checkDashboards(expected, await grafana('/api/search?type=dash-db&limit=5000', admin)),
    ),
    check('grafana: alert rules provisioned', config.waitMs, async () =>
      checkProvisionedRules(expected, await grafana('/api/v1/provisioning/alert-rules', admin)),
    ),
    check('grafana: alert rules evaluated without error', config.ruleWaitMs, async () =>
      checkRuleEvaluations(
        expected,
        await grafana('/api/prometheus/grafana/api/v1/rules?includeInternalLabels=true', admin),
      ),
    ),
    check(`prometheus: job ${expected.prometheusJob} up`, config.waitMs, async () =>
      checkTargets(expected, await get(`${config.prometheusUrl}/api/v1/targets?state=active`)),
    ),
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a check until it passes, fails for good, or its time is up; the last outcome counts. */
export async function settle(check: Check, pollMs: number): Promise<CheckResult> {
  const start = Date.now();
  for (;;) {
    const outcome = await check.run();
    const elapsed = Date.now() - start;
    if (outcome.ok || outcome.final || elapsed + pollMs > check.waitMs) {
      const timedOut = !outcome.ok && !outcome.final;
      return {
        name: check.name,
        ...outcome,
        detail: timedOut
          ? `${outcome.detail} (gave up: this check waits ${check.waitMs / 1000} s)`
          : outcome.detail,
        seconds: Math.round(elapsed / 100) / 10,
      };
    }
    await sleep(pollMs);
  }
}

export const formatResult = (r: CheckResult) =>
  `${r.ok ? 'ok  ' : 'FAIL'}  ${r.name} (${r.seconds} s): ${r.detail}`;

/** All checks at once (the slow ones wait side by side); each result is logged as it comes. */
export async function runChecks(
  checks: Check[],
  pollMs: number,
  log: (line: string) => void,
): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (c) => {
      const result = await settle(c, pollMs);
      log(formatResult(result));
      return result;
    }),
  );
}

/** The command line (scripts/smoke/run-checks.ts): 0 when every check passed. */
export async function main(env: NodeJS.ProcessEnv, root: string, log = console.log): Promise<number> {
  const config = configFromEnv(env);
  const expected = expectedFromRepo(root);
  log(
    `Smoke checks: Grafana ${config.grafanaUrl}, Prometheus ${config.prometheusUrl}, ingester ` +
      `${config.ingesterUrl}; ${expected.dashboards.length} dashboards, ${expected.alertRules.length} alert rules`,
  );
  const results = await runChecks(
    smokeChecks(expected, config, httpGet(config.requestTimeoutMs)),
    config.pollMs,
    log,
  );
  const failed = results.filter((r) => !r.ok);
  if (config.artifacts) {
    if (!existsSync(config.artifacts)) mkdirSync(config.artifacts, { recursive: true });
    writeFileSync(join(config.artifacts, 'checks.json'), `${JSON.stringify(results, null, 2)}\n`);
  }
  log(
    failed.length
      ? `${failed.length} of ${results.length} checks failed:\n${failed.map(formatResult).join('\n')}`
      : `All ${results.length} checks passed.`,
  );
  return failed.length ? 1 : 0;
}
