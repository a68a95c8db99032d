/**
 * When to retry a GitHub call and how long to wait: the one place that knows GitHub's rate-limit
 * headers. Plugged into undici's RetryAgent, which does the waiting and re-sending.
 */
export interface RetryPolicy {
  maxRetries: number;
  /** First backoff for server and network errors; doubles each attempt, with ±50% jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest rate-limit wait we accept before giving up and reporting the day as failed. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 15 * 60_000,
};

export const RETRYABLE_STATUS = [403, 429, 500, 502, 503, 504];
export const RETRYABLE_ERROR_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
];

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A 403 or 429 that GitHub sends for primary or secondary rate limits, as opposed to a permission 403. */
export function rateLimitWaitMs(
  status: number,
  headers: Headers | undefined,
  now: number,
): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (header(headers, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(headers, 'x-ratelimit-reset'));
    if (Number.isFinite(reset)) return Math.max(0, reset * 1000 - now) + 1000;
  }
  // GitHub: "If you receive a secondary rate limit error without retry-after, wait at least one minute."
  return status === 429 ? 60_000 : undefined;
}

/**
 * Milliseconds to wait before the next attempt, or undefined to stop and surface the answer.
 * `attempt` counts the attempts made so far (1 after the first failure).
 */
export function retryDelayMs(
  failure: { status?: number; code?: string; headers?: Headers },
  attempt: number,
  policy: RetryPolicy,
  now = Date.now(),
  random = Math.random,
): number | undefined {
  if (attempt > policy.maxRetries) return undefined;
  const { status, code } = failure;
  if (status !== undefined) {
    const rateLimited = rateLimitWaitMs(status, failure.headers, now);
    if (rateLimited !== undefined) return rateLimited <= policy.maxRateLimitWaitMs ? rateLimited : undefined;
    if (status < 500 || status === 501) return undefined;
  } else if (!code || !RETRYABLE_ERROR_CODES.includes(code)) {
    return undefined;
  }
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(exponential * (0.5 + random()));
}
