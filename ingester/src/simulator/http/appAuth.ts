/**
 * GitHub App authentication: the app's JWT lists its installations and exchanges for installation
 * tokens, which the API then accepts for an hour.
 */
import { randomBytes, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Population } from '../model';
import type { Exchange } from './exchange';

interface Installation {
  id: number;
  account: { login: string; slug?: string; type: string };
}

export class AppAuth {
  private readonly installationTokens = new Map<string, number>();

  constructor(
    private readonly population: Population,
    /** The GitHub App whose JWTs are accepted, if any. */
    private readonly app: { id: string; publicKey: KeyObject | string } | undefined,
  ) {}

  /** When an installation token this simulator issued expires (ms), or undefined for other tokens. */
  installationTokenExpiry(token: string): number | undefined {
    return this.installationTokens.get(token);
  }

  /** POST /app/installations/:installation/access_tokens */
  exchangeToken(x: Exchange): void {
    const problem = this.verifyJwt(x.req);
    if (problem) return x.json(401, { message: problem });
    const installation = Number(x.params.installation);
    if (!this.installations().some((i) => i.id === installation))
      return x.json(404, { message: 'Not Found' });
    const token = `ghs_sim${randomBytes(12).toString('hex')}`;
    const expiresAt = Date.now() + 3_600_000;
    this.installationTokens.set(token, expiresAt);
    x.json(201, { token, expires_at: new Date(expiresAt).toISOString() });
  }

  /** GET /app/installations */
  listInstallations(x: Exchange): void {
    const problem = this.verifyJwt(x.req);
    if (problem) return x.json(401, { message: problem });
    x.json(200, this.installations());
  }

  /** The enterprise and every organization have the app installed. */
  private installations(): Installation[] {
    const p = this.population;
    return [
      { id: 1000, account: { login: p.enterprise.slug, slug: p.enterprise.slug, type: 'Enterprise' } },
      ...p.orgs.map((org) => ({ id: 1001 + org.index, account: { login: org.login, type: 'Organization' } })),
    ];
  }

  /** What is wrong with the request's app JWT, in GitHub's words, or undefined if it is valid. */
  private verifyJwt(req: IncomingMessage): string | undefined {
    const app = this.app;
    if (!app) return 'this simulator has no GitHub App configured';
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const parts = token?.split('.');
    if (!parts || parts.length !== 3) return 'A JSON web token could not be decoded';
    const [header, payload, signature] = parts;
    const valid = verifySignature(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      app.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return 'A JSON web token could not be decoded';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss?: string | number;
      exp?: number;
      iat?: number;
    };
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== app.id) return `'Issuer' claim ('iss') must be the app id`;
    if (!claims.exp || claims.exp < now || claims.exp - (claims.iat ?? 0) > 600)
      return "'Expiration time' claim ('exp') is too far in the future or expired";
    return undefined;
  }
}
