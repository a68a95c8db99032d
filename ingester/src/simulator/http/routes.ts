/** The simulator's route table, and the router that answers a request from it. */
import type { IncomingMessage } from 'node:http';
import type { AppAuth } from './appAuth';
import type { BillingApi } from './billing';
import type { DownloadHost } from './downloads';
import type { Exchange } from './exchange';
import type { ReportLinks } from './reports';
import type { SeatsApi } from './seats';
import type { UsersApi } from './users';

export interface Route {
  /** ANY: the download host answers every method, as blob storage does. */
  method: 'GET' | 'POST' | 'ANY';
  /** `:name` matches one path segment, `:name(regex)` what the regex matches. */
  path: string;
  /** Whether the API's bearer token must be valid; the download host and the App endpoints check their own credentials. */
  token: boolean;
  handle: (x: Exchange) => void | Promise<void>;
}

const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' };
const BAD_CREDENTIALS = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' };

export function simulatorRoutes(handlers: {
  reports: ReportLinks;
  downloads: DownloadHost;
  seats: SeatsApi;
  appAuth: AppAuth;
  users: UsersApi;
  billing: BillingApi;
}): Route[] {
  const { reports, downloads, seats, appAuth, users, billing } = handlers;
  const enterpriseBilling = '/enterprises/:slug/settings/billing';
  const orgBilling = '/organizations/:slug/settings/billing';
  return [
    { method: 'ANY', path: '/_downloads/:file(.*)', token: false, handle: (x) => downloads.serve(x) },
    {
      method: 'POST',
      path: '/app/installations/:installation(\\d+)/access_tokens',
      token: false,
      handle: (x) => appAuth.exchangeToken(x),
    },
    { method: 'GET', path: '/app/installations', token: false, handle: (x) => appAuth.listInstallations(x) },
    {
      method: 'GET',
      path: '/enterprises/:slug/copilot/metrics/reports/:report(.+)',
      token: true,
      handle: (x) => reports.links(x, 'enterprise'),
    },
    {
      method: 'GET',
      path: '/orgs/:slug/copilot/metrics/reports/:report(.+)',
      token: true,
      handle: (x) => reports.links(x, 'organization'),
    },
    { method: 'GET', path: '/orgs/:org/copilot/billing/seats', token: true, handle: (x) => seats.list(x) },
    { method: 'GET', path: '/users/:login', token: true, handle: (x) => users.get(x) },
    ...billingRoutes(billing, enterpriseBilling, orgBilling),
  ];
}

/** The AI-credit billing endpoints (issue 14): usage, usage-report exports, budgets, cost centers. */
function billingRoutes(
  { usage, exports, budgets, costCenters }: BillingApi,
  ent: string,
  org: string,
): Route[] {
  const get = (path: string, handle: Route['handle']): Route => ({
    method: 'GET',
    path,
    token: true,
    handle,
  });
  return [
    get(`${ent}/ai_credit/usage`, (x) => usage.usage(x, 'enterprise')),
    get(`${org}/ai_credit/usage`, (x) => usage.usage(x, 'organization')),
    { method: 'POST', path: `${ent}/reports`, token: true, handle: (x) => exports.create(x) },
    get(`${ent}/reports`, (x) => exports.list(x)),
    get(`${ent}/reports/:id`, (x) => exports.get(x)),
    get(`${ent}/budgets`, (x) => budgets.list(x, 'enterprise')),
    get(`${ent}/budgets/:id`, (x) => budgets.get(x, 'enterprise')),
    get(`${ent}/budgets/:id/user-states`, (x) => budgets.userStates(x)),
    get(`${org}/budgets`, (x) => budgets.list(x, 'organization')),
    get(`${org}/budgets/:id`, (x) => budgets.get(x, 'organization')),
    get(`${ent}/cost-centers`, (x) => costCenters.list(x)),
    get(`${ent}/cost-centers/:id`, (x) => costCenters.get(x)),
  ];
}

export class Router {
  private readonly routes: (Route & { pattern: RegExp })[];

  constructor(
    routes: readonly Route[],
    private readonly authorized: (req: IncomingMessage) => boolean,
  ) {
    this.routes = routes.map((route) => ({ ...route, pattern: compile(route.path) }));
  }

  /** Runs the first route that matches; like GitHub, says 401 before it says 404. */
  async dispatch(x: Exchange): Promise<void> {
    const method = x.req.method;
    const path = x.url.pathname;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match || (route.method !== 'ANY' && route.method !== method)) continue;
      if (route.token && !this.authorized(x.req)) return x.json(401, BAD_CREDENTIALS);
      x.params = { ...match.groups };
      return route.handle(x);
    }
    if (!this.authorized(x.req)) return x.json(401, BAD_CREDENTIALS);
    x.json(404, NOT_FOUND);
  }
}

/** A path pattern as an anchored regular expression with one named group per `:name`. */
function compile(path: string): RegExp {
  let source = '';
  let last = 0;
  for (const param of path.matchAll(/:(\w+)(?:\(([^)]*)\))?/g)) {
    source += escape(path.slice(last, param.index)) + `(?<${param[1]}>${param[2] ?? '[^/]+'})`;
    last = param.index + param[0].length;
  }
  return new RegExp(`^${source}${escape(path.slice(last))}$`);
}

const escape = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
