/**
 * Exact distinct-user counts from the per-day active sets (store/activeSets.ts): the union of a
 * bucket's daily sets, optionally intersected day by day with a used_* flag, teams or users.
 */
import type { DB } from '../../store/db';
import { decodeUsers } from '../../store/activeSets';
import type { DayRange, DistinctPlan } from '../plan/types';

export interface DistinctRow {
  bucket: number;
  group: number;
  count: number;
}

export function distinctCounts(
  db: DB,
  plan: DistinctPlan,
  range: DayRange,
  bucketOf: (day: number) => number,
  fold?: { top: number[]; others: number },
): DistinctRow[] {
  const keyClause = plan.keys ? ` AND key IN (${plan.keys.map(() => '?').join(', ') || 'NULL'})` : '';
  const rows = db
    .prepare(
      `SELECT day, key, users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ?${keyClause} ORDER BY day`,
    )
    .raw()
    .iterate(plan.scopeId, plan.kind, range.fromDay, range.toDay, ...(plan.keys ?? [])) as IterableIterator<
    [number, number, Buffer]
  >;

  const filterSets = (kind: string, keys?: number[]) => {
    const byDay = new Map<number, Set<number>>();
    const clause = keys ? ` AND key IN (${keys.map(() => '?').join(', ') || 'NULL'})` : '';
    for (const [day, users] of db
      .prepare(
        `SELECT day, users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ?${clause}`,
      )
      .raw()
      .iterate(plan.scopeId, kind, range.fromDay, range.toDay, ...(keys ?? [])) as IterableIterator<
      [number, Buffer]
    >) {
      const set = byDay.get(day) ?? new Set<number>();
      for (const user of decodeUsers(users)) set.add(user);
      byDay.set(day, set);
    }
    return byDay;
  };
  const flagSets = plan.flag ? filterSets(plan.flag) : undefined;
  const teamSets = plan.teams ? filterSets('team', plan.teams) : undefined;
  const userSet = plan.users ? new Set(plan.users) : undefined;
  const topSet = fold ? new Set(fold.top) : undefined;

  const seen = new Map<string, Set<number>>();
  const empty = new Set<number>();
  const daysOff = new Set(range.daysOff);
  for (const [day, key, blob] of rows) {
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
