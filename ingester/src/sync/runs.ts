/** The sync's own bookkeeping in the database: run records, status lookups and retention. */
import type { DB } from '../store/db';
import { monthStart } from '../days';
import { TABLE_NAMES } from '../reports/schema';
import { Rollups } from '../store/rollups';
import type { RunResult } from '../store/interface';

export function loadStatuses(db: DB): Map<string, 'ok' | 'no_data' | 'failed'> {
  const rows = db.prepare('SELECT scope_id, kind, day, status FROM reports').all() as {
    scope_id: number;
    kind: string;
    day: number;
    status: 'ok' | 'no_data' | 'failed';
  }[];
  return new Map(rows.map((row) => [`${row.scope_id}:${row.kind}:${row.day}`, row.status]));
}

export function startRun(db: DB, trigger: string, planned: number): number {
  const result = db
    .prepare("INSERT INTO sync_runs (trigger, started_at, status, planned) VALUES (?, ?, 'running', ?)")
    .run(trigger, new Date().toISOString(), planned);
  return Number(result.lastInsertRowid);
}

export function finishRun(db: DB, runId: number, result: RunResult): void {
  db.prepare(
    `UPDATE sync_runs SET finished_at = ?, status = ?, ok = ?, no_data = ?, failed = ?, records = ?, error = ? WHERE id = ?`,
  ).run(
    new Date().toISOString(),
    result.failed > 0 ? 'failed' : 'ok',
    result.ok,
    result.noData,
    result.failed,
    result.records,
    result.error,
    runId,
  );
  // Keeps the query planner's statistics current as the tables grow: 0x10002 looks at every table, not
  // only those this connection queried; analysis_limit samples so it stays cheap on large tables.
  db.pragma('analysis_limit = 1000');
  db.pragma('optimize = 0x10002');
}

/** A process that died mid-sync leaves its run 'running'; call while holding the sync lease. */
export function markInterruptedRuns(db: DB): number {
  return db
    .prepare("UPDATE sync_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'")
    .run(new Date().toISOString()).changes;
}

/** SYNC_RETENTION_DAYS: drops every figure, membership, archive and status row before `day`. */
export function pruneBefore(db: DB, day: number): number {
  const rollups = new Rollups(db);
  return db.transaction(() => {
    let rows = 0;
    for (const table of [
      ...TABLE_NAMES,
      'team_members',
      'team_day',
      'user_totals_day',
      'active_sets',
      'seat_snapshots',
      'raw_chunks',
      'reports',
    ]) {
      rows += db.prepare(`DELETE FROM ${table} WHERE day < ?`).run(day).changes;
    }
    // Monthly totals: months wholly before the cut go; the month it falls in is rebuilt from what is left.
    rows += db.prepare('DELETE FROM user_month WHERE month < ?').run(monthStart(day)).changes;
    const scopes = db
      .prepare('SELECT DISTINCT scope_id FROM user_month WHERE month = ?')
      .pluck()
      .all(monthStart(day)) as number[];
    for (const scope of scopes) rollups.rebuildUserMonth(scope, day);
    return rows;
  })();
}
