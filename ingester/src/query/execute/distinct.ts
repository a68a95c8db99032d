/**
 * Exact distinct-user counts from the active sets: the union of a bucket's sets, read per whole month
 * and whole week where the period sets (store/activePeriods.ts) stand in for their days, per day
 * elsewhere (store/activeSets.ts). Counts intersected day by day with a used_* flag or teams read days
 * only: a union of intersections is not an intersection of unions.
 */
import { periodEnd } from '../../store/activePeriods';
import type { SqlReader } from '../../store/reader';
import { UnionCounter, decodeUsers } from '../../store/userSets';
import type { DayRange, DistinctPlan } from '../plan/types';
import { BUCKET_OF, type BucketMode } from './buckets';
import { type SetPiece, setPieces } from './setPieces';

export interface DistinctRow {
  bucket: number;
  group: number;
  count: number;
}

/** A run of consecutive pieces of one kind, read with one statement. */
interface Run {
  period: SetPiece['period'];
  first: number;
  last: number;
  /** The bucket of each piece start in the run. */
  buckets: Map<number, number>;
}

export function distinctCounts(
  reader: SqlReader,
  plan: DistinctPlan,
  range: DayRange,
  bucket: BucketMode,
  fold?: { top: number[]; others: number },
): Promise<DistinctRow[]> {
  // One snapshot: the day and period sets of one state of the database, though a sync commits meanwhile.
  return reader.snapshot((snapshot) =>
    plan.flag || plan.teams
      ? intersectedCounts(snapshot, plan, range, BUCKET_OF[bucket], fold)
      : unionCounts(snapshot, plan, range, bucket, fold),
  );
}

const keyClause = (keys?: number[]) =>
  keys ? ` AND key IN (${keys.map(() => '?').join(', ') || 'NULL'})` : '';

async function unionCounts(
  reader: SqlReader,
  plan: DistinctPlan,
  range: DayRange,
  bucket: BucketMode,
  fold?: { top: number[]; others: number },
): Promise<DistinctRow[]> {
  const bucketOf = BUCKET_OF[bucket];
  const nearest = async (sql: string, day: number) =>
    (await reader.value<number | null>(sql, [plan.scopeId, plan.kind, day])) ?? undefined;
  // The nearest days with sets outside the range: a period set reaching past the range into none holds
  // only the range's days.
  const stored =
    bucket === 'day'
      ? {}
      : {
          before: await nearest(
            'SELECT max(day) FROM active_sets WHERE scope_id = ? AND kind = ? AND day < ?',
            range.fromDay,
          ),
          after: await nearest(
            'SELECT min(day) FROM active_sets WHERE scope_id = ? AND kind = ? AND day > ?',
            range.toDay,
          ),
        };
  const pieces = setPieces(range, bucket, bucketOf, { periods: true, stored });

  const keys = keyClause(plan.keys);
  const reads: Record<SetPiece['period'], string> = {
    day: `SELECT day, key, users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ?${keys}`,
    week: `SELECT start, key, users FROM active_period_sets WHERE scope_id = ? AND kind = ? AND period = 'week' AND start BETWEEN ? AND ?${keys}`,
    month: `SELECT start, key, users FROM active_period_sets WHERE scope_id = ? AND kind = ? AND period = 'month' AND start BETWEEN ? AND ?${keys}`,
  };

  const topSet = fold ? new Set(fold.top) : undefined;
  const sets = new Map<string, { bucket: number; group: number; blobs: Buffer[] }>();
  for (const run of runsOf(pieces)) {
    const rows = reader.stream<[number, number, Buffer]>(reads[run.period], [
      plan.scopeId,
      plan.kind,
      run.first,
      run.last,
      ...(plan.keys ?? []),
    ]);
    for await (const batch of rows)
      for (const [start, key, blob] of batch) {
        const inBucket = run.buckets.get(start);
        if (inBucket === undefined) continue; // a day left out
        const group = plan.collapse ? 0 : topSet && !topSet.has(key) ? fold!.others : key;
        const id = `${inBucket}:${group}`;
        const known = sets.get(id);
        if (known) known.blobs.push(blob);
        else sets.set(id, { bucket: inBucket, group, blobs: [blob] });
      }
  }
  const counter = new UnionCounter();
  const only = plan.users ? new Set(plan.users) : undefined;
  return [...sets.values()].map(({ bucket: b, group, blobs }) => ({
    bucket: b,
    group,
    count: counter.count(blobs, only),
  }));
}

/** Consecutive pieces of the same kind, each with its bucket. */
function runsOf(pieces: Map<number, SetPiece[]>): Run[] {
  const runs: Run[] = [];
  const open = new Map<SetPiece['period'], Run>();
  const all = [...pieces].flatMap(([bucket, list]) => list.map((piece) => ({ bucket, piece })));
  all.sort((a, b) => a.piece.start - b.piece.start);
  for (const { bucket, piece } of all) {
    const run = open.get(piece.period);
    const next = run && (piece.period === 'day' ? run.last + 1 : periodEnd(piece.period, run.last) + 1);
    if (run && next === piece.start) {
      run.last = piece.start;
      run.buckets.set(piece.start, bucket);
    } else {
      const fresh: Run = {
        period: piece.period,
        first: piece.start,
        last: piece.start,
        buckets: new Map([[piece.start, bucket]]),
      };
      runs.push(fresh);
      open.set(piece.period, fresh);
    }
  }
  return runs;
}

/** Counts intersected day by day with a flag's or the teams' sets of the same day: every piece a day. */
async function intersectedCounts(
  reader: SqlReader,
  plan: DistinctPlan,
  range: DayRange,
  bucketOf: (day: number) => number,
  fold?: { top: number[]; others: number },
): Promise<DistinctRow[]> {
  const rows = reader.stream<[number, number, Buffer]>(
    `SELECT day, key, users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ?${keyClause(plan.keys)} ORDER BY day`,
    [plan.scopeId, plan.kind, range.fromDay, range.toDay, ...(plan.keys ?? [])],
  );

  const filterSets = async (kind: string, keys?: number[]) => {
    const byDay = new Map<number, Set<number>>();
    for await (const batch of reader.stream<[number, Buffer]>(
      `SELECT day, users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ?${keyClause(keys)}`,
      [plan.scopeId, kind, range.fromDay, range.toDay, ...(keys ?? [])],
    ))
      for (const [day, users] of batch) {
        const set = byDay.get(day) ?? new Set<number>();
        for (const user of decodeUsers(users)) set.add(user);
        byDay.set(day, set);
      }
    return byDay;
  };
  const flagSets = plan.flag ? await filterSets(plan.flag) : undefined;
  const teamSets = plan.teams ? await filterSets('team', plan.teams) : undefined;
  const userSet = plan.users ? new Set(plan.users) : undefined;
  const topSet = fold ? new Set(fold.top) : undefined;

  const seen = new Map<string, Set<number>>();
  const empty = new Set<number>();
  const daysOff = new Set(range.daysOff);
  for await (const batch of rows)
    for (const [day, key, blob] of batch) {
      if (daysOff.has(day)) continue;
      const group = plan.collapse ? 0 : topSet && !topSet.has(key) ? fold!.others : key;
      const bucket = bucketOf(day);
      const id = `${bucket}:${group}`;
      let users = seen.get(id);
      if (!users) seen.set(id, (users = new Set()));
      const flags = flagSets ? (flagSets.get(day) ?? empty) : undefined;
      const teams = teamSets ? (teamSets.get(day) ?? empty) : undefined;
      for (const user of decodeUsers(blob)) {
        if (flags && !flags.has(user)) continue;
        if (teams && !teams.has(user)) continue;
        if (userSet && !userSet.has(user)) continue;
        users.add(user);
      }
    }
  return [...seen].map(([id, users]) => {
    const [bucket, group] = id.split(':').map(Number);
    return { bucket, group, count: users.size };
  });
}
