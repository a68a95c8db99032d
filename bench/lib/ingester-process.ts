/**
 * The ingester as `serve` runs it: one process with the writer (sync) and a reader connection behind
 * the HTTP API, but with a fixed "now" and syncs started on request. Forked by processes.ts; the
 * parent sends { sync: SyncRequestJSON } and gets { synced: summary } back.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  createApp,
  GitHubClient,
  keepConnections,
  openDatabase,
  openSqliteReader,
  PostgresReader,
  PostgresStore,
  type ReportKind,
  runSync,
  type Scope,
  silentLogger,
  StaticToken,
  Store,
  type SyncSettings,
} from '@copilot-metrics/ingester';
import { NOW } from './fixtures';

export interface IngesterProcessOptions {
  database: string;
  simulatorUrl?: string;
  scopes: Scope[];
}

export interface SyncMessage {
  sync: {
    settings: SyncSettings;
    from?: number;
    to?: number;
    force?: boolean;
    kinds?: ReportKind[];
    scopes?: Scope[];
  };
}

async function main() {
  const options = JSON.parse(process.argv[2]) as IngesterProcessOptions;
  // A PostgreSQL connection string, or a SQLite file.
  const postgres = /^postgres(ql)?:\/\//.test(options.database);
  const writer = postgres ? undefined : openDatabase(options.database);
  const store = writer ? new Store(writer) : await PostgresStore.open(options.database);
  const reader = postgres
    ? new PostgresReader({ url: options.database })
    : openSqliteReader(options.database);
  const app = createApp({
    reader,
    logger: silentLogger,
    scopes: options.scopes,
    backfillDays: 365,
    now: () => NOW,
  });
  // With serve's keep-alive: Node's default (5 s) closes connections that a busy event loop has not
  // read from yet, and clients see resets.
  const server = keepConnections(app.listen(0, '127.0.0.1'));
  await once(server, 'listening');
  const client =
    options.simulatorUrl === undefined
      ? undefined
      : new GitHubClient({
          apiUrl: options.simulatorUrl,
          auth: new StaticToken('bench'),
          logger: silentLogger,
        });
  process.on('message', (message: SyncMessage) => {
    if (!client) throw new Error('no simulator to sync from');
    runSync(
      { store, client, logger: silentLogger },
      { scopes: options.scopes, trigger: 'bench', now: NOW, ...message.sync },
    ).then(
      (summary) => process.send!({ synced: summary }),
      (error: Error) => process.send!({ error: error.message }),
    );
  });
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  process.once('disconnect', () => {
    server.closeAllConnections();
    server.close();
    void reader.close();
    writer?.close();
    if (store instanceof PostgresStore) void store.close().finally(() => process.exit(0));
    else process.exit(0);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
