/**
 * A fake GitHub over real HTTP: the Copilot usage-metrics report endpoints, their signed download
 * host, the seats endpoint, the AI-credit billing endpoints (usage, usage-report exports, budgets,
 * cost centers), GitHub App token exchange, and switchable faults. Used by tests, demo
 * mode and benchmarks. Reports are generated while they are written, never built whole in memory.
 *
 * This class only wires the parts together: the report generator (generate/) and one handler per
 * endpoint family behind the route table (http/routes.ts).
 */
import type { KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DayNumber, dayOf } from '../days';
import type { JsonObject } from '../reports/types';
import { type Fault, FaultInjector } from './faults';
import { ReportGenerator } from './generate';
import { BillingLedger } from './generate/billing';
import { AppAuth } from './http/appAuth';
import { type BillingOptions, billingApi } from './http/billing';
import { DownloadHost } from './http/downloads';
import { Exchange, type RequestLogEntry } from './http/exchange';
import { ReportLinks } from './http/reports';
import { Router, simulatorRoutes } from './http/routes';
import { SeatsApi } from './http/seats';
import { TokenAuth } from './http/tokenAuth';
import { UsersApi } from './http/users';
import { DEFAULTS, Population, type SimulatorOptions } from './model';

export type { RequestLogEntry } from './http/exchange';

export interface SimulatorServerOptions extends Partial<SimulatorOptions>, BillingOptions {
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
  /**
   * Tests: awaited before a report file (`/_downloads/…/{shard}-of-{shards}.ndjson`) is served, to hold
   * a download back until the test has seen what it waits for.
   */
  beforeDownload?: (path: string) => Promise<void> | void;
}

export class SimulatorServer {
  readonly population: Population;
  readonly generator: ReportGenerator;
  /** The AI-credit bill the billing endpoints serve, day by day. */
  readonly billing: BillingLedger;
  readonly faults: ReadonlySet<Fault>;
  readonly requests: RequestLogEntry[] = [];
  readonly faultsInjected: Map<Fault, number>;
  private readonly seats: SeatsApi;
  private readonly router: Router;
  private server: Server | undefined;
  private baseUrl = '';

  constructor(private readonly options: SimulatorServerOptions = {}) {
    this.population = new Population({ ...DEFAULTS, ...stripUndefined(options) } as SimulatorOptions);
    this.generator = new ReportGenerator(this.population);
    this.billing = new BillingLedger(this.generator);
    const faults = new FaultInjector(options.faults);
    this.faults = faults.enabled;
    this.faultsInjected = faults.injected;
    const ctx = {
      population: this.population,
      generator: this.generator,
      faults,
      today: () => this.today(),
      baseUrl: () => this.baseUrl,
      beforeDownload: options.beforeDownload,
    };
    const appAuth = new AppAuth(this.population, options.app);
    const downloads = new DownloadHost(ctx);
    this.seats = new SeatsApi(ctx);
    const routes = simulatorRoutes({
      reports: new ReportLinks(ctx, downloads, options),
      downloads,
      seats: this.seats,
      appAuth,
      users: new UsersApi(ctx),
      billing: billingApi(ctx, this.billing, appAuth, downloads, options),
    });
    // A billing token is a valid personal access token too.
    const tokens = new TokenAuth(
      appAuth,
      options.tokens && [...options.tokens, ...(options.billingTokens ?? [])],
    );
    this.router = new Router(routes, (req) => tokens.authorized(req));
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

  /** The users holding a seat in the organization today, in member order. */
  seatHolders(orgIndex: number): number[] {
    return this.seats.seatHolders(orgIndex);
  }

  /** One seat of the seats list, as it reads today. */
  seat(u: number, orgIndex: number): JsonObject {
    return this.seats.seat(u, orgIndex);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const x = new Exchange(req, res, this.requests);
      this.router.dispatch(x).catch((error: Error) => {
        if (!res.headersSent) x.json(500, { message: `simulator error: ${error.message}` });
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
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
