/**
 * PRIVACY_MIN_GROUP_SIZE: the values of groups computed from user rows with fewer distinct users than
 * the minimum are hidden, never added to Others, and counted in a notice. Totals of the whole scope and
 * per-person views are not groups.
 */
import type { Notice, QueryItem } from '@copilot-metrics/contract';
import { type PrivacyConfig, suppressesSmallGroups } from '../../privacy';
import type { Aggregator } from '../execute/aggregate';
import { BUCKET_OF, type BucketMode } from '../execute/buckets';
import type { GroupGuard } from '../execute/guard';
import { OTHERS } from '../execute/rows';
import { planQuery } from '../plan/planner';
import type { IdLookup } from '../plan/storedIds';
import type { DayRange, Plan } from '../plan/types';

/** Hides the values of small groups and says how many it hid. */
export interface SmallGroupGuard extends GroupGuard {
  suppressed(): number;
  notices(): Notice[];
}

/** What the guard reads: the planner's lookups and the aggregator, to count each group's users. */
export interface GroupSizeReader {
  ids: IdLookup;
  aggregator: Aggregator;
}

/** The guard of a query whose groups are computed from user rows; undefined when nothing is a group. */
export function smallGroupGuard(
  privacy: PrivacyConfig,
  plan: Plan,
  query: QueryItem,
  range: DayRange,
  reader: GroupSizeReader,
): SmallGroupGuard | undefined {
  if (!suppressesSmallGroups(privacy)) return undefined;
  if (!plan.userRows && !plan.sets && !plan.rollup) return undefined;
  const dims = [query.groupBy, ...Object.keys(query.filters)].filter((d) => d !== 'none');
  if (dims.length === 0 || dims.includes('user')) return undefined;
  const minimum = privacy.minGroupSize;
  const sizes = new Map<BucketMode, Map<string, number> | undefined>();
  const sizeOf = (bucket: BucketMode) => {
    if (!sizes.has(bucket)) throw new Error(`group sizes of ${bucket} buckets were not measured first`);
    return sizes.get(bucket);
  };
  const hidden = new Set<string>();
  let withheldOthers = false;
  return {
    async measure(bucket) {
      if (!sizes.has(bucket)) sizes.set(bucket, await groupSizes(privacy, query, range, bucket, reader));
    },
    hides(bucketStart, group, bucket) {
      if (group === OTHERS) return false;
      const known = sizeOf(bucket);
      // Sizes that cannot be measured for this shape hide every group.
      const hide = known === undefined || (known.get(`${bucketStart}:${group}`) ?? 0) < minimum;
      if (hide) hidden.add(`${bucket}:${bucketStart}:${group}`);
      return hide;
    },
    hiddenGroups() {
      const known = sizeOf('total');
      if (known === undefined) return [];
      return [...known].filter(([, n]) => n < minimum).map(([key]) => Number(key.split(':')[1]));
    },
    withheldOthers() {
      withheldOthers = true;
    },
    suppressed: () => hidden.size,
    notices() {
      const out: Notice[] = [];
      if (hidden.size) out.push(hiddenValuesNotice(hidden.size, minimum, plan.groupBy === 'none'));
      if (withheldOthers)
        out.push({
          severity: 'info',
          text: `Others is withheld: it would include groups with fewer than ${minimum} distinct users (PRIVACY_MIN_GROUP_SIZE).`,
        });
      return out;
    },
  };
}

/** The notice of an answer whose small groups' values are hidden. */
export function hiddenValuesNotice(count: number, minimum: number, filteredOnly: boolean): Notice {
  return {
    severity: 'info',
    text: `${count} value${count === 1 ? ' is' : 's are'} hidden: ${filteredOnly ? 'the filtered group has' : 'groups with'} fewer than ${minimum} distinct users (PRIVACY_MIN_GROUP_SIZE). Hidden values are not added to Others or any other figure.`,
  };
}

/**
 * Distinct users per (bucket, group) of the query's groups: active_users with the same grouping and
 * filters. Undefined when that shape cannot be counted. In aggregate mode, team sizes over buckets
 * longer than a day are the largest daily size (a lower bound, so a group is hidden when in doubt).
 */
async function groupSizes(
  privacy: PrivacyConfig,
  query: QueryItem,
  range: DayRange,
  bucket: BucketMode,
  { ids, aggregator }: GroupSizeReader,
): Promise<Map<string, number> | undefined> {
  let plan: Plan;
  try {
    plan = await planQuery(
      { ...query, metric: 'active_users', format: 'time_series', limit: undefined, others: false },
      ids,
    );
  } catch {
    return undefined;
  }
  const sizes = new Map<string, number>();
  if (plan.rollup?.dailyOnly && bucket !== 'day' && privacy.mode === 'aggregate') {
    const bucketOf = BUCKET_OF[bucket];
    for (const row of (await aggregator.rows(plan, range, 'day')).values()) {
      const key = `${bucketOf(row.bucket)}:${row.group}`;
      sizes.set(key, Math.max(sizes.get(key) ?? 0, row.parts[0] ?? 0));
    }
    return sizes;
  }
  if (privacy.mode === 'aggregate' && (plan.userRows || plan.sets) && !plan.rollup) return undefined;
  for (const row of (await aggregator.rows(plan, range, bucket)).values())
    sizes.set(`${row.bucket}:${row.group}`, row.parts[0] ?? 0);
  return sizes;
}
