/**
 * GitHub's AI-credit billing endpoints (enterprise and organization): `ai_credit/usage` per day, the
 * `ai_credit` usage-report export (enterprise only), budgets with their user-states, cost centers.
 * Every call goes with the billing credentials (BILLING_TOKEN, else the main ones). Shapes and
 * permissions: https://docs.github.com/enterprise-cloud@latest/rest/billing (usage, usage-reports,
 * budgets, cost-centers).
 */
import type { Readable } from 'node:stream';
import { formatDay, type DayNumber } from '../days';
import { type Scope, scopeKey } from '../scopes';
import { type ApiResponse, type GitHubClient, githubMessage } from './client';
import { GitHubError } from './errors';

/** The path prefix of a scope's billing endpoints: note `/organizations/`, not `/orgs/`. */
export function billingBase(scope: Scope): string {
  return scope.kind === 'enterprise'
    ? `/enterprises/${encodeURIComponent(scope.slug)}/settings/billing`
    : `/organizations/${encodeURIComponent(scope.slug)}/settings/billing`;
}

export function usagePath(scope: Scope, day: DayNumber): string {
  const [year, month, date] = formatDay(day).split('-').map(Number);
  return `${billingBase(scope)}/ai_credit/usage?year=${year}&month=${month}&day=${date}`;
}

/** GitHub's page size limit for budgets and user-states ("max 100"). */
export const BILLING_PER_PAGE = 100;

/** What a person must do about a refused billing call: the token billing needs, by scope kind. */
export function billingPermissionAdvice(scope: Scope): string {
  return scope.kind === 'enterprise'
    ? `set BILLING_TOKEN to a classic personal access token with the manage_billing:enterprise scope, of an enterprise owner or billing manager of ${scope.slug}, SSO-authorized when the enterprise uses SAML (the enterprise billing endpoints may refuse GitHub Apps and fine-grained tokens)`
    : `set BILLING_TOKEN to a token of an administrator or billing manager of the organization ${scope.slug} (classic personal access token, or a fine-grained token with the "Administration" organization permission, read), SSO-authorized when the organization uses SAML`;
}

/** A non-success billing answer as a message naming the scope, the endpoint and the fix. */
export function describeBillingFailure(
  status: number,
  scope: Scope,
  endpoint: string,
  message: string | undefined,
): GitHubError {
  const said = message ? ` GitHub said: "${message.slice(0, 300)}".` : '';
  const what = `GET ${billingBase(scope)}/${endpoint} for ${scopeKey(scope)}`.replace(
    /^GET (.*\/reports)/,
    'the usage-report export $1',
  );
  const regardless = ' The usage reports are synced regardless.';
  switch (status) {
    case 401:
      return new GitHubError(
        `GitHub rejected the billing credentials (401) for ${what}.${said} Check BILLING_TOKEN (GITHUB_TOKEN or the GitHub App when BILLING_TOKEN is unset): it may be mistyped, expired or revoked; or ${billingPermissionAdvice(scope)}.${regardless}`,
        status,
        false,
      );
    case 403:
      return new GitHubError(
        `GitHub refused ${what} (403).${said} Billing data needs other rights than the usage reports: ${billingPermissionAdvice(scope)}.${regardless}`,
        status,
        false,
      );
    case 404:
      return new GitHubError(
        `GitHub answered 404 for ${what}.${said} Check the ${scope.kind === 'enterprise' ? 'enterprise slug in COPILOT_ENTERPRISES' : 'organization login in COPILOT_ORGS'}; a token without billing access also gets 404: ${billingPermissionAdvice(scope)}.`,
        status,
        false,
      );
    default:
      return new GitHubError(
        `GitHub answered ${status} for ${what}.${said}`,
        status,
        status >= 500 || status === 408 || status === 429,
      );
  }
}

async function billingCall(
  client: GitHubClient,
  scope: Scope,
  method: 'GET' | 'POST',
  endpoint: string,
  body?: unknown,
): Promise<ApiResponse> {
  return client.call(method, `${billingBase(scope)}/${endpoint}`, {
    billing: true,
    account: scope.slug,
    body,
  });
}

/**
 * A day's `ai_credit/usage` answer; `consolidated` when an organization's answers 404, which GitHub
 * does when its billing is consolidated at the enterprise (observed by copilot-metrics-viewer; GitHub
 * documents 404 among the endpoint's answers).
 */
export async function fetchUsageDay(
  client: GitHubClient,
  scope: Scope,
  day: DayNumber,
): Promise<{ type: 'ok'; body: unknown } | { type: 'consolidated'; message: string }> {
  const path = usagePath(scope, day);
  const endpoint = path.slice(billingBase(scope).length + 1);
  const response = await client.call('GET', path, { billing: true, account: scope.slug });
  if (response.status === 200) return { type: 'ok', body: response.body };
  if (response.status === 404 && scope.kind === 'organization')
    return {
      type: 'consolidated',
      message: `GitHub answered 404 for the AI-credit usage of ${scopeKey(scope)}: its billing is most likely consolidated at its enterprise, which then holds these figures. Add the enterprise to COPILOT_ENTERPRISES (with a BILLING_TOKEN of an enterprise owner or billing manager: a classic token with manage_billing:enterprise).`,
    };
  throw describeBillingFailure(response.status, scope, endpoint.split('?')[0], githubMessage(response.body));
}

/** A usage-report export as GitHub describes it (https://docs.github.com/enterprise-cloud@latest/rest/billing/usage-reports). */
export interface UsageExport {
  id: string;
  status: 'processing' | 'completed' | 'failed' | string;
  downloadUrls: string[];
}

function exportOf(body: unknown, what: string): UsageExport {
  const value = body as { id?: unknown; status?: unknown; download_urls?: unknown } | undefined;
  if (typeof value?.id !== 'string' || typeof value.status !== 'string')
    throw new GitHubError(`GitHub's answer for ${what} is not a usage-report export {id, status}`, 200, true);
  return {
    id: value.id,
    status: value.status,
    downloadUrls: Array.isArray(value.download_urls)
      ? value.download_urls.filter((u): u is string => typeof u === 'string' && u !== '')
      : [],
  };
}

/**
 * Asks for an `ai_credit` usage report of from..to (at most 31 days); `busy` when GitHub answers 409
 * (one export per account at a time: another one is running).
 */
export async function requestUsageExport(
  client: GitHubClient,
  enterprise: Scope,
  from: DayNumber,
  to: DayNumber,
): Promise<UsageExport | { busy: string }> {
  const response = await billingCall(client, enterprise, 'POST', 'reports', {
    report_type: 'ai_credit',
    start_date: formatDay(from),
    end_date: formatDay(to),
    send_email: false,
  });
  if (response.status === 409) return { busy: githubMessage(response.body) ?? 'another export is running' };
  if (response.status !== 200 && response.status !== 201 && response.status !== 202)
    throw describeBillingFailure(response.status, enterprise, 'reports', githubMessage(response.body));
  return exportOf(response.body, `the usage-report export of ${scopeKey(enterprise)}`);
}

export async function fetchUsageExport(
  client: GitHubClient,
  enterprise: Scope,
  id: string,
): Promise<UsageExport> {
  const response = await billingCall(client, enterprise, 'GET', `reports/${encodeURIComponent(id)}`);
  if (response.status !== 200)
    throw describeBillingFailure(
      response.status,
      enterprise,
      'reports/{report_id}',
      githubMessage(response.body),
    );
  return exportOf(response.body, `usage-report export ${id} of ${scopeKey(enterprise)}`);
}

/** Opens a CSV link of a completed export: a pre-signed URL, fetched without the Authorization header. */
export async function openExportFile(client: GitHubClient, url: string): Promise<Readable> {
  const response = await client.openDownload(url);
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new GitHubError(
      `the usage-report export's download link answered ${response.statusCode} (signed links expire after about an hour; the next sync asks for a new export)`,
      response.statusCode,
      true,
    );
  }
  return response.body;
}

/**
 * Every page of a listing that says `has_next_page` (budgets, user-states, a cost center's resources);
 * `parse` reads one page. A 404 answers `undefined`: for budgets GitHub's "feature not enabled".
 */
export async function fetchPages<T extends { hasNextPage: boolean }>(
  client: GitHubClient,
  scope: Scope,
  endpoint: string,
  parse: (body: unknown, page: number) => T,
  perPage = BILLING_PER_PAGE,
): Promise<T[] | undefined> {
  const pages: T[] = [];
  for (let page = 1; ; page++) {
    const separator = endpoint.includes('?') ? '&' : '?';
    const response = await billingCall(
      client,
      scope,
      'GET',
      `${endpoint}${separator}per_page=${perPage}&page=${page}`,
    );
    if (response.status === 404 && page === 1) return undefined;
    if (response.status !== 200)
      throw describeBillingFailure(
        response.status,
        scope,
        endpoint
          .replace(/budgets\/[^/]+\//, 'budgets/{budget_id}/')
          .replace(/cost-centers\/[^/?]+/, 'cost-centers/{cost_center_id}'),
        githubMessage(response.body),
      );
    const parsed = parse(response.body, page);
    pages.push(parsed);
    // A listing that never ends is GitHub's bug, not a reason to loop forever.
    if (!parsed.hasNextPage || page >= 1000) return pages;
  }
}

/**
 * An enterprise's cost centers (one answer, no pagination); undefined on 404 ("feature not enabled").
 * Their `resources` here may be incomplete: fetchPages on `cost-centers/{id}` pages every one.
 */
export async function fetchCostCenters(client: GitHubClient, enterprise: Scope): Promise<unknown> {
  const response = await billingCall(client, enterprise, 'GET', 'cost-centers');
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw describeBillingFailure(response.status, enterprise, 'cost-centers', githubMessage(response.body));
  return response.body;
}
