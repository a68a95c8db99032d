/**
 * Wires configuration into the parts: database, writer, GitHub client (or the in-process simulator
 * in demo mode) and sync settings. Commands build one of these and close it when done.
 */
import type { Config } from './config';
import { AppTokenProvider, StaticToken } from './github/auth';
import { GitHubClient, type TokenProvider } from './github/client';
import type { Logger } from './log';
import type { Scope } from './scopes';
import { SimulatorServer } from './simulator/server';
import { type DB, openDatabaseWaiting } from './store/db';
import { enforcePrivacyMode } from './store/privacyMode';
import { Store } from './store/writer';

export interface Runtime {
  config: Config;
  db: DB;
  store: Store;
  client: GitHubClient;
  scopes: Scope[];
  simulator?: SimulatorServer;
  close(): Promise<void>;
}

/** `signal` (a shutdown) stops a wait for another process's migration. */
export async function createRuntime(
  config: Config,
  logger: Logger,
  options: { signal?: AbortSignal } = {},
): Promise<Runtime> {
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
  const store = new Store(db, config.privacy);

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
    config,
    db,
    store,
    client,
    scopes,
    simulator,
    async close() {
      await client.close();
      await simulator?.stop();
      db.close();
    },
  };
}
