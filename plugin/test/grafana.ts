/**
 * Stand-ins for the Grafana services a frontend data source uses, installed with Grafana's own
 * setters (setBackendSrv, setTemplateSrv), so the code under test runs unchanged; and the registries
 * Grafana fills at start-up.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ScopedVars,
  type TypedVariableModel,
  standardTransformers,
  standardTransformersRegistry,
} from '@grafana/data';
import {
  type BackendSrv,
  type BackendSrvRequest,
  type FetchResponse,
  type TemplateSrv,
  setBackendSrv,
  setTemplateSrv,
} from '@grafana/runtime';
import type { Dashboard } from '@grafana/schema';
import { defer, mergeMap, of, throwError } from 'rxjs';

/** The provisioned dashboards, as Grafana loads them from dashboards/json. */
export function provisionedDashboards(): { file: string; dashboard: Dashboard }[] {
  const dir = join(__dirname, '..', '..', 'dashboards', 'json');
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }));
}

export interface Call {
  url: string;
  method: string;
  data?: unknown;
  requestId?: string;
}

/** `cancel` answers as Grafana does when a newer request with the same requestId supersedes this one. */
export type Answer = { status?: number; statusText?: string; data: unknown } | 'cancel';

/** A backendSrv whose fetch answers from `answer`; every call is recorded in `calls`. */
export function installBackend(answer: (call: Call) => Answer | Promise<Answer>): { calls: Call[] } {
  const calls: Call[] = [];
  const fetch = <T>(options: BackendSrvRequest) =>
    defer(async () => {
      const call: Call = {
        url: options.url,
        method: options.method ?? 'GET',
        data: options.data,
        requestId: options.requestId,
      };
      calls.push(call);
      return answer(call);
    }).pipe(
      // Like Grafana's fetch: a non-2xx answer or a cancellation fails the observable with a FetchError.
      mergeMap((result) => {
        if (result === 'cancel') {
          return throwError(() => ({
            cancelled: true,
            status: -1,
            statusText: 'Request was aborted',
            data: null,
            config: options,
          }));
        }
        const status = result.status ?? 200;
        if (status >= 400) {
          return throwError(() => ({
            status,
            statusText: result.statusText ?? '',
            data: result.data,
            config: options,
          }));
        }
        return of({
          status,
          ok: true,
          data: result.data as T,
          config: options,
        } as unknown as FetchResponse<T>);
      }),
    );
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return { calls };
}

/**
 * A templateSrv with the dashboard's variables (arrays for multi-value ones). Like Grafana, a format
 * function receives the raw value, and without one a multi-value variable becomes `{a,b}`.
 */
export function installVariables(variables: Record<string, string | string[]> = {}): void {
  const valueOf = (name: string, scopedVars?: ScopedVars) => scopedVars?.[name]?.value ?? variables[name];
  const templateSrv: TemplateSrv = {
    getVariables: () =>
      Object.keys(variables).map((name) => ({ name, type: 'custom' }) as TypedVariableModel),
    containsTemplate: (target) => !!target && /\$\w+|\$\{\w+\}/.test(target),
    updateTimeRange: () => undefined,
    replace: (target, scopedVars, format) =>
      (target ?? '').replace(/\$(\w+)|\$\{(\w+)\}/g, (match, plain?: string, braced?: string) => {
        const value = valueOf((plain ?? braced)!, scopedVars);
        if (value === undefined) return match;
        if (typeof format === 'function') return format(value);
        return Array.isArray(value) ? `{${value.join(',')}}` : String(value);
      }),
  };
  setTemplateSrv(templateSrv);
}

/** The transformations of @grafana/data, registered as Grafana registers them at start-up. */
export function installTransformers(): void {
  // standardTransformers lists some transformers twice.
  const transformers = new Map(Object.values(standardTransformers).map((t) => [t.id, t]));
  standardTransformersRegistry.setInit(() =>
    [...transformers.values()].map((transformer) => ({
      id: transformer.id,
      aliasIds: transformer.aliasIds,
      name: transformer.name,
      description: transformer.description,
      transformation: () => Promise.resolve(transformer),
      editor: () => null,
      imageDark: '',
      imageLight: '',
    })),
  );
}
