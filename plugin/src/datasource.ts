import {
  type CoreApp,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  DataSourceApi,
  type DataSourceInstanceSettings,
  FieldType,
  type ScopedVars,
  type TestDataSourceResponse,
  createDataFrame,
  dataFrameFromJSON,
} from '@grafana/data';
import { IngesterApi, IngesterError, type Health, type QueryItem, type SyncStatus } from './api';
import { copilotAnnotations } from './annotations';
import { InvalidQueryError, interpolateFilters, interpolateOne, interpolateQuery } from './templating';
import {
  type CopilotDataSourceOptions,
  type CopilotQuery,
  type CopilotVariableQuery,
  DEFAULT_QUERY,
  FORMATS,
  INTERVALS,
  LIMIT_RANGE,
  SEAT_ACTIVE_DAYS_RANGE,
} from './types';
import { CopilotVariableSupport } from './variables';

export class DataSource extends DataSourceApi<CopilotQuery, CopilotDataSourceOptions> {
  readonly api: IngesterApi;
  readonly ingesterUrl?: string;
  readonly defaultScope?: string;

  constructor(instanceSettings: DataSourceInstanceSettings<CopilotDataSourceOptions>) {
    super(instanceSettings);
    this.api = new IngesterApi(`${instanceSettings.url}/ingester`);
    this.ingesterUrl = instanceSettings.jsonData.ingesterUrl || undefined;
    this.defaultScope = instanceSettings.jsonData.defaultScope || undefined;
    this.variables = new CopilotVariableSupport(this);
    this.annotations = copilotAnnotations;
  }

  override getDefaultQuery(_app: CoreApp): Partial<CopilotQuery> {
    return DEFAULT_QUERY;
  }

  // Only run queries that can run: a metric query needs a metric.
  override filterQuery(query: CopilotQuery): boolean {
    return !query.hide && (query.queryType === 'annotations' || !!query.metric);
  }

  applyTemplateVariables(query: CopilotQuery, scopedVars: ScopedVars): CopilotQuery {
    return interpolateQuery(query, scopedVars);
  }

  override interpolateVariablesInQueries(queries: CopilotQuery[], scopedVars: ScopedVars): CopilotQuery[] {
    return queries.map((query) => interpolateQuery(query, scopedVars));
  }

  override getQueryDisplayText(query: CopilotQuery): string {
    if (query.queryType === 'annotations') return `Sync gaps${query.scope ? ` of ${query.scope}` : ''}`;
    const by = query.groupBy && query.groupBy !== 'none' ? ` by ${query.groupBy}` : '';
    return `${query.metric ?? ''}${by}${query.scope ? ` in ${query.scope}` : ''}`;
  }

  /**
   * All of a panel's metric queries go to the ingester in one request, with the dashboard's range.
   * A query the ingester refuses comes back as an error for that refId only, so the other queries of
   * the panel still draw.
   *
   * A query the ingester's privacy mode does not answer (PRIVACY_MODE=aggregate keeps no per-person
   * figures) is not refused: its answer is a frame without fields whose info notice says why. It stays
   * a frame, notices and all. Grafana shows the notice on the panel header and the query row, and the
   * panel's "No value" text where it would say "No data"; as an error it would paint the panel red.
   */
  override async query(request: DataQueryRequest<CopilotQuery>): Promise<DataQueryResponse> {
    const targets = request.targets.filter((target) => this.filterQuery(target));
    const errors: DataQueryError[] = [];
    const items: QueryItem[] = [];
    for (const target of targets.filter((t) => t.queryType !== 'annotations')) {
      try {
        items.push(this.toQueryItem(target, request.scopedVars));
      } catch (error) {
        if (!(error instanceof InvalidQueryError)) throw error;
        errors.push({ refId: target.refId, message: error.message, status: 400 });
      }
    }
    try {
      const [frames, annotationFrames] = await Promise.all([
        this.runMetrics(items, request, errors),
        Promise.all(
          targets
            .filter((t) => t.queryType === 'annotations')
            .map((target) => this.runAnnotations(target, request)),
        ),
      ]);
      return { data: [...frames, ...annotationFrames], errors };
    } catch (error) {
      // Superseded by a newer request of the same panel: nobody is waiting for this answer.
      if (error instanceof IngesterError && error.cancelled) return { data: [] };
      throw error instanceof IngesterError ? new Error(describeFailure(error, this.ingesterUrl)) : error;
    }
  }

  /** Values of a dimension for a template variable, within the dashboard's range. */
  async variableValues(query: CopilotVariableQuery, request: DataQueryRequest<CopilotVariableQuery>) {
    if (!query?.dimension) return [];
    return this.api.dimensionValues(query.dimension, {
      scope: interpolateOne('scope', query.scope, request.scopedVars),
      search: interpolateOne('search', query.search, request.scopedVars),
      from: request.range?.from.toISOString().slice(0, 10),
      to: request.range?.to.toISOString().slice(0, 10),
    });
  }

  /** The query as the ingester's strict schema wants it: variables replaced, values checked, no extra keys. */
  toQueryItem(query: CopilotQuery, scopedVars?: ScopedVars): QueryItem {
    const one = (field: string, text: string | undefined) => interpolateOne(field, text, scopedVars);
    const metric = one('metric', query.metric);
    if (!metric) throw new InvalidQueryError('choose a metric');
    const interval = one('interval', query.interval) ?? 'day';
    if (!(INTERVALS as readonly string[]).includes(interval)) {
      throw new InvalidQueryError(`interval must be ${INTERVALS.join(', ')} (got "${interval}")`);
    }
    const format = one('format', query.format) ?? 'time_series';
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new InvalidQueryError(`format must be ${FORMATS.join(' or ')} (got "${format}")`);
    }
    const limitText = one('limit', query.limit === undefined ? undefined : String(query.limit));
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (
      limit !== undefined &&
      !(Number.isInteger(limit) && limit >= LIMIT_RANGE.min && limit <= LIMIT_RANGE.max)
    ) {
      throw new InvalidQueryError(
        `limit must be a whole number from ${LIMIT_RANGE.min} to ${LIMIT_RANGE.max} (got "${limitText}")`,
      );
    }
    const activeText = one(
      'seat active days',
      query.seatActiveDays === undefined ? undefined : String(query.seatActiveDays),
    );
    const seatActiveDays = activeText === undefined ? undefined : Number(activeText);
    const { min, max } = SEAT_ACTIVE_DAYS_RANGE;
    if (
      seatActiveDays !== undefined &&
      !(Number.isInteger(seatActiveDays) && seatActiveDays >= min && seatActiveDays <= max)
    ) {
      throw new InvalidQueryError(
        `seat active days must be a whole number from ${min} to ${max} (got "${activeText}")`,
      );
    }
    const scope = one('scope', query.scope) ?? this.defaultScope;
    const groupBy = one('group by', query.groupBy) ?? 'none';
    const filters = interpolateFilters(query.filters, scopedVars);
    return {
      refId: query.refId,
      ...(scope ? { scope } : {}),
      metric,
      groupBy,
      filters,
      interval,
      format,
      ...(limit !== undefined ? { limit, others: !!query.others } : {}),
      // The ingester refuses it on metrics that do not take it: only a value the query sets is sent.
      ...(seatActiveDays !== undefined ? { seatActiveDays } : {}),
    };
  }

  private async runMetrics(
    items: QueryItem[],
    request: DataQueryRequest<CopilotQuery>,
    errors: DataQueryError[],
  ): Promise<DataFrame[]> {
    if (!items.length) return [];
    const { results } = await this.api.query(
      {
        range: { from: request.range.from.toISOString(), to: request.range.to.toISOString() },
        queries: items,
      },
      request.requestId,
    );
    const frames: DataFrame[] = [];
    for (const { refId } of items) {
      const result = results[refId];
      if (!result) errors.push({ refId, message: 'the ingester returned no result for this query' });
      else if ('error' in result) errors.push({ refId, message: result.error, status: result.status });
      else frames.push(...result.frames.map((frame) => dataFrameFromJSON(frame)));
    }
    return frames;
  }

  /** One frame of marked periods; `annotations.processEvents` turns its rows into events. */
  private async runAnnotations(
    query: CopilotQuery,
    request: DataQueryRequest<CopilotQuery>,
  ): Promise<DataFrame> {
    const scope = interpolateOne('scope', query.scope, request.scopedVars) ?? this.defaultScope;
    const all = await this.api.annotations(
      { scope, from: request.range.from.valueOf(), to: request.range.to.valueOf() },
      request.requestId && `${request.requestId}-annotations`,
    );
    const kinds = query.annotationKinds ?? [];
    const shown = kinds.length
      ? all.filter((a) => a.tags.some((tag) => (kinds as string[]).includes(tag)))
      : all;
    return createDataFrame({
      refId: query.refId,
      name: 'Copilot metrics sync',
      fields: [
        { name: 'time', type: FieldType.time, values: shown.map((a) => a.time) },
        { name: 'timeEnd', type: FieldType.time, values: shown.map((a) => a.timeEnd) },
        { name: 'title', type: FieldType.string, values: shown.map((a) => a.title) },
        { name: 'text', type: FieldType.string, values: shown.map((a) => a.text) },
        { name: 'tags', type: FieldType.other, values: shown.map((a) => a.tags) },
        { name: 'scope', type: FieldType.string, values: shown.map((a) => a.scope) },
        { name: 'report', type: FieldType.string, values: shown.map((a) => a.report) },
      ],
    });
  }

  /**
   * "Save & test", through the same proxy route as the queries: is the ingester reachable, is the token
   * accepted, which scopes have data up to which day, and did the last sync fail. Each message says
   * what to fix.
   */
  override async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.ingesterUrl) {
      return failure(
        'Set the ingester URL: where the Grafana server reaches the ingester, e.g. http://ingester:8080.',
      );
    }
    let health: Health;
    try {
      health = await this.api.health();
    } catch (error) {
      const down = error instanceof IngesterError && error.status === 503 && databaseError(error.body);
      if (down)
        return failure(
          `The ingester at ${this.ingesterUrl} is running, but its database is unavailable: ${down}`,
        );
      return failure(unreachable(error, this.ingesterUrl));
    }
    if (!health || typeof health !== 'object' || !('database' in health)) {
      return failure(
        `${this.ingesterUrl} answers, but not like the Copilot metrics ingester (GET /api/health has no database status). Check the ingester URL.`,
      );
    }
    let status: SyncStatus;
    try {
      status = await this.api.syncStatus();
    } catch (error) {
      return failure(describeFailure(error, this.ingesterUrl));
    }
    return summarize(status);
  }
}

//#region Save & test messages

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

/** Why a request failed, phrased as what to fix. */
function describeFailure(error: unknown, url: string | undefined): string {
  if (!(error instanceof IngesterError)) return error instanceof Error ? error.message : String(error);
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

//#endregion
