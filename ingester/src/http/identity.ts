/**
 * Who is viewing, as Grafana proves it: every request through Grafana's data source proxy carries
 * `X-Grafana-Id`, an ES256-signed ID token of the signed-in user (Grafana 12.3+). The API token proves
 * the request passed Grafana's proxy; the ID token proves who asked. `X-Grafana-User` and
 * `${__user.login}` are what a browser claims, and are never trusted.
 *
 * What Grafana does (grafana/grafana: pkg/api/pluginproxy/ds_proxy.go adds the header after the
 * route; pkg/services/auth/idimpl/signer.go signs it; pkg/services/signingkeys serves the keys): the
 * JWKS at <root_url>/api/signing-keys/keys, keys rotated monthly, claims `username`, `role`, `type`,
 * `aud` = ["org:<id>"], `iss` = root_url, `exp` = iat + 10 min.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

export const ACCESS_POLICIES = ['open', 'identity'] as const;
export type AccessPolicy = (typeof ACCESS_POLICIES)[number];
export const ROLES = ['Viewer', 'Editor', 'Admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AccessConfig {
  policy: AccessPolicy;
  /** Where the ingester reaches Grafana (GRAFANA_URL), for its signing keys. */
  grafanaUrl?: string;
  /** Grafana's root_url, the tokens' issuer (GRAFANA_ROOT_URL; GRAFANA_URL when unset). */
  issuer?: string;
  /** The Grafana organization whose users may ask (GRAFANA_ORG_ID): `aud` must hold `org:<id>`. */
  orgId: number;
  /** This role and above see everyone (ACCESS_ALL_ROLE). */
  allRole: Role;
  /** These logins see everyone whatever their role (ACCESS_ALL_LOGINS), lower case. */
  allLogins: ReadonlySet<string>;
}

export const OPEN_ACCESS: AccessConfig = {
  policy: 'open',
  orgId: 1,
  allRole: 'Admin',
  allLogins: new Set(),
};

/** The verified viewer: their Grafana login (the GitHub login with Grafana's GitHub sign-in). */
export interface Viewer {
  login: string;
  role: Role | undefined;
  /** Sees every person's rows (role at or above ACCESS_ALL_ROLE, or listed in ACCESS_ALL_LOGINS). */
  seesEveryone: boolean;
}

/** Why a request was refused: HTTP status, a reason label for /metrics, and a message naming the fix. */
export class IdentityError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}

/** Tokens are valid 10 minutes; clocks of Grafana and the ingester may differ a little. */
const CLOCK_SKEW_SECONDS = 30;

export class IdentityVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuer: string;

  constructor(
    private readonly config: AccessConfig & { grafanaUrl: string },
    /** How soon after a fetch an unknown key id may fetch the keys again. */
    refetchCooldownMs = 30_000,
  ) {
    const base = config.grafanaUrl.replace(/\/+$/, '');
    // jose caches the key set and fetches it again when a token names a key id it does not know
    // (Grafana rotates its key monthly), at most once per cooldown.
    this.keys = createRemoteJWKSet(new URL(`${base}/api/signing-keys/keys`), {
      cooldownDuration: refetchCooldownMs,
      cacheMaxAge: 3_600_000,
      timeoutDuration: 5_000,
    });
    this.issuer = (config.issuer ?? config.grafanaUrl).replace(/\/+$/, '');
  }

  /** The viewer an `X-Grafana-Id` header proves, or an IdentityError. */
  async verify(header: string | undefined): Promise<Viewer> {
    if (!header)
      throw new IdentityError(
        401,
        'missing',
        'ACCESS_POLICY=identity: this request has no X-Grafana-Id ID token. Query through the Grafana data source (Grafana 12.3+ adds the token to every proxied request of a signed-in user); anonymous viewers are refused.',
      );
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(header, this.keys, {
        algorithms: ['ES256'],
        issuer: [this.issuer, `${this.issuer}/`],
        audience: `org:${this.config.orgId}`,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      throw this.refusal(error);
    }
    if (payload.type !== 'user')
      throw new IdentityError(
        403,
        'not-a-user',
        `ACCESS_POLICY=identity: the ID token is of a ${String(payload.type ?? 'unknown')}, not a signed-in user; only users can be given their own rows.`,
      );
    const login = typeof payload.username === 'string' ? payload.username : '';
    if (!login)
      throw new IdentityError(403, 'no-login', 'ACCESS_POLICY=identity: the ID token names no username.');
    const role = (ROLES as readonly string[]).includes(payload.role as string)
      ? (payload.role as Role)
      : undefined;
    const seesEveryone =
      this.config.allLogins.has(login.toLowerCase()) ||
      (role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(this.config.allRole));
    return { login, role, seesEveryone };
  }

  private refusal(error: unknown): IdentityError {
    if (error instanceof errors.JWTExpired)
      return new IdentityError(
        401,
        'expired',
        'The X-Grafana-Id token has expired; Grafana issues a fresh one on the next request.',
      );
    if (error instanceof errors.JWTClaimValidationFailed) {
      const which =
        error.claim === 'aud'
          ? `not for Grafana organization ${this.config.orgId} (GRAFANA_ORG_ID)`
          : error.claim === 'iss'
            ? `not issued by ${this.issuer} (GRAFANA_ROOT_URL: Grafana's root_url)`
            : `invalid (${error.claim})`;
      return new IdentityError(403, `claim-${error.claim}`, `The X-Grafana-Id token is ${which}.`);
    }
    if (error instanceof errors.JWKSNoMatchingKey)
      return new IdentityError(
        401,
        'unknown-key',
        `No key of ${this.issuer}'s signing keys verifies the X-Grafana-Id token.`,
      );
    if (
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      (error as Error).name === 'TypeError'
    )
      return new IdentityError(
        401,
        'keys-unavailable',
        `Grafana's signing keys could not be read from GRAFANA_URL (${this.config.grafanaUrl}/api/signing-keys/keys): check that the ingester can reach Grafana there.`,
      );
    return new IdentityError(
      401,
      'invalid',
      `The X-Grafana-Id token is not a valid ES256 token signed by Grafana: ${(error as Error).message}`,
    );
  }
}
