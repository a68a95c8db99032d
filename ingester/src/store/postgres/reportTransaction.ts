/**
 * One report's replacement on PostgreSQL, as ../reportTransaction.ts does it on SQLite: BEGIN at
 * `beginReport`, the report kind's old rows and archive out, new rows in (`PostgresRowBatcher`), the
 * rollups and active-user sets that depend on it rebuilt, its status recorded, COMMIT; or ROLLBACK.
 */
import type { DayNumber } from '../../days';
import type { CellValue } from '../../reports/mapping';
import type { DictKind, TableSpec } from '../../reports/schema';
import type { ReportKind } from '../../reports/types';
import { RowSetCollector } from '../activeSets';
import type { ReportOutcome, ReportWriter } from '../interface';
import { USER_DAY_SQL, replacementDeletes } from '../reportSql';
import type { PostgresActiveSets } from './activeSets';
import type { PostgresArchive } from './archive';
import type { PostgresReferences } from './references';
import type { PostgresRollups } from './rollups';
import { PostgresRowBatcher } from './rowBatch';
import type { PostgresStatus } from './status';
import type { Query, WriterConnection } from './writerConnection';

/** Memberships a statement at most. */
const MEMBERS_PER_INSERT = 50_000;

/** The writer's parts a report transaction works with. */
export interface PostgresReportContext {
  connection: WriterConnection;
  refs: PostgresReferences;
  archive: PostgresArchive;
  rollups: PostgresRollups;
  activeSets: PostgresActiveSets;
  status: PostgresStatus;
}

/** Opens the transaction that replaces one report (BEGIN, and the report kind's rows out). */
export async function beginPostgresReport(
  context: PostgresReportContext,
  scopeId: number,
  kind: ReportKind,
  day: DayNumber,
  keepArchive: boolean,
): Promise<ReportWriter> {
  let newDay = false;
  await context.connection.serial(async (query) => {
    await query('BEGIN');
    try {
      if (kind === 'users') newDay = !(await query(USER_DAY_SQL, [scopeId, day])).rowCount;
      for (const sql of replacementDeletes(kind)) await query(sql, [scopeId, day]);
      if (!keepArchive) await context.archive.removeReport(query, scopeId, kind, day);
    } catch (error) {
      await query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
  return new PostgresReportTransaction(context, scopeId, kind, day, newDay);
}

class PostgresReportTransaction implements ReportWriter {
  private finished = false;
  private readonly rows: PostgresRowBatcher;
  /** Team memberships, buffered like rows. */
  private members: number[] = [];
  /** A users report's active-user sets, collected as its rows are written. */
  private readonly sets: RowSetCollector | undefined;

  constructor(
    private readonly context: PostgresReportContext,
    readonly scopeId: number,
    readonly kind: ReportKind,
    readonly day: DayNumber,
    /** A users report of a day that had no per-user rows yet: its month's per-user totals are added to. */
    private readonly newDay: boolean,
  ) {
    this.rows = new PostgresRowBatcher(context.connection);
    if (kind === 'users') this.sets = new RowSetCollector();
  }

  addRow(spec: TableSpec, subjectRef: number, values: CellValue[], tag: number): void {
    this.rows.add(spec, this.scopeId, this.day, subjectRef, values, tag);
    this.sets?.observe(spec, subjectRef, values);
  }

  async takeRepeated(): Promise<number[]> {
    await this.rows.flush();
    return this.rows.takeRepeated();
  }

  async dictionaryId(kind: DictKind, value: string): Promise<number> {
    return this.context.refs.resolve(kind, value);
  }

  addTeamMember(teamRef: number, userRef: number): void {
    this.members.push(teamRef, userRef);
  }

  async addRawChunk(fileIndex: number, chunkIndex: number, data: Buffer): Promise<void> {
    await this.context.archive.addChunk(this.scopeId, this.kind, this.day, fileIndex, chunkIndex, data);
  }

  async setScopeIds(githubId: string | undefined, enterpriseGithubId: string | undefined): Promise<void> {
    await this.context.refs.setScopeIds(this.scopeId, githubId, enterpriseGithubId);
  }

  async commit(outcome: ReportOutcome): Promise<void> {
    const { connection, rollups, activeSets, status } = this.context;
    await this.rows.flush();
    await connection.serial(async (query) => {
      await this.writeMembers(query);
      if (this.kind === 'users' || this.kind === 'user-teams') {
        // As on SQLite: the team rollup and sets from what is stored now; the users report's other
        // sets from its rows as written, unless a repeated key merged some.
        await rollups.rebuildTeamDay(query, this.scopeId, this.day);
        if (this.kind === 'user-teams')
          await activeSets.rebuild(query, this.scopeId, this.day, { kinds: ['team'] });
        else
          await activeSets.rebuild(query, this.scopeId, this.day, {
            collected: this.rows.merged ? undefined : this.sets,
          });
      }
      if (this.kind === 'users') await rollups.rebuildPeople(query, this.scopeId, this.day, this.newDay);
      await status.recordStored(query, this.scopeId, this.kind, this.day, outcome);
      await query('COMMIT');
    });
    this.finished = true;
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.rows.discard();
    this.members = [];
    await this.context.connection.query('ROLLBACK');
    this.context.refs.forget();
  }

  /**
   * The memberships, bound as two arrays a statement (tens of thousands of pairs; SQLite's INSERT OR
   * IGNORE: a pair listed twice is kept once).
   */
  private async writeMembers(query: Query): Promise<void> {
    const pairs = this.members;
    this.members = [];
    for (let at = 0; at < pairs.length; at += 2 * MEMBERS_PER_INSERT) {
      const teams: number[] = [];
      const users: number[] = [];
      const end = Math.min(pairs.length, at + 2 * MEMBERS_PER_INSERT);
      for (let i = at; i < end; i += 2) {
        teams.push(pairs[i]);
        users.push(pairs[i + 1]);
      }
      await query(
        `INSERT INTO team_members (scope_id, day, team_ref, user_ref)
         SELECT ?::integer, ?::integer, team_ref, user_ref FROM unnest(?::integer[], ?::integer[]) AS m (team_ref, user_ref)
         ON CONFLICT DO NOTHING`,
        [this.scopeId, this.day, teams, users],
        { name: 'team_members_rows' },
      );
    }
  }
}
