/**
 * Per-day sets of active users (see migration 004). The writer rebuilds a day's sets from the rows
 * just stored; the query engine unions them to count distinct users over any bucket.
 */
import type { Statement } from 'better-sqlite3';
import type { CellValue } from '../reports/mapping';
import { type TableSpec, USED_FLAGS } from '../reports/schema';
import type { DB } from './connection';
import { ActivePeriodWriter, type DaySets } from './activePeriods';
import { type Dialect, SQLITE } from './dialect';
import { GapEncoder, decodeUsers, encodeUsers } from './userSets';

export { GapEncoder, decodeUsers, encodeUsers, isSubsetOf, sizeOf, unionOf } from './userSets';

/**
 * A set kind whose members are rows of one table: the column holding the key (absent: the key is 0),
 * and the condition on a row (a used_* flag equal to 1, or a key that is not null).
 */
interface RowSetSource {
  table: string;
  key?: string;
  when?: { flag: string } | 'key not null';
}

/** Every set kind but `team` (which joins two reports' tables), by where its members come from. */
const ROW_SETS: Record<string, RowSetSource> = {
  all: { table: 'usage_day' },
  ...Object.fromEntries(USED_FLAGS.map((flag) => [flag, { table: 'usage_day', when: { flag } }])),
  adoption_phase: { table: 'usage_day', key: 'adoption_phase', when: 'key not null' },
  cli_version: { table: 'usage_day', key: 'cli_version', when: 'key not null' },
  ide: { table: 'by_ide', key: 'ide' },
  ide_version: { table: 'by_ide', key: 'ide_version', when: 'key not null' },
  plugin_version: { table: 'by_ide', key: 'plugin_version', when: 'key not null' },
  feature: { table: 'by_feature', key: 'feature' },
  language: { table: 'by_language_feature', key: 'language' },
  model: { table: 'by_model_feature', key: 'model' },
  agent: { table: 'by_agent', key: 'agent' },
  customization: { table: 'by_customization', key: 'name' },
};

/**
 * (user_ref, key) rows of one (scope, day), users ascending within each key: the tables' primary keys
 * start (scope_id, day, user_ref), so the order costs no sort, and the writer encodes each set as the
 * rows go by instead of collecting them. A user may repeat within a key (several IDE versions); the
 * encoder keeps one.
 */
function rowsOf({ table, key, when }: RowSetSource): string {
  const where =
    when === undefined ? '' : when === 'key not null' ? ` AND ${key} IS NOT NULL` : ` AND ${when.flag} = 1`;
  return `SELECT user_ref, ${key ?? '0'} FROM ${table} WHERE scope_id = ? AND day = ? AND user_ref > 0${where} ORDER BY user_ref`;
}

/** The team sets' members: each team's users of the day who have a usage_day row. */
function teamSetSql(dialect: Dialect): string {
  // team_members' primary key is (scope_id, day, team_ref, user_ref): users ascend within each team.
  // CROSS JOIN keeps team_members outside, so its key order needs no sort.
  return `SELECT x.user_ref, m.team_ref FROM team_members m ${dialect.orderedJoin} usage_day x ON x.scope_id = m.scope_id AND x.day = m.day AND x.user_ref = m.user_ref
         WHERE m.scope_id = ? AND m.day = ? ORDER BY m.team_ref, m.user_ref`;
}

/** Where each set kind's members come from: a SELECT of (user_ref, key) for one (scope, day). */
export const SET_SOURCES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(ROW_SETS).map(([kind, source]) => [kind, rowsOf(source)])),
  team: teamSetSql(SQLITE),
};

/** The kinds a users report's rows decide alone (every kind but team). */
export const ROW_SET_KINDS = Object.keys(ROW_SETS);

/** One set kind read by a scan: the key of a row (a column), or undefined when the row is not a member. */
export interface ScanSet {
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
/** Every scan the rebuild makes, in the dialect's SQL: the shared ones, then each other kind's own source. */
export function setScans(dialect: Dialect): { sql: string; sets: ScanSet[] }[] {
  const sources = { ...SET_SOURCES, team: teamSetSql(dialect) };
  return [
    ...SET_SCANS,
    ...Object.entries(sources)
      .filter(([kind]) => !SCANNED.has(kind))
      .map(([kind, sql]) => ({ sql, sets: [{ kind, key: (row: (number | null)[]) => row[1] }] })),
  ];
}
const ALL_SCANS = setScans(SQLITE);

/** Every kind of set. */
export const ACTIVE_SET_KINDS = Object.keys(SET_SOURCES);
const KINDS = ACTIVE_SET_KINDS;

export class ActiveSetWriter {
  /** Each kind's own source, for the fallback. */
  private readonly sources: Map<string, Statement>;
  private readonly scans: { statement: Statement; sets: ScanSet[] }[];
  /**
   * Per list of kinds, the statements that read and delete a day's sets: `kind IN (…)` so the primary
   * key (scope_id, kind, day, key) finds the day instead of reading every day of the scope.
   */
  private readonly byKinds = new Map<string, { stored: Statement; remove: Statement }>();
  private readonly insert: Statement;
  /** The weekly and monthly sets that follow each day's (undefined before migration 012). */
  private readonly periods: ActivePeriodWriter | undefined;
  /** The sets of the day being rebuilt, as written. */
  private written: DaySets = new Map();

  constructor(
    private readonly db: DB,
    options: { periods?: boolean } = {},
  ) {
    this.sources = new Map(Object.entries(SET_SOURCES).map(([kind, sql]) => [kind, db.prepare(sql).raw()]));
    this.scans = ALL_SCANS.map((scan) => ({ statement: db.prepare(scan.sql).raw(), sets: scan.sets }));
    this.insert = db.prepare(
      'INSERT INTO active_sets (scope_id, kind, day, key, users) VALUES (?, ?, ?, ?, ?)',
    );
    this.periods = options.periods === false ? undefined : new ActivePeriodWriter(db, KINDS);
  }

  /**
   * Rebuilds the sets of one (scope, day), and the day's week and month sets: every kind from the stored
   * rows, or only `kinds` (the user-teams report changes the team sets alone). With `collected` (the
   * users report's rows as it wrote them), the kinds it holds are taken from there instead of read back.
   */
  rebuild(
    scopeId: number,
    day: number,
    options: { kinds?: readonly string[]; collected?: RowSetCollector } = {},
  ): void {
    const kinds = options.kinds ?? KINDS;
    const { stored, remove } = this.daySetStatements(kinds);
    const before: DaySets = new Map();
    if (this.periods)
      for (const [kind, key, users] of stored.iterate(scopeId, ...kinds, day) as IterableIterator<
        [string, number, Buffer]
      >)
        setOf(before, kind).set(key, users);
    remove.run(scopeId, ...kinds, day);
    this.written = new Map();
    const collected = options.collected?.encoded();
    for (const scan of this.scans) {
      const scanKinds = scan.sets.map((set) => set.kind);
      if (!scanKinds.some((kind) => kinds.includes(kind))) continue;
      if (!scanKinds.every((kind) => kinds.includes(kind)))
        throw new Error(`rebuild: the kinds ${scanKinds.join(', ')} are read together; ask for all or none`);
      if (collected && scanKinds.every((kind) => collected.has(kind))) {
        for (const kind of scanKinds)
          for (const [key, users] of collected.get(kind)!) this.write(scopeId, kind, day, key, users);
      } else this.rebuildScan(scopeId, day, scan);
    }
    this.periods?.dayChanged(scopeId, day, before, this.written);
  }

  /** The statements that read and delete a day's sets of these kinds (`kind IN (…)` follows the key). */
  private daySetStatements(kinds: readonly string[]): { stored: Statement; remove: Statement } {
    const name = kinds.join(',');
    let statements = this.byKinds.get(name);
    if (!statements) {
      const list = kinds.map(() => '?').join(', ');
      statements = {
        stored: this.db
          .prepare(
            `SELECT kind, key, users FROM active_sets WHERE scope_id = ? AND kind IN (${list}) AND day = ?`,
          )
          .raw(),
        remove: this.db.prepare(
          `DELETE FROM active_sets WHERE scope_id = ? AND kind IN (${list}) AND day = ?`,
        ),
      };
      this.byKinds.set(name, statements);
    }
    return statements;
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

/** Where a set kind finds its members in a row being written: the cell of its key, and its condition. */
interface RowMember {
  kind: string;
  /** The cell of the key (after scope_id, day and the subject); -1 when the key is 0. */
  key: number;
  /** The cell that must be 1 (a used_* flag), or -1. */
  flag: number;
  notNull: boolean;
}

/**
 * Memberships a users report's collector holds at most: 2 million, 20 to 40 MB at worst, reached by
 * reports of about 100,000 records; the 1 GB report of BENCHMARKS.md holds some 7 million.
 */
export const MAX_COLLECTED_MEMBERSHIPS = 2_000_000;

/** A key's users as they come: encoded while they ascend, collected once they do not. */
interface KeyUsers {
  encoder?: GapEncoder;
  refs?: number[];
}

/**
 * A users report's sets, collected from its rows as they are written, so its commit does not read the
 * day's rows back (a scan of usage_day and every breakdown table). The members follow the same rules
 * as `SET_SOURCES`; the writer uses them only when every row went in as written (no key stored twice,
 * whose cells the upsert would have merged), and reads the stored rows otherwise.
 */
export class RowSetCollector {
  private readonly members = new Map<TableSpec, RowMember[]>();
  private readonly sets = new Map<string, Map<number, KeyUsers>>(
    ROW_SET_KINDS.map((kind) => [kind, new Map()]),
  );
  /** Memberships collected so far; past `maxEntries` the collector gives up (see `encoded`). */
  private entries = 0;
  private overflowed = false;

  /**
   * `maxEntries` bounds what the sets hold (a membership costs a few bytes encoded, 8 as a collected
   * ref): a report past it (over ~1 GB of NDJSON) has its sets read back from the stored rows, as before,
   * so memory does not grow with the report's size.
   */
  constructor(private readonly maxEntries = MAX_COLLECTED_MEMBERSHIPS) {}

  /** One row of `spec` for `userRef`, its cells as written after (scope_id, day, subject). */
  observe(spec: TableSpec, userRef: number, cells: readonly CellValue[]): void {
    if (userRef <= 0 || this.overflowed) return;
    let members = this.members.get(spec);
    if (!members) this.members.set(spec, (members = membersOf(spec)));
    for (const member of members) {
      if (member.flag >= 0 && cells[member.flag] !== 1) continue;
      const key = member.key < 0 ? 0 : cells[member.key];
      if (key === null && member.notNull) continue;
      if (typeof key !== 'number')
        throw new Error(`the ${member.kind} set: the key of a ${spec.table} row is not an id (${key})`);
      if (++this.entries > this.maxEntries) {
        this.overflowed = true;
        this.sets.clear();
        return;
      }
      const byKey = this.sets.get(member.kind)!;
      let users = byKey.get(key);
      if (!users) byKey.set(key, (users = { encoder: new GapEncoder() }));
      if (users.encoder) {
        if (users.encoder.add(userRef)) continue;
        users.refs = [...decodeUsers(users.encoder.bytes())];
        users.encoder = undefined;
      }
      users.refs!.push(userRef);
    }
  }

  /** Every kind's sets, encoded (a kind with no members has none); undefined past `maxEntries`. */
  encoded(): Map<string, Map<number, Buffer>> | undefined {
    if (this.overflowed) return undefined;
    const out = new Map<string, Map<number, Buffer>>();
    for (const [kind, byKey] of this.sets) {
      const sets = new Map<number, Buffer>();
      for (const [key, users] of byKey)
        sets.set(key, users.encoder ? users.encoder.bytes() : encodeUsers(users.refs!));
      out.set(kind, sets);
    }
    return out;
  }
}

/** The set kinds a table's rows feed, with the cells they read. */
function membersOf(spec: TableSpec): RowMember[] {
  const columns = [
    ...(spec.fixed ? [spec.fixed.column] : []),
    ...[...spec.keys, ...spec.values].map((c) => c.column),
  ];
  const cell = (column: string) => {
    const index = columns.indexOf(column);
    if (index < 0) throw new Error(`${spec.table} rows have no ${column} column`);
    return index;
  };
  return Object.entries(ROW_SETS)
    .filter(([, source]) => source.table === spec.table)
    .map(([kind, source]) => ({
      kind,
      key: source.key ? cell(source.key) : -1,
      flag: typeof source.when === 'object' ? cell(source.when.flag) : -1,
      notNull: source.when === 'key not null',
    }));
}
