/**
 * The active-user sets (migration 004) and their weekly and monthly unions (012) on PostgreSQL, kept as
 * the SQLite writer keeps them (../activeSets.ts, ../activePeriods.ts): the same sources and scans, the
 * same encoding (../userSets.ts), a users report's sets taken from its rows as written
 * (`RowSetCollector`), and the same rule for a period's set (`changedSets`).
 */
import type { DayNumber } from '../../days';
import { type DaySets, PERIODS, type Period, changedSets, periodEnd, periodStart } from '../activePeriods';
import { ACTIVE_SET_KINDS, type RowSetCollector, setScans } from '../activeSets';
import { POSTGRES } from '../dialect';
import { encodeUsers, unionOf } from '../userSets';
import { withoutNestedLoops } from './joinPlans';
import type { Query } from './writerConnection';

const SCANS = setScans(POSTGRES);
/** Sets written a statement (five parameters each). */
const SETS_PER_INSERT = 1000;

function setOf(sets: DaySets, kind: string): Map<number, Buffer> {
  let byKey = sets.get(kind);
  if (!byKey) sets.set(kind, (byKey = new Map()));
  return byKey;
}

export class PostgresActiveSets {
  /**
   * Rebuilds the sets of one (scope, day), then its week's and month's: every kind, or only `kinds`;
   * with `collected`, the kinds it holds are taken from there instead of read back.
   */
  async rebuild(
    query: Query,
    scopeId: number,
    day: DayNumber,
    options: { kinds?: readonly string[]; collected?: RowSetCollector } = {},
  ): Promise<void> {
    const kinds = options.kinds ?? ACTIVE_SET_KINDS;
    const before: DaySets = new Map();
    const stored = await query<[string, number, Buffer]>(
      'SELECT kind, key, users FROM active_sets WHERE scope_id = ? AND kind = ANY(?::text[]) AND day = ?',
      [scopeId, kinds, day],
      { rowMode: 'array' },
    );
    for (const [kind, key, users] of stored.rows) setOf(before, kind).set(key, users);
    await query('DELETE FROM active_sets WHERE scope_id = ? AND kind = ANY(?::text[]) AND day = ?', [
      scopeId,
      kinds,
      day,
    ]);
    const after: DaySets = new Map();
    const collected = options.collected?.encoded();
    for (const scan of SCANS) {
      const scanKinds = scan.sets.map((set) => set.kind);
      if (!scanKinds.some((kind) => kinds.includes(kind))) continue;
      if (!scanKinds.every((kind) => kinds.includes(kind)))
        throw new Error(`rebuild: the kinds ${scanKinds.join(', ')} are read together; ask for all or none`);
      if (collected && scanKinds.every((kind) => collected.has(kind))) {
        for (const kind of scanKinds)
          for (const [key, users] of collected.get(kind)!) setOf(after, kind).set(key, users);
        continue;
      }
      const read = () => query<(number | null)[]>(scan.sql, [scopeId, day], { rowMode: 'array' });
      // The team scan joins the day's new rows to the memberships (joinPlans.ts); the others read one table.
      const { rows } = scanKinds.includes('team') ? await withoutNestedLoops(query, read) : await read();
      const members = scan.sets.map(() => new Map<number, number[]>());
      for (const row of rows) {
        for (let i = 0; i < scan.sets.length; i++) {
          const key = scan.sets[i].key(row);
          if (key === null || key === undefined) continue;
          let users = members[i].get(key);
          if (!users) members[i].set(key, (users = []));
          users.push(row[0]!);
        }
      }
      scan.sets.forEach(({ kind }, i) => {
        for (const [key, users] of members[i]) setOf(after, kind).set(key, encodeUsers(users));
      });
    }
    await insertSets(
      query,
      'active_sets (scope_id, kind, day, key, users)',
      [...after].flatMap(([kind, byKey]) =>
        [...byKey].map(([key, users]) => [scopeId, kind, day, key, users]),
      ),
    );
    await this.dayChanged(query, scopeId, day, before, after);
  }

  /** The day's week and month sets follow its sets (`changedSets` says how). */
  private async dayChanged(
    query: Query,
    scopeId: number,
    day: DayNumber,
    before: DaySets,
    after: DaySets,
  ): Promise<void> {
    for (const { kind, key, grown } of changedSets(before, after)) {
      for (const period of PERIODS) {
        const start = periodStart(period, day);
        if (grown) {
          const { rows } = await query<{ users: Buffer }>(
            'SELECT users FROM active_period_sets WHERE scope_id = ? AND kind = ? AND period = ? AND start = ? AND key = ?',
            [scopeId, kind, period, start, key],
          );
          await putPeriodSet(
            query,
            [scopeId, kind, period, start, key],
            rows[0] ? unionOf([rows[0].users, grown]) : grown,
          );
        } else await this.rebuildKey(query, scopeId, kind, period, start, key);
      }
    }
  }

  private async rebuildKey(
    query: Query,
    scopeId: number,
    kind: string,
    period: Period,
    start: DayNumber,
    key: number,
  ): Promise<void> {
    const { rows } = await query<{ users: Buffer }>(
      'SELECT users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ? AND key = ?',
      [scopeId, kind, start, periodEnd(period, start), key],
    );
    if (rows.length)
      await putPeriodSet(query, [scopeId, kind, period, start, key], unionOf(rows.map((row) => row.users)));
    else
      await query(
        'DELETE FROM active_period_sets WHERE scope_id = ? AND kind = ? AND period = ? AND start = ? AND key = ?',
        [scopeId, kind, period, start, key],
      );
  }

  /** Every set of a (scope, period), from the period's day sets (after retention cut into it). */
  async rebuildPeriod(query: Query, scopeId: number, period: Period, start: DayNumber): Promise<void> {
    const end = periodEnd(period, start);
    for (const kind of ACTIVE_SET_KINDS) {
      await query(
        'DELETE FROM active_period_sets WHERE scope_id = ? AND kind = ? AND period = ? AND start = ?',
        [scopeId, kind, period, start],
      );
      const { rows } = await query<[number, Buffer]>(
        'SELECT key, users FROM active_sets WHERE scope_id = ? AND kind = ? AND day BETWEEN ? AND ?',
        [scopeId, kind, start, end],
        { rowMode: 'array' },
      );
      const byKey = new Map<number, Buffer[]>();
      for (const [key, users] of rows) {
        const sets = byKey.get(key);
        if (sets) sets.push(users);
        else byKey.set(key, [users]);
      }
      await insertSets(
        query,
        'active_period_sets (scope_id, kind, period, start, key, users)',
        [...byKey].map(([key, sets]) => [scopeId, kind, period, start, key, unionOf(sets)]),
      );
    }
  }
}

/** SQLite's INSERT OR REPLACE of a period's set. */
async function putPeriodSet(query: Query, key: unknown[], users: Buffer): Promise<void> {
  await query(
    `INSERT INTO active_period_sets (scope_id, kind, period, start, key, users) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (scope_id, kind, period, start, key) DO UPDATE SET users = excluded.users`,
    [...key, users],
  );
}

/** Rows of sets (`target`: the table and its columns), in multi-row INSERTs. */
async function insertSets(query: Query, target: string, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0].length;
  const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  for (let at = 0; at < rows.length; at += SETS_PER_INSERT) {
    const chunk = rows.slice(at, at + SETS_PER_INSERT);
    await query(`INSERT INTO ${target} VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
  }
}
