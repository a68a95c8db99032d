/** When a GitHub call is tried again and how long we wait: backoff with jitter, GitHub's rate-limit headers. */
import { rateLimitWaitMs, retryDelayMs, type RetryPolicy } from '../src/github/retry';

const policy: RetryPolicy = {
  maxRetries: 8,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxRateLimitWaitMs: 10 * 60_000,
};

/** A fixed clock on a whole second, so HTTP dates (second precision) round-trip exactly. */
const NOW = Date.parse('2026-10-01T12:00:00Z');
const lowest = () => 0;
const middle = () => 0.5;
const highest = () => 0.999;

/** The backoff before jitter for an attempt: base doubled per earlier attempt, never above the cap. */
const backoff = (attempt: number, p: RetryPolicy = policy) =>
  Math.min(p.baseDelayMs * 2 ** (attempt - 1), p.maxDelayMs);

describe('retryDelayMs for server errors', () => {
  it.each([500, 502, 503, 504])('retries %i, doubling the wait with each attempt', (status) => {
    const delays = [1, 2, 3, 4].map((attempt) => retryDelayMs({ status }, attempt, policy, NOW, middle)!);
    expect(delays[0]).toBe(policy.baseDelayMs);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBe(2 * delays[i - 1]);
  });

  it('keeps each wait within ±50% of the backoff', () => {
    for (const attempt of [1, 2, 3, 4]) {
      const centre = backoff(attempt);
      const low = retryDelayMs({ status: 503 }, attempt, policy, NOW, lowest)!;
      const high = retryDelayMs({ status: 503 }, attempt, policy, NOW, highest)!;
      expect(low).toBe(Math.round(centre * 0.5));
      expect(high).toBeGreaterThan(centre * 1.45);
      expect(high).toBeLessThanOrEqual(centre * 1.5);
    }
  });

  it('stops doubling at maxDelayMs (jitter still applies around the cap)', () => {
    const uncapped = policy.baseDelayMs * 2 ** 7;
    expect(uncapped).toBeGreaterThan(policy.maxDelayMs);
    expect(retryDelayMs({ status: 502 }, 8, policy, NOW, middle)).toBe(policy.maxDelayMs);
    expect(retryDelayMs({ status: 502 }, 8, policy, NOW, lowest)).toBe(policy.maxDelayMs / 2);
    const high = retryDelayMs({ status: 502 }, 8, policy, NOW, highest)!;
    expect(high).toBeLessThanOrEqual(policy.maxDelayMs * 1.5);
    expect(high).toBeLessThan(uncapped);
  });

  it('does not retry 501 Not Implemented', () => {
    expect(retryDelayMs({ status: 501 }, 1, policy, NOW, middle)).toBeUndefined();
  });
});

describe('answers that retrying cannot fix', () => {
  it.each([400, 401, 404, 422])('does not retry %i', (status) => {
    expect(retryDelayMs({ status }, 1, policy, NOW, middle)).toBeUndefined();
    expect(rateLimitWaitMs(status, {}, NOW)).toBeUndefined();
  });

  it('does not retry a permission 403 without rate-limit headers', () => {
    expect(rateLimitWaitMs(403, {}, NOW)).toBeUndefined();
    expect(rateLimitWaitMs(403, undefined, NOW)).toBeUndefined();
    expect(retryDelayMs({ status: 403 }, 1, policy, NOW, middle)).toBeUndefined();
  });

  it('does not retry a permission 403 that carries ordinary (not exhausted) rate-limit headers', () => {
    const headers = {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4987',
      'x-ratelimit-reset': String(NOW / 1000 + 1800),
    };
    expect(rateLimitWaitMs(403, headers, NOW)).toBeUndefined();
    expect(retryDelayMs({ status: 403, headers }, 1, policy, NOW, middle)).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('waits the Retry-After seconds of a 429, without jitter', () => {
    const headers = { 'retry-after': '7' };
    expect(rateLimitWaitMs(429, headers, NOW)).toBe(7 * 1000);
    expect(retryDelayMs({ status: 429, headers }, 1, policy, NOW, lowest)).toBe(7 * 1000);
    expect(retryDelayMs({ status: 429, headers }, 1, policy, NOW, highest)).toBe(7 * 1000);
  });

  it('waits until the HTTP date of a 429 Retry-After', () => {
    const waitMs = 90_000;
    const headers = { 'retry-after': new Date(NOW + waitMs).toUTCString() };
    expect(rateLimitWaitMs(429, headers, NOW)).toBe(waitMs);
    expect(retryDelayMs({ status: 429, headers }, 1, policy, NOW, middle)).toBe(waitMs);
  });

  it('does not wait for a Retry-After date already past', () => {
    expect(rateLimitWaitMs(429, { 'retry-after': new Date(NOW - 30_000).toUTCString() }, NOW)).toBe(0);
  });

  it('waits a minute on a 429 that gives no hint', () => {
    expect(rateLimitWaitMs(429, {}, NOW)).toBe(60 * 1000);
  });

  it('waits the Retry-After of a 403 secondary rate limit', () => {
    const headers = { 'retry-after': '60' };
    expect(rateLimitWaitMs(403, headers, NOW)).toBe(60 * 1000);
    expect(retryDelayMs({ status: 403, headers }, 1, policy, NOW, middle)).toBe(60 * 1000);
  });

  it.each([403, 429])(
    'waits until x-ratelimit-reset plus a second when a %i says the limit is used up',
    (status) => {
      const reset = Math.floor(NOW / 1000) + 120;
      const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) };
      const expected = reset * 1000 - NOW + 1000;
      expect(rateLimitWaitMs(status, headers, NOW)).toBe(expected);
      expect(retryDelayMs({ status, headers }, 1, policy, NOW, highest)).toBe(expected);
    },
  );

  it('waits only the extra second when the reset time has already passed', () => {
    const headers = {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(NOW / 1000) - 10),
    };
    expect(rateLimitWaitMs(403, headers, NOW)).toBe(1000);
  });

  it('reads headers that arrive as arrays', () => {
    expect(rateLimitWaitMs(429, { 'retry-after': ['3'] }, NOW)).toBe(3000);
  });

  it('gives up when the wait is longer than maxRateLimitWaitMs', () => {
    const tooLongSeconds = policy.maxRateLimitWaitMs / 1000 + 60;
    const retryAfter = { 'retry-after': String(tooLongSeconds) };
    expect(rateLimitWaitMs(429, retryAfter, NOW)).toBe(tooLongSeconds * 1000);
    expect(retryDelayMs({ status: 429, headers: retryAfter }, 1, policy, NOW, middle)).toBeUndefined();

    const reset = {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(NOW / 1000) + 3600),
    };
    expect(retryDelayMs({ status: 403, headers: reset }, 1, policy, NOW, middle)).toBeUndefined();
  });

  it('accepts a wait of exactly maxRateLimitWaitMs', () => {
    const headers = { 'retry-after': String(policy.maxRateLimitWaitMs / 1000) };
    expect(retryDelayMs({ status: 429, headers }, 1, policy, NOW, middle)).toBe(policy.maxRateLimitWaitMs);
  });
});

describe('attempt limit', () => {
  it.each([
    ['a server error', { status: 503 }],
    ['a rate limit', { status: 429, headers: { 'retry-after': '1' } }],
    ['a network error', { code: 'ECONNRESET' }],
  ])('retries %s up to maxRetries times, then gives up', (_case, failure) => {
    expect(retryDelayMs(failure, policy.maxRetries, policy, NOW, middle)).toEqual(expect.any(Number));
    expect(retryDelayMs(failure, policy.maxRetries + 1, policy, NOW, middle)).toBeUndefined();
  });
});

describe('network errors', () => {
  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'UND_ERR_SOCKET'])(
    'retries %s with the same backoff as server errors',
    (code) => {
      for (const attempt of [1, 2, 3]) {
        expect(retryDelayMs({ code }, attempt, policy, NOW, middle)).toBe(backoff(attempt));
        expect(retryDelayMs({ code }, attempt, policy, NOW, lowest)).toBe(Math.round(backoff(attempt) / 2));
      }
    },
  );

  it.each(['EACCES', 'ERR_INVALID_URL', 'UND_ERR_ABORTED'])('does not retry the unknown code %s', (code) => {
    expect(retryDelayMs({ code }, 1, policy, NOW, middle)).toBeUndefined();
  });

  it('does not retry a failure with neither status nor code', () => {
    expect(retryDelayMs({}, 1, policy, NOW, middle)).toBeUndefined();
  });
});
