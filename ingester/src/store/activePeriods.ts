/**
 * Weekly and monthly active sets (migration 012): each is the union of its period's per-day sets
 * (activeSets.ts), kept in step inside the transaction that rebuilds one of those days, so distinct
 * users over whole weeks and months read one set per period instead of one per day.
 */
import type { Statement } from 'better-sqlite3';
import { type DayNumber, isoWeekday, monthEnd, monthStart } from '../days';
import type { DB } from './connection';
import { isSubsetOf, unionOf } from './userSets';

export const PERIODS = ['week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** The first day of the ISO week (Monday) or calendar month `day` falls in. */
export function periodStart(period: Period, day: DayNumber): DayNumber {
  return period === 'week' ? day - isoWeekday(day) : monthStart(day);
}

/** The last day of the period that starts on `start`. */
export function periodEnd(period: Period, start: DayNumber): DayNumber {
  return period === 'week' ? start + 6 : monthEnd(start);
}

/** One day's sets: kind → key → encoded users. */
export type DaySets = Map<string, Map<number, Buffer>>;

/** A day's set that changed: `grown` is its new set when it only gained users, else undefined. */
export interface ChangedSet {
  kind: string;
  key: number;
  grown: Buffer | undefined;
}

/**
 * The sets of a day that went from `before` to `after`, for its week's and month's sets to follow. A set
 * that only gained users (a new day, the user-teams report after the users report) can be added to the
 * period's set; one that lost users needs its period's set rebuilt from the period's day sets. An
 * unchanged set (a re-fetch of the same figures) is left out: it costs nothing.
 */
export function* changedSets(before: DaySets, after: DaySets): Generator<ChangedSet> {
  for (const kind of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(kind);
    const now = after.get(kind);
    for (const key of new Set([...(old?.keys() ?? []), ...(now?.keys() ?? [])])) {
      const was = old?.get(key);
      const is = now?.get(key);
      if (was && is && was.equals(is)) continue;
      const grew = is !== undefined && (was === undefined || isSubsetOf(was, is));
      yield { kind, key, grown: grew ? is : undefined };
    }
  }
}

export class ActivePeriodWriter {
  private readonly daySets: Statement;
  private readonly kindDaySets: Statement;
  private readonly periodSet: Statement;
  private readonly put: Statement;
  private readonly removeKey: Statement;
  private readonly removePeriod: Statement;

  /** `kinds`: every kind of set the day writer stores (the period's rows are deleted kind by kind, on the key). */
  constructor(
    db: DB,
    private readonly kinds: readonly string[],
  ) {
    this.daySets = db
      .prepare(
        'SELECT users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ? AND key = ?',
      )
      .pluck();
    this.kindDaySets = db
      .prepare('SELECT key, users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ?')
      .raw();
    this.periodSet = db
      .prepare(
        'SELECT users FROM active_period_sets WHERE scope_id = ? AND kind = ? AND period = ? AND start = ? AND key = ?',
      )
      .pluck();
    this.put = db.prepare(
      'INSERT OR REPLACE INTO active_period_sets (scope_id, kind, period, start, key, users) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.removeKey = db.prepare(
      'DELETE FROM active_period_sets WHERE scope_id = ? AND kind = ? AND period = ? AND start = ? AND key = ?',
    );
    this.removePeriod = db.prepare(
      'DELETE FROM active_period_sets WHERE scope_id = ? AND kind = ? AND period = ? AND start = ?',
    );
  }

  /**
   * A day's sets went from `before` to `after`: its week's and month's sets follow (see `changedSets`).
   */
  dayChanged(scopeId: number, day: DayNumber, before: DaySets, after: DaySets): void {
    for (const { kind, key, grown } of changedSets(before, after)) {
      for (const period of PERIODS) {
        const start = periodStart(period, day);
        if (grown) {
          const known = this.periodSet.get(scopeId, kind, period, start, key) as Buffer | undefined;
          this.put.run(scopeId, kind, period, start, key, known ? unionOf([known, grown]) : grown);
        } else this.rebuildKey(scopeId, kind, period, start, key);
      }
    }
  }

  /** One (kind, key)'s set of a period, from the period's day sets. */
  private rebuildKey(scopeId: number, kind: string, period: Period, start: DayNumber, key: number): void {
    const sets = this.daySets.all(scopeId, kind, start, periodEnd(period, start), key) as Buffer[];
    if (sets.length) this.put.run(scopeId, kind, period, start, key, unionOf(sets));
    else this.removeKey.run(scopeId, kind, period, start, key);
  }

  /** Every set of a (scope, period), from the period's day sets (after retention cut into it). */
  rebuildPeriod(scopeId: number, period: Period, start: DayNumber): void {
    const end = periodEnd(period, start);
    for (const kind of this.kinds) {
      this.removePeriod.run(scopeId, kind, period, start);
      const byKey = new Map<number, Buffer[]>();
      for (const [key, users] of this.kindDaySets.iterate(scopeId, kind, start, end) as IterableIterator<
        [number, Buffer]
      >) {
        const sets = byKey.get(key);
        if (sets) sets.push(users);
        else byKey.set(key, [users]);
      }
      for (const [key, sets] of byKey) this.put.run(scopeId, kind, period, start, key, unionOf(sets));
    }
  }
}

/**
 * Every weekly and monthly set, from the day sets stored (migration 012's backfill): each period of
 * every scope's span of users and user-teams reports, rebuilt as retention rebuilds one.
 */
export function backfillActivePeriods(db: DB, kinds: readonly string[]): void {
  const periods = new ActivePeriodWriter(db, kinds);
  const spans = db
    .prepare(
      "SELECT scope_id, min(day), max(day) FROM reports WHERE kind IN ('users', 'user-teams') GROUP BY scope_id",
    )
    .raw()
    .all() as [number, number, number][];
  for (const [scopeId, first, last] of spans)
    for (const period of PERIODS)
      for (let start = periodStart(period, first); start <= last; start = periodEnd(period, start) + 1)
        periods.rebuildPeriod(scopeId, period, start);
}
