/**
 * Per-day sets of active users (see migration 004). The writer rebuilds a day's sets from the rows
 * just stored; the query engine unions them to count distinct users over any bucket.
 */
import type { Statement } from 'better-sqlite3';
import { USED_FLAGS } from '../reports/schema';
import type { DB } from './connection';
import { ActivePeriodWriter, type DaySets } from './activePeriods';
import { GapEncoder, encodeUsers } from './userSets';

export { GapEncoder, decodeUsers, encodeUsers, isSubsetOf, sizeOf, unionOf } from './userSets';

/**
 * (user_ref, key) rows of one (scope, day), users ascending within each key: the tables' primary keys
 * start (scope_id, day, user_ref), so the order costs no sort, and the writer encodes each set as the
 * rows go by instead of collecting them. A user may repeat within a key (several IDE versions); the
 * encoder keeps one.
 */
const rowsOf = (table: string, key: string, where = '') =>
  `SELECT user_ref, ${key} FROM ${table} WHERE scope_id = ? AND day = ? AND user_ref > 0${where} ORDER BY user_ref`;

/** Where each set kind's members come from: a SELECT of (user_ref, key) for one (scope, day). */
export const SET_SOURCES: Record<string, string> = {
  all: rowsOf('usage_day', '0'),
  ...Object.fromEntries(USED_FLAGS.map((flag) => [flag, rowsOf('usage_day', '0', ` AND ${flag} = 1`)])),
  adoption_phase: rowsOf('usage_day', 'adoption_phase', ' AND adoption_phase IS NOT NULL'),
  cli_version: rowsOf('usage_day', 'cli_version', ' AND cli_version IS NOT NULL'),
  ide: rowsOf('by_ide', 'ide'),
  ide_version: rowsOf('by_ide', 'ide_version', ' AND ide_version IS NOT NULL'),
  plugin_version: rowsOf('by_ide', 'plugin_version', ' AND plugin_version IS NOT NULL'),
  feature: rowsOf('by_feature', 'feature'),
  language: rowsOf('by_language_feature', 'language'),
  model: rowsOf('by_model_feature', 'model'),
  agent: rowsOf('by_agent', 'agent'),
  customization: rowsOf('by_customization', 'name'),
  // team_members' primary key is (scope_id, day, team_ref, user_ref): users ascend within each team.
  // CROSS JOIN keeps team_members outside, so its key order needs no sort.
  team: `SELECT x.user_ref, m.team_ref FROM team_members m CROSS JOIN usage_day x ON x.scope_id = m.scope_id AND x.day = m.day AND x.user_ref = m.user_ref
         WHERE m.scope_id = ? AND m.day = ? ORDER BY m.team_ref, m.user_ref`,
};

/** One set kind read by a scan: the key of a row (a column), or undefined when the row is not a member. */
interface ScanSet {
  kind: string;
  key: (row: (number | null)[]) => number | null | undefined;
}

/**
 * The kinds that read the same table in one pass each: rows are [user_ref, ...columns], users ascending.
 * usage_day feeds twelve kinds and by_ide three, which would otherwise be read twelve and three times.
 */
export const SET_SCANS: { sql: string; sets: ScanSet[] }[] = [
  {
    sql: `SELECT user_ref, ${USED_FLAGS.join(', ')}, adoption_phase, cli_version FROM usage_day
          WHERE scope_id = ? AND day = ? AND user_ref > 0 ORDER BY user_ref`,
    sets: [
      { kind: 'all', key: () => 0 },
      ...USED_FLAGS.map((flag, i) => ({
        kind: flag,
        key: (row: (number | null)[]) => (row[1 + i] === 1 ? 0 : null),
      })),
      { kind: 'adoption_phase', key: (row) => row[1 + USED_FLAGS.length] },
      { kind: 'cli_version', key: (row) => row[2 + USED_FLAGS.length] },
    ],
  },
  {
    sql: `SELECT user_ref, ide, ide_version, plugin_version FROM by_ide
          WHERE scope_id = ? AND day = ? AND user_ref > 0 ORDER BY user_ref`,
    sets: [
      { kind: 'ide', key: (row) => row[1] },
      { kind: 'ide_version', key: (row) => row[2] },
      { kind: 'plugin_version', key: (row) => row[3] },
    ],
  },
];
const SCANNED = new Set(SET_SCANS.flatMap((scan) => scan.sets.map((set) => set.kind)));
/** Every scan the rebuild makes: the shared ones, then each other kind's own source. */
const ALL_SCANS: { sql: string; sets: ScanSet[] }[] = [
  ...SET_SCANS,
  ...Object.entries(SET_SOURCES)
    .filter(([kind]) => !SCANNED.has(kind))
    .map(([kind, sql]) => ({ sql, sets: [{ kind, key: (row: (number | null)[]) => row[1] }] })),
];

/** Every kind of set. */
export const ACTIVE_SET_KINDS = Object.keys(SET_SOURCES);
const KINDS = ACTIVE_SET_KINDS;
const KIND_LIST = KINDS.map(() => '?').join(', ');

export class ActiveSetWriter {
  /** Each kind's own source, for the fallback. */
  private readonly sources: Map<string, Statement>;
  private readonly scans: { statement: Statement; sets: ScanSet[] }[];
  private readonly stored: Statement;
  private readonly remove: Statement;
  private readonly insert: Statement;
  /** The weekly and monthly sets that follow each day's (undefined before migration 012). */
  private readonly periods: ActivePeriodWriter | undefined;
  /** The sets of the day being rebuilt, as written. */
  private written: DaySets = new Map();

  constructor(db: DB, options: { periods?: boolean } = {}) {
    this.sources = new Map(Object.entries(SET_SOURCES).map(([kind, sql]) => [kind, db.prepare(sql).raw()]));
    this.scans = ALL_SCANS.map((scan) => ({ statement: db.prepare(scan.sql).raw(), sets: scan.sets }));
    // kind IN (…) so the primary key (scope_id, kind, day, key) finds the day instead of reading every
    // day of the scope.
    this.stored = db
      .prepare(
        `SELECT kind, key, users FROM active_sets WHERE scope_id = ? AND kind IN (${KIND_LIST}) AND day = ?`,
      )
      .raw();
    this.remove = db.prepare(
      `DELETE FROM active_sets WHERE scope_id = ? AND kind IN (${KIND_LIST}) AND day = ?`,
    );
    this.insert = db.prepare(
      'INSERT INTO active_sets (scope_id, kind, day, key, users) VALUES (?, ?, ?, ?, ?)',
    );
    this.periods = options.periods === false ? undefined : new ActivePeriodWriter(db, KINDS);
  }

  /** Rebuilds every set of one (scope, day) from the stored rows, and the day's week and month sets. */
  rebuild(scopeId: number, day: number): void {
    const before: DaySets = new Map();
    if (this.periods)
      for (const [kind, key, users] of this.stored.iterate(scopeId, ...KINDS, day) as IterableIterator<
        [string, number, Buffer]
      >)
        setOf(before, kind).set(key, users);
    this.remove.run(scopeId, ...KINDS, day);
    this.written = new Map();
    for (const scan of this.scans) this.rebuildScan(scopeId, day, scan);
    this.periods?.dayChanged(scopeId, day, before, this.written);
  }

  private write(scopeId: number, kind: string, day: number, key: number, users: Buffer): void {
    this.insert.run(scopeId, kind, day, key, users);
    if (this.periods) setOf(this.written, kind).set(key, users);
  }

  /** The kinds of one scan, each encoded as the rows go by; out of order, each kind is read on its own. */
  private rebuildScan(scopeId: number, day: number, scan: { statement: Statement; sets: ScanSet[] }): void {
    const sets = scan.sets.map(() => new Map<number, GapEncoder>());
    let ordered = true;
    rows: for (const row of scan.statement.iterate(scopeId, day) as IterableIterator<(number | null)[]>) {
      const user = row[0]!;
      for (let i = 0; i < scan.sets.length; i++) {
        const key = scan.sets[i].key(row);
        if (key === null || key === undefined) continue;
        let set = sets[i].get(key);
        if (!set) sets[i].set(key, (set = new GapEncoder()));
        if (!set.add(user)) {
          ordered = false;
          break rows;
        }
      }
    }
    scan.sets.forEach(({ kind }, i) => {
      if (ordered) for (const [key, set] of sets[i]) this.write(scopeId, kind, day, key, set.bytes());
      else this.rebuildUnordered(scopeId, day, kind, this.sources.get(kind)!);
    });
  }

  /** The same, for rows SQLite did not return users-ascending within a key: collected, then sorted. */
  private rebuildUnordered(scopeId: number, day: number, kind: string, statement: Statement): void {
    const byKey = new Map<number, number[]>();
    for (const [user, key] of statement.iterate(scopeId, day) as IterableIterator<[number, number]>) {
      let users = byKey.get(key);
      if (!users) byKey.set(key, (users = []));
      users.push(user);
    }
    for (const [key, users] of byKey) this.write(scopeId, kind, day, key, encodeUsers(users));
  }
}

function setOf(sets: DaySets, kind: string): Map<number, Buffer> {
  let byKey = sets.get(kind);
  if (!byKey) sets.set(kind, (byKey = new Map()));
  return byKey;
}
