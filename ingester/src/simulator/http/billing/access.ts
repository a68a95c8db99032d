/**
 * Who may read the enterprise billing endpoints (https://docs.github.com/enterprise-cloud@latest/rest/billing/usage): a classic token with the
 * `manage_billing:enterprise` scope, and (per the newest OpenAPI description) a GitHub App installed
 * on the enterprise. The simulator's switches: `billingTokens` (only those tokens carry the scope),
 * 'billing-scope-missing' (no token but those does) and 'billing-app-refused' (installation tokens are
 * refused, as older docs and community tools say they are).
 */
import type { FaultInjector } from '../../faults';
import type { AppAuth } from '../appAuth';
import type { Exchange } from '../exchange';
import { safeEqual } from '../safeEqual';

export const BILLING_SCOPE = 'manage_billing:enterprise';
const DOCS = 'https://docs.github.com/enterprise-cloud@latest/rest/billing/usage';

export class BillingAccess {
  constructor(
    private readonly faults: FaultInjector,
    private readonly appAuth: AppAuth,
    /** Tokens with the billing scope; when set, only they may read enterprise billing. */
    private readonly billingTokens: readonly string[] | undefined,
  ) {}

  /** Answers 403 if the request's token may not read enterprise billing; returns whether it answered. */
  refused(x: Exchange): boolean {
    const token = /^(?:Bearer|token) (.+)$/.exec(x.req.headers.authorization ?? '')?.[1] ?? '';
    if (this.appAuth.installationTokenExpiry(token) !== undefined) {
      if (!this.faults.fires('billing-app-refused', true)) return false;
      x.json(403, {
        message: 'Resource not accessible by integration',
        documentation_url: DOCS,
        status: '403',
      });
      return true;
    }
    const scoped = this.billingTokens?.some((t) => safeEqual(t, token));
    if (scoped) return false;
    if (!this.billingTokens && !this.faults.fires('billing-scope-missing', true)) return false;
    if (this.billingTokens) this.faults.fires('billing-scope-missing', true);
    // GitHub names the scope an endpoint needs in X-Accepted-OAuth-Scopes, and the token's in X-OAuth-Scopes.
    x.json(
      403,
      {
        message: `Resource not accessible by personal access token. The enterprise billing endpoints require the ${BILLING_SCOPE} scope.`,
        documentation_url: DOCS,
        status: '403',
      },
      {
        'x-accepted-oauth-scopes': BILLING_SCOPE,
        'x-oauth-scopes': 'read:enterprise, manage_billing:copilot',
      },
    );
    return true;
  }
}
