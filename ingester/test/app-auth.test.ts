/** GitHub App authentication against the simulator over real HTTP: JWT, installation tokens, caching, errors. */
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { AppTokenProvider } from '../src/github/auth';
import { GitHubClient } from '../src/github/client';
import { GitHubError } from '../src/github/errors';
import { silentLogger } from '../src/log';
import type { SimulatorServer } from '../src/simulator/server';
import { startSimulator, testClient } from './helpers';

const APP_ID = '314159';
const REPORT_DAY = '2026-09-01';
const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

const orgReport = (org: string) =>
  `/orgs/${org}/copilot/metrics/reports/organization-1-day?day=${REPORT_DAY}`;
const enterpriseReport = (slug: string) =>
  `/enterprises/${slug}/copilot/metrics/reports/enterprise-1-day?day=${REPORT_DAY}`;

let simulator: SimulatorServer;
let clients: GitHubClient[];

beforeEach(async () => {
  // tokens: [] accepts no personal access token, so only installation tokens get through.
  simulator = await startSimulator({ tokens: [], app: { id: APP_ID, publicKey: app.publicKey } });
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await simulator.stop();
});

/** Wires a provider to a client the way runtime.ts does: the provider's own calls go through the client. */
function appClient(options: { key?: KeyObject; installationId?: number; now?: () => number } = {}) {
  const provider: AppTokenProvider = new AppTokenProvider(
    APP_ID,
    options.key ?? app.privateKey,
    // The client is created below; the provider only calls it later.
    (method, path, authorization) => client.call(method, path, { authorization }),
    options.installationId,
    options.now,
  );
  const client: GitHubClient = new GitHubClient({
    apiUrl: simulator.url,
    auth: provider,
    logger: silentLogger,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });
  clients.push(client);
  return { provider, client };
}

/** The App's installations by account login, read with a JWT signed here, independently of the provider. */
async function installationIds(): Promise<Map<string, number>> {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 30, exp: now + 300, iss: APP_ID })}`;
  const jwt = `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), app.privateKey).toString('base64url')}`;
  const client = testClient(simulator.url, jwt);
  try {
    const response = await client.call('GET', '/app/installations');
    expect(response.status).toBe(200);
    const list = response.body as { id: number; account: { login: string } }[];
    return new Map(list.map((item) => [item.account.login, item.id]));
  } finally {
    await client.close();
  }
}

const tokenExchanges = () =>
  simulator.requests.filter(
    (r) => r.method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(r.path),
  );
const installationListings = () =>
  simulator.requests.filter((r) => r.method === 'GET' && r.path === '/app/installations');

function decodeJwt(jwt: string) {
  const [header, payload, signature] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss: unknown;
      iat: number;
      exp: number;
    },
    signedPart: Buffer.from(`${header}.${payload}`),
    signature: Buffer.from(signature, 'base64url'),
  };
}

describe('the App JWT', () => {
  it('is an RS256 JWT from the App, issued 60 s in the past, expiring within 10 minutes, signed with its key', () => {
    const nowMs = Date.parse('2026-10-01T12:00:00.750Z');
    const nowSeconds = Math.floor(nowMs / 1000);
    const { provider } = appClient({ now: () => nowMs });
    const jwt = provider.appJwt();
    expect(jwt.split('.')).toHaveLength(3);
    const { header, claims, signedPart, signature } = decodeJwt(jwt);

    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(String(claims.iss)).toBe(APP_ID);
    expect(claims.iat).toBe(nowSeconds - 60);
    expect(claims.exp).toBeGreaterThan(nowSeconds);
    expect(claims.exp - nowSeconds).toBeLessThanOrEqual(10 * 60);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(10 * 60);

    expect(verify('RSA-SHA256', signedPart, app.publicKey, signature)).toBe(true);
    expect(verify('RSA-SHA256', signedPart, otherKey.publicKey, signature)).toBe(false);
  });
});

describe('installation tokens', () => {
  it('exchanges a JWT for a token of the configured installation, which the report endpoint accepts', async () => {
    const org = simulator.scopes.orgs[0];
    const installationId = (await installationIds()).get(org)!;
    expect(installationId).toEqual(expect.any(Number));
    // Control: with tokens: [] the simulator refuses a personal access token on the same endpoint.
    const patClient = testClient(simulator.url, 'ghp_personal_token');
    clients.push(patClient);
    expect((await patClient.call('GET', orgReport(org))).status).toBe(401);
    simulator.requests.length = 0;

    const { client } = appClient({ installationId });
    const response = await client.call('GET', orgReport(org), { account: org });

    expect(response.status).toBe(200);
    expect((response.body as { report_day: string }).report_day).toBe(REPORT_DAY);
    expect(tokenExchanges().map((r) => [r.path, r.status])).toEqual([
      [`/app/installations/${installationId}/access_tokens`, 201],
    ]);
    expect(installationListings()).toHaveLength(0);
  });

  it('finds the installation by organization login and enterprise slug, ignoring case', async () => {
    const ids = await installationIds();
    const org = simulator.scopes.orgs[1];
    const enterprise = simulator.scopes.enterprise;
    expect(org.toUpperCase()).not.toBe(org);
    expect(enterprise.toUpperCase()).not.toBe(enterprise);
    simulator.requests.length = 0;

    const { provider, client } = appClient();
    await provider.authorization(org.toUpperCase());
    await provider.authorization(enterprise.toUpperCase());

    expect(tokenExchanges().map((r) => r.path)).toEqual([
      `/app/installations/${ids.get(org)}/access_tokens`,
      `/app/installations/${ids.get(enterprise)}/access_tokens`,
    ]);
    expect(installationListings()).toHaveLength(1);

    expect((await client.call('GET', orgReport(org), { account: org })).status).toBe(200);
    expect((await client.call('GET', enterpriseReport(enterprise), { account: enterprise })).status).toBe(
      200,
    );
    // Both tokens were cached by the calls above; the report calls needed no new exchange or listing.
    expect(tokenExchanges()).toHaveLength(2);
    expect(installationListings()).toHaveLength(1);
  });

  it('keeps a separate token per installation', async () => {
    const [first, second] = simulator.scopes.orgs;
    const { provider } = appClient();
    const a = await provider.authorization(first);
    const b = await provider.authorization(second);
    expect(a).not.toBe(b);
    expect(await provider.authorization(first)).toBe(a);
    expect(await provider.authorization(second)).toBe(b);
  });
});

describe('token cache', () => {
  it('reuses a fresh token instead of exchanging again', async () => {
    const { provider } = appClient({
      installationId: (await installationIds()).get(simulator.scopes.orgs[0]),
    });
    simulator.requests.length = 0;
    const first = await provider.authorization();
    const second = await provider.authorization();
    expect(second).toBe(first);
    expect(tokenExchanges()).toHaveLength(1);
  });

  it('shares one exchange among concurrent callers', async () => {
    const { provider } = appClient({
      installationId: (await installationIds()).get(simulator.scopes.orgs[0]),
    });
    simulator.requests.length = 0;
    const headers = await Promise.all([
      provider.authorization(),
      provider.authorization(),
      provider.authorization(),
    ]);
    expect(new Set(headers).size).toBe(1);
    expect(tokenExchanges()).toHaveLength(1);
  });

  it('refreshes the token once it is within 5 minutes of expiry', async () => {
    const org = simulator.scopes.orgs[0];
    let offsetMs = 0;
    const { provider, client } = appClient({
      installationId: (await installationIds()).get(org),
      now: () => Date.now() + offsetMs,
    });
    simulator.requests.length = 0;

    const first = await provider.authorization();
    expect(tokenExchanges()).toHaveLength(1);

    // The simulator's tokens live one hour: at 54 minutes the token has 6 minutes left and is kept.
    offsetMs = 54 * 60_000;
    expect(await provider.authorization()).toBe(first);
    expect(tokenExchanges()).toHaveLength(1);

    // At 56 minutes it has 4 minutes left and is replaced.
    offsetMs = 56 * 60_000;
    const refreshed = await provider.authorization();
    expect(refreshed).not.toBe(first);
    expect(tokenExchanges()).toHaveLength(2);
    expect((await client.call('GET', orgReport(org), { authorization: refreshed })).status).toBe(200);
  });
});

describe('App errors', () => {
  async function rejection(promise: Promise<unknown>): Promise<GitHubError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(GitHubError);
    return error as GitHubError;
  }

  it('names an account the App is not installed on and says how to fix it', async () => {
    const { provider } = appClient();
    const error = await rejection(provider.authorization('not-our-org'));
    expect(error.message).toContain('"not-our-org"');
    expect(error.message).toMatch(/install it there/i);
    expect(error.message).toContain('GITHUB_APP_INSTALLATION_ID');
    // It also lists where the App is installed, to spot a typo.
    for (const org of simulator.scopes.orgs) expect(error.message).toContain(org);
    expect(error.transient).toBe(false);
    expect(tokenExchanges()).toHaveLength(0);
  });

  it('points at GITHUB_APP_ID and the private key when the key does not match the App (configured installation)', async () => {
    const installationId = (await installationIds()).get(simulator.scopes.orgs[0]);
    const { provider } = appClient({ key: otherKey.privateKey, installationId });
    const error = await rejection(provider.authorization());
    expect(error.message).toContain('GITHUB_APP_ID');
    expect(error.message).toMatch(/private key/i);
    expect(error.status).toBe(401);
    expect(error.transient).toBe(false);
    expect(tokenExchanges().map((r) => r.status)).toEqual([401]);
  });

  it('points at GITHUB_APP_ID and the private key when the key does not match the App (installation looked up)', async () => {
    const { provider } = appClient({ key: otherKey.privateKey });
    const error = await rejection(provider.authorization(simulator.scopes.orgs[0]));
    expect(error.message).toContain('GITHUB_APP_ID');
    expect(error.message).toMatch(/private key/i);
    expect(error.status).toBe(401);
    expect(installationListings().map((r) => r.status)).toEqual([401]);
  });

  it('does not cache a failed exchange', async () => {
    const { provider } = appClient({
      key: otherKey.privateKey,
      installationId: (await installationIds()).get(simulator.scopes.orgs[0]),
    });
    simulator.requests.length = 0;
    await rejection(provider.authorization());
    await rejection(provider.authorization());
    expect(tokenExchanges()).toHaveLength(2);
  });
});
