/**
 * Fault switches of the simulated GitHub. Each fault hits the first attempt at a given request (or a
 * deterministic share of them) and then lets the retry through, so a correct client always recovers.
 */
export const FAULTS = [
  'rate-limit',
  'secondary-rate-limit',
  'server-errors',
  'reset',
  'truncate',
  'expired-links',
  'shards',
  'unknown-fields',
  'malformed-lines',
  'pretty-aggregates',
  'policy-disabled',
  'seats-forbidden',
  'billing-scope-missing',
  'billing-app-refused',
  'billing-consolidated',
  'billing-org-user-filter',
  'billing-export-failed',
  'billing-export-empty',
  'billing-not-enabled',
] as const;
export type Fault = (typeof FAULTS)[number];

export const FAULT_HELP: Record<Fault, string> = {
  'rate-limit': '429 with Retry-After: 1 on the first call of every third report',
  'secondary-rate-limit':
    '403 secondary rate limit with Retry-After: 1 on the first call of every third report',
  'server-errors': '502 then 503 on the first two calls of every third report',
  reset: 'the connection is reset mid-download on the first attempt of every file',
  truncate: 'the first download of every file ends cleanly in the middle of a line',
  'expired-links': 'the first download of every file answers 403 (expired signature)',
  shards: 'users, user-teams and repos reports come in 3 files',
  'unknown-fields': 'records carry fields GitHub may add in future',
  'malformed-lines': 'users reports contain broken lines',
  'pretty-aggregates': 'aggregate files are pretty-printed JSON over many lines',
  'policy-disabled': 'the last organization answers 403 "Copilot usage metrics" policy disabled',
  'seats-forbidden': "the last organization answers 403 to its seats list (a token that is not an owner's)",
  'billing-scope-missing':
    'enterprise billing endpoints answer 403 to every token but the billing tokens (no manage_billing:enterprise scope)',
  'billing-app-refused': 'enterprise billing endpoints answer 403 to GitHub App installation tokens',
  'billing-consolidated':
    'the last organization answers 404 on its ai_credit/usage (billing consolidated at the enterprise)',
  'billing-org-user-filter':
    'organization ai_credit/usage answers 403 to ?user= (enterprise-owned organizations cannot filter by user)',
  'billing-export-failed': 'the first usage-report export of each date range ends failed',
  'billing-export-empty':
    'usage-report exports complete without download links, as GitHub does for a range without usage',
  'billing-not-enabled':
    'budgets and cost centers answer 404 on every scope (GitHub: the feature is not enabled)',
};

export function parseFaults(list: string | undefined): Fault[] {
  if (!list) return [];
  const faults = list
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const fault of faults) {
    if (!(FAULTS as readonly string[]).includes(fault)) {
      throw new Error(`unknown fault "${fault}"; choose from: ${FAULTS.join(', ')}`);
    }
  }
  return faults as Fault[];
}

/**
 * The faults switched on, how often each one fired, and how many times each request was tried: faults
 * fail the first tries at a request and let the next through.
 */
export class FaultInjector {
  readonly enabled: ReadonlySet<Fault>;
  readonly injected = new Map<Fault, number>();
  private readonly attempts = new Map<string, number>();

  constructor(faults: readonly Fault[] = []) {
    this.enabled = new Set(faults);
  }

  has(fault: Fault): boolean {
    return this.enabled.has(fault);
  }

  /** Counts the fault as fired; true, so that it can close a condition. */
  inject(fault: Fault): true {
    this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
    return true;
  }

  /** Whether the fault is on and `when` holds; counted as fired if so. */
  fires(fault: Fault, when: boolean): boolean {
    return this.has(fault) && when && this.inject(fault);
  }

  /** Counts attempts at a key, and returns this one's number (1 for the first). */
  attempt(key: string): number {
    const count = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, count);
    return count;
  }
}
