import { type KeyObject, sign } from 'node:crypto';
import type { ApiResponse, TokenProvider } from './client';
import { GitHubError } from './errors';

export class StaticToken implements TokenProvider {
  constructor(private readonly token: string) {}
  async authorization(): Promise<string> {
    return `Bearer ${this.token}`;
  }
}

/** Refresh an installation token this long before GitHub expires it (tokens live one hour). */
const REFRESH_MARGIN_MS = 5 * 60_000;

type Call = (method: 'GET' | 'POST', path: string, authorization: string) => Promise<ApiResponse>;

/**
 * GitHub App authentication with node:crypto only: an RS256 JWT signed with the App's key, exchanged
 * for an installation token per account, refreshed before expiry. Without a configured installation
 * id, the installation is found by account login among the App's installations.
 */
export class AppTokenProvider implements TokenProvider {
  private readonly tokens = new Map<number, Promise<{ token: string; expiresAt: number }>>();
  private installations: Promise<Map<string, number>> | undefined;

  constructor(
    private readonly appId: string,
    private readonly privateKey: KeyObject,
    private readonly call: Call,
    private readonly installationId?: number,
    private readonly now = () => Date.now(),
  ) {}

  /** A JWT for the App itself, valid 9 minutes, issued 60 s in the past against clock drift. */
  appJwt(): string {
    const now = Math.floor(this.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 60, exp: now + 540, iss: this.appId })}`;
    return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), this.privateKey).toString('base64url')}`;
  }

  async authorization(account?: string): Promise<string> {
    const installation = this.installationId ?? (await this.installationFor(account));
    let pending = this.tokens.get(installation);
    if (pending) {
      const current = await pending.catch(() => undefined);
      if (!current || current.expiresAt - REFRESH_MARGIN_MS <= this.now()) pending = undefined;
    }
    if (!pending) {
      pending = this.exchange(installation);
      this.tokens.set(installation, pending);
      pending.catch(() => this.tokens.delete(installation));
    }
    return `Bearer ${(await pending).token}`;
  }

  private async exchange(installation: number): Promise<{ token: string; expiresAt: number }> {
    const response = await this.call(
      'POST',
      `/app/installations/${installation}/access_tokens`,
      `Bearer ${this.appJwt()}`,
    );
    const body = response.body as { token?: string; expires_at?: string } | undefined;
    if (response.status !== 201 || !body?.token) {
      throw new GitHubError(
        `GitHub App token exchange for installation ${installation} failed (${response.status}${messageOf(response)}). Check GITHUB_APP_ID, the private key, and GITHUB_APP_INSTALLATION_ID.`,
        response.status,
        response.status >= 500,
      );
    }
    const expiresAt = Date.parse(body.expires_at ?? '') || this.now() + 3_600_000;
    return { token: body.token, expiresAt };
  }

  private async installationFor(account: string | undefined): Promise<number> {
    if (!this.installations) {
      this.installations = this.listInstallations();
      this.installations.catch(() => (this.installations = undefined));
    }
    const byAccount = await this.installations;
    const id = account
      ? byAccount.get(account.toLowerCase())
      : byAccount.size === 1
        ? [...byAccount.values()][0]
        : undefined;
    if (id === undefined) {
      throw new GitHubError(
        `The GitHub App is not installed on "${account ?? '(no account)'}" (installed on: ${[...byAccount.keys()].join(', ') || 'nothing'}). Install it there, or set GITHUB_APP_INSTALLATION_ID.`,
        404,
        false,
      );
    }
    return id;
  }

  private async listInstallations(): Promise<Map<string, number>> {
    const response = await this.call('GET', '/app/installations?per_page=100', `Bearer ${this.appJwt()}`);
    if (response.status !== 200 || !Array.isArray(response.body)) {
      throw new GitHubError(
        `Listing the GitHub App's installations failed (${response.status}${messageOf(response)}). Check GITHUB_APP_ID and the private key.`,
        response.status,
        response.status >= 500,
      );
    }
    const map = new Map<string, number>();
    for (const item of response.body as { id: number; account?: { login?: string; slug?: string } }[]) {
      for (const name of [item.account?.login, item.account?.slug])
        if (name) map.set(name.toLowerCase(), item.id);
    }
    return map;
  }
}

function messageOf(response: ApiResponse): string {
  const message = (response.body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? `: ${message}` : '';
}
