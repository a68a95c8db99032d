/** Which bearer tokens the API accepts: installation tokens the App exchange issued, then personal access tokens. */
import type { IncomingMessage } from 'node:http';
import type { AppAuth } from './appAuth';
import { safeEqual } from './safeEqual';

export class TokenAuth {
  constructor(
    private readonly appAuth: AppAuth,
    /** Accepted personal access tokens; without a list, any non-empty token. */
    private readonly tokens: readonly string[] | undefined,
  ) {}

  authorized(req: IncomingMessage): boolean {
    const match = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const token = match[1];
    const expires = this.appAuth.installationTokenExpiry(token);
    if (expires !== undefined) return expires > Date.now();
    if (!this.tokens) return token.length > 0;
    return this.tokens.some((accepted) => safeEqual(accepted, token));
  }
}
