import type { Statement } from 'better-sqlite3';
import { type DayNumber, monthEnd, monthStart } from '../days';
import { PRIVACY_OFF, type PrivacyConfig } from '../privacy';
import type { RepoIdentity, UserIdentity } from '../reports/identity';
import { type CellValue, type RecordIssues, type RowSink, mapRecord } from '../reports/mapping';
import {
  ALL_TABLE_SPECS,
  type DictKind,
  RECORD_TABLES,
  type TableSpec,
  TEAM_DAY_SUMS,
} from '../reports/schema';
import { type Seat, dayOfTimestamp, editorName, mergeSeats } from '../reports/seats';
import type { ReportKind, SyncKind } from '../reports/types';
import type { Scope } from '../scopes';
import { ActiveSetWriter } from './activeSets';
import type { DB } from './connection';
import type { PairOutcome, PeopleTotals, ReportOutcome, TeamDayRow } from './interface';

const USER_CACHE_LIMIT = 50_000;

function additive(kind: TableSpec['values'][number]): boolean {
  if (typeof kind.kind === 'object' || kind.kind === 'text' || kind.kind === 'bool') return false;
  return kind.additive ?? true;
}

/** The key columns of a table spec's rows, in primary-key order. */
function keyColumnsOf(spec: TableSpec): string[] {
  return [
    'scope_id',
    'day',
    spec.subject,
    ...(spec.fixed ? [spec.fixed.column] : []),
    ...spec.keys.map((k) => k.column),
  ];
}

/** Plain INSERT for one table spec: the common case, a key not stored yet in this report. */
function plainInsertSql(spec: TableSpec): string {
  const columns = [...keyColumnsOf(spec), ...spec.values.map((v) => v.column)];
  return `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

/** INSERT for one table spec; a repeated key within one report adds counters and keeps the latest labels. */
function insertSql(spec: TableSpec): string {
  const updates = spec.values.map((v) =>
    additive(v)
      ? `${v.column} = coalesce(${v.column} + excluded.${v.column}, ${v.column}, excluded.${v.column})`
      : `${v.column} = coalesce(excluded.${v.column}, ${v.column})`,
  );
  return `${plainInsertSql(spec)}
    ON CONFLICT (${keyColumnsOf(spec).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

const unique = <T>(items: readonly T[]) => [...new Set(items)];

/** One (scope, month) of the per-user monthly totals (migration 009), from the stored day rows. */
export const USER_MONTH_INSERT = `INSERT INTO user_month
  SELECT scope_id, @month, user_ref, ${TEAM_DAY_SUMS.map((c) => `sum(${c})`).join(', ')}
  FROM usage_day WHERE scope_id = @scope AND day BETWEEN @month AND @last AND user_ref > 0
  GROUP BY user_ref`;

/** Which rows a report kind owns, so a new version of the report replaces exactly those. */
function replacementDeletes(kind: ReportKind): string[] {
  const tablesOf = (specs: readonly TableSpec[]) =>
    unique(specs.map((s) => `${s.table}:${s.subject}`)).map((t) => t.split(':'));
  switch (kind) {
    case 'aggregate':
      return tablesOf(RECORD_TABLES.aggregate).map(
        ([table, subject]) => `DELETE FROM ${table} WHERE scope_id = ? AND day = ? AND ${subject} = 0`,
      );
    case 'users':
      return tablesOf(RECORD_TABLES.user).map(
        ([table, subject]) => `DELETE FROM ${table} WHERE scope_id = ? AND day = ? AND ${subject} > 0`,
      );
    case 'repos':
      return tablesOf(RECORD_TABLES.repo).map(
        ([table, subject]) => `DELETE FROM ${table} WHERE scope_id = ? AND day = ? AND ${subject} > 0`,
      );
    case 'user-teams':
      return ['DELETE FROM team_members WHERE scope_id = ? AND day = ?'];
  }
}

/**
 * The only writer of the database. better-sqlite3 is synchronous, but a report is streamed from disk,
 * so its transaction spans awaits; `exclusive` serializes every use of the writer connection so that
 * no other write can land inside an open report transaction.
 */
export class Store {
  private lock: Promise<unknown> = Promise.resolve();
  private readonly dictionary = new Map<string, number>();
  private readonly users = new Map<number, { id: number; login: string }>();
  private readonly teams = new Map<string, number>();
  private readonly repos = new Map<number, { id: number; signature: string }>();
  private readonly inserts = new Map<TableSpec, Statement>();
  private readonly plainInserts = new Map<TableSpec, Statement>();
  private readonly deletes = new Map<ReportKind, Statement[]>();
  private readonly statements;
  private readonly activeSets: ActiveSetWriter;

  constructor(
    readonly db: DB,
    /** How per-user data is kept (PRIVACY_MODE); the importer, the runner and the seats sync follow it. */
    readonly privacy: PrivacyConfig = PRIVACY_OFF,
  ) {
    this.activeSets = new ActiveSetWriter(db);
    for (const spec of ALL_TABLE_SPECS) {
      this.inserts.set(spec, db.prepare(insertSql(spec)));
      this.plainInserts.set(spec, db.prepare(plainInsertSql(spec)));
    }
    for (const kind of ['aggregate', 'users', 'repos', 'user-teams'] as const) {
      this.deletes.set(
        kind,
        replacementDeletes(kind).map((sql) => db.prepare(sql)),
      );
    }
    this.statements = {
      dictionary: db.prepare(
        'INSERT INTO dictionary (kind, value) VALUES (?, ?) ON CONFLICT (kind, value) DO UPDATE SET kind = excluded.kind RETURNING id',
      ),
      user: db.prepare(
        'INSERT INTO users (github_id, login) VALUES (?, ?) ON CONFLICT (github_id) DO UPDATE SET login = excluded.login RETURNING id',
      ),
      team: db.prepare(
        'INSERT INTO teams (scope_id, github_id, slug) VALUES (?, ?, ?) ON CONFLICT (scope_id, github_id) DO UPDATE SET slug = excluded.slug RETURNING id',
      ),
      repo: db.prepare(
        `INSERT INTO repos (github_id, owner, name, visibility) VALUES (?, ?, ?, ?) ON CONFLICT (github_id)
         DO UPDATE SET owner = excluded.owner, name = excluded.name, visibility = coalesce(excluded.visibility, visibility) RETURNING id`,
      ),
      member: db.prepare(
        'INSERT OR IGNORE INTO team_members (scope_id, day, team_ref, user_ref) VALUES (?, ?, ?, ?)',
      ),
      scopeInsert: db.prepare(
        'INSERT INTO scopes (kind, slug) VALUES (?, ?) ON CONFLICT (kind, slug) DO NOTHING',
      ),
      scopeSelect: db.prepare('SELECT id FROM scopes WHERE kind = ? AND slug = ?'),
      scopeIds: db.prepare(
        'UPDATE scopes SET github_id = coalesce(?, github_id), enterprise_github_id = coalesce(?, enterprise_github_id) WHERE id = ?',
      ),
      rawDelete: db.prepare('DELETE FROM raw_chunks WHERE scope_id = ? AND kind = ? AND day = ?'),
      rawInsert: db.prepare(
        'INSERT INTO raw_chunks (scope_id, kind, day, file_index, chunk_index, data) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      status: db.prepare(
        `INSERT INTO reports (scope_id, kind, day, status, attempts, error, error_status, records, malformed_lines, issues, unknown_keys, files, bytes, fetched_at)
         VALUES (@scopeId, @kind, @day, @status, 1, @error, @errorStatus, @records, @malformedLines, @issues, @unknownKeys, @files, @bytes, @fetchedAt)
         ON CONFLICT (scope_id, kind, day) DO UPDATE SET
           -- A failed re-fetch of a stored day keeps the stored report: the day stays 'ok', with the error noted.
           status = CASE WHEN excluded.status = 'failed' AND reports.status = 'ok' THEN 'ok' ELSE excluded.status END,
           attempts = reports.attempts + 1, error = excluded.error, error_status = excluded.error_status,
           records = coalesce(excluded.records, reports.records),
           malformed_lines = coalesce(excluded.malformed_lines, reports.malformed_lines),
           issues = CASE WHEN excluded.status = 'ok' THEN excluded.issues ELSE coalesce(excluded.issues, reports.issues) END,
           unknown_keys = coalesce(excluded.unknown_keys, reports.unknown_keys),
           files = coalesce(excluded.files, reports.files), bytes = coalesce(excluded.bytes, reports.bytes),
           fetched_at = excluded.fetched_at`,
      ),
      teamDayDelete: db.prepare('DELETE FROM team_day WHERE scope_id = ? AND day = ?'),
      teamDayInsert: db.prepare(
        `INSERT INTO team_day
         SELECT x.scope_id, x.day, m.team_ref, count(DISTINCT x.user_ref),
           sum(x.user_initiated_interaction_count), sum(x.code_generation_activity_count), sum(x.code_acceptance_activity_count),
           sum(x.loc_suggested_to_add_sum), sum(x.loc_suggested_to_delete_sum), sum(x.loc_added_sum), sum(x.loc_deleted_sum),
           sum(x.ai_credits_used)
         FROM usage_day x JOIN team_members m ON m.scope_id = x.scope_id AND m.day = x.day AND m.user_ref = x.user_ref
         WHERE x.scope_id = ? AND x.day = ? AND x.user_ref > 0
         GROUP BY m.team_ref`,
      ),
      userMonthDelete: db.prepare('DELETE FROM user_month WHERE scope_id = ? AND month = ?'),
      userTotalsDelete: db.prepare('DELETE FROM user_totals_day WHERE scope_id = ? AND day = ?'),
      userTotalsInsert: db.prepare(
        `INSERT INTO user_totals_day SELECT scope_id, day, count(*), ${TEAM_DAY_SUMS.map((c) => `sum(${c})`).join(', ')}
         FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0 GROUP BY scope_id, day`,
      ),
      userTotalsRow: db.prepare('INSERT INTO user_totals_day VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      userMonthInsert: db.prepare(USER_MONTH_INSERT),
      teamDayRow: db.prepare('INSERT INTO team_day VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      seatDelete: db.prepare('DELETE FROM seat_snapshots WHERE scope_id = ? AND day = ?'),
      seatInsert: db.prepare(
        `INSERT OR REPLACE INTO seat_snapshots (scope_id, day, user_ref, plan_type, created_at, last_activity_at,
           last_activity_day, last_activity_editor, editor, pending_cancellation_date, assigning_team_ref)
         VALUES (@scopeId, @day, @userRef, @planType, @createdAt, @lastActivityAt, @lastActivityDay,
           @lastActivityEditor, @editor, @pendingCancellationDate, @teamRef)`,
      ),
      seatRows: db.prepare(
        `SELECT s.user_ref AS userRef, s.plan_type AS planType, s.created_at AS createdAt,
           s.last_activity_at AS lastActivityAt, s.last_activity_day AS lastActivityDay,
           s.last_activity_editor AS lastActivityEditor, s.editor, s.pending_cancellation_date AS pendingCancellationDate,
           t.github_id AS teamGithubId, t.slug AS teamSlug
         FROM seat_snapshots s LEFT JOIN teams t ON t.id = s.assigning_team_ref
         WHERE s.scope_id = ? AND s.day = ?`,
      ),
      unknownKey: db.prepare(
        `INSERT INTO unknown_keys (report_kind, path, first_day, last_day, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (report_kind, path) DO UPDATE SET first_day = min(first_day, excluded.first_day),
           last_day = max(last_day, excluded.last_day), last_seen_at = excluded.last_seen_at`,
      ),
    };
  }

  /** Runs `work` with the writer to itself; calls queue in order. */
  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  scopeId(scope: Scope): number {
    this.statements.scopeInsert.run(scope.kind, scope.slug);
    return (this.statements.scopeSelect.get(scope.kind, scope.slug) as { id: number }).id;
  }

  readonly resolve = (kind: DictKind, value: string): number => {
    const key = `${kind}\u0000${value}`;
    let id = this.dictionary.get(key);
    if (id === undefined) {
      id = (this.statements.dictionary.get(kind, value) as { id: number }).id;
      this.dictionary.set(key, id);
    }
    return id;
  };

  userRef(user: UserIdentity): number {
    const cached = this.users.get(user.githubId);
    if (cached && cached.login === user.login) return cached.id;
    const id = (this.statements.user.get(user.githubId, user.login) as { id: number }).id;
    // Bounded: a report names each user once, so the cache only pays off across reports, and an
    // enterprise of 300,000 users must not keep them all in memory.
    if (this.users.size >= USER_CACHE_LIMIT) this.users.clear();
    this.users.set(user.githubId, { id, login: user.login });
    return id;
  }

  teamRef(scopeId: number, githubId: number, slug: string): number {
    const key = `${scopeId}:${githubId}:${slug}`;
    let id = this.teams.get(key);
    if (id === undefined) {
      id = (this.statements.team.get(scopeId, githubId, slug) as { id: number }).id;
      this.teams.set(key, id);
    }
    return id;
  }

  repoRef(repo: RepoIdentity): number {
    const signature = `${repo.owner}/${repo.name}:${repo.visibility}`;
    const cached = this.repos.get(repo.githubId);
    if (cached && cached.signature === signature) return cached.id;
    const id = (
      this.statements.repo.get(repo.githubId, repo.owner, repo.name, repo.visibility) as { id: number }
    ).id;
    this.repos.set(repo.githubId, { id, signature });
    return id;
  }

  /** Opens the transaction that replaces one report. Call only inside `exclusive`. */
  beginReport(
    scopeId: number,
    kind: ReportKind,
    day: DayNumber,
    options: { keepArchive?: boolean } = {},
  ): ReportTransaction {
    return new ReportTransaction(this, scopeId, kind, day, options.keepArchive ?? false);
  }

  /** Records an attempt that stored nothing: a 204 (no_data) or a failure. Call inside `exclusive`. */
  recordAttempt(
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    status: 'no_data' | 'failed',
    error?: string,
    errorStatus?: number,
  ): void {
    this.statements.status.run({
      scopeId,
      kind,
      day,
      status,
      error: error ?? null,
      errorStatus: errorStatus ?? null,
      records: status === 'no_data' ? 0 : null,
      malformedLines: null,
      issues: null,
      unknownKeys: null,
      files: status === 'no_data' ? 0 : null,
      bytes: status === 'no_data' ? 0 : null,
      fetchedAt: new Date().toISOString(),
    });
  }

  /**
   * Replaces a scope's seat snapshot of a day with what GitHub listed and records it as an ok `seats`
   * report, in one transaction. Call inside `exclusive`.
   */
  replaceSeats(
    scopeId: number,
    day: DayNumber,
    seats: readonly Seat[],
    outcome: { issues: string[]; malformed: number; pages: number },
  ): void {
    const { seatDelete, seatInsert } = this.statements;
    const nullable = (kind: DictKind, value: string | null) =>
      value === null ? null : this.resolve(kind, value);
    this.inTransaction(() => {
      seatDelete.run(scopeId, day);
      for (const seat of seats) {
        seatInsert.run({
          scopeId,
          day,
          userRef: this.userRef(seat.user),
          planType: nullable('plan_type', seat.planType),
          createdAt: seat.createdAt,
          lastActivityAt: seat.lastActivityAt,
          lastActivityDay: dayOfTimestamp(seat.lastActivityAt),
          lastActivityEditor: nullable('seat_editor', seat.lastActivityEditor),
          editor: nullable('editor', editorName(seat.lastActivityEditor)),
          pendingCancellationDate: seat.pendingCancellationDate,
          teamRef: seat.assigningTeam
            ? this.teamRef(scopeId, seat.assigningTeam.githubId, seat.assigningTeam.slug)
            : null,
        });
      }
      this.recordSnapshot(scopeId, day, seats.length, outcome);
    });
  }

  /**
   * An enterprise's seats of a day: the union of its organizations' stored snapshots of that day, one
   * row per user (see `mergeSeats`), recorded as an ok `seats` report. Call inside `exclusive`.
   */
  replaceSeatUnion(enterpriseScopeId: number, orgScopeIds: readonly number[], day: DayNumber): number {
    const { seatDelete, seatInsert, seatRows } = this.statements;
    type Row = {
      userRef: number;
      planType: number | null;
      createdAt: string | null;
      lastActivityAt: string | null;
      lastActivityDay: number | null;
      lastActivityEditor: number | null;
      editor: number | null;
      pendingCancellationDate: number | null;
      teamGithubId: number | null;
      teamSlug: string | null;
    };
    const byUser = new Map<number, Row[]>();
    for (const orgScopeId of orgScopeIds) {
      for (const row of seatRows.all(orgScopeId, day) as Row[]) {
        const rows = byUser.get(row.userRef);
        if (rows) rows.push(row);
        else byUser.set(row.userRef, [row]);
      }
    }
    this.inTransaction(() => {
      seatDelete.run(enterpriseScopeId, day);
      for (const rows of byUser.values()) {
        const { teamGithubId, teamSlug, ...seat } = mergeSeats(rows);
        seatInsert.run({
          ...seat,
          scopeId: enterpriseScopeId,
          day,
          // Teams belong to a scope: the enterprise's own row for the organization's team.
          teamRef:
            teamGithubId !== null && teamSlug !== null
              ? this.teamRef(enterpriseScopeId, teamGithubId, teamSlug)
              : null,
        });
      }
      this.recordSnapshot(enterpriseScopeId, day, byUser.size, { issues: [], malformed: 0, pages: 0 });
    });
    return byUser.size;
  }

  /**
   * PRIVACY_MODE=aggregate: replaces a (scope, day)'s team figures with rows computed from its users and
   * user-teams reports (sync/userPair.ts), and records both reports, in one transaction. Call inside
   * `exclusive`.
   */
  replaceTeamAggregates(
    scopeId: number,
    day: DayNumber,
    rows: readonly TeamDayRow[],
    outcomes: PairOutcome,
    /** The day's totals over every person of the users report (absent without one). */
    everyone?: PeopleTotals,
  ): void {
    const { teamDayDelete, teamDayRow, userTotalsDelete, userTotalsRow } = this.statements;
    this.inTransaction(() => {
      teamDayDelete.run(scopeId, day);
      userTotalsDelete.run(scopeId, day);
      if (everyone) userTotalsRow.run(scopeId, day, everyone.activeUsers, ...everyone.sums);
      for (const row of rows)
        teamDayRow.run(
          scopeId,
          day,
          this.teamRef(scopeId, row.teamGithubId, row.slug),
          row.activeUsers,
          ...row.sums,
        );
      for (const [kind, outcome] of [
        ['users', outcomes.users],
        ['user-teams', outcomes.teams],
      ] as const) {
        if (outcome === 'no_data') {
          this.recordAttempt(scopeId, kind, day, 'no_data');
          continue;
        }
        this.recordStored(scopeId, kind, day, outcome);
      }
    });
  }

  /** Rebuilds the day's totals over people (migration 010) and the per-user totals of its month (009). */
  rebuildPeopleRollups(scopeId: number, day: DayNumber): void {
    this.statements.userTotalsDelete.run(scopeId, day);
    this.statements.userTotalsInsert.run(scopeId, day);
    const month = monthStart(day);
    this.statements.userMonthDelete.run(scopeId, month);
    this.statements.userMonthInsert.run({ scope: scopeId, month, last: monthEnd(day) });
  }

  /** A report stored whole: its status, counts and problems, and the unknown keys it carried. */
  recordStored(scopeId: number, kind: ReportKind, day: DayNumber, outcome: ReportOutcome): void {
    const now = new Date().toISOString();
    for (const path of outcome.unknownKeys) this.statements.unknownKey.run(kind, path, day, day, now, now);
    this.statements.status.run({
      scopeId,
      kind,
      day,
      status: 'ok',
      error: null,
      errorStatus: null,
      records: outcome.records,
      malformedLines: outcome.malformedLines,
      issues: outcome.issues.length ? JSON.stringify(outcome.issues) : null,
      unknownKeys: JSON.stringify(outcome.unknownKeys),
      files: outcome.files,
      bytes: outcome.bytes,
      fetchedAt: now,
    });
  }

  private recordSnapshot(
    scopeId: number,
    day: DayNumber,
    records: number,
    outcome: { issues: string[]; malformed: number; pages: number },
  ): void {
    this.statements.status.run({
      scopeId,
      kind: 'seats',
      day,
      status: 'ok',
      error: null,
      errorStatus: null,
      records,
      malformedLines: outcome.malformed,
      issues: outcome.issues.length ? JSON.stringify(outcome.issues) : null,
      unknownKeys: '[]',
      files: outcome.pages,
      bytes: null,
      fetchedAt: new Date().toISOString(),
    });
  }

  /** Runs `work` in one transaction; ids cached inside a rolled-back one are forgotten. */
  private inTransaction(work: () => void): void {
    try {
      this.db.transaction(work)();
    } catch (error) {
      this.forgetCachedIds();
      throw error;
    }
  }

  /** @internal used by ReportTransaction */
  sql() {
    return {
      ...this.statements,
      inserts: this.inserts,
      plainInserts: this.plainInserts,
      deletes: this.deletes,
      activeSets: this.activeSets,
    };
  }

  /** Ids handed out inside a rolled-back transaction are gone; forget them. */
  forgetCachedIds(): void {
    this.dictionary.clear();
    this.users.clear();
    this.teams.clear();
    this.repos.clear();
  }
}

/** One report's replacement: old rows out, new rows in, status and archive updated, all or nothing. */
export class ReportTransaction {
  private finished = false;
  private readonly sql;
  private readonly sink: RowSink;
  private subjectRef = 0;

  constructor(
    private readonly store: Store,
    readonly scopeId: number,
    readonly kind: ReportKind,
    readonly day: DayNumber,
    keepArchive: boolean,
  ) {
    this.sql = store.sql();
    store.db.exec('BEGIN IMMEDIATE');
    for (const statement of this.sql.deletes.get(kind)!) statement.run(scopeId, day);
    if (!keepArchive) this.sql.rawDelete.run(scopeId, kind, day);
    // A plain INSERT first (about a fifth cheaper than an upsert); a key already stored in this report
    // (a subject listed twice, a repeated breakdown entry, several aggregate records) adds up instead.
    this.sink = (spec: TableSpec, values: CellValue[]) => {
      try {
        this.sql.plainInserts.get(spec)!.run(this.scopeId, this.day, this.subjectRef, ...values);
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
        if (spec === this.firstSpec) this.repeated = true;
        this.sql.inserts.get(spec)!.run(this.scopeId, this.day, this.subjectRef, ...values);
      }
    };
  }

  private firstSpec: TableSpec | undefined;
  private repeated = false;

  /**
   * Maps a record into the given tables for a subject (user or repo ref; 0 for the aggregate). Returns
   * true when the subject already had figures in this report (its counters were added together).
   */
  addFigures(
    specs: readonly TableSpec[],
    subjectRef: number,
    record: Record<string, unknown>,
    issues: RecordIssues,
  ): boolean {
    this.subjectRef = subjectRef;
    this.firstSpec = specs[0];
    this.repeated = false;
    mapRecord(record, specs, this.store.resolve, this.sink, issues);
    return this.repeated;
  }

  addTeamMember(teamRef: number, userRef: number): void {
    this.sql.member.run(this.scopeId, this.day, teamRef, userRef);
  }

  addRawChunk(fileIndex: number, chunkIndex: number, data: Buffer): void {
    this.sql.rawInsert.run(this.scopeId, this.kind, this.day, fileIndex, chunkIndex, data);
  }

  setScopeIds(githubId: string | undefined, enterpriseGithubId: string | undefined): void {
    this.sql.scopeIds.run(githubId ?? null, enterpriseGithubId ?? null, this.scopeId);
  }

  commit(outcome: ReportOutcome): void {
    if (this.kind === 'users' || this.kind === 'user-teams') {
      // The team rollup and the active-user sets depend on both reports of the day; rebuild them from what is stored now.
      this.sql.teamDayDelete.run(this.scopeId, this.day);
      this.sql.teamDayInsert.run(this.scopeId, this.day);
      this.sql.activeSets.rebuild(this.scopeId, this.day);
    }
    if (this.kind === 'users') this.store.rebuildPeopleRollups(this.scopeId, this.day);
    this.store.recordStored(this.scopeId, this.kind, this.day, outcome);
    this.store.db.exec('COMMIT');
    this.finished = true;
  }

  rollback(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.store.db.inTransaction) this.store.db.exec('ROLLBACK');
    this.store.forgetCachedIds();
  }
}
