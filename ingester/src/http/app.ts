/**
 * The HTTP surface: the query API Grafana's data source proxy calls, health for orchestrators,
 * and Prometheus metrics. Every error is JSON `{"error": "..."}`; nothing a client sends reaches a 500.
 */
import {
  type AccessStatus,
  type AnnotationsResponse,
  METRIC_INFO,
  catalogJSON,
  type DimensionValuesResponse,
  MAX_RANGE_DAYS,
  type QueryResponse,
  type QueryResult,
  type SyncStatus,
} from '@copilot-metrics/contract';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Counter, type Registry } from 'prom-client';
import { dayOf, parseDay } from '../days';
import type { Logger } from '../log';
import { dimensionValues } from '../query/dimensionValues';
import type { WorkCalendar } from '../calendar/workCalendar';
import { QueryEngine } from '../query/engine';
import { QueryError } from '../query/errors';
import { unavailableFrame } from '../query/frames';
import { type Asker, narrowForViewer } from '../query/privacy/viewer';
import { describeIssues, queryItemSchema, queryRequestSchema } from '../query/requestSchema';
import { annotations } from '../query/annotations';
import { PRIVACY_OFF, type PrivacyConfig } from '../privacy';
import type { Scope } from '../scopes';
import { coverage } from '../store/coverage';
import { SyncBusyError } from '../sync/lock';
import type { SyncService } from '../sync/scheduler';
import { requireAdmin, requireToken } from './auth';
import { health, readiness } from './health';
import type { DatabaseProbe } from '../store/probe';
import type { SqlReader } from '../store/reader';
import { type AccessConfig, IdentityError, IdentityVerifier, OPEN_ACCESS } from './identity';

export interface ApiOptions {
  /** What queries read through (a SQLite reader connection: they never block or see a sync's open transaction). */
  reader: SqlReader;
  logger: Logger;
  scopes: readonly Scope[];
  backfillDays: number;
  /** SYNC_REFETCH_DAYS: the trailing days annotated as not final yet. */
  refetchDays?: number;
  apiToken?: string;
  adminToken?: string;
  /** Absent when this process does not sync (SYNC_MODE=disabled, or a test). */
  sync?: SyncService;
  /** Whether the database is there and answers, for /api/health and /api/health/ready. */
  database?: DatabaseProbe;
  metrics?: Registry;
  /** PRIVACY_MODE and PRIVACY_MIN_GROUP_SIZE, which the query engine enforces. */
  privacy?: PrivacyConfig;
  /** Working days (WORKWEEK, HOLIDAYS_FILE): `days=workdays` queries and holiday annotations. */
  calendar?: WorkCalendar;
  /** ACCESS_POLICY and the Grafana whose ID tokens say who is viewing; open when unset. */
  access?: AccessConfig;
  /**
   * The login a verified viewer's rows are stored under, when it is not their login: their pseudonym in
   * PRIVACY_MODE=pseudonymous. Undefined when they have no rows.
   */
  rowLoginOf?: (login: string) => Promise<string | undefined>;
  /** Only tests: how soon an unknown key id may fetch Grafana's keys again. */
  keyRefetchCooldownMs?: number;
  now?: () => Date;
}

/**
 * How long an idle keep-alive connection stays open. Longer than the clients that reuse them wait
 * (Grafana's data source proxy, a Go transport, keeps idle connections 90 s; undici 4 s): a server
 * that closes first races the client's next request on that socket, which then fails with a reset.
 */
export const KEEP_ALIVE_MS = 95_000;

/** The HTTP server's timeouts for the API, on a server from `app.listen`. */
export function keepConnections(server: Server): Server {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

/** Request bodies above this are refused with 413: a query batch is a few kilobytes. */
export const BODY_LIMIT = '256kb';

export function createApp(options: ApiOptions): express.Express {
  const { reader, logger } = options;
  const engine = new QueryEngine(reader, options.privacy, options.calendar);
  // A viewer who does not see everyone gets group figures with the minimum group size, in every mode.
  const viewerEngine = new QueryEngine(
    reader,
    { ...(options.privacy ?? PRIVACY_OFF), minGroupSizeAlways: true },
    options.calendar,
  );
  const engineFor = (asker: Asker) =>
    asker.policy === 'identity' && asker.viewer && !asker.viewer.seesEveryone ? viewerEngine : engine;
  const now = options.now ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: BODY_LIMIT, strict: true }));

  // Express 5 hands a handler's rejection to the error handler below, as it does a thrown error.
  app.get('/api/health', async (_req, res) => {
    const report = await health(reader, now(), options.database);
    res.status(report.status === 'unavailable' ? 503 : 200).json(report);
  });

  app.get('/api/health/ready', async (_req, res) => {
    if (!options.database) {
      res.status(404).json({ error: 'this server has no readiness check' });
      return;
    }
    const report = await readiness(options.database);
    res.status(report.ready ? 200 : 503).json(report);
  });

  app.get('/metrics', async (_req, res) => {
    if (!options.metrics) {
      res.status(404).json({ error: 'metrics are not enabled' });
      return;
    }
    res.type(options.metrics.contentType).send(await options.metrics.metrics());
  });

  app.post('/api/v1/sync', requireAdmin(options.adminToken), async (_req, res) => {
    if (!options.sync) {
      res.status(503).json({
        error:
          'this process does not run syncs (SYNC_MODE=disabled, or not `serve`); trigger the process that syncs, or run `npm run ingester -- sync`',
      });
      return;
    }
    const { started, runId } = options.sync.trigger('api');
    if (!started) {
      res.status(409).json({ error: 'a sync is already running', runId: await runId.catch(() => null) });
      return;
    }
    try {
      res.status(202).json({ status: 'started', runId: await runId });
    } catch (error) {
      const busy = error instanceof SyncBusyError;
      res.status(busy ? 409 : 500).json({ error: (error as Error).message });
    }
  });

  const api = express.Router();
  api.use(requireToken(options.apiToken, 'INGESTER_API_TOKEN'));
  const counters = accessCounters(options.metrics);
  api.use(identify(options, counters.refused));

  api.get('/catalog', (_req, res) => {
    res.json(catalogJSON());
  });

  api.post('/query', async (req, res) => {
    const parsed = queryRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: `invalid query request: ${describeIssues(parsed.error)}` });
      return;
    }
    const range = {
      fromDay: dayOf(new Date(parsed.data.range.from)),
      toDay: dayOf(new Date(parsed.data.range.to)),
    };
    // No prototype: a refId of "__proto__" must become a key of the answer, not replace its prototype.
    const results: Record<string, QueryResult> = Object.create(null);
    const labels = new Map<string, string>();
    const refIds = parsed.data.queries
      .map((raw) => (raw as { refId?: unknown })?.refId)
      .filter((id) => typeof id === 'string');
    const duplicate = refIds.find((id, i) => refIds.indexOf(id) !== i);
    if (duplicate !== undefined) {
      res.status(400).json({
        error: `invalid query request: refId "${String(duplicate).slice(0, 64)}" is used by more than one query`,
      });
      return;
    }
    const asker = res.locals.asker as Asker;
    const runner = engineFor(asker);
    const items = parsed.data.queries.map((raw, index) => {
      const item = queryItemSchema.safeParse(raw);
      return {
        index,
        refId:
          typeof (raw as { refId?: unknown })?.refId === 'string'
            ? (raw as { refId: string }).refId.slice(0, 64) || `#${index}`
            : `#${index}`,
        item,
        // What this viewer may run of it (query/privacy/viewer.ts).
        viewed: item.success ? narrowForViewer(item.data, asker) : undefined,
      };
    });
    // Tables of one shape (a row per team or person, a column per metric) are read in one pass.
    const shared = await runner.shareTotals(
      items.flatMap(({ viewed }) => (viewed && 'query' in viewed ? [viewed.query] : [])),
      range,
    );
    for (const { index, refId, item, viewed } of items) {
      if (!item.success || !viewed) {
        results[refId] = { error: describeIssues(item.error!, `queries[${index}]`), status: 400 };
        continue;
      }
      if ('refused' in viewed) {
        counters.narrowed?.inc({ outcome: 'refused' });
        const metric = METRIC_INFO.get(item.data.metric);
        results[refId] = metric
          ? {
              frames: [
                unavailableFrame({
                  refId,
                  metric,
                  reason: 'identity',
                  mode: asker.policy,
                  text: viewed.refused,
                }),
              ],
            }
          : { error: `unknown metric "${item.data.metric}"; GET /api/v1/catalog lists them`, status: 400 };
        continue;
      }
      if (viewed.narrowed) counters.narrowed?.inc({ outcome: 'own-row' });
      try {
        results[refId] = { frames: await runner.run(viewed.query, range, labels, shared) };
      } catch (error) {
        if (error instanceof QueryError) results[refId] = { error: error.message, status: error.status };
        else {
          logger.error({ err: (error as Error).message, refId, metric: item.data.metric }, 'query failed');
          results[refId] = {
            error: 'internal error while running this query; see the ingester log',
            status: 500,
          };
        }
      }
    }
    res.json({ results } satisfies QueryResponse);
  });

  api.get('/dimensions/:dimension/values', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const day = (name: string) => {
      const value = text(name);
      if (value === undefined || value === '') return undefined;
      const parsed = parseDay(value.slice(0, 10));
      if (parsed === undefined)
        throw new QueryError(`${name} must be a date as YYYY-MM-DD (got "${value.slice(0, 40)}")`);
      return parsed;
    };
    const scopeText = text('scope');
    const scopeIds = scopeText
      ? [(await engine.resolveScope(scopeText)).id]
      : (await engine.scopes()).map((s) => s.id);
    // A viewer who does not see everyone finds only themselves among the people: their own login is
    // searched for (the list is bounded, so it could otherwise stop before them), if it contains the search.
    const { policy, viewer } = res.locals.asker as Asker;
    const own = viewer?.login.toLowerCase() ?? '';
    const search = text('search')?.slice(0, 200);
    const ownOnly = req.params.dimension === 'user' && policy === 'identity' && !viewer?.seesEveryone;
    const values = await dimensionValues(reader, String(req.params.dimension), {
      scopeIds,
      fromDay: day('from') ?? -1e7,
      toDay: day('to') ?? 1e7,
      search: ownOnly ? own : search,
    });
    res.json({
      values: ownOnly
        ? values.filter(
            (v) => own && v.value.toLowerCase() === own && own.includes((search ?? '').toLowerCase()),
          )
        : values,
    } satisfies DimensionValuesResponse);
  });

  api.get('/annotations', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const instant = (name: string): number => {
      const value = query[name];
      const ms = typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : Date.parse(value)) : NaN;
      // Date.parse rolls 2026-02-30 over to March; a real day must read back as itself.
      const day =
        typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? parseDay(value.slice(0, 10)) : 0;
      if (
        day === undefined ||
        !Number.isFinite(ms) ||
        ms < Date.UTC(2000, 0, 1) ||
        ms > Date.UTC(2100, 0, 1)
      ) {
        throw new QueryError(`${name} must be an ISO date or epoch milliseconds between 2000 and 2100`);
      }
      return dayOf(new Date(ms));
    };
    const fromDay = instant('from');
    const toDay = instant('to');
    if (fromDay > toDay) throw new QueryError('from is after to');
    if (toDay - fromDay > MAX_RANGE_DAYS)
      throw new QueryError(`the range spans more than ${MAX_RANGE_DAYS} days`);
    const scopeText = typeof query.scope === 'string' && query.scope !== '' ? query.scope : undefined;
    const known = await engine.scopes();
    const scopes = scopeText ? [(await engine.resolveScope(scopeText)).id] : known.map((s) => s.id);
    res.json({
      annotations: await annotations(reader, {
        scopes: known.filter((s) => scopes.includes(s.id)),
        fromDay,
        toDay,
        today: dayOf(now()),
        backfillDays: options.backfillDays,
        refetchDays: options.refetchDays ?? 3,
        holidays: options.calendar?.holidays,
      }),
    } satisfies AnnotationsResponse);
  });

  api.get('/access', (req, res) => {
    const { policy, viewer } = res.locals.asker as Asker;
    res.json({
      policy,
      idToken: req.get('x-grafana-id') !== undefined,
      viewer: viewer ? { login: viewer.login, role: viewer.role, seesEveryone: viewer.seesEveryone } : null,
    } satisfies AccessStatus);
  });

  api.get('/sync/status', async (_req, res) => {
    const report = await coverage(reader, {
      scopes: options.scopes,
      today: dayOf(now()),
      backfillDays: options.backfillDays,
    });
    res.json({ running: options.sync?.isRunning ?? false, ...report } satisfies SyncStatus);
  });

  api.use((_req, res) => {
    res.status(404).json({ error: 'no such API route; see GET /api/v1/catalog and the README' });
  });
  app.use('/api/v1', api);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found; the API lives under /api/v1, plus /api/health and /metrics' });
  });

  // Body-parser and route errors: client mistakes get 4xx with the reason; anything else is logged.
  app.use(
    (error: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      void next;
      if (error instanceof QueryError) {
        res.status(error.status).json({ error: error.message });
        return;
      }
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      if (status === 500) logger.error({ err: error.message }, 'request failed');
      const message =
        error.type === 'entity.too.large'
          ? `request body larger than ${BODY_LIMIT}`
          : error.type === 'entity.parse.failed'
            ? 'request body is not valid JSON'
            : status === 500
              ? 'internal error; see the ingester log'
              : error.message;
      res.status(status).json({ error: message });
    },
  );
  return app;
}

/**
 * Who is asking: the viewer Grafana's ID token (X-Grafana-Id) proves, in `res.locals.asker`. With
 * ACCESS_POLICY=identity a request without a valid token is refused (fail closed), counted in
 * /metrics and logged without its body; with `open`, a valid token only lets `@me` name the viewer.
 */
function identify(options: ApiOptions, refused?: Counter) {
  const access = options.access ?? OPEN_ACCESS;
  const verifier = access.grafanaUrl
    ? new IdentityVerifier({ ...access, grafanaUrl: access.grafanaUrl }, options.keyRefetchCooldownMs)
    : undefined;
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('x-grafana-id');
    if (!verifier || (access.policy === 'open' && !header)) {
      res.locals.asker = { policy: access.policy } satisfies Asker;
      return next();
    }
    try {
      const viewer = await verifier.verify(header);
      // Pseudonymous mode: the viewer's rows are under their pseudonym; none found matches nothing.
      const login = options.rowLoginOf ? ((await options.rowLoginOf(viewer.login)) ?? '') : viewer.login;
      res.locals.asker = { policy: access.policy, viewer: { ...viewer, login } } satisfies Asker;
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      if (access.policy === 'open') {
        // Open policy: a token that does not verify only means the viewer is unknown.
        res.locals.asker = { policy: 'open' } satisfies Asker;
        return next();
      }
      refused?.inc({ reason: error.reason });
      options.logger.warn(
        { reason: error.reason, method: req.method, path: req.path },
        'request refused: no verified viewer',
      );
      res.status(error.status).json({ error: error.message });
      return;
    }
    next();
  };
}

/**
 * Requests ACCESS_POLICY=identity refused or narrowed, in /metrics (no query body, no login). Apps
 * sharing one registry (tests start several) share the counters.
 */
function accessCounters(registry: Registry | undefined): { refused?: Counter; narrowed?: Counter } {
  if (!registry) return {};
  const counter = (name: string, help: string, label: string) =>
    (registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help, labelNames: [label], registers: [registry] });
  return {
    refused: counter(
      'copilot_metrics_ingester_access_refused_total',
      'API requests refused by ACCESS_POLICY=identity, by reason (missing, expired, claim-aud, claim-iss, not-a-user, invalid, unknown-key, keys-unavailable, no-login).',
      'reason',
    ),
    narrowed: counter(
      'copilot_metrics_ingester_access_narrowed_total',
      "Queries kept to the viewer's own row (ACCESS_POLICY=identity, a viewer who does not see everyone), and queries of people refused to them.",
      'outcome',
    ),
  };
}
