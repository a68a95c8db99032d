/**
 * What is wrong with the connection to the ingester, phrased as what to fix: the "Save & test"
 * diagnosis, and the panel error of a request that failed.
 */
import type { AccessStatus, Health, SyncStatus } from '@copilot-metrics/contract';
import type { TestDataSourceResponse } from '@grafana/data';
import { type IngesterApi, IngesterError } from './api';

/**
 * "Save & test", through the same proxy route as the queries: is the ingester reachable, is the token
 * accepted, which scopes have data up to which day, did the last sync fail, and who sees what (the
 * access policy, and whether Grafana's ID token arrived). Each message says what to fix.
 */
export async function testIngester(
  api: Pick<IngesterApi, 'health' | 'syncStatus' | 'access'>,
  ingesterUrl: string | undefined,
): Promise<TestDataSourceResponse> {
  if (!ingesterUrl) {
    return failure(
      'Set the ingester URL: where the Grafana server reaches the ingester, e.g. http://ingester:8080.',
    );
  }
  let health: Health;
  try {
    health = await api.health();
  } catch (error) {
    const down = error instanceof IngesterError && error.status === 503 && databaseError(error.body);
    if (down)
      return failure(`The ingester at ${ingesterUrl} is running, but its database is unavailable: ${down}`);
    return failure(unreachable(error, ingesterUrl));
  }
  if (!health || typeof health !== 'object' || !('database' in health)) {
    return failure(
      `${ingesterUrl} answers, but not like the Copilot metrics ingester (GET /api/health has no database status). Check the ingester URL.`,
    );
  }
  let status: SyncStatus;
  try {
    status = await api.syncStatus();
  } catch (error) {
    return failure(describeFailure(error, ingesterUrl));
  }
  const result = summarize(status);
  const access = await readAccess(api);
  return access ? { ...result, message: `${result.message} ${access}` } : result;
}

/** The access sentence of Save & test; nothing from an ingester older than ACCESS_POLICY (404). */
async function readAccess(api: Pick<IngesterApi, 'access'>): Promise<string | undefined> {
  try {
    return describeAccess(await api.access());
  } catch (error) {
    if (error instanceof IngesterError && error.status === 404) return undefined;
    return `Access: the ingester's access policy could not be read (${error instanceof Error ? error.message : String(error)}).`;
  }
}

/**
 * Who sees what, for the admin who sets the data source up: ACCESS_POLICY, and whether the ID token
 * Grafana 12.3+ adds for a signed-in user (X-Grafana-Id) arrived and was verified. My Copilot needs it.
 */
export function describeAccess({ policy, idToken, viewer }: AccessStatus): string {
  const who = viewer ? `signed in as ${viewer.login}${viewer.role ? ` (${viewer.role})` : ''}` : '';
  if (policy === 'identity') {
    const sees = viewer?.seesEveryone
      ? 'who sees everyone’s rows'
      : 'who sees every aggregate and only their own rows';
    return `Access: ACCESS_POLICY=identity; an ID token arrived: ${who || 'no viewer'}, ${sees}.`;
  }
  const open = 'Access: ACCESS_POLICY=open, every viewer sees every figure;';
  if (!idToken)
    return `${open} no ID token arrived (Grafana 12.3+ sends one for a signed-in user), so My Copilot cannot tell who is viewing.`;
  if (!viewer)
    return `${open} an ID token arrived, but the ingester does not verify ID tokens: set its GRAFANA_URL (and GRAFANA_ROOT_URL to Grafana’s root_url) for My Copilot.`;
  return `${open} an ID token arrived: ${who}; My Copilot shows each signed-in viewer their own figures.`;
}

const failure = (message: string, details?: string): TestDataSourceResponse => ({
  status: 'error',
  message,
  ...(details ? { details: { message: details } } : {}),
});

/** The database error of an unhealthy ingester's /api/health answer (503 with `database.ok` false). */
function databaseError(body: unknown): string | undefined {
  const database = (body as Partial<Health> | undefined)?.database;
  return database && database.ok === false ? (database.error ?? 'unknown error') : undefined;
}

/** The ingester's refusals of a viewer under ACCESS_POLICY=identity name the ID token or its settings. */
const IDENTITY_REFUSAL = /X-Grafana-Id|ACCESS_POLICY|GRAFANA_URL/;

/** Why a request failed, phrased as what to fix. */
export function describeFailure(error: unknown, url: string | undefined): string {
  if (!(error instanceof IngesterError)) return error instanceof Error ? error.message : String(error);
  // Not the API token: who is viewing (anonymous, a service account, a token it could not verify).
  if (
    (error.status === 401 || error.status === 403) &&
    error.fromIngester &&
    IDENTITY_REFUSAL.test(error.message)
  )
    return `The ingester runs with ACCESS_POLICY=identity and refused this viewer: ${error.message}`;
  if (error.status === 401 && error.fromIngester) {
    return /missing/i.test(error.message)
      ? 'The ingester requires an API token: set API token to the value of its INGESTER_API_TOKEN.'
      : 'The ingester rejected the API token: it does not match INGESTER_API_TOKEN. Reset the token and enter it again.';
  }
  if (!error.fromIngester) return unreachable(error, url);
  return `The ingester answered ${error.status}: ${error.message}`;
}

function unreachable(error: unknown, url: string | undefined): string {
  const reason = error instanceof Error ? error.message : String(error);
  const where = url ?? 'the ingester URL';
  if (error instanceof IngesterError && error.status === 404) {
    return `${where} answers 404 where the ingester's API should be (${reason}): it is not the Copilot metrics ingester. Check the ingester URL.`;
  }
  return `Grafana could not reach the ingester at ${where} (${reason}). Check the ingester URL: the Grafana server resolves it, so use an address that server can reach (in docker compose, the service name such as http://ingester:8080, not localhost).`;
}

/**
 * Failed report days that GitHub refused (403). GitHub's own words, which the ingester quotes, tell
 * a disabled "Copilot usage metrics" policy apart from a token without the permission.
 */
function refusals(failures: Array<{ scope: string; error: string | null }>) {
  const refused = failures.filter((f) => /\b403\b/.test(f.error ?? ''));
  const policy = refused.filter((f) => {
    const said = /GitHub said: "(.*?)"\.(\s|$)/.exec(f.error ?? '')?.[1] ?? '';
    return /policy|disabled/i.test(said);
  });
  const scopes = (list: typeof failures) => [...new Set(list.map((f) => f.scope))];
  return { policy: scopes(policy), refused: scopes(refused) };
}

function summarize(status: SyncStatus): TestDataSourceResponse {
  const withData = status.scopes
    .map((scope) => ({ scope: scope.scope, lastDay: latestDay(scope.reports) }))
    .filter((scope): scope is { scope: string; lastDay: string } => scope.lastDay !== null);
  const failures = status.scopes.flatMap((scope) =>
    scope.reports.flatMap((report) =>
      report.failed.map((failed) => ({ scope: scope.scope, report: report.report, ...failed })),
    ),
  );
  const lastRun = status.lastRun;
  const lastRunFailed = !!lastRun && lastRun.status !== 'ok' && lastRun.status !== 'running';
  const dataLine = withData.length
    ? ` Data: ${withData.map((s) => `${s.scope} up to ${s.lastDay}`).join(', ')}.`
    : '';
  const details = failures
    .slice(0, 10)
    .map((f) => `${f.scope} ${f.report} ${f.day}: ${f.error ?? 'failed'}`)
    .join('\n');
  const withDetails = details ? { details: { message: details } } : {};
  const severity = withData.length ? 'warning' : 'error';

  // Seats need other rights than the usage reports: their refusals are told apart (and matter less).
  const { policy, refused } = refusals(failures.filter((f) => f.report !== 'seats'));
  const seatsRefused = [
    ...new Set(
      failures.filter((f) => f.report === 'seats' && /\b403\b/.test(f.error ?? '')).map((f) => f.scope),
    ),
  ];
  if (policy.length) {
    return {
      status: severity,
      message: `GitHub refuses the Copilot usage metrics of ${policy.join(', ')}: the "Copilot usage metrics" policy is disabled. An enterprise owner must set it to Enabled (enterprise settings → AI controls → Copilot → Metrics); the next sync then fills the gaps.${dataLine}`,
      ...withDetails,
    };
  }
  if (refused.length) {
    return {
      status: severity,
      message: `GitHub refuses (403) the Copilot usage metrics of ${refused.join(', ')}: either the "Copilot usage metrics" policy is disabled, or the ingester's GitHub token lacks the Copilot metrics permission (see the details).${dataLine}`,
      ...withDetails,
    };
  }
  if (!withData.length) {
    const lastSync = lastRun
      ? `The last sync ended "${lastRun.status}"${lastRun.error ? `: ${lastRun.error}` : ''}.`
      : 'No sync has run yet: start the ingester with `serve`, or run `sync`.';
    return {
      status: 'error',
      message: status.running
        ? 'Connected to the ingester, but it has no data yet: the first sync is still running. Test again when it finishes.'
        : `Connected to the ingester, but it has no data yet. ${lastSync} Check the ingester's log and its COPILOT_ORGS / COPILOT_ENTERPRISES.`,
      ...withDetails,
    };
  }
  if (seatsRefused.length) {
    return {
      status: 'warning',
      message: `Connected.${dataLine} GitHub refuses (403) the Copilot seats of ${seatsRefused.join(', ')}: only organization owners can list seats, with a token that has manage_billing:copilot or read:org (or the GitHub App's "GitHub Copilot Business" or "Administration" organization permission, read). The usage metrics are synced regardless; the seat panels stay empty.`,
      ...withDetails,
    };
  }
  if (lastRunFailed || failures.length) {
    const run = lastRunFailed
      ? ` The last sync ended "${lastRun!.status}"${lastRun!.error ? `: ${lastRun!.error}` : ''}.`
      : '';
    const days = failures.length
      ? ` ${failures.length} report day(s) failed to sync; the next sync retries them.`
      : '';
    return { status: 'warning', message: `Connected.${dataLine}${run}${days}`, ...withDetails };
  }
  const synced = lastRun?.finishedAt ? ` Last sync ${lastRun.status} at ${lastRun.finishedAt}.` : '';
  return { status: 'success', message: `Connected.${dataLine}${synced}` };
}

/** The last day with data of a scope: the aggregate report when it has one, else any report. */
function latestDay(reports: SyncStatus['scopes'][number]['reports']): string | null {
  const aggregate = reports.find((r) => r.report === 'aggregate')?.lastDay;
  if (aggregate) return aggregate;
  const days = reports.map((r) => r.lastDay).filter((day): day is string => !!day);
  return days.length ? days.sort().at(-1)! : null;
}
