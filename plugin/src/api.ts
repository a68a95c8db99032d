/**
 * The one place that talks to the ingester. Every call goes through Grafana's data source proxy:
 * `<instance url>/ingester/...` is forwarded to the `ingester` route of plugin.json, which adds the
 * API token from secureJsonData. So the token never reaches the browser and CORS does not apply.
 */
import type {
  AccessStatus,
  Annotation,
  AnnotationsResponse,
  CatalogMetricJSON,
  QueryResponse as ContractQueryResponse,
  QueryResult as ContractQueryResult,
  DimensionValue,
  DimensionValuesResponse,
  Health,
  QueryRequest,
  SyncStatus,
} from '@copilot-metrics/contract';
import type { DataFrameJSON } from '@grafana/data';
import { getBackendSrv, isFetchError, type BackendSrvRequest } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

//#region The ingester's requests and answers, as the plugin reads them

/**
 * A catalog entry as the plugin reads it: the contract's, with the ids kept as plain strings where an
 * ingester of another version may send ones this plugin does not know (dimensions, formats,
 * parameters, aggregations), and with `combinations`, `formats` and `parameters` optional, since older
 * ingesters leave them out (each check then falls back to the groupings, both formats and none).
 */
export interface CatalogMetric extends Omit<
  CatalogMetricJSON,
  'aggregation' | 'groupBy' | 'combinations' | 'formats' | 'parameters' | 'workdays'
> {
  aggregation: string;
  /** Groupings this metric supports, `none` included; filters are limited to the same dimensions. */
  groupBy: string[];
  /**
   * Sets of dimensions that can be used together (the grouping plus every filter). Not every pair of
   * groupings combines: GitHub has no breakdown by language and IDE together, for one.
   */
  combinations?: string[][];
  /** Formats the metric answers in (lists only as `table`). */
  formats?: string[];
  /** Query fields the metric takes besides the common ones, e.g. `seatActiveDays`. */
  parameters?: string[];
  /** What "working days only" does to this metric; absent from ingesters older than the option. */
  workdays?: string;
}

export interface Catalog {
  metrics: CatalogMetric[];
  dimensions: Array<{ id: string; description: string }>;
}

/** Narrows GET /api/v1/dimensions/:dimension/values; `from` and `to` are days (`YYYY-MM-DD`). */
export type DimensionValuesOptions = { scope?: string; from?: string; to?: string; search?: string };

/** The answer to POST /api/v1/query, with its frames read as @grafana/data's DataFrameJSON (the same JSON). */
export type QueryResponse = ContractQueryResponse<DataFrameJSON>;
export type QueryResult = ContractQueryResult<DataFrameJSON>;

//#endregion

/** A failed call, with what the person fixing it needs: the HTTP status and who answered. */
export class IngesterError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** True when the body was the ingester's own `{"error": ...}`, not the proxy's or another server's. */
    readonly fromIngester = false,
    /** True when Grafana dropped the request because a newer one with the same requestId started. */
    readonly cancelled = false,
    /** The answer's body, when there was one. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'IngesterError';
  }
}

export class IngesterApi {
  private catalogRequest?: Promise<Catalog>;

  /** @param baseUrl the proxy path of the `ingester` route: `<instanceSettings.url>/ingester`. */
  constructor(readonly baseUrl: string) {}

  /** The catalog changes only when the ingester is upgraded: fetched once per data source instance. */
  catalog(): Promise<Catalog> {
    this.catalogRequest ??= this.request<Catalog>({ url: '/api/v1/catalog' }).catch((error) => {
      this.catalogRequest = undefined;
      throw error;
    });
    return this.catalogRequest;
  }

  async dimensionValues(dimension: string, options: DimensionValuesOptions = {}): Promise<DimensionValue[]> {
    const answer = await this.request<DimensionValuesResponse>({
      url: `/api/v1/dimensions/${encodeURIComponent(dimension)}/values${queryString(options)}`,
    });
    return answer.values;
  }

  /** @param requestId lets Grafana cancel this call when the panel asks again before it is answered. */
  query(body: QueryRequest, requestId?: string): Promise<QueryResponse> {
    return this.request<QueryResponse>({ url: '/api/v1/query', method: 'POST', data: body, requestId });
  }

  async annotations(
    options: { scope?: string; from: number; to: number },
    requestId?: string,
  ): Promise<Annotation[]> {
    const answer = await this.request<AnnotationsResponse>({
      url: `/api/v1/annotations${queryString({ ...options, from: String(options.from), to: String(options.to) })}`,
      requestId,
    });
    return answer.annotations;
  }

  syncStatus(): Promise<SyncStatus> {
    return this.request<SyncStatus>({ url: '/api/v1/sync/status' });
  }

  health(): Promise<Health> {
    return this.request<Health>({ url: '/api/health' });
  }

  /** The access policy and the viewer the ingester sees; ingesters older than ACCESS_POLICY answer 404. */
  access(): Promise<AccessStatus> {
    return this.request<AccessStatus>({ url: '/api/v1/access' });
  }

  private async request<T>(options: BackendSrvRequest): Promise<T> {
    try {
      const response = await lastValueFrom(
        // Errors are shown where they belong (panel, query row, Save & test), not as a global toast.
        getBackendSrv().fetch<T>({ ...options, url: `${this.baseUrl}${options.url}`, showErrorAlert: false }),
      );
      return response.data;
    } catch (error) {
      throw toIngesterError(error);
    }
  }
}

function queryString(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => !!entry[1]);
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
}

function toIngesterError(error: unknown): IngesterError {
  if (error instanceof IngesterError) return error;
  if (isFetchError(error)) {
    if (error.cancelled) return new IngesterError('request cancelled', error.status, false, true);
    const data = error.data as { error?: unknown; message?: unknown } | string | undefined;
    if (data && typeof data === 'object' && typeof data.error === 'string') {
      return new IngesterError(data.error, error.status, true, false, data);
    }
    const detail = data && typeof data === 'object' && typeof data.message === 'string' ? data.message : '';
    const status = [error.status, error.statusText].filter(Boolean).join(' ');
    const message = detail && detail !== error.statusText ? `${status}: ${detail}` : status;
    return new IngesterError(message, error.status, false, false, data);
  }
  return new IngesterError(error instanceof Error ? error.message : String(error));
}
