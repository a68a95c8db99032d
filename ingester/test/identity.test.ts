/**
 * The verifier of Grafana's ID tokens (X-Grafana-Id), against a stand-in for Grafana's signing keys: a
 * local JWKS endpoint serving a generated ES256 key, tokens signed as Grafana signs them.
 */
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { IdentityError, IdentityVerifier, OPEN_ACCESS } from '../src/http/identity';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

let server: Server;
let grafanaUrl: string;
let current: KeyPair;
let published: JWK[] = [];
let keyFetches = 0;

async function publishedKey(pair: KeyPair, kid: string): Promise<JWK> {
  return { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
}

beforeAll(async () => {
  current = await generateKeyPair('ES256', { extractable: true });
  published = [await publishedKey(current, 'id-2026-12-es256')];
  server = createServer((req, res) => {
    if (req.url !== '/api/signing-keys/keys') {
      res.statusCode = 404;
      res.end();
      return;
    }
    keyFetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: published }));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  grafanaUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const verifier = (
  options: Partial<typeof OPEN_ACCESS> & { issuer?: string } = {},
  refetchCooldownMs?: number,
) =>
  new IdentityVerifier(
    {
      ...OPEN_ACCESS,
      policy: 'identity',
      grafanaUrl,
      issuer: 'https://grafana.example.com',
      ...options,
    },
    refetchCooldownMs,
  );

/** A token as Grafana 12.3+ signs it for a user of org 1. */
async function token(
  claims: JWTPayload = {},
  {
    key = current.privateKey,
    kid = 'id-2026-12-es256',
    expiresIn = '10m',
    issuer = 'https://grafana.example.com',
    audience = 'org:1',
  } = {},
): Promise<string> {
  return new SignJWT({
    type: 'user',
    username: 'octocat',
    role: 'Viewer',
    namespace: 'default',
    identifier: '7',
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'jwt', kid })
    .setIssuer(issuer)
    .setAudience([audience])
    .setSubject('user:7')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

async function refusal(promise: Promise<unknown>): Promise<IdentityError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IdentityError) return error;
    throw error;
  }
  throw new Error('the token was accepted');
}

test('a valid token of a member: their login and role; a member does not see everyone', async () => {
  expect(await verifier().verify(await token())).toEqual({
    login: 'octocat',
    role: 'Viewer',
    seesEveryone: false,
  });
});

test('an admin sees everyone (ACCESS_ALL_ROLE, default Admin), and so does a login in ACCESS_ALL_LOGINS', async () => {
  expect((await verifier().verify(await token({ role: 'Admin' }))).seesEveryone).toBe(true);
  expect((await verifier({ allRole: 'Editor' }).verify(await token({ role: 'Editor' }))).seesEveryone).toBe(
    true,
  );
  expect((await verifier().verify(await token({ role: 'Editor' }))).seesEveryone).toBe(false);
  expect(
    (await verifier({ allLogins: new Set(['octocat']) }).verify(await token({ username: 'OctoCat' })))
      .seesEveryone,
  ).toBe(true);
});

test.each([
  ['missing', async () => undefined, 401, 'missing', /no X-Grafana-Id ID token/],
  ['expired', async () => token({}, { expiresIn: '-5m' }), 401, 'expired', /has expired/],
  [
    'for another organization',
    async () => token({}, { audience: 'org:2' }),
    403,
    'claim-aud',
    /not for Grafana organization 1 \(GRAFANA_ORG_ID\)/,
  ],
  [
    'of another issuer',
    async () => token({}, { issuer: 'https://evil.example.com' }),
    403,
    'claim-iss',
    /not issued by https:\/\/grafana\.example\.com/,
  ],
  [
    'tampered (the payload changed after signing)',
    async () => {
      const [header, payload, signature] = (await token()).split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.role = 'Admin';
      return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    },
    401,
    'invalid',
    /not a valid ES256 token/,
  ],
  [
    'unsigned (alg none)',
    async () => {
      const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      return `${encode({ alg: 'none', typ: 'jwt' })}.${encode({ type: 'user', username: 'octocat', role: 'Admin', iss: 'https://grafana.example.com', aud: ['org:1'], iat: now, exp: now + 600 })}.`;
    },
    401,
    'invalid',
    /not a valid ES256 token/,
  ],
  [
    'HS256, with the public key as the HMAC secret',
    async () => {
      const secret = new TextEncoder().encode(JSON.stringify(published[0]));
      return new SignJWT({ type: 'user', username: 'octocat', role: 'Admin' })
        .setProtectedHeader({ alg: 'HS256', typ: 'jwt', kid: 'id-2026-12-es256' })
        .setIssuer('https://grafana.example.com')
        .setAudience(['org:1'])
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(secret);
    },
    401,
    'invalid',
    /not a valid ES256 token/,
  ],
  [
    'signed with a key Grafana does not publish',
    async () => token({}, { key: (await generateKeyPair('ES256')).privateKey, kid: 'id-2026-12-es256' }),
    401,
    'invalid',
    /not a valid ES256 token/,
  ],
  [
    'of a service account',
    async () => token({ type: 'service-account', username: 'sa-1' }),
    403,
    'not-a-user',
    /service-account, not a signed-in user/,
  ],
])('refused: %s', async (_what, make, status, reason, message) => {
  const error = await refusal(verifier().verify(await make()));
  expect({ status: error.status, reason: error.reason }).toEqual({ status, reason });
  expect(error.message).toMatch(message);
});

test('a token signed by a key rotated in after the keys were cached is verified after one refetch', async () => {
  const v = verifier({}, 0);
  await v.verify(await token());
  const before = keyFetches;
  const next = await generateKeyPair('ES256', { extractable: true });
  published = [await publishedKey(next, 'id-2027-01-es256'), ...published];
  try {
    const rotated = await token({}, { key: next.privateKey, kid: 'id-2027-01-es256' });
    expect((await v.verify(rotated)).login).toBe('octocat');
    expect(keyFetches).toBe(before + 1);
    // The previous key still verifies (Grafana keeps it for 30 days), without another fetch.
    await v.verify(await token());
    expect(keyFetches).toBe(before + 1);
  } finally {
    published = published.slice(1);
  }
});

test("Grafana's signing keys out of reach: refused, naming GRAFANA_URL", async () => {
  const v = new IdentityVerifier({ ...OPEN_ACCESS, policy: 'identity', grafanaUrl: 'http://127.0.0.1:9' });
  const error = await refusal(v.verify(await token()));
  expect(error.status).toBe(401);
  expect(error.message).toMatch(/GRAFANA_URL \(http:\/\/127\.0\.0\.1:9\/api\/signing-keys\/keys\)/);
});
