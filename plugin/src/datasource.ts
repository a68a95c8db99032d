/**
 * The data source Grafana talks to: each method below implements one of DataSourceApi's, and hands
 * the work to the module that owns it (queryItem, annotations, variables, diagnosis, api).
 */
import type { DimensionValue, QueryItemInput } from '@copilot-metrics/contract';
import {
  type CoreApp,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  DataSourceApi,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TestDataSourceResponse,
  dataFrameFromJSON,
} from '@grafana/data';
import { type Catalog, type DimensionValuesOptions, IngesterApi, IngesterError } from './api';
import { annotationsFrame, copilotAnnotations } from './annotations';
import type { EditorDataSource } from './components/editor';
import { describeFailure, testIngester } from './diagnosis';
import { toQueryItem } from './queryItem';
import { InvalidQueryError, interpolateOne, interpolateQuery } from './templating';
import {
  ANNOTATION_KIND_OPTIONS,
  type AnnotationsQuery,
  type CopilotDataSourceOptions,
  type CopilotQuery,
  DEFAULT_QUERY,
  isAnnotationsQuery,
  isMetricsQuery,
  type MetricsQuery,
} from './types';
import { CopilotVariableSupport } from './variables';

export class DataSource
  extends DataSourceApi<CopilotQuery, CopilotDataSourceOptions>
  implements EditorDataSource
{
  private readonly api: IngesterApi;
  private readonly ingesterUrl?: string;
  readonly defaultScope?: string;

  constructor(instanceSettings: DataSourceInstanceSettings<CopilotDataSourceOptions>) {
    super(instanceSettings);
    this.api = new IngesterApi(`${instanceSettings.url}/ingester`);
    this.ingesterUrl = instanceSettings.jsonData.ingesterUrl || undefined;
    this.defaultScope = instanceSettings.jsonData.defaultScope || undefined;
    this.variables = new CopilotVariableSupport(this);
    this.annotations = copilotAnnotations;
  }

  override getDefaultQuery(_app: CoreApp): Partial<MetricsQuery> {
    return DEFAULT_QUERY;
  }

  // Only run queries that can run: a metric query needs a metric.
  override filterQuery(query: CopilotQuery): boolean {
    return !query.hide && (isAnnotationsQuery(query) || !!query.metric);
  }

  applyTemplateVariables(query: CopilotQuery, scopedVars: ScopedVars): CopilotQuery {
    return interpolateQuery(query, scopedVars);
  }

  override interpolateVariablesInQueries(queries: CopilotQuery[], scopedVars: ScopedVars): CopilotQuery[] {
    return queries.map((query) => interpolateQuery(query, scopedVars));
  }

  override getQueryDisplayText(query: CopilotQuery): string {
    if (isAnnotationsQuery(query)) {
      const kinds = ANNOTATION_KIND_OPTIONS.filter((kind) => query.annotationKinds?.includes(kind.value));
      const marked = kinds.length ? kinds.map((kind) => kind.label).join(', ') : 'Sync gaps and holidays';
      return `${marked}${query.scope ? ` of ${query.scope}` : ''}`;
    }
    const by = query.groupBy && query.groupBy !== 'none' ? ` by ${query.groupBy}` : '';
    const days =
      query.days && query.days !== 'all'
        ? `, ${query.days === 'workdays' ? 'working days' : query.days}`
        : '';
    return `${query.metric ?? ''}${by}${query.scope ? ` in ${query.scope}` : ''}${days}`;
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
    const items: QueryItemInput[] = [];
    for (const target of targets.filter(isMetricsQuery)) {
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
        Promise.all(targets.filter(isAnnotationsQuery).map((target) => this.runAnnotations(target, request))),
      ]);
      return { data: [...frames, ...annotationFrames], errors };
    } catch (error) {
      // Superseded by a newer request of the same panel: nobody is waiting for this answer.
      if (error instanceof IngesterError && error.cancelled) return { data: [] };
      throw error instanceof IngesterError ? new Error(describeFailure(error, this.ingesterUrl)) : error;
    }
  }

  /** The query as the ingester's strict schema wants it, a query without a scope reading the default one. */
  toQueryItem(query: MetricsQuery, scopedVars?: ScopedVars): QueryItemInput {
    return toQueryItem(query, scopedVars, this.defaultScope);
  }

  /** For the editors (EditorDataSource): fetched once per data source instance. */
  catalog(): Promise<Catalog> {
    return this.api.catalog();
  }

  /** For the editors and template variables (EditorDataSource). */
  dimensionValues(dimension: string, options?: DimensionValuesOptions): Promise<DimensionValue[]> {
    return this.api.dimensionValues(dimension, options);
  }

  /** "Save & test": reachable, token accepted, which scopes have data; see diagnosis.ts. */
  override testDatasource(): Promise<TestDataSourceResponse> {
    return testIngester(this.api, this.ingesterUrl);
  }

  private async runMetrics(
    items: QueryItemInput[],
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

  private async runAnnotations(
    query: AnnotationsQuery,
    request: DataQueryRequest<CopilotQuery>,
  ): Promise<DataFrame> {
    const scope = interpolateOne('scope', query.scope, request.scopedVars) ?? this.defaultScope;
    const annotations = await this.api.annotations(
      { scope, from: request.range.from.valueOf(), to: request.range.to.valueOf() },
      request.requestId && `${request.requestId}-annotations`,
    );
    return annotationsFrame(query, annotations);
  }
}
