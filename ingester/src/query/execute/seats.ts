/**
 * The seat metrics (catalog family "Seats"), from the seats snapshots of migration 006. Seats are a
 * stock, not a flow: each snapshot is counted on its own, a week or month bucket shows its latest
 * snapshot (never a sum or an average of days), and a table shows the latest snapshot in the range.
 * Seats set against usage read the per-day active-user sets (store/activeSets.ts) of the usage window.
 */
import type { FrameJSON, Notice, SeatCount } from '@copilot-metrics/contract';
import { REPORT_LAG_DAYS } from '../../availability';
import { dayToMs, formatDay } from '../../days';
import { decodeUsers } from '../../store/activeSets';
import type { SqlReader } from '../../store/reader';
import { type ListColumn, type SeriesPoint, buildFrames, buildListFrame } from '../frames';
import type { GroupLabels, Labels } from '../labels';
import type { DayRange, SeatPlan } from '../plan/types';
import { BUCKET_OF } from './buckets';
import { rank } from './rank';
import { OTHERS } from './rows';
import { JSON_LIST } from './sql';

/** Days of usage a seat is set against: GitHub's 28-day window, ending at the newest day it has published. */
export const USAGE_WINDOW_DAYS = 28;

/** The usage window of a snapshot day: the 28 days ending two days before it. */
export function usageWindow(day: number): { from: number; to: number } {
  const to = day - REPORT_LAG_DAYS;
  return { from: to - USAGE_WINDOW_DAYS + 1, to };
}

type Parts = number[];

type SeatMeasure = Exclude<SeatCount, 'recent_users' | 'recent_users_without_seat'>;

/**
 * Whether a seat (alias x) counts, for the per-seat measures, as SQL. Its `?` (one at most) is the
 * plan's active days; a seat without activity (null) is never active. The usage test seeks the seat's
 * day rows of its usage window.
 */
const SEAT_SQL: Record<SeatMeasure, string> = {
  all: 'TRUE',
  active: 'x.last_activity_day > x.day - ?',
  inactive: 'NOT coalesce(x.last_activity_day > x.day - ?, FALSE)',
  never_used: 'x.last_activity_day IS NULL',
  pending_cancellation: 'x.pending_cancellation_date IS NOT NULL',
  // The window's days as a list, so the primary key (scope_id, day, user_ref) is sought once per day.
  without_recent_usage: `NOT EXISTS (SELECT 1 FROM usage_day u WHERE u.scope_id = x.scope_id AND u.user_ref = x.user_ref
    AND u.user_ref > 0 AND u.day IN (${Array.from({ length: USAGE_WINDOW_DAYS }, (_, i) => `x.day - ${REPORT_LAG_DAYS + i}`).join(', ')}))`,
};

/** A measure's condition, and the values of its `?`. */
function seatCondition(measure: SeatMeasure, plan: SeatPlan): { sql: string; params: unknown[] } {
  const sql = SEAT_SQL[measure];
  return { sql, params: sql.includes('?') ? [plan.activeDays] : [] };
}

const SQL = {
  seatUsers: 'SELECT user_ref FROM seat_snapshots WHERE scope_id = ? AND day = ?',
  snapshotDays:
    "SELECT day FROM reports WHERE scope_id = ? AND kind = 'seats' AND status = 'ok' AND day BETWEEN ? AND ? ORDER BY day",
  activeSets:
    "SELECT users FROM active_sets WHERE scope_id = ? AND kind = 'all' AND key = 0 AND day BETWEEN ? AND ?",
  usersDays:
    "SELECT count(*) FROM reports WHERE scope_id = ? AND kind = 'users' AND status = 'ok' AND day BETWEEN ? AND ?",
};

const USAGE_MEASURES: readonly SeatCount[] = [
  'without_recent_usage',
  'recent_users',
  'recent_users_without_seat',
];

export class SeatQueries {
  constructor(
    private readonly reader: SqlReader,
    private readonly labels: Labels,
  ) {}

  async run(plan: SeatPlan, range: DayRange): Promise<FrameJSON[]> {
    const days = await this.reader.pluck<number>(SQL.snapshotDays, [
      plan.scope.id,
      range.fromDay,
      range.toDay,
    ]);
    const notices = await this.notices(plan, days, range);
    const meta = {
      scope: plan.scope.key,
      metric: plan.metric.id,
      source: 'seats snapshots',
      report: 'copilot/billing/seats',
      table: 'seat_snapshots',
      aggregation: 'snapshot',
      interval: plan.interval,
      ...(plan.metric.parameters?.includes('seatActiveDays') ? { seatActiveDays: plan.activeDays } : {}),
      ...(plan.format === 'table' && days.length ? { snapshotDay: formatDay(days.at(-1)!) } : {}),
    };
    const labels = this.labels.seatLabels(plan.groupBy);
    if (plan.metric.snapshot.list) return this.list(plan, days.at(-1), meta, notices, labels);

    // The latest snapshot of each bucket (of the whole range, for a table).
    const latest = new Map<number, number>();
    for (const day of days) latest.set(plan.format === 'table' ? 0 : BUCKET_OF[plan.interval](day), day);
    const counted = await this.count(plan, [...latest.values()]);
    const buckets = new Map([...latest].map(([bucket, day]) => [bucket, counted.get(day)!]));
    const label = labels.of;
    const value = (parts: Parts) =>
      plan.metric.snapshot.per ? (parts[1] ? parts[0] / parts[1] : null) : parts[0];

    // Groups ranked by their value in the latest snapshot.
    const last = buckets.get([...latest.keys()].at(-1)!) ?? new Map<number, Parts>();
    const ranked = await rank(
      [...last].map(([group, parts]) => ({ group, value: value(parts) })),
      plan.limit,
      labels,
    );
    const kept = plan.limit === undefined ? undefined : new Set(ranked.map((r) => r.group));
    const fold = (groups: Map<number, Parts>) => {
      if (!kept) return groups;
      const out = new Map<number, Parts>();
      for (const [group, parts] of groups) {
        const target = kept.has(group) ? group : plan.others ? OTHERS : undefined;
        if (target === undefined) continue;
        const sum = out.get(target);
        out.set(target, sum ? sum.map((p, i) => p + parts[i]) : [...parts]);
      }
      return out;
    };

    if (plan.format === 'table') {
      const rows = fold(last);
      const order = [...ranked.map((r) => r.group), ...(rows.has(OTHERS) ? [OTHERS] : [])];
      await labels.load(order);
      return buildFrames({
        refId: plan.refId,
        metric: plan.metric,
        groupBy: plan.groupBy,
        format: 'table',
        table: order.map((group) => ({ label: label(group), value: value(rows.get(group)!) })),
        meta,
        notices,
      });
    }

    const series = new Map<number, SeriesPoint[]>();
    const folded = [...buckets].map(([bucket, groups]) => [bucket, fold(groups)] as const);
    const groups = new Set(folded.flatMap(([, g]) => [...g.keys()]));
    for (const [bucket, byGroup] of folded) {
      for (const group of groups) {
        const parts = byGroup.get(group);
        // In a snapshot without seats of a group, a count is 0; a ratio has no value.
        const point = parts ? value(parts) : plan.metric.snapshot.per ? undefined : 0;
        if (point === undefined) continue;
        const points = series.get(group) ?? [];
        points.push({ day: bucket, value: point });
        series.set(group, points);
      }
    }
    await labels.load(series.keys());
    const order = kept
      ? [...ranked.map((r) => r.group), ...(series.has(OTHERS) ? [OTHERS] : [])]
      : [...series.keys()].sort((a, b) => label(a).localeCompare(label(b)));
    return buildFrames({
      refId: plan.refId,
      metric: plan.metric,
      groupBy: plan.groupBy,
      format: 'time_series',
      series: order
        .filter((group) => series.has(group))
        .map((group) => ({ label: plan.groupBy === 'none' ? '' : label(group), points: series.get(group)! })),
      meta,
      notices,
    });
  }

  /** The WHERE clause of the plan's seats of some days, with its values. */
  private where(plan: SeatPlan, days: number[]): { sql: string; params: unknown[] } {
    const params: unknown[] = [plan.scope.id, JSON.stringify(days)];
    const where = ['x.scope_id = ?', `x.day IN ${JSON_LIST}`];
    for (const filter of plan.filters) {
      where.push(`x.${filter.column} IN (${filter.ids.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.ids);
    }
    return { sql: where.join(' AND '), params };
  }

  /** Users with a usage row in the window of a snapshot day: the union of that window's active sets. */
  private async recentUsers(scopeId: number, day: number): Promise<Set<number>> {
    const window = usageWindow(day);
    const users = new Set<number>();
    for (const blob of await this.reader.pluck<Buffer>(SQL.activeSets, [scopeId, window.from, window.to]))
      for (const user of decodeUsers(blob)) users.add(user);
    return users;
  }

  /**
   * Per snapshot day and group, the metric's parts: [count] or [count, denominator]. Seats are counted
   * in SQL, all the days in one statement; people (usage against seats) from the active sets.
   */
  private async count(plan: SeatPlan, days: number[]): Promise<Map<number, Map<number, Parts>>> {
    const { count, per } = plan.metric.snapshot;
    const measures = per ? [count, per] : [count];
    const out = new Map<number, Map<number, Parts>>(days.map((day) => [day, new Map()]));
    const partsOf = (day: number, group: number) => {
      const groups = out.get(day)!;
      let parts = groups.get(group);
      if (!parts) groups.set(group, (parts = measures.map(() => 0)));
      return parts;
    };
    if (plan.groupBy === 'none') for (const day of days) partsOf(day, 0);
    const where = this.where(plan, days);
    const group = plan.groupColumn ? `coalesce(x.${plan.groupColumn}, 0)` : '0';
    const conditions = measures.map((m) =>
      m in SEAT_SQL ? seatCondition(m as SeatMeasure, plan) : undefined,
    );
    const columns = conditions.map((c, i) =>
      c ? `count(CASE WHEN ${c.sql} THEN 1 END) AS p${i}` : `0 AS p${i}`,
    );
    const rows = await this.reader.raw<number[]>(
      `SELECT x.day, ${group} AS grp, ${columns.join(', ')} FROM seat_snapshots x
         WHERE ${where.sql} GROUP BY x.day, grp`,
      [...conditions.flatMap((c) => c?.params ?? []), ...where.params],
    );
    for (const [day, grp, ...parts] of rows) parts.forEach((value, i) => (partsOf(day, grp)[i] += value));
    // People, not seats: scope-wide, so the metrics counting them have no breakdown (group 0).
    for (const [i, measure] of measures.entries()) {
      if (measure !== 'recent_users' && measure !== 'recent_users_without_seat') continue;
      for (const day of days) {
        const recent = await this.recentUsers(plan.scope.id, day);
        if (measure === 'recent_users') partsOf(day, 0)[i] = recent.size;
        else {
          const seated = new Set(await this.reader.pluck<number>(SQL.seatUsers, [plan.scope.id, day]));
          partsOf(day, 0)[i] = [...recent].filter((user) => !seated.has(user)).length;
        }
      }
    }
    return out;
  }

  /** One row per seat the metric counts in the latest snapshot, the longest unused first. */
  private async list(
    plan: SeatPlan,
    day: number | undefined,
    meta: Record<string, unknown>,
    notices: Notice[],
    labels: GroupLabels,
  ): Promise<FrameJSON[]> {
    type Row = {
      group: number;
      login: string;
      lastActivityAt: string | null;
      lastActivityDay: number | null;
      createdAt: string | null;
      editor: string | null;
      planType: string | null;
      team: number | null;
      pendingCancellationDate: number | null;
    };
    let rows: Row[] = [];
    if (day !== undefined) {
      const where = this.where(plan, [day]);
      const counted = seatCondition(plan.metric.snapshot.count as SeatMeasure, plan);
      const group = plan.groupColumn ? `coalesce(x.${plan.groupColumn}, 0)` : '0';
      rows = await this.reader.all<Row>(
        `SELECT ${group} AS "group", u.login, x.last_activity_at AS "lastActivityAt",
             x.last_activity_day AS "lastActivityDay", x.created_at AS "createdAt", e.value AS editor,
             p.value AS "planType", x.assigning_team_ref AS team,
             x.pending_cancellation_date AS "pendingCancellationDate"
           FROM seat_snapshots x JOIN users u ON u.id = x.user_ref
           LEFT JOIN dictionary e ON e.id = x.last_activity_editor
           LEFT JOIN dictionary p ON p.id = x.plan_type
           WHERE ${where.sql} AND ${counted.sql}`,
        [...where.params, ...counted.params],
      );
    }
    const createdDay = (row: Row) =>
      row.createdAt === null ? null : Math.floor(Date.parse(row.createdAt) / 86_400_000);
    const idle = (row: Row) => {
      const since = row.lastActivityDay ?? createdDay(row);
      return since === null || day === undefined ? null : Math.max(0, day - since);
    };
    if (plan.groupBy !== 'none') await labels.load(rows.map((row) => row.group));
    const groupLabel = (row: Row) => (plan.groupBy === 'none' ? '' : labels.of(row.group));
    const listed = rows
      .map((row) => ({ row, idle: idle(row), group: groupLabel(row) }))
      .sort(
        (a, b) =>
          a.group.localeCompare(b.group) ||
          (b.idle ?? -1) - (a.idle ?? -1) ||
          a.row.login.localeCompare(b.row.login),
      )
      .slice(0, plan.limit);
    const teams = this.labels.seatLabels('team');
    await teams.load(listed.flatMap((l) => (l.row.team === null ? [] : [l.row.team])));
    const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
    const columns: ListColumn[] = [
      { name: 'login', title: 'Login', type: 'string', values: listed.map((l) => l.row.login) },
      {
        name: 'last_activity_at',
        title: 'Last activity',
        type: 'time',
        values: listed.map((l) => ms(l.row.lastActivityAt)),
      },
      {
        name: 'days_inactive',
        title: 'Days inactive',
        type: 'number',
        values: listed.map((l) => l.idle),
        description:
          'Days from the last activity (or, for a seat never used, from its assignment) to the snapshot day.',
      },
      { name: 'editor', title: 'Editor', type: 'string', values: listed.map((l) => l.row.editor) },
      {
        name: 'assigning_team',
        title: 'Assigning team',
        type: 'string',
        values: listed.map((l) => (l.row.team === null ? null : teams.of(l.row.team))),
      },
      { name: 'plan_type', title: 'Plan', type: 'string', values: listed.map((l) => l.row.planType) },
      {
        name: 'pending_cancellation_date',
        title: 'Pending cancellation',
        type: 'time',
        values: listed.map((l) =>
          l.row.pendingCancellationDate === null ? null : dayToMs(l.row.pendingCancellationDate),
        ),
      },
      { name: 'created_at', title: 'Assigned', type: 'time', values: listed.map((l) => ms(l.row.createdAt)) },
    ];
    if (plan.groupBy !== 'none')
      columns.unshift({
        name: plan.groupBy,
        title: plan.groupBy,
        type: 'string',
        values: listed.map((l) => l.group),
      });
    return [buildListFrame({ refId: plan.refId, metric: plan.metric, columns, meta, notices })];
  }

  private async notices(plan: SeatPlan, days: number[], range: DayRange): Promise<Notice[]> {
    const notices: Notice[] = [];
    if (days.length === 0) {
      notices.push({
        severity: 'warning',
        text: `No seats snapshot between ${formatDay(range.fromDay)} and ${formatDay(range.toDay)}: each sync records the seats of its day, and GitHub cannot tell the seats of past days.`,
      });
      return notices;
    }
    if (plan.format === 'time_series' && plan.interval !== 'day' && !plan.metric.snapshot.list) {
      notices.push({
        severity: 'info',
        text: `Seats are a snapshot: each ${plan.interval} shows its latest snapshot, not a sum or an average.`,
      });
    }
    if (plan.scope.kind === 'enterprise') {
      notices.push({
        severity: 'info',
        text: "An enterprise's seats are the union of the seats of its organizations the ingester syncs, each user counted once (the enterprise seats endpoint is not used).",
      });
    }
    const { count, per } = plan.metric.snapshot;
    if ([count, per].some((m) => m !== undefined && USAGE_MEASURES.includes(m))) {
      const window = usageWindow(days.at(-1)!);
      const stored = (await this.reader.value<number>(SQL.usersDays, [
        plan.scope.id,
        window.from,
        window.to,
      ]))!;
      notices.push({
        severity: stored < USAGE_WINDOW_DAYS ? 'warning' : 'info',
        text: `Usage is read from the users-1-day reports of the 28 days ending two days before each snapshot (${formatDay(window.from)} to ${formatDay(window.to)} for the latest)${stored < USAGE_WINDOW_DAYS ? `; ${USAGE_WINDOW_DAYS - stored} of those days are not stored, so users may be missed` : ''}.`,
      });
    }
    return notices;
  }
}
