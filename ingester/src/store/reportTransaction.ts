/**
 * One report's replacement: its old rows out, its new rows in, the rollups and active-user sets that
 * depend on it rebuilt, its status and archive updated, all or nothing. The statements are prepared
 * once per writer (`Reports`); each report gets its own `ReportTransaction`.
 */
import type { Statement } from 'better-sqlite3';
import type { DayNumber } from '../days';
import type { CellValue } from '../reports/mapping';
import { ALL_TABLE_SPECS, type DictKind, type TableSpec } from '../reports/schema';
import { REPORT_KINDS, type ReportKind } from '../reports/types';
import { type ActiveSetWriter, RowSetCollector } from './activeSets';
import type { Archive } from './archive';
import type { DB } from './connection';
import type { ReportOutcome, ReportWriter } from './interface';
import type { References } from './references';
import { USER_DAY_SQL, insertSql, plainInsertSql, replacementDeletes } from './reportSql';
import type { Rollups } from './rollups';
import { RowBatcher } from './rowBatch';
import type { Status } from './status';

/** What a report transaction works with: the writer connection, its statements, and the other writers. */
interface ReportContext {
  db: DB;
  deletes: ReadonlyMap<ReportKind, Statement[]>;
  plainInserts: ReadonlyMap<TableSpec, Statement>;
  inserts: ReadonlyMap<TableSpec, Statement>;
  wideInserts: Map<TableSpec, Map<number, Statement>>;
  member: Statement;
  /** Whether a (scope, day) has a per-user row. */
  userDay: Statement;
  refs: References;
  archive: Archive;
  rollups: Rollups;
  activeSets: ActiveSetWriter;
  status: Status;
  /** Called after each report's commit (the background checkpoint). */
  committed: () => void;
}

/** Opens report transactions; prepares their statements once. */
export class Reports {
  private readonly context: ReportContext;

  constructor(
    db: DB,
    writers: Pick<ReportContext, 'refs' | 'archive' | 'rollups' | 'activeSets' | 'status' | 'committed'>,
  ) {
    const inserts = new Map<TableSpec, Statement>();
    const plainInserts = new Map<TableSpec, Statement>();
    for (const spec of ALL_TABLE_SPECS) {
      inserts.set(spec, db.prepare(insertSql(spec)));
      plainInserts.set(spec, db.prepare(plainInsertSql(spec)));
    }
    const deletes = new Map<ReportKind, Statement[]>();
    for (const kind of REPORT_KINDS)
      deletes.set(
        kind,
        replacementDeletes(kind).map((sql) => db.prepare(sql)),
      );
    const member = db.prepare(
      'INSERT OR IGNORE INTO team_members (scope_id, day, team_ref, user_ref) VALUES (?, ?, ?, ?)',
    );
    const userDay = db.prepare(USER_DAY_SQL).pluck();
    this.context = {
      db,
      deletes,
      plainInserts,
      inserts,
      wideInserts: new Map(),
      member,
      userDay,
      ...writers,
    };
  }

  /** Opens the transaction that replaces one report. */
  begin(scopeId: number, kind: ReportKind, day: DayNumber, keepArchive: boolean): ReportWriter {
    return new ReportTransaction(this.context, scopeId, kind, day, keepArchive);
  }
}

class ReportTransaction implements ReportWriter {
  private finished = false;
  private readonly rows: RowBatcher;
  /** A users report's active-user sets, collected as its rows are written. */
  private readonly sets: RowSetCollector | undefined;
  /** A users report of a day that had no per-user rows yet: its month's per-user totals are added to. */
  private readonly newDay: boolean;

  constructor(
    private readonly context: ReportContext,
    readonly scopeId: number,
    readonly kind: ReportKind,
    readonly day: DayNumber,
    keepArchive: boolean,
  ) {
    const { db, deletes, plainInserts, inserts, wideInserts } = context;
    db.exec('BEGIN IMMEDIATE');
    this.newDay = kind === 'users' && !context.userDay.get(scopeId, day);
    for (const statement of deletes.get(kind)!) statement.run(scopeId, day);
    if (!keepArchive) context.archive.removeReport(scopeId, kind, day);
    // Plain multi-row INSERTs (cheaper than one upsert a row); a key already stored in this report (a
    // subject listed twice, a repeated breakdown entry, several aggregate records) adds up instead.
    this.rows = new RowBatcher(db, plainInserts, inserts, wideInserts);
    if (kind === 'users') this.sets = new RowSetCollector();
  }

  addRow(spec: TableSpec, subjectRef: number, values: CellValue[], tag: number): void {
    this.rows.add(spec, this.scopeId, this.day, subjectRef, values, tag);
    this.sets?.observe(spec, subjectRef, values);
  }

  async takeRepeated(): Promise<number[]> {
    this.rows.flush();
    return this.rows.takeRepeated();
  }

  async dictionaryId(kind: DictKind, value: string): Promise<number> {
    return this.context.refs.resolve(kind, value);
  }

  addTeamMember(teamRef: number, userRef: number): void {
    this.context.member.run(this.scopeId, this.day, teamRef, userRef);
  }

  async addRawChunk(fileIndex: number, chunkIndex: number, data: Buffer): Promise<void> {
    this.context.archive.addChunk(this.scopeId, this.kind, this.day, fileIndex, chunkIndex, data);
  }

  async setScopeIds(githubId: string | undefined, enterpriseGithubId: string | undefined): Promise<void> {
    this.context.refs.setScopeIds(this.scopeId, githubId, enterpriseGithubId);
  }

  async commit(outcome: ReportOutcome): Promise<void> {
    const { db, rollups, activeSets, status } = this.context;
    this.rows.flush();
    if (this.kind === 'users' || this.kind === 'user-teams') {
      // The team rollup and the team sets depend on both reports of the day; rebuild them from what is
      // stored now. The other sets depend on the users report alone: taken from its rows as they were
      // written, unless a repeated key merged some (then read back as stored).
      rollups.rebuildTeamDay(this.scopeId, this.day);
      if (this.kind === 'user-teams') activeSets.rebuild(this.scopeId, this.day, { kinds: ['team'] });
      else
        activeSets.rebuild(this.scopeId, this.day, { collected: this.rows.merged ? undefined : this.sets });
    }
    if (this.kind === 'users') rollups.rebuildPeople(this.scopeId, this.day, this.newDay);
    status.recordStored(this.scopeId, this.kind, this.day, outcome);
    db.exec('COMMIT');
    this.finished = true;
    this.context.committed();
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.rows.discard();
    if (this.context.db.inTransaction) this.context.db.exec('ROLLBACK');
    this.context.refs.forget();
  }
}
