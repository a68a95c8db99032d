/**
 * Wires configuration into the parts: database, writer, GitHub client (or the in-process simulator
 * in demo mode) and sync settings. Commands build one of these and close it when done.
 */
import { type Config, ConfigError } from './config';
import { AppTokenProvider, StaticToken } from './github/auth';
import { GitHubClient, type TokenProvider } from './github/client';
import type { Logger } from './log';
import type { Scope } from './scopes';
import { SimulatorServer } from './simulator/server';
import { backgroundCheckpointsSettled } from './store/checkpoints';
import { type DB, openDatabaseWaiting } from './store/db';
import type { SyncStore } from './store/interface';
import { PostgresReader } from './store/postgres/reader';
import { PostgresStore } from './store/postgres/store';
import type { SqlReader } from './store/reader';
import { SqliteReader } from './store/sqliteReader';
import { enforcePrivacyMode } from './store/privacyMode';
import { Store } from './store/writer';

export interface Runtime {
  config: Config;
  db: DB;
  store: Store;
  reader(): SqlReader;
  client: GitHubClient;
  scopes: Scope[];
  simulator?: SimulatorServer;
  close(): Promise<void>;
}

/**
 * What `sync`, `status` and `reprocess` need: a writer of either engine (DATABASE_URL selects
 * PostgreSQL), a reader of the same database, and GitHub.
 */
export interface SyncRuntime {
  config: Config;
  store: SyncStore;
  /** Reads the database the store writes: SQLite's writer connection, or a small PostgreSQL pool opened on first use; closed with the runtime. */
  reader(): SqlReader;
  client: GitHubClient;
  scopes: Scope[];
  close(): Promise<void>;
}

/**
 * The runtime of `sync`: PostgreSQL when DATABASE_URL is set (migrated on opening, under its lock),
 * otherwise SQLite at DATABASE_PATH as `createRuntime` opens it.
 */
export async function createSyncRuntime(
  config: Config,
  logger: Logger,
  options: { signal?: AbortSignal } = {},
): Promise<SyncRuntime> {
  if (!config.databaseUrl) return createRuntime(config, logger, options);
  const store = await PostgresStore.open(config.databaseUrl, {
    privacy: config.privacy,
    onMigrated: (from, to) => logger.info({ from, to }, 'database schema migrated'),
  });
  let reader: PostgresReader | undefined;
  const url = config.databaseUrl;
  try {
    const github = await connectGitHub(config, logger);
    return {
      config,
      store,
      reader: () => (reader ??= new PostgresReader({ url, maxConnections: 2 })),
      ...github,
      async close() {
        await github.close();
        await reader?.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** `signal` (a shutdown) stops a wait for another process's migration. SQLite only (DATABASE_PATH). */
export async function createRuntime(
  config: Config,
  logger: Logger,
  options: { signal?: AbortSignal } = {},
): Promise<Runtime> {
  if (config.databaseUrl)
    throw new ConfigError([
      'createRuntime opens the SQLite database at DATABASE_PATH, and DATABASE_URL selects PostgreSQL: use createSyncRuntime, or unset DATABASE_URL.',
    ]);
  const db = await openDatabaseWaiting(config.databasePath, {
    signal: options.signal,
    onMigrated: (from, to) => logger.info({ from, to }, 'database schema migrated'),
  });
  try {
    enforcePrivacyMode(db, config.privacy, config.databasePath, { write: true });
  } catch (error) {
    db.close();
    throw error;
  }
  const store = new Store(db, config.privacy, logger);
  // On the writer's own connection: what it reads sees what it wrote. Not closed apart from it.
  const reader = new SqliteReader(db);
  try {
    const github = await connectGitHub(config, logger);
    return {
      config,
      db,
      store,
      reader: () => reader,
      ...github,
      async close() {
        await github.close();
        // The last report's log copied into the file first (see store/checkpoints.ts).
        await backgroundCheckpointsSettled();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The GitHub client (or, in demo mode, the in-process simulator and its scopes). */
async function connectGitHub(
  config: Config,
  logger: Logger,
): Promise<{ client: GitHubClient; scopes: Scope[]; simulator?: SimulatorServer; close(): Promise<void> }> {
  let simulator: SimulatorServer | undefined;
  let apiUrl = config.github.apiUrl;
  let scopes = config.scopes;
  let auth: TokenProvider;
  const auth_ = config.github.auth;
  if (auth_.type === 'demo') {
    simulator = new SimulatorServer({});
    apiUrl = await simulator.start();
    const { enterprise, orgs } = simulator.scopes;
    scopes = [
      { kind: 'enterprise', slug: enterprise },
      ...orgs.map((slug) => ({ kind: 'organization' as const, slug })),
    ];
    auth = new StaticToken('demo');
    logger.info(
      { simulator: apiUrl, scopes: scopes.map((s) => `${s.kind}:${s.slug}`) },
      'demo mode: syncing from the built-in GitHub simulator (set GITHUB_TOKEN for real data)',
    );
  } else if (auth_.type === 'token') {
    auth = new StaticToken(auth_.token);
  } else {
    // The provider calls GitHub through the client it authenticates; `client` exists by the first call.
    auth = new AppTokenProvider(
      auth_.appId,
      auth_.privateKey,
      (method, path, authorization) => client.call(method, path, { authorization }),
      auth_.installationId,
    );
  }
  const billingToken = config.github.billingToken;
  const client = new GitHubClient({
    apiUrl,
    auth,
    logger,
    ...(billingToken ? { billingAuth: new StaticToken(billingToken) } : {}),
  });
  return {
    client,
    scopes,
    simulator,
    async close() {
      await client.close();
      await simulator?.stop();
    },
  };
}
