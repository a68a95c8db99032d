/**
 * Report status, unknown keys and sync runs on PostgreSQL: the SQLite writer's statements
 * (../status.ts), the upsert of a status shared as written, the unknown keys' through the dialect.
 */
import type { DayNumber } from '../../days';
import type { SyncKind } from '../../reports/types';
import { POSTGRES } from '../dialect';
import type { ReportOutcome, ReportStatus, RunResult } from '../interface';
import { REPORT_STATUS_UPSERT, attemptRow, storedRow, unknownKeyUpsertSql } from '../status';
import { NamedStatement, type Query, type WriterConnection } from './writerConnection';

const STATUS_UPSERT = new NamedStatement(REPORT_STATUS_UPSERT);
const UNKNOWN_KEY_UPSERT = unknownKeyUpsertSql(POSTGRES);

/** The tables a sync writes, analyzed after each run (SQLite's `PRAGMA optimize`). */
const ANALYZED = [
  'reports',
  'usage_day',
  'active_sets',
  'active_period_sets',
  'team_day',
  'user_totals_day',
  'user_month',
];

export class PostgresStatus {
  constructor(private readonly connection: WriterConnection) {}

  async statuses(): Promise<(scopeId: number, kind: SyncKind, day: DayNumber) => ReportStatus | undefined> {
    const { rows } = await this.connection.query<{
      scope_id: number;
      kind: string;
      day: number;
      status: ReportStatus;
    }>('SELECT scope_id, kind, day, status FROM reports');
    const byKey = new Map(rows.map((row) => [`${row.scope_id}:${row.kind}:${row.day}`, row.status]));
    return (scopeId, kind, day) => byKey.get(`${scopeId}:${kind}:${day}`);
  }

  async statusOf(scopeId: number, kind: SyncKind, day: DayNumber): Promise<ReportStatus | undefined> {
    const { rows } = await this.connection.query<{ status: ReportStatus }>(
      'SELECT status FROM reports WHERE scope_id = ? AND kind = ? AND day = ?',
      [scopeId, kind, day],
    );
    return rows[0]?.status;
  }

  /** An attempt that stored nothing: a 204 (no_data) or a failure. */
  async recordAttempt(
    query: Query,
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    status: 'no_data' | 'failed',
    error?: string,
    errorStatus?: number,
  ): Promise<void> {
    await query(
      STATUS_UPSERT.text,
      STATUS_UPSERT.bind(attemptRow(scopeId, kind, day, status, error, errorStatus)),
    );
  }

  /** A report (or seats snapshot) stored whole, and the unknown keys it carried. */
  async recordStored(
    query: Query,
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    outcome: ReportOutcome,
  ): Promise<void> {
    const now = new Date().toISOString();
    for (const path of outcome.unknownKeys) await query(UNKNOWN_KEY_UPSERT, [kind, path, day, day, now, now]);
    await query(STATUS_UPSERT.text, STATUS_UPSERT.bind(storedRow(scopeId, kind, day, outcome, now)));
  }

  async recordOutcome(
    query: Query,
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    outcome: ReportOutcome | 'no_data',
  ): Promise<void> {
    if (outcome === 'no_data') await this.recordAttempt(query, scopeId, kind, day, 'no_data');
    else await this.recordStored(query, scopeId, kind, day, outcome);
  }
}

export class PostgresRuns {
  constructor(private readonly connection: WriterConnection) {}

  async start(trigger: string, planned: number): Promise<number> {
    const { rows } = await this.connection.query<{ id: number }>(
      "INSERT INTO sync_runs (trigger, started_at, status, planned) VALUES (?, ?, 'running', ?) RETURNING id",
      [trigger, new Date().toISOString(), planned],
    );
    return rows[0].id;
  }

  async finish(runId: number, result: RunResult): Promise<void> {
    await this.connection.query(
      'UPDATE sync_runs SET finished_at = ?, status = ?, ok = ?, no_data = ?, failed = ?, records = ?, error = ? WHERE id = ?',
      [
        new Date().toISOString(),
        result.interrupted ? 'interrupted' : result.failed > 0 ? 'failed' : 'ok',
        result.ok,
        result.noData,
        result.failed,
        result.records,
        result.error,
        runId,
      ],
    );
    // Keeps the planner's statistics current as the tables grow (autovacuum does too, later).
    await this.connection.query(`ANALYZE ${ANALYZED.join(', ')}`);
  }

  /** A process that died mid-sync leaves its run 'running'; call holding the sync lock. */
  async markInterrupted(): Promise<number> {
    const { rowCount } = await this.connection.query(
      "UPDATE sync_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'",
      [new Date().toISOString()],
    );
    return rowCount ?? 0;
  }
}
