/**
 * What was fetched and how it went: each (scope, report, day)'s status row (reports), the keys GitHub
 * sent that no table stores yet (unknown_keys), and each sync run (sync_runs). coverage.ts is their
 * read side for `status` and the API.
 */
import type { Statement } from 'better-sqlite3';
import type { DayNumber } from '../days';
import type { SyncKind } from '../reports/types';
import type { DB } from './connection';
import { type Dialect, SQLITE } from './dialect';
import type { ReportOutcome, ReportStatus, RunResult } from './interface';

/**
 * A (scope, report, day)'s status after an attempt (`@name` parameters; both engines run this text).
 */
export const REPORT_STATUS_UPSERT = `INSERT INTO reports (scope_id, kind, day, status, attempts, error, error_status, records, malformed_lines, issues, unknown_keys, files, bytes, fetched_at)
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
         fetched_at = excluded.fetched_at`;

/** A key GitHub sent that no table stores: the days it was seen first and last, and when. */
export function unknownKeyUpsertSql(dialect: Dialect): string {
  const stored = (column: string) => dialect.stored('unknown_keys', column);
  return `INSERT INTO unknown_keys (report_kind, path, first_day, last_day, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (report_kind, path) DO UPDATE SET first_day = ${dialect.least(stored('first_day'), 'excluded.first_day')},
         last_day = ${dialect.greatest(stored('last_day'), 'excluded.last_day')}, last_seen_at = excluded.last_seen_at`;
}

export class Status {
  private readonly upsert: Statement;
  private readonly unknownKey: Statement;
  private readonly selectAll: Statement;
  private readonly selectOne: Statement;

  constructor(db: DB) {
    this.upsert = db.prepare(REPORT_STATUS_UPSERT);
    this.unknownKey = db.prepare(unknownKeyUpsertSql(SQLITE));
    this.selectAll = db.prepare('SELECT scope_id, kind, day, status FROM reports');
    this.selectOne = db
      .prepare('SELECT status FROM reports WHERE scope_id = ? AND kind = ? AND day = ?')
      .pluck();
  }

  /** Every stored status, read at once (for the planner). */
  statuses(): (scopeId: number, kind: SyncKind, day: DayNumber) => ReportStatus | undefined {
    const rows = this.selectAll.all() as {
      scope_id: number;
      kind: string;
      day: number;
      status: ReportStatus;
    }[];
    const byKey = new Map(rows.map((row) => [`${row.scope_id}:${row.kind}:${row.day}`, row.status]));
    return (scopeId, kind, day) => byKey.get(`${scopeId}:${kind}:${day}`);
  }

  statusOf(scopeId: number, kind: SyncKind, day: DayNumber): ReportStatus | undefined {
    return this.selectOne.get(scopeId, kind, day) as ReportStatus | undefined;
  }

  /** An attempt that stored nothing: a 204 (no_data) or a failure. */
  recordAttempt(
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    status: 'no_data' | 'failed',
    error?: string,
    errorStatus?: number,
  ): void {
    this.upsert.run(attemptRow(scopeId, kind, day, status, error, errorStatus));
  }

  /** A report (or seats snapshot) stored whole: its status, counts and problems, and the unknown keys it carried. */
  recordStored(scopeId: number, kind: SyncKind, day: DayNumber, outcome: ReportOutcome): void {
    const now = new Date().toISOString();
    for (const path of outcome.unknownKeys) this.unknownKey.run(kind, path, day, day, now, now);
    this.upsert.run(storedRow(scopeId, kind, day, outcome, now));
  }

  /** Either of the above: stored, or GitHub had no report (204). */
  recordOutcome(scopeId: number, kind: SyncKind, day: DayNumber, outcome: ReportOutcome | 'no_data'): void {
    if (outcome === 'no_data') this.recordAttempt(scopeId, kind, day, 'no_data');
    else this.recordStored(scopeId, kind, day, outcome);
  }
}

/** The reports row of an attempt that stored nothing (both engines bind it to REPORT_STATUS_UPSERT). */
export function attemptRow(
  scopeId: number,
  kind: SyncKind,
  day: DayNumber,
  status: 'no_data' | 'failed',
  error?: string,
  errorStatus?: number,
) {
  return {
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
  };
}

/** The reports row of a report stored whole, at `now` (both engines bind it to REPORT_STATUS_UPSERT). */
export function storedRow(
  scopeId: number,
  kind: SyncKind,
  day: DayNumber,
  outcome: ReportOutcome,
  now: string,
) {
  return {
    scopeId,
    kind,
    day,
    status: 'ok' as const,
    error: null,
    errorStatus: null,
    records: outcome.records,
    malformedLines: outcome.malformedLines,
    issues: outcome.issues.length ? JSON.stringify(outcome.issues) : null,
    unknownKeys: JSON.stringify(outcome.unknownKeys),
    files: outcome.files,
    bytes: outcome.bytes,
    fetchedAt: now,
  };
}

export class Runs {
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly interrupt: Statement;

  constructor(private readonly db: DB) {
    this.insert = db.prepare(
      "INSERT INTO sync_runs (trigger, started_at, status, planned) VALUES (?, ?, 'running', ?)",
    );
    this.update = db.prepare(
      'UPDATE sync_runs SET finished_at = ?, status = ?, ok = ?, no_data = ?, failed = ?, records = ?, error = ? WHERE id = ?',
    );
    this.interrupt = db.prepare(
      "UPDATE sync_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'",
    );
  }

  start(trigger: string, planned: number): number {
    return Number(this.insert.run(trigger, new Date().toISOString(), planned).lastInsertRowid);
  }

  finish(runId: number, result: RunResult): void {
    this.update.run(
      new Date().toISOString(),
      result.interrupted ? 'interrupted' : result.failed > 0 ? 'failed' : 'ok',
      result.ok,
      result.noData,
      result.failed,
      result.records,
      result.error,
      runId,
    );
    this.optimize();
  }

  /**
   * Keeps the query planner's statistics current as the tables grow: PRAGMA optimize analyzes a table
   * whose rows grew tenfold since it was last analyzed (0x10002: every table, not only those this
   * connection queried; analysis_limit samples each index). Counting a table's rows still reads all of
   * it, so a long sync calls this as it goes (see `Store.beginReport`): the tables are analyzed while
   * they are small and their pages cached, not all at the end (13 GB read cold for 108 s after a year
   * at 100,000 people).
   */
  optimize(): void {
    this.db.pragma('analysis_limit = 1000');
    this.db.pragma('optimize = 0x10002');
  }

  /** A process that died mid-sync leaves its run 'running'; call while holding the sync lease. */
  markInterrupted(): number {
    return this.interrupt.run(new Date().toISOString()).changes;
  }
}
