/**
 * What execution asks of the privacy rules about the groups it shows (privacy/smallGroups.ts answers):
 * execution itself knows nothing of privacy modes.
 */
import type { BucketMode } from './buckets';

export interface GroupGuard {
  /** Reads the group sizes of buckets of this size, which `hides` (and, for 'total', `hiddenGroups`) needs. */
  measure(bucket: BucketMode): Promise<void>;
  /** Whether a group's value in a bucket is hidden (and counted as such). */
  hides(bucketStart: number, group: number, bucket: BucketMode): boolean;
  /** Groups hidden over the whole range: they never add to Others. */
  hiddenGroups(): number[];
  /** Records that Others was left out because it would include hidden groups. */
  withheldOthers(): void;
}
