/**
 * A stand-in for Grafana's ID tokens (X-Grafana-Id): a signing key, its JWKS where Grafana publishes
 * it (`GET <root_url>/api/signing-keys/keys`, no authentication), and tokens signed the way Grafana
 * 12.3+ signs them for a signed-in user: ES256, a `kid`, `iss` = root_url, `aud` = ["org:<id>"], ten
 * minutes, `type: user`, `username` (the login) and `role`. Built on node:crypto, since this runs in
 * the plugin tests' jsdom environment, where the ingester's JOSE library would take its browser build.
 */
import { type KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GrafanaSigningKeys {
  /** Where the ingester fetches the keys: its GRAFANA_URL (and, here, also GRAFANA_ROOT_URL). */
  url: string;
  /** An ID token of a signed-in user, as Grafana's data source proxy forwards it. */
  idToken(viewer: { login: string; role?: 'Viewer' | 'Editor' | 'Admin'; orgId?: number }): string;
  stop(): Promise<void>;
}

const KEY_ID = 'id-2026-12-es256';

const base64url = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

function signToken(privateKey: KeyObject, claims: Record<string, unknown>): string {
  const input = `${base64url({ alg: 'ES256', typ: 'jwt', kid: KEY_ID })}.${base64url(claims)}`;
  // JWS wants the raw r || s signature (IEEE P1363), not DER.
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${base64url(signature)}`;
}

export async function startGrafanaSigningKeys(): Promise<GrafanaSigningKeys> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'ES256', use: 'sig' };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/api/signing-keys/keys') {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    idToken({ login, role = 'Viewer', orgId = 1 }) {
      const now = Math.floor(Date.now() / 1000);
      return signToken(privateKey, {
        iss: url,
        aud: [`org:${orgId}`],
        sub: `user:${login}`,
        iat: now,
        exp: now + 600,
        namespace: orgId === 1 ? 'default' : `org-${orgId}`,
        type: 'user',
        identifier: login,
        username: login,
        role,
        authenticatedBy: 'oauth_github',
      });
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
