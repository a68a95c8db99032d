/**
 * Annotation events for time-series panels: days with no report, failed syncs, and days GitHub may
 * still change, built from the sync's own status rows, so they show exactly what the store holds; and
 * the holidays of HOLIDAYS_FILE, which working-day figures leave out.
 */
import type { Annotation } from '@copilot-metrics/contract';
import { type DayNumber, dayToMs, formatDay } from '../days';
import type { SyncKind } from '../reports/types';
import { endpointLabel } from '../reports/types';
import { type Scope, scopeKey } from '../scopes';
import { spans } from '../store/coverage';
import type { SqlReader } from '../store/reader';
import { firstSyncDay, latestAvailableDay } from '../availability';

const endOf = (day: DayNumber) => dayToMs(day) + 86_399_999;

export async function annotations(
  reader: SqlReader,
  input: {
    scopes: (Scope & { id: number })[];
    fromDay: DayNumber;
    toDay: DayNumber;
    today: DayNumber;
    backfillDays: number;
    refetchDays: number;
    /** HOLIDAYS_FILE's days off, with their names. */
    holidays?: ReadonlyMap<DayNumber, string>;
  },
): Promise<Annotation[]> {
  const out: Annotation[] = [];
  for (const [day, name] of input.holidays ?? []) {
    if (day < input.fromDay || day > input.toDay) continue;
    out.push({
      time: dayToMs(day),
      timeEnd: endOf(day),
      title: `Holiday: ${name || formatDay(day)}`,
      text: `${formatDay(day)} is a day off in HOLIDAYS_FILE: "working days only" figures leave it out.`,
      tags: ['copilot-metrics', 'holiday'],
      scope: 'all',
      report: 'all',
    });
  }
  const latest = latestAvailableDay(input.today);
  const rows =
    'SELECT kind, day, status, error FROM reports WHERE scope_id = ? AND day BETWEEN ? AND ? ORDER BY kind, day';
  for (const scope of input.scopes) {
    const key = scopeKey(scope);
    const first = Math.max(firstSyncDay(scope, input.today, input.backfillDays), input.fromDay);
    const last = Math.min(latest, input.toDay);
    const byKind = new Map<string, Map<number, { status: string; error: string | null }>>();
    for (const row of await reader.all<{
      kind: SyncKind;
      day: number;
      status: string;
      error: string | null;
    }>(rows, [scope.id, input.fromDay, input.toDay])) {
      const days = byKind.get(row.kind) ?? new Map();
      days.set(row.day, row);
      byKind.set(row.kind, days);
      if (row.status === 'failed') {
        out.push({
          time: dayToMs(row.day),
          timeEnd: endOf(row.day),
          title: `Sync failed: ${endpointLabel(row.kind, scope.kind)}`,
          text: `${key}, ${formatDay(row.day)}: ${row.error ?? 'unknown error'}`,
          tags: ['copilot-metrics', 'sync-failed', row.kind],
          scope: key,
          report: row.kind,
        });
      }
    }
    // Days of the aggregate report that are missing or that GitHub answered with no data (204).
    const aggregate = byKind.get('aggregate') ?? new Map();
    const missing: number[] = [];
    const noData: number[] = [];
    for (let day = first; day <= last; day++) {
      const row = aggregate.get(day);
      if (!row) missing.push(day);
      else if (row.status === 'no_data') noData.push(day);
    }
    for (const [days, title, tag, why] of [
      [missing, 'No report stored', 'gap', 'not synced yet (run a sync, or check the sync status)'],
      [noData, 'No report from GitHub', 'no-data', 'GitHub answered 204: no report for these days'],
    ] as const) {
      for (const [from, to] of spans(days)) {
        out.push({
          time: dayToMs(from),
          timeEnd: endOf(to),
          title,
          text: `${key}: ${formatDay(from)}${to > from ? ` to ${formatDay(to)}` : ''} ${why}`,
          tags: ['copilot-metrics', tag, 'aggregate'],
          scope: key,
          report: 'aggregate',
        });
      }
    }
    // GitHub finalizes days late: the trailing refetch window may still change, and the last two days do not exist yet.
    const provisionalFrom = Math.max(latest - input.refetchDays + 1, input.fromDay);
    const provisionalTo = Math.min(input.today, input.toDay);
    if (provisionalFrom <= provisionalTo) {
      out.push({
        time: dayToMs(provisionalFrom),
        timeEnd: endOf(provisionalTo),
        title: 'Not final yet',
        text: `${key}: GitHub publishes a day within two UTC days and may still revise the last ${input.refetchDays} day(s); they are fetched again on every sync.`,
        tags: ['copilot-metrics', 'provisional'],
        scope: key,
        report: 'all',
      });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}
