/** Starts the real HTTP API on loopback for tests, and posts queries to it with fetch. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, keepConnections, type ApiOptions } from '../http/app';
import { silentLogger } from '../log';
import type { SqlReader } from '../store/reader';
import { openSqliteReader } from '../store/sqliteReader';

export interface TestApi {
  url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The real HTTP API over the SQLite file at `databasePath`, on loopback. */
export function startApi(databasePath: string, options: Partial<ApiOptions> = {}): Promise<TestApi> {
  return serveApi(openSqliteReader(databasePath), options);
}

/** The real HTTP API over `reader` (either engine's; closed with the API), on loopback. */
export async function serveApi(reader: SqlReader, options: Partial<ApiOptions> = {}): Promise<TestApi> {
  const app = createApp({ reader, logger: silentLogger, scopes: [], backfillDays: 365, ...options });
  const server: Server = await new Promise((resolve) => {
    const s = keepConnections(app.listen(0, '127.0.0.1', () => resolve(s)));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url,
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path, headers) => call('GET', path, undefined, headers),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await reader.close();
    },
  };
}
