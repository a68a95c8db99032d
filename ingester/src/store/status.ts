/**
 * What was fetched and how it went: each (scope, report, day)'s status row (reports) and the keys
 * GitHub sent that no table stores yet (unknown_keys). coverage.ts is its read side.
 */
import type { Statement } from 'better-sqlite3';
import type { DayNumber } from '../days';
import type { SyncKind } from '../reports/types';
import type { DB } from './connection';
import type { ReportOutcome } from './interface';

export class Status {
  private readonly upsert: Statement;
  private readonly unknownKey: Statement;

  constructor(db: DB) {
    this.upsert = db.prepare(
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
    );
    this.unknownKey = db.prepare(
      `INSERT INTO unknown_keys (report_kind, path, first_day, last_day, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (report_kind, path) DO UPDATE SET first_day = min(first_day, excluded.first_day),
         last_day = max(last_day, excluded.last_day), last_seen_at = excluded.last_seen_at`,
    );
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
    this.upsert.run({
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

  /** A report (or seats snapshot) stored whole: its status, counts and problems, and the unknown keys it carried. */
  recordStored(scopeId: number, kind: SyncKind, day: DayNumber, outcome: ReportOutcome): void {
    const now = new Date().toISOString();
    for (const path of outcome.unknownKeys) this.unknownKey.run(kind, path, day, day, now, now);
    this.upsert.run({
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

  /** Either of the above: stored, or GitHub had no report (204). */
  recordOutcome(scopeId: number, kind: SyncKind, day: DayNumber, outcome: ReportOutcome | 'no_data'): void {
    if (outcome === 'no_data') this.recordAttempt(scopeId, kind, day, 'no_data');
    else this.recordStored(scopeId, kind, day, outcome);
  }
}
