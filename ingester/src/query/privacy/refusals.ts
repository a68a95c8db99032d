/**
 * PRIVACY_MODE=aggregate keeps only the aggregate reports and the per-team rollup: a query that needs
 * per-user rows, the per-user active sets or seats is answered with an explanation instead of figures.
 */
import type { QueryItem } from '@copilot-metrics/contract';
import type { PrivacyConfig } from '../../privacy';
import type { BucketMode } from '../execute/buckets';
import { isRanking } from '../execute/ranking';
import type { Plan } from '../plan/types';

export const SEATS_UNAVAILABLE =
  'Seats are not synced with PRIVACY_MODE=aggregate: every seat is a per-person record. Use PRIVACY_MODE=pseudonymous for seat and licence metrics.';

/** Why the privacy mode refuses a query that reads people (grouped or filtered by user), if it does. */
export function perUserRefusal(privacy: PrivacyConfig, query: QueryItem): string | undefined {
  if (privacy.mode !== 'aggregate') return undefined;
  const dims = [query.groupBy, ...Object.keys(query.filters)];
  if (dims.includes('user'))
    return 'Per-user figures are not kept: the ingester runs with PRIVACY_MODE=aggregate, which stores team and organization totals only.';
  return undefined;
}

/** Why the privacy mode refuses this plan, or undefined when it may be answered. */
export function refusal(privacy: PrivacyConfig, plan: Plan, query: QueryItem): string | undefined {
  if (privacy.mode !== 'aggregate') return undefined;
  const perUser = perUserRefusal(privacy, query);
  if (perUser) return perUser;
  if (!plan.userRows && !plan.sets) return undefined;
  const buckets: BucketMode[] = [
    ...(isRanking(query) ? (['total'] as const) : []),
    ...(query.format === 'table' ? [] : [query.interval]),
  ];
  if (plan.rollup && buckets.every((b) => b === 'day' || !plan.rollup!.dailyOnly)) return undefined;
  const why =
    plan.rollup || plan.sets
      ? `distinct users${query.interval === 'day' && query.format !== 'table' ? '' : ` over a ${query.format === 'table' ? 'time range' : query.interval}`}${plan.groupBy !== 'none' ? ` by ${plan.groupBy}` : ''} need per-user data`
      : `${plan.metric.id}${plan.groupBy !== 'none' ? ` by ${plan.groupBy}` : ''} is computed from per-user rows`;
  return `Not available with PRIVACY_MODE=aggregate: ${why}, which this mode does not keep. Team totals per day, and the organization and enterprise reports, are available.`;
}
