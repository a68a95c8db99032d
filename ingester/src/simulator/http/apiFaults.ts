/**
 * The API faults of the report endpoints: a disabled metrics policy for the last organization, and on
 * every third report (by a hash of its URL) a rate limit, a secondary rate limit or server errors on the
 * first tries.
 */
import type { SimScope } from '../generate';
import { hash } from '../random';
import type { SimContext } from './context';
import type { Exchange } from './exchange';

const DOCS = 'https://docs.github.com/rest/copilot/copilot-usage-metrics';

/** Answers with the fault that applies to this request, if any; returns whether it answered. */
export function answeredWithFault(ctx: SimContext, x: Exchange, scope: SimScope): boolean {
  const { faults, population } = ctx;
  if (
    scope.kind === 'organization' &&
    faults.fires('policy-disabled', scope.org.index === population.orgs.length - 1)
  ) {
    x.json(403, {
      message:
        'Copilot Usage Metrics API access is disabled for this organization. An enterprise owner must enable the "Copilot usage metrics" policy.',
      documentation_url: DOCS,
    });
    return true;
  }
  const key = `${x.req.url}`;
  const attempt = faults.attempt(key);
  const bucket = hash(population.seed, 999, ...Buffer.from(key)) % 3;
  if (faults.fires('rate-limit', bucket === 0 && attempt === 1)) {
    x.json(
      429,
      { message: 'API rate limit exceeded' },
      {
        'retry-after': '1',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1),
      },
    );
    return true;
  }
  if (faults.fires('secondary-rate-limit', bucket === 1 && attempt === 1)) {
    const message =
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    x.json(403, { message }, { 'retry-after': '1' });
    return true;
  }
  if (faults.fires('server-errors', bucket === 2 && attempt <= 2)) {
    x.json(attempt === 1 ? 502 : 503, { message: 'Server Error' });
    return true;
  }
  return false;
}
