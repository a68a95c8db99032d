/** What the database holds, per scope and report: the read side of `status` and /api/v1/sync/status. */
import type { DayRange, ScopeCoverage, StatusReport } from '@copilot-metrics/contract';
import { firstBillingDay, firstSyncDay, latestAvailableDay, latestBillingDay } from '../availability';
import { type DayNumber, formatDay } from '../days';
import { SYNC_KINDS, type SyncKind, isBillingKind } from '../reports/types';
import { type Scope, scopeKey } from '../scopes';
import type { SqlReader } from './reader';

interface ReportRow {
  day: number;
  status: 'ok' | 'no_data' | 'failed';
  attempts: number;
  error: string | null;
  error_status: number | null;
  records: number | null;
  malformed_lines: number | null;
  fetched_at: string;
}

/** Collapses sorted day numbers into contiguous [from, to] spans. */
export function spans(days: readonly DayNumber[]): [DayNumber, DayNumber][] {
  const out: [DayNumber, DayNumber][] = [];
  for (const day of days) {
    const last = out.at(-1);
    if (last && day === last[1] + 1) last[1] = day;
    else out.push([day, day]);
  }
  return out;
}

export function ranges(days: readonly DayNumber[]): DayRange[] {
  return spans(days).map(([from, to]) => ({ from: formatDay(from), to: formatDay(to), days: to - from + 1 }));
}

export async function coverage(
  reader: SqlReader,
  input: { scopes: readonly Scope[]; today: DayNumber; backfillDays: number },
): Promise<StatusReport> {
  const stored = await reader.all<{ id: number; kind: Scope['kind']; slug: string }>(
    'SELECT id, kind, slug FROM scopes ORDER BY kind, slug',
  );
  const known = new Map(stored.map((s) => [scopeKey(s), s.id]));
  const scopes = [...input.scopes];
  for (const s of stored)
    if (!scopes.some((c) => scopeKey(c) === scopeKey(s))) scopes.push({ kind: s.kind, slug: s.slug });
  const rowsOf = (scopeId: number, report: SyncKind) =>
    reader.all<ReportRow>(
      'SELECT day, status, attempts, error, error_status, records, malformed_lines, fetched_at FROM reports WHERE scope_id = ? AND kind = ? ORDER BY day',
      [scopeId, report],
    );
  const last = latestAvailableDay(input.today);
  const billingDays = {
    first: firstBillingDay(input.today, input.backfillDays),
    last: latestBillingDay(input.today),
  };
  // Billing is listed for the scopes it was synced for (BILLING=off shows none); the export is enterprises'.
  const billed = async (scopeId: number, report: SyncKind) =>
    (await reader.value('SELECT 1 FROM reports WHERE scope_id = ? AND kind = ? LIMIT 1', [
      scopeId,
      report,
    ])) !== undefined;

  const result: ScopeCoverage[] = [];
  for (const scope of scopes) {
    const scopeId = known.get(scopeKey(scope));
    const first = firstSyncDay(scope, input.today, input.backfillDays);
    const reports: ScopeCoverage['reports'] = [];
    for (const report of SYNC_KINDS) {
      if (isBillingKind(report) && (scopeId === undefined || !(await billed(scopeId, report)))) continue;
      const rows = scopeId === undefined ? [] : await rowsOf(scopeId, report);
      reports.push(reportCoverage(report, rows, isBillingKind(report) ? billingDays : { first, last }));
    }
    result.push({
      scope: scopeKey(scope),
      expected: { from: formatDay(first), to: formatDay(last) },
      reports,
    });
  }

  const unknownKeys = (
    await reader.all<{
      report_kind: string;
      path: string;
      first_day: number;
      last_day: number;
      last_seen_at: string;
    }>(
      'SELECT report_kind, path, first_day, last_day, last_seen_at FROM unknown_keys ORDER BY report_kind, path',
    )
  ).map((row) => ({
    report: row.report_kind,
    path: row.path,
    firstDay: formatDay(row.first_day),
    lastDay: formatDay(row.last_day),
    lastSeenAt: row.last_seen_at,
  }));

  const run = await reader.first<{
    id: number;
    trigger: string;
    status: string;
    started_at: string;
    finished_at: string | null;
    planned: number;
    ok: number;
    no_data: number;
    failed: number;
    records: number;
    error: string | null;
  }>('SELECT * FROM sync_runs ORDER BY id DESC LIMIT 1');
  return {
    scopes: result,
    unknownKeys,
    lastRun: run
      ? {
          id: run.id,
          trigger: run.trigger,
          status: run.status,
          startedAt: run.started_at,
          finishedAt: run.finished_at,
          durationMs: run.finished_at ? Date.parse(run.finished_at) - Date.parse(run.started_at) : null,
          planned: run.planned,
          ok: run.ok,
          noData: run.no_data,
          failed: run.failed,
          records: run.records,
          error: run.error,
        }
      : null,
  };
}

/** One report's coverage of a scope, from its stored rows; `range` holds the days expected. */
function reportCoverage(
  report: SyncKind,
  rows: ReportRow[],
  range: { first: DayNumber; last: DayNumber },
): ScopeCoverage['reports'][number] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const missing: DayNumber[] = [];
  if (report !== 'seats' && report !== 'billing-snapshot')
    for (let day = range.first; day <= range.last; day++) if (!byDay.has(day)) missing.push(day);
  const withData = rows.filter((row) => row.status === 'ok');
  return {
    report,
    firstDay: withData.length ? formatDay(withData[0].day) : null,
    lastDay: withData.length ? formatDay(withData.at(-1)!.day) : null,
    okDays: withData.length,
    noDataDays: rows.filter((row) => row.status === 'no_data').length,
    records: withData.reduce((sum, row) => sum + (row.records ?? 0), 0),
    malformedLines: rows.reduce((sum, row) => sum + (row.malformed_lines ?? 0), 0),
    failed: rows
      .filter((row) => row.status === 'failed')
      .map((row) => ({
        day: formatDay(row.day),
        attempts: row.attempts,
        error: row.error,
        status: row.error_status,
      })),
    gaps: ranges(missing),
    lastFetchedAt: rows.reduce<string | null>(
      (latest, row) => (latest === null || row.fetched_at > latest ? row.fetched_at : latest),
      null,
    ),
  };
}
