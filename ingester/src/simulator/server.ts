/**
 * A fake GitHub over real HTTP: the Copilot usage-metrics report endpoints, their signed download
 * host, the seats endpoint, GitHub App token exchange, and switchable faults. Used by tests, demo
 * mode and benchmarks. Reports are generated while they are written, never built whole in memory.
 */
import {
  createHmac,
  randomBytes,
  timingSafeEqual,
  verify as verifySignature,
  type KeyObject,
} from 'node:crypto';
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DayNumber, dayOf, formatDay, parseDay } from '../days';
import type { JsonObject } from '../reports/types';
import { type Fault } from './faults';
import { ReportGenerator, type SimScope } from './generator';
import { DEFAULTS, Population, SINCE, type SimulatorOptions } from './model';
import { hash, unit } from './random';

export interface SimulatorServerOptions extends Partial<SimulatorOptions> {
  port?: number;
  host?: string;
  faults?: readonly Fault[];
  /** "Today" for availability (the 2-day lag); defaults to the real date. */
  today?: () => DayNumber;
  /** Accepted personal access tokens; by default any non-empty bearer token is accepted. */
  tokens?: readonly string[];
  /** GitHub App whose JWTs the token-exchange endpoint verifies. */
  app?: { id: string; publicKey: KeyObject | string };
  /** Users per file of a users report; larger reports are sharded like GitHub's. */
  usersPerShard?: number;
  linkTtlMs?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  authorization: boolean;
}

type ReportName =
  | 'enterprise-1-day'
  | 'organization-1-day'
  | 'users-1-day'
  | 'user-teams-1-day'
  | 'repos-1-day'
  | 'enterprise-28-day/latest'
  | 'organization-28-day/latest'
  | 'users-28-day/latest';

const REPORT_NAMES: Record<'enterprise' | 'organization', readonly ReportName[]> = {
  enterprise: [
    'enterprise-1-day',
    'users-1-day',
    'user-teams-1-day',
    'repos-1-day',
    'enterprise-28-day/latest',
    'users-28-day/latest',
  ],
  organization: [
    'organization-1-day',
    'users-1-day',
    'user-teams-1-day',
    'repos-1-day',
    'organization-28-day/latest',
    'users-28-day/latest',
  ],
};

const MAX_LOG = 10_000;

export class SimulatorServer {
  readonly population: Population;
  readonly generator: ReportGenerator;
  readonly faults: ReadonlySet<Fault>;
  readonly requests: RequestLogEntry[] = [];
  readonly faultsInjected = new Map<Fault, number>();
  private readonly attempts = new Map<string, number>();
  private readonly installationTokens = new Map<string, number>();
  private holders: { key: string; users: number[] } | undefined;
  private readonly secret = randomBytes(16);
  private server: Server | undefined;
  private baseUrl = '';

  constructor(private readonly options: SimulatorServerOptions = {}) {
    this.population = new Population({ ...DEFAULTS, ...stripUndefined(options) } as SimulatorOptions);
    this.generator = new ReportGenerator(this.population);
    this.faults = new Set(options.faults ?? []);
  }

  get url(): string {
    return this.baseUrl;
  }

  get scopes(): { enterprise: string; orgs: string[] } {
    return { enterprise: this.population.enterprise.slug, orgs: this.population.orgs.map((o) => o.login) };
  }

  today(): DayNumber {
    return this.options.today ? this.options.today() : dayOf(new Date());
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => {
        if (!res.headersSent) this.json(req, res, 500, { message: `simulator error: ${error.message}` });
        else res.destroy(error);
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  // ---- routing ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    if (path.startsWith('/_downloads/')) return this.download(req, res, url);
    if (req.method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path))
      return this.exchangeAppToken(req, res, path);
    if (req.method === 'GET' && path === '/app/installations') return this.listInstallations(req, res);
    if (!this.authorized(req))
      return this.json(req, res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    let match = /^\/(enterprises|orgs)\/([^/]+)\/copilot\/metrics\/reports\/(.+)$/.exec(path);
    if (req.method === 'GET' && match)
      return this.reportLinks(
        req,
        res,
        url,
        match[1] === 'enterprises' ? 'enterprise' : 'organization',
        decodeURIComponent(match[2]),
        match[3],
      );
    match = /^\/orgs\/([^/]+)\/copilot\/billing\/seats$/.exec(path);
    if (req.method === 'GET' && match) return this.seats(req, res, url, decodeURIComponent(match[1]));
    return this.json(req, res, 404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
    });
  }

  private log(req: IncomingMessage, status: number): void {
    if (this.requests.length >= MAX_LOG) this.requests.shift();
    this.requests.push({
      method: req.method ?? 'GET',
      path: (req.url ?? '').split('?')[0],
      status,
      authorization: req.headers.authorization !== undefined,
    });
  }

  private json(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    this.log(req, status);
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  private authorized(req: IncomingMessage): boolean {
    const match = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const token = match[1];
    const expires = this.installationTokens.get(token);
    if (expires !== undefined) return expires > Date.now();
    if (!this.options.tokens) return token.length > 0;
    return this.options.tokens.some((accepted) => safeEqual(accepted, token));
  }

  /** Counts attempts at a key; faults use it to fail the first tries and let the next through. */
  private attempt(key: string): number {
    const count = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, count);
    return count;
  }

  private inject(fault: Fault): true {
    this.faultsInjected.set(fault, (this.faultsInjected.get(fault) ?? 0) + 1);
    return true;
  }

  private scopeOf(kind: 'enterprise' | 'organization', slug: string): SimScope | undefined {
    if (kind === 'enterprise')
      return slug.toLowerCase() === this.population.enterprise.slug.toLowerCase() ? { kind } : undefined;
    const org = this.population.orgs.find((o) => o.login.toLowerCase() === slug.toLowerCase());
    return org ? { kind, org } : undefined;
  }

  // ---- report endpoints ----

  private reportLinks(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    kind: 'enterprise' | 'organization',
    slug: string,
    name: string,
  ): void {
    const scope = this.scopeOf(kind, slug);
    if (!scope || !(REPORT_NAMES[kind] as readonly string[]).includes(name)) {
      return this.json(req, res, 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest/copilot/copilot-usage-metrics',
      });
    }
    if (
      this.faults.has('policy-disabled') &&
      scope.kind === 'organization' &&
      scope.org.index === this.population.orgs.length - 1
    ) {
      this.inject('policy-disabled');
      return this.json(req, res, 403, {
        message:
          'Copilot Usage Metrics API access is disabled for this organization. An enterprise owner must enable the "Copilot usage metrics" policy.',
        documentation_url: 'https://docs.github.com/rest/copilot/copilot-usage-metrics',
      });
    }
    const key = `${req.url}`;
    const attempt = this.attempt(key);
    const bucket = hash(this.population.seed, 999, ...Buffer.from(key)) % 3;
    if (this.faults.has('rate-limit') && bucket === 0 && attempt === 1 && this.inject('rate-limit')) {
      return this.json(
        req,
        res,
        429,
        { message: 'API rate limit exceeded' },
        {
          'retry-after': '1',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1),
        },
      );
    }
    if (
      this.faults.has('secondary-rate-limit') &&
      bucket === 1 &&
      attempt === 1 &&
      this.inject('secondary-rate-limit')
    ) {
      return this.json(
        req,
        res,
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        },
        { 'retry-after': '1' },
      );
    }
    if (this.faults.has('server-errors') && bucket === 2 && attempt <= 2 && this.inject('server-errors')) {
      return this.json(req, res, attempt === 1 ? 502 : 503, { message: 'Server Error' });
    }

    const today = this.today();
    const latest = today - 2;
    if (name.endsWith('/latest')) {
      const expires = Date.now() + (this.options.linkTtlMs ?? 3_600_000);
      const links = this.links(
        kind,
        slug,
        name,
        'latest',
        name.startsWith('users') ? this.shardCount(scope, name) : 1,
        expires,
      );
      return this.json(req, res, 200, {
        download_links: links,
        report_start_day: formatDay(latest - 27),
        report_end_day: formatDay(latest),
      });
    }
    const dayText = url.searchParams.get('day');
    if (!dayText) return this.json(req, res, 422, { message: 'Invalid request.\n\n"day" wasn\'t supplied.' });
    const day = parseDay(dayText);
    if (day === undefined)
      return this.json(req, res, 422, {
        message: `Invalid request.\n\n"${dayText}" is not a valid date (YYYY-MM-DD).`,
      });
    if (day > latest || day < this.firstDay(kind, name)) {
      this.log(req, 204);
      res.writeHead(204).end();
      return;
    }
    const expires = Date.now() + (this.options.linkTtlMs ?? 3_600_000);
    const shards =
      name === 'enterprise-1-day' || name === 'organization-1-day' ? 1 : this.shardCount(scope, name);
    this.json(req, res, 200, {
      download_links: this.links(kind, slug, name, dayText, shards, expires),
      report_day: dayText,
    });
  }

  private firstDay(kind: 'enterprise' | 'organization', name: string): DayNumber {
    const start = kind === 'enterprise' ? SINCE.enterprise : SINCE.organization;
    if (name === 'user-teams-1-day') return Math.max(start, SINCE.userTeams);
    if (name === 'repos-1-day') return Math.max(start, SINCE.repos);
    return start;
  }

  private shardCount(scope: SimScope, name: string): number {
    if (this.faults.has('shards')) return this.inject('shards') && 3;
    if (!name.startsWith('users')) return 1;
    return Math.max(
      1,
      Math.ceil(this.generator.members(scope).length / (this.options.usersPerShard ?? 5000)),
    );
  }

  private links(
    kind: string,
    slug: string,
    name: string,
    day: string,
    shards: number,
    expires: number,
  ): string[] {
    return Array.from({ length: shards }, (_, shard) => {
      const path = `/_downloads/${kind}/${encodeURIComponent(slug)}/${name.replace('/latest', '')}/${day}/${shard}-of-${shards}.ndjson`;
      return `${this.baseUrl}${path}?se=${expires}&sig=${this.sign(path, expires)}`;
    });
  }

  private sign(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('hex').slice(0, 32);
  }

  // ---- the download host ----

  private async download(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const expires = Number(url.searchParams.get('se'));
    const signature = url.searchParams.get('sig') ?? '';
    if (req.headers.authorization !== undefined) {
      // Pre-signed links take no credentials; blob storage rejects requests that carry them.
      this.log(req, 400);
      res
        .writeHead(400, { 'content-type': 'application/xml' })
        .end(
          '<Error><Code>InvalidAuthenticationInfo</Code><Message>Authorization header must not be sent with a signed URL</Message></Error>',
        );
      return;
    }
    const attempt = this.attempt(`download:${path}`);
    const expired = !(expires > Date.now()) || !safeEqual(signature, this.sign(path, expires));
    if (expired || (this.faults.has('expired-links') && attempt === 1 && this.inject('expired-links'))) {
      this.log(req, 403);
      res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end(
          '<Error><Code>AuthenticationFailed</Code><Message>Signature not valid in the specified time frame</Message></Error>',
        );
      return;
    }
    const match =
      /^\/_downloads\/(enterprise|organization)\/([^/]+)\/([a-z0-9-]+)\/([0-9-]+|latest)\/(\d+)-of-(\d+)\.ndjson$/.exec(
        path,
      );
    const scope =
      match && this.scopeOf(match[1] as 'enterprise' | 'organization', decodeURIComponent(match[2]));
    if (!match || !scope) {
      this.log(req, 404);
      res.writeHead(404).end();
      return;
    }
    const [, , , name, dayText, shardText, shardsText] = match;
    const lines = this.reportLines(scope, name, dayText, Number(shardText), Number(shardsText));
    this.log(req, 200);
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const cut =
      this.faults.has('reset') && attempt === 1
        ? 'reset'
        : this.faults.has('truncate') && attempt === 1
          ? 'truncate'
          : undefined;
    let buffer = '';
    let written = 0;
    for (const line of lines) {
      if (cut && written > 0) {
        this.inject(cut);
        if (cut === 'reset') {
          res.write(buffer + line.slice(0, Math.ceil(line.length / 2)));
          await new Promise((resolve) => setTimeout(resolve, 20));
          res.socket?.destroy();
        } else {
          res.end(buffer + line.slice(0, Math.ceil(line.length / 2)));
        }
        return;
      }
      buffer += line;
      written++;
      if (buffer.length >= 65_536) {
        if (!res.write(buffer)) await once(res, 'drain');
        buffer = '';
      }
      if (res.destroyed) return;
    }
    res.end(buffer);
  }

  /** The lines of one report file. */
  private *reportLines(
    scope: SimScope,
    name: string,
    dayText: string,
    shard: number,
    shards: number,
  ): Generator<string> {
    const g = this.generator;
    const latest = this.today() - 2;
    const decorate = (record: JsonObject) => this.decorate(record);
    const inShard = (index: number) => index % shards === shard;
    if (dayText === 'latest') {
      if (name === 'enterprise-28-day' || name === 'organization-28-day') {
        const days = Array.from({ length: 28 }, (_, i) => latest - 27 + i);
        const wrapper: JsonObject = {
          report_start_day: formatDay(latest - 27),
          report_end_day: formatDay(latest),
          ...(scope.kind === 'organization' ? { organization_id: scope.org.id } : {}),
          enterprise_id: this.population.enterprise.id,
          created_at: new Date().toISOString(),
          day_totals: days.map((day) => decorate(g.aggregateRecord(scope, day))),
        };
        yield `${JSON.stringify(wrapper)}\n`;
        return;
      }
      const members = g.members(scope);
      for (let day = latest - 27; day <= latest; day++) {
        for (const [index, u] of members.entries()) {
          if (!inShard(index)) continue;
          const record = g.userRecord(u, day, scope);
          if (record)
            yield `${JSON.stringify({ report_start_day: formatDay(latest - 27), report_end_day: formatDay(latest), ...decorate(record) })}\n`;
        }
      }
      return;
    }
    const day = parseDay(dayText)!;
    switch (name) {
      case 'enterprise-1-day':
      case 'organization-1-day': {
        const record = decorate(g.aggregateRecord(scope, day));
        yield this.faults.has('pretty-aggregates') && this.inject('pretty-aggregates')
          ? `${JSON.stringify(record, null, 2)}\n`
          : `${JSON.stringify(record)}\n`;
        return;
      }
      case 'users-1-day': {
        let count = 0;
        for (const [index, u] of g.members(scope).entries()) {
          if (!inShard(index)) continue;
          const record = g.userRecord(u, day, scope);
          if (!record) continue;
          yield `${JSON.stringify(decorate(record))}\n`;
          if (this.faults.has('malformed-lines') && ++count % 7 === 0) {
            this.inject('malformed-lines');
            yield count % 14 === 0
              ? 'this line is not JSON\n'
              : `{"user_id": ${this.population.userId(u)}, "user_login": "cut-off\n`;
          }
        }
        return;
      }
      case 'user-teams-1-day': {
        let index = 0;
        for (const record of g.teamRecords(scope, day))
          if (inShard(index++)) yield `${JSON.stringify(decorate(record))}\n`;
        return;
      }
      case 'repos-1-day': {
        for (const [index, repo] of g.repos(scope).entries()) {
          if (!inShard(index)) continue;
          const record = g.repoRecord(repo, day);
          if (record) yield `${JSON.stringify(decorate(record))}\n`;
        }
        return;
      }
    }
  }

  /** With 'unknown-fields', adds fields the ingester does not know at the top and inside breakdowns. */
  private decorate(record: JsonObject): JsonObject {
    if (!this.faults.has('unknown-fields')) return record;
    this.inject('unknown-fields');
    const copy: JsonObject = { ...record, copilot_future_metric_count: 7 };
    if (Array.isArray(record.totals_by_ide)) {
      copy.totals_by_ide = (record.totals_by_ide as JsonObject[]).map((entry) => ({
        ...entry,
        suggestion_latency_ms_p50: 120,
      }));
    }
    return copy;
  }

  // ---- seats ----

  /** The users holding a seat in the organization today, in member order (kept for the pages of a listing). */
  seatHolders(orgIndex: number): number[] {
    const key = `${orgIndex}:${this.today()}`;
    if (this.holders?.key !== key)
      this.holders = {
        key,
        users: this.population.orgs[orgIndex].members.filter((u) =>
          this.population.hasSeat(u, orgIndex, this.today()),
        ),
      };
    return this.holders.users;
  }

  private seats(req: IncomingMessage, res: ServerResponse, url: URL, login: string): void {
    const scope = this.scopeOf('organization', login);
    if (!scope || scope.kind !== 'organization') return this.json(req, res, 404, { message: 'Not Found' });
    if (this.faults.has('seats-forbidden') && scope.org.index === this.population.orgs.length - 1) {
      this.inject('seats-forbidden');
      return this.json(req, res, 403, {
        message: 'You must be an organization owner to view Copilot seat assignments.',
        documentation_url: 'https://docs.github.com/rest/copilot/copilot-user-management',
      });
    }
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 50) || 50));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const holders = this.seatHolders(scope.org.index);
    const pages = Math.max(1, Math.ceil(holders.length / perPage));
    const seats = holders
      .slice((page - 1) * perPage, page * perPage)
      .map((u) => this.seat(u, scope.org.index));
    const link = (p: number, rel: string) =>
      `<${this.baseUrl}${url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links = [
      ...(page < pages ? [link(page + 1, 'next'), link(pages, 'last')] : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
    ];
    this.json(
      req,
      res,
      200,
      { total_seats: holders.length, seats },
      links.length ? { link: links.join(', ') } : {},
    );
  }

  /**
   * One seat, consistent with the usage data: last activity is the user's last active day within
   * GitHub's 90-day retention, with the IDE (or CLI) they used that day; never-users and people who
   * stopped using Copilot keep their seat.
   */
  seat(u: number, orgIndex: number): JsonObject {
    const p = this.population;
    const today = this.today();
    let lastActive: DayNumber | undefined;
    for (let day = today - 1; day >= today - 90; day--) {
      if (p.isActive(u, day)) {
        lastActive = day;
        break;
      }
    }
    const teamId = p.primaryOrg[u] === orgIndex ? p.teamsOn(u, today)[0] : undefined;
    const viaTeam = teamId !== undefined && unit(p.seed, 400, u) < 0.4;
    return {
      created_at: `${formatDay(p.seatDay[u])}T09:00:00Z`,
      updated_at: `${formatDay(today - 1)}T09:00:00Z`,
      pending_cancellation_date: unit(p.seed, 401, u) < 0.04 ? formatDay(today + 20) : null,
      last_activity_at:
        lastActive === undefined
          ? null
          : `${formatDay(lastActive)}T${String(8 + (hash(p.seed, 402, u) % 10)).padStart(2, '0')}:15:00Z`,
      last_activity_editor: lastActive === undefined ? null : this.generator.editorOn(u, lastActive),
      plan_type: unit(p.seed, 403, u) < 0.7 ? 'business' : 'enterprise',
      assignee: { login: p.userLogin(u), id: p.userId(u), type: 'User' },
      assigning_team: viaTeam ? { id: teamId, slug: p.team(teamId!).slug, name: p.team(teamId!).slug } : null,
    };
  }

  // ---- GitHub App ----

  private verifyAppJwt(req: IncomingMessage): string | undefined {
    const app = this.options.app;
    if (!app) return 'this simulator has no GitHub App configured';
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const parts = token?.split('.');
    if (!parts || parts.length !== 3) return 'A JSON web token could not be decoded';
    const [header, payload, signature] = parts;
    const valid = verifySignature(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      app.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return 'A JSON web token could not be decoded';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss?: string | number;
      exp?: number;
      iat?: number;
    };
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== app.id) return `'Issuer' claim ('iss') must be the app id`;
    if (!claims.exp || claims.exp < now || claims.exp - (claims.iat ?? 0) > 600)
      return "'Expiration time' claim ('exp') is too far in the future or expired";
    return undefined;
  }

  private exchangeAppToken(req: IncomingMessage, res: ServerResponse, path: string): void {
    const problem = this.verifyAppJwt(req);
    if (problem) return this.json(req, res, 401, { message: problem });
    const installation = Number(path.split('/')[3]);
    if (!this.installations().some((i) => i.id === installation))
      return this.json(req, res, 404, { message: 'Not Found' });
    const token = `ghs_sim${randomBytes(12).toString('hex')}`;
    const expiresAt = Date.now() + 3_600_000;
    this.installationTokens.set(token, expiresAt);
    this.json(req, res, 201, { token, expires_at: new Date(expiresAt).toISOString() });
  }

  private installations(): { id: number; account: { login: string; slug?: string; type: string } }[] {
    const p = this.population;
    return [
      { id: 1000, account: { login: p.enterprise.slug, slug: p.enterprise.slug, type: 'Enterprise' } },
      ...p.orgs.map((org) => ({ id: 1001 + org.index, account: { login: org.login, type: 'Organization' } })),
    ];
  }

  private listInstallations(req: IncomingMessage, res: ServerResponse): void {
    const problem = this.verifyAppJwt(req);
    if (problem) return this.json(req, res, 401, { message: problem });
    this.json(req, res, 200, this.installations());
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
