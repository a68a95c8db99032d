/**
 * A small stand-in for Grafana's data source proxy, installed as the backendSrv: a request to
 * `<data source url>/<route path>/...` goes to the route's URL with the route's headers, as Grafana
 * does with the `ingester` route of plugin.json, then the signed-in viewer's ID token (X-Grafana-Id)
 * when there is one. Errors come back in Grafana's FetchError shape.
 */
import { type BackendSrv, type BackendSrvRequest, type FetchResponse, setBackendSrv } from '@grafana/runtime';
import { from } from 'rxjs';
import plugin from '../src/plugin.json';

export interface ProxySettings {
  /** The data source's url in the browser: `/api/datasources/proxy/uid/<uid>`. */
  dataSourceUrl: string;
  /** jsonData.ingesterUrl */
  ingesterUrl: string;
  /** secureJsonData.apiToken; unset when the data source has no token saved. */
  apiToken?: string;
  /**
   * The viewer's ID token, asked for on every request (so a test can sign someone else in): Grafana
   * 12.3+ sets X-Grafana-Id after the route's headers (ApplyForwardIDHeader, pkg/api/pluginproxy/
   * ds_proxy.go), for a signed-in viewer only. Unset or undefined: an anonymous viewer.
   */
  idToken?: () => string | undefined;
}

/**
 * Fills a route template's `{{ .JsonData.x }}` and `{{ .SecureJsonData.x }}` like Grafana's Go
 * text/template does (pkg/api/pluginproxy/utils.go): a missing value prints "<no value>", unless piped
 * through Grafana's `orEmpty`, which prints "".
 */
export function fill(template: string, settings: ProxySettings): string {
  const values: Record<string, string | undefined> = {
    'JsonData.ingesterUrl': settings.ingesterUrl,
    'SecureJsonData.apiToken': settings.apiToken,
  };
  return template.replace(
    /\{\{\s*\.(\w+\.\w+)\s*(\|\s*orEmpty\s*)?\}\}/g,
    (_match, key: string, orEmpty?: string) => values[key] ?? (orEmpty ? '' : '<no value>'),
  );
}

export function installGrafanaProxy(settings: ProxySettings): { calls: string[] } {
  const calls: string[] = [];
  const fetchThroughProxy = async <T>(options: BackendSrvRequest): Promise<FetchResponse<T>> => {
    const route = plugin.routes.find((r) => options.url.startsWith(`${settings.dataSourceUrl}/${r.path}/`));
    if (!route)
      throw { status: 404, statusText: 'Not Found', data: { message: 'Not found' }, config: options };
    const target =
      fill(route.url, settings) + options.url.slice(`${settings.dataSourceUrl}/${route.path}`.length);
    calls.push(`${options.method ?? 'GET'} ${target}`);
    const headers = new Headers({ Accept: 'application/json' });
    for (const header of route.headers) headers.set(header.name, fill(header.content, settings));
    const idToken = settings.idToken?.();
    if (idToken) headers.set('X-Grafana-Id', idToken);
    if (options.data !== undefined) headers.set('Content-Type', 'application/json');
    let response: Response;
    try {
      response = await fetch(target, {
        method: options.method ?? 'GET',
        headers,
        body: options.data === undefined ? undefined : JSON.stringify(options.data),
      });
    } catch {
      // Grafana answers 502 when the route's URL cannot be reached.
      throw { status: 502, statusText: 'Bad Gateway', data: { message: 'Bad Gateway' }, config: options };
    }
    const text = await response.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON: keep the text, as Grafana's fetch does
    }
    if (!response.ok)
      throw { status: response.status, statusText: response.statusText, data, config: options };
    return {
      status: response.status,
      ok: true,
      data: data as T,
      config: options,
    } as unknown as FetchResponse<T>;
  };
  setBackendSrv({
    fetch: <T>(options: BackendSrvRequest) => from(fetchThroughProxy<T>(options)),
  } as unknown as BackendSrv);
  return { calls };
}
