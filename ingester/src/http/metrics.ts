/**
 * Prometheus metrics for GET /metrics: process metrics, the sync's own health, Copilot figures of the
 * latest complete day per scope and team (with 7- and 28-day baselines, in calendar days and in working
 * days), and the seats of the latest
 * seats snapshot per scope, so alert rules can run in Prometheus. Labels are bounded (scope, report, team slug, status, window, trigger); nothing here
 * names a user.
 *
 * Everything read from the database is read at scrape time in one snapshot, and cached until the
 * database changes (its change token), so scrapes between syncs cost one cheap read. Team figures of a
 * stored day (the one costly join) are kept until that day's reports are stored again, so a scrape
 * during or after a sync recomputes only the days the sync touched.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DEFAULT_CALENDAR, type WorkCalendar } from '../calendar/workCalendar';
import { type DayNumber, dayToMs } from '../days';
import { silentLogger, type Logger } from '../log';
import { REPORT_KINDS, SYNC_KINDS } from '../reports/types';
import { PRIVACY_OFF, type PrivacyConfig, suppressesSmallGroups } from '../privacy';
import { BillingMonths } from '../query/billing/month';
import { checkpointStats, WRITER_CHECKPOINT_PAGES } from '../store/checkpoints';
import type { SqlReader } from '../store/reader';
import type { SyncSummary } from '../sync/runner';

export interface MetricsOptions {
  logger?: Logger;
  /** PRIVACY_MODE and PRIVACY_MIN_GROUP_SIZE: how team gauges are computed and which are left out. */
  privacy?: PrivacyConfig;
  /** Node.js process metrics (process_*, nodejs_*); on by default. */
  defaultMetrics?: boolean;
  /** Working days (WORKWEEK, HOLIDAYS_FILE) of the "7wd" and "28wd" windows; Monday to Friday by default. */
  calendar?: WorkCalendar;
}

export interface IngesterMetrics {
  registry: Registry;
  /** Counts a finished run (SyncService's onFinished hook). */
  observeSync(summary: SyncSummary, trigger: string): void;
  /** Counts a run that could not run at all (SyncService's onError hook). */
  observeSyncError(error: Error, trigger: string): void;
}

/**
 * Trailing windows of the Copilot gauges, ending on the latest day: that day alone, the last 7 and 28
 * calendar days, and the last 7 and 28 working days (weekends and holidays left out, so a baseline of
 * "usual" days does not sink on a holiday).
 */
export const WINDOWS = [
  { label: '1d', days: 1 },
  { label: '7d', days: 7 },
  { label: '28d', days: 28 },
  { label: '7wd', workdays: 7 },
  { label: '28wd', workdays: 28 },
] as const;
type Window = (typeof WINDOWS)[number];

/** The first day of a window ending on `latest`. */
function windowStart(window: Window, latest: DayNumber, calendar: WorkCalendar): DayNumber {
  if ('days' in window) return latest - window.days + 1;
  let day = latest;
  for (let found = calendar.isWorkday(day) ? 1 : 0; found < window.workdays;)
    if (calendar.isWorkday(--day)) found++;
  return day;
}

/** The first day any window ending on `latest` reaches back to. */
const lookback = (latest: DayNumber, calendar: WorkCalendar) =>
  Math.min(...WINDOWS.map((w) => windowStart(w, latest, calendar)));

/** Seats without Copilot activity in the N days ending on the snapshot day (never-used seats included). */
export const SEAT_WINDOWS = [
  { label: '30d', days: 30 },
  { label: '90d', days: 90 },
] as const;

const RUN_STATUSES = ['ok', 'failed', 'error'] as const;
const REPORT_STATUSES = ['ok', 'no_data', 'failed', 'skipped'] as const;
const KNOWN_TRIGGERS = ['startup', 'schedule', 'api'];

/** Scope-level gauges: column of the aggregate row (user_ref 0 / repo_ref 0) and HELP text. */
const SCOPE_FIGURES = [
  ['daily_active_users', 'copilot_daily_active_users', 'Users with Copilot activity that day'],
  ['weekly_active_users', 'copilot_weekly_active_users', 'Users active in the 7 days ending that day'],
  ['monthly_active_users', 'copilot_monthly_active_users', 'Users active in the 28 days ending that day'],
  ['daily_active_cli_users', 'copilot_daily_active_cli_users', 'Copilot CLI users that day'],
  [
    'user_initiated_interaction_count',
    'copilot_user_initiated_interactions',
    'Prompts and other user-initiated Copilot interactions that day',
  ],
  [
    'code_generation_activity_count',
    'copilot_code_generations',
    'Code generations (suggestions shown, edits proposed) that day',
  ],
  ['code_acceptance_activity_count', 'copilot_code_acceptances', 'Code generations accepted that day'],
  ['loc_added_sum', 'copilot_lines_added', 'Lines of code added with Copilot that day'],
  ['loc_deleted_sum', 'copilot_lines_deleted', 'Lines of code deleted with Copilot that day'],
  [
    'loc_suggested_to_add_sum',
    'copilot_lines_suggested_to_add',
    'Lines of code Copilot suggested adding that day',
  ],
  [
    'loc_suggested_to_delete_sum',
    'copilot_lines_suggested_to_delete',
    'Lines of code Copilot suggested deleting that day',
  ],
  ['pr_total_merged', 'copilot_pull_requests_merged', 'Pull requests merged that day'],
] as const;
type ScopeColumn = (typeof SCOPE_FIGURES)[number][0];

const TEAM_FIGURES = [
  [
    'active_users',
    'copilot_team_active_users',
    "Team members with a per-user activity row that day (membership as of that day's user-teams report)",
  ],
  [
    'interactions',
    'copilot_team_user_initiated_interactions',
    "User-initiated interactions of the team's members that day",
  ],
  ['generations', 'copilot_team_code_generations', "Code generations of the team's members that day"],
  [
    'acceptances',
    'copilot_team_code_acceptances',
    "Accepted code generations of the team's members that day",
  ],
] as const;
type TeamColumn = (typeof TEAM_FIGURES)[number][0];

const WINDOW_HELP =
  'window="1d" is the latest complete day; "7d" and "28d" average the days with data in the trailing 7 / 28 days ending on it; "7wd" and "28wd" the days with data among the last 7 / 28 working days (WORKWEEK less HOLIDAYS_FILE) ending on it.';
const RATIO_HELP =
  'window="1d" is the latest complete day; "7d" and "28d" are ratios of sums over the trailing 7 / 28 days; "7wd" and "28wd" over the last 7 / 28 working days. No sample when nothing was generated.';

type Labels = Record<string, string>;
type Sample = [Labels, number];

interface ScopeDay {
  day: DayNumber;
  values: Record<ScopeColumn, number | null>;
}
interface TeamDay {
  day: DayNumber;
  team: string;
  values: Record<TeamColumn, number>;
}

/** What one scrape reads from the database. */
interface Snapshot {
  ok: boolean;
  reports: { scope: string; report: string; latestDay: DayNumber; lastSuccess: number | null }[];
  failedDays: { scope: string; report: string; days: number }[];
  unknownKeys: Map<string, number>;
  runs: { status: string; finishedAt: number }[];
  scopes: { scope: string; latestDay: DayNumber; workday: boolean; rows: ScopeDay[] }[];
  teams: { scope: string; latestDay: DayNumber; rows: TeamDay[] }[];
  seats: SeatCounts[];
  billing: BillingFigures[];
}

/** A scope's AI credits in the month of its latest billed day, and its budgets' latest snapshot. */
interface BillingFigures {
  scope: string;
  /** Whether the scope has a billed day (else only its budgets are known). */
  hasMonth: boolean;
  day: DayNumber;
  monthToDate: number;
  pool: number | null;
  projectedMonthEnd: number;
  /** Days from the projected day the pool runs out to the month's last day; absent when it lasts. */
  runsOutDaysBeforeMonthEnd: number | null;
  budgets: { budget: string; budgetScope: string; entity: string; ratio: number }[];
}

/** The latest seats snapshot of a scope, counted. */
interface SeatCounts {
  scope: string;
  day: DayNumber;
  assigned: number;
  inactive: Record<(typeof SEAT_WINDOWS)[number]['label'], number>;
  neverUsed: number;
  pendingCancellation: number;
}

/** Team figures of stored days, by scope, day and the versions of everything they derive from. */
type TeamCache = Map<string, TeamDay[]>;

const EMPTY: Snapshot = {
  ok: false,
  reports: [],
  failedDays: [],
  unknownKeys: new Map(),
  runs: [],
  scopes: [],
  teams: [],
  seats: [],
  billing: [],
};

const seconds = (iso: string | null): number | null => {
  const ms = iso === null ? NaN : Date.parse(iso);
  return Number.isNaN(ms) ? null : ms / 1000;
};

/** Reads everything the gauges show; a handful of indexed queries touching at most 28 days per scope. */
async function readSnapshot(
  reader: SqlReader,
  teamCache: TeamCache,
  privacy: PrivacyConfig,
  calendar: WorkCalendar,
): Promise<Snapshot> {
  const scopeRows = await reader.all<{ id: number; scope: string }>(
    "SELECT id, kind || ':' || slug AS scope FROM scopes ORDER BY scope",
  );
  const scopeName = new Map(scopeRows.map((s) => [s.id, s.scope]));
  const name = (id: number) => scopeName.get(id) ?? `scope-${id}`;

  const reports = (
    await reader.all<{ scope_id: number; kind: string; latest_day: number; fetched_at: string | null }>(
      `SELECT scope_id, kind, max(day) AS latest_day, max(fetched_at) AS fetched_at
         FROM reports WHERE status = 'ok' GROUP BY scope_id, kind`,
    )
  ).map((r) => ({
    scope: name(r.scope_id),
    report: r.kind,
    latestDay: r.latest_day,
    lastSuccess: seconds(r.fetched_at),
  }));

  const failed = new Map(
    (
      await reader.all<{ scope_id: number; kind: string; days: number }>(
        "SELECT scope_id, kind, count(*) AS days FROM reports WHERE status = 'failed' GROUP BY scope_id, kind",
      )
    ).map((r) => [`${r.scope_id}:${r.kind}`, r.days]),
  );
  const failedDays = scopeRows.flatMap((s) =>
    SYNC_KINDS.map((kind) => ({ scope: s.scope, report: kind, days: failed.get(`${s.id}:${kind}`) ?? 0 })),
  );

  const unknownKeys = new Map(
    (
      await reader.all<{ report_kind: string; n: number }>(
        'SELECT report_kind, count(*) AS n FROM unknown_keys GROUP BY report_kind',
      )
    ).map((r) => [r.report_kind, r.n]),
  );

  const runs = (
    await reader.all<{ status: string; finished_at: string }>(
      'SELECT status, max(finished_at) AS finished_at FROM sync_runs WHERE finished_at IS NOT NULL GROUP BY status',
    )
  ).flatMap((r) => {
    const finishedAt = seconds(r.finished_at);
    return finishedAt === null ? [] : [{ status: r.status, finishedAt }];
  });

  // Latest complete day: the last ok aggregate report (a backwards walk of the reports primary key).
  const latestAggregate =
    "SELECT max(day) FROM reports WHERE scope_id = ? AND kind = 'aggregate' AND status = 'ok'";
  // The aggregate rows of the ok days in the window: primary-key lookups, one per day.
  const aggregateDays = `SELECT r.day,
       coalesce(u.daily_active_users, 0) AS daily_active_users,
       coalesce(u.weekly_active_users, 0) AS weekly_active_users,
       coalesce(u.monthly_active_users, 0) AS monthly_active_users,
       coalesce(u.daily_active_cli_users, 0) AS daily_active_cli_users,
       coalesce(u.user_initiated_interaction_count, 0) AS user_initiated_interaction_count,
       coalesce(u.code_generation_activity_count, 0) AS code_generation_activity_count,
       coalesce(u.code_acceptance_activity_count, 0) AS code_acceptance_activity_count,
       coalesce(u.loc_added_sum, 0) AS loc_added_sum,
       coalesce(u.loc_deleted_sum, 0) AS loc_deleted_sum,
       coalesce(u.loc_suggested_to_add_sum, 0) AS loc_suggested_to_add_sum,
       coalesce(u.loc_suggested_to_delete_sum, 0) AS loc_suggested_to_delete_sum,
       CASE WHEN p.scope_id IS NULL THEN NULL ELSE coalesce(p.total_merged, 0) END AS pr_total_merged
     FROM reports r
     JOIN usage_day u ON u.scope_id = r.scope_id AND u.day = r.day AND u.user_ref = 0
     LEFT JOIN pull_requests_day p ON p.scope_id = r.scope_id AND p.day = r.day AND p.repo_ref = 0
     WHERE r.scope_id = ? AND r.kind = 'aggregate' AND r.status = 'ok' AND r.day BETWEEN ? AND ?
     ORDER BY r.day`;
  // Team figures need both per-user rows and that day's membership: days with both reports ok, newest
  // first, with a version that changes whenever either report of the day is stored again.
  const teamDays = `SELECT u.day, u.attempts || '/' || u.fetched_at || '/' || m.attempts || '/' || m.fetched_at AS version
     FROM reports u
     JOIN reports m ON m.scope_id = u.scope_id AND m.kind = 'user-teams' AND m.day = u.day AND m.status = 'ok'
     WHERE u.scope_id = ? AND u.kind = 'users' AND u.status = 'ok'
     ORDER BY u.day DESC`;
  const teamNames =
    "SELECT group_concat(id || '=' || slug, ',') FROM (SELECT id, slug FROM teams WHERE scope_id = ? ORDER BY id) AS ordered";
  // One day's members per team slug, each user once per slug (an enterprise can hold teams of one slug
  // from several organizations); members without an activity row that day count as inactive.
  const teamDay = `SELECT mb.slug AS team, count(x.user_ref) AS active_users,
       coalesce(sum(x.user_initiated_interaction_count), 0) AS interactions,
       coalesce(sum(x.code_generation_activity_count), 0) AS generations,
       coalesce(sum(x.code_acceptance_activity_count), 0) AS acceptances
     FROM (
       SELECT t.slug, m.user_ref FROM team_members m JOIN teams t ON t.id = m.team_ref
       WHERE m.scope_id = ? AND m.day = ? GROUP BY t.slug, m.user_ref
     ) mb
     LEFT JOIN usage_day x ON x.scope_id = ? AND x.day = ? AND x.user_ref = mb.user_ref
     GROUP BY mb.slug`;
  // PRIVACY_MODE=aggregate keeps no memberships or per-user rows: the team_day rollup has the figures,
  // summed per slug (an enterprise's teams of one slug in several organizations add up).
  const teamDayRollup = `SELECT t.slug AS team, sum(x.active_users) AS active_users,
       coalesce(sum(x.user_initiated_interaction_count), 0) AS interactions,
       coalesce(sum(x.code_generation_activity_count), 0) AS generations,
       coalesce(sum(x.code_acceptance_activity_count), 0) AS acceptances
     FROM team_day x JOIN teams t ON t.id = x.team_ref
     WHERE x.scope_id = ? AND x.day = ?
     GROUP BY t.slug`;
  // One scope-day's figures per team slug: both statements bind (scope, day), the members' twice.
  const teamFigures = (scope: number, day: number) =>
    privacy.mode === 'aggregate'
      ? reader.all<{ team: string } & Record<TeamColumn, number>>(teamDayRollup, [scope, day])
      : reader.all<{ team: string } & Record<TeamColumn, number>>(teamDay, [scope, day, scope, day]);
  // In the privacy modes, a team-day with fewer active users than PRIVACY_MIN_GROUP_SIZE is left out.
  const minUsers = suppressesSmallGroups(privacy) ? privacy.minGroupSize : 0;
  // A stored day's team figures change only when its reports or the scope's team names do.
  const nextTeamCache: TeamCache = new Map();

  const scopes: Snapshot['scopes'] = [];
  const teams: Snapshot['teams'] = [];
  for (const { id, scope } of scopeRows) {
    const latest = (await reader.value<number | null>(latestAggregate, [id])) ?? null;
    if (latest !== null) {
      const rows = (
        await reader.all<{ day: number } & Record<ScopeColumn, number | null>>(aggregateDays, [
          id,
          lookback(latest, calendar),
          latest,
        ])
      ).map(({ day, ...values }) => ({ day, values }));
      scopes.push({ scope, latestDay: latest, workday: calendar.isWorkday(latest), rows });
    }
    let teamLatest: number | undefined;
    let teamFrom: number | undefined;
    const rows: TeamDay[] = [];
    const names = (await reader.value<string | null>(teamNames, [id])) ?? null;
    days: for await (const batch of reader.stream<[number, string]>(teamDays, [id]))
      for (const [day, version] of batch) {
        if (teamLatest === undefined) {
          teamLatest = day;
          teamFrom = lookback(day, calendar);
        }
        if (day < teamFrom!) break days;
        const key = `${id}:${day}:${version}:${names}`;
        const figures =
          teamCache.get(key) ??
          (await teamFigures(id, day))
            .filter((row) => row.active_users >= minUsers)
            .map(({ team, ...values }) => ({ day, team, values }));
        nextTeamCache.set(key, figures);
        rows.push(...figures);
      }
    if (teamLatest !== undefined) teams.push({ scope, latestDay: teamLatest, rows });
  }
  teamCache.clear();
  for (const [key, figures] of nextTeamCache) teamCache.set(key, figures);
  return {
    ok: true,
    reports,
    failedDays,
    unknownKeys,
    runs,
    scopes,
    teams,
    seats: await readSeats(reader, scopeRows),
    billing: await readBilling(reader, scopeRows, privacy, calendar),
  };
}

/**
 * Each scope's AI credits in the month of its latest billed day (the query API's month: query/billing/),
 * and the consumption of its budgets in the latest budgets snapshot. Budgets of one person are left
 * out: nothing here names a user.
 */
async function readBilling(
  reader: SqlReader,
  scopeRows: { id: number; scope: string }[],
  privacy: PrivacyConfig,
  calendar: WorkCalendar,
): Promise<BillingFigures[]> {
  const months = new BillingMonths(reader, calendar);
  const latest =
    "SELECT max(day) FROM reports WHERE scope_id = ? AND kind = 'billing' AND status IN ('ok', 'no_data')";
  const budgets = `SELECT budget_id AS budget, coalesce(budget_scope, '') AS "budgetScope", coalesce(entity_name, '') AS entity,
       consumed_amount / budget_amount AS ratio
     FROM billing_budgets WHERE scope_id = ? AND user_ref IS NULL AND coalesce(budget_scope, '') <> 'user'
       AND budget_amount > 0 AND consumed_amount IS NOT NULL
       AND day = (SELECT max(day) FROM billing_budgets WHERE scope_id = ?)
     ORDER BY budget_id`;
  const out: BillingFigures[] = [];
  for (const { id, scope } of scopeRows) {
    const day = (await reader.value<number | null>(latest, [id])) ?? null;
    const month = day === null ? undefined : await months.scopeMonth(id, day, privacy.mode !== 'aggregate');
    const scopeBudgets = await reader.all<BillingFigures['budgets'][number]>(budgets, [id, id]);
    if (!month && !scopeBudgets.length) continue;
    out.push({
      scope,
      day: month?.asOf ?? 0,
      monthToDate: month?.forecast.monthToDate ?? 0,
      pool: month?.pool?.credits ?? null,
      projectedMonthEnd: month?.forecast.monthEnd ?? 0,
      runsOutDaysBeforeMonthEnd:
        month?.forecast.runsOut === null || !month ? null : month.monthEnd - month.forecast.runsOut!,
      budgets: scopeBudgets,
      hasMonth: month !== undefined,
    });
  }
  return out;
}

/** Counts of each scope's latest ok seats snapshot: one primary-key range per scope. */
async function readSeats(
  reader: SqlReader,
  scopeRows: { id: number; scope: string }[],
): Promise<SeatCounts[]> {
  const latest = "SELECT max(day) FROM reports WHERE scope_id = ? AND kind = 'seats' AND status = 'ok'";
  // The snapshot day is bound once per window, then (scope, day).
  const counts = `SELECT count(*) AS assigned,
       ${SEAT_WINDOWS.map((w) => `coalesce(sum(CASE WHEN last_activity_day IS NULL OR last_activity_day <= ? - ${w.days} THEN 1 ELSE 0 END), 0) AS inactive_${w.label}`).join(',\n       ')},
       coalesce(sum(CASE WHEN last_activity_day IS NULL THEN 1 ELSE 0 END), 0) AS never_used,
       coalesce(sum(CASE WHEN pending_cancellation_date IS NOT NULL THEN 1 ELSE 0 END), 0) AS pending
     FROM seat_snapshots WHERE scope_id = ? AND day = ?`;
  const out: SeatCounts[] = [];
  for (const { id, scope } of scopeRows) {
    const day = (await reader.value<number | null>(latest, [id])) ?? null;
    if (day === null) continue;
    const row = (await reader.first<Record<string, number>>(counts, [
      ...SEAT_WINDOWS.map(() => day),
      id,
      day,
    ]))!;
    out.push({
      scope,
      day,
      assigned: row.assigned,
      inactive: Object.fromEntries(
        SEAT_WINDOWS.map((w) => [w.label, row[`inactive_${w.label}`]]),
      ) as SeatCounts['inactive'],
      neverUsed: row.never_used,
      pendingCancellation: row.pending,
    });
  }
  return out;
}

const average = (values: readonly number[]): number | undefined =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
const ratio = (numerator: number, denominator: number): number | undefined =>
  denominator > 0 ? numerator / denominator : undefined;

/** Per window: the rows of days within it (rows of the latest day and before). */
function windowsOf<T extends { day: DayNumber }>(
  latest: DayNumber,
  rows: readonly T[],
  calendar: WorkCalendar,
) {
  return WINDOWS.map((w) => {
    const start = windowStart(w, latest, calendar);
    const inWindow = (day: DayNumber) => day >= start && ('days' in w || calendar.isWorkday(day));
    return { window: w.label, rows: rows.filter((r) => inWindow(r.day)) };
  });
}

function scopeSamples(snapshot: Snapshot, column: ScopeColumn, calendar: WorkCalendar): Sample[] {
  return snapshot.scopes.flatMap(({ scope, latestDay, rows }) =>
    windowsOf(latestDay, rows, calendar).flatMap(({ window, rows }) => {
      const value = average(rows.flatMap((r) => (r.values[column] === null ? [] : [r.values[column]!])));
      return value === undefined ? [] : [[{ scope, window }, value] as Sample];
    }),
  );
}

function scopeRatioSamples(snapshot: Snapshot, calendar: WorkCalendar): Sample[] {
  return snapshot.scopes.flatMap(({ scope, latestDay, rows }) =>
    windowsOf(latestDay, rows, calendar).flatMap(({ window, rows }) => {
      const sum = (c: ScopeColumn) => rows.reduce((a, r) => a + (r.values[c] ?? 0), 0);
      const value = ratio(sum('code_acceptance_activity_count'), sum('code_generation_activity_count'));
      return value === undefined ? [] : [[{ scope, window }, value] as Sample];
    }),
  );
}

/** Teams present on the latest team day; averages over the days each team appears in the window. */
function teamSamples(
  snapshot: Snapshot,
  calendar: WorkCalendar,
  value: (rows: TeamDay[]) => number | undefined,
): Sample[] {
  return snapshot.teams.flatMap(({ scope, latestDay, rows }) => {
    const byTeam = new Map<string, TeamDay[]>();
    for (const row of rows) {
      const days = byTeam.get(row.team);
      if (days) days.push(row);
      else byTeam.set(row.team, [row]);
    }
    const current = [...byTeam]
      .filter(([, days]) => days.some((r) => r.day === latestDay))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return current.flatMap(([team, days]) =>
      windowsOf(latestDay, days, calendar).flatMap(({ window, rows }) => {
        const v = value(rows);
        return v === undefined ? [] : [[{ scope, team, window }, v] as Sample];
      }),
    );
  });
}

export function createMetrics(reader: SqlReader, options: MetricsOptions = {}): IngesterMetrics {
  const logger = options.logger ?? silentLogger;
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters (promtool lint); nodejs_active_{handles,requests,resources} by type remain.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ])
      registry.removeSingleMetric(name);
  }

  let cached: { key: string; snapshot: Snapshot } | undefined;
  let failedAt: number | undefined;
  const teamCache: TeamCache = new Map();
  const privacy = options.privacy ?? PRIVACY_OFF;
  const calendar = options.calendar ?? DEFAULT_CALENDAR;
  /** The database's figures, read again only when some connection committed since the last read. */
  const read = async (): Promise<Snapshot> => {
    // Every gauge asks; after a failure, the rest of the scrape does not retry (or log) again.
    if (failedAt !== undefined && Date.now() - failedAt < 1000) return EMPTY;
    try {
      const key = await reader.changeToken();
      if (cached?.key !== key)
        cached = {
          key,
          snapshot: await reader.snapshot((r) => readSnapshot(r, teamCache, privacy, calendar)),
        };
      failedAt = undefined;
      return cached.snapshot;
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'metrics: reading the database failed');
      cached = undefined;
      failedAt = Date.now();
      return EMPTY;
    }
  };
  // The gauges of a scrape are collected at once: they share one read.
  let reading: Promise<Snapshot> | undefined;
  const snapshot = () => (reading ??= read().finally(() => (reading = undefined)));

  const gauge = (name: string, help: string, labelNames: string[], samples: (s: Snapshot) => Sample[]) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const figures = await snapshot();
        this.reset();
        for (const [labels, value] of samples(figures)) this.set(labels, value);
      },
    });

  // ---- the sync, observed as it runs in this process ----
  const runs = new Counter({
    name: 'copilot_metrics_ingester_sync_runs_total',
    help: 'Sync runs of this process by trigger (startup, schedule, api) and status: ok, failed (some report days failed), error (the run could not run, e.g. another process held the sync lease).',
    labelNames: ['trigger', 'status'],
    registers: [registry],
  });
  const reportsSynced = new Counter({
    name: 'copilot_metrics_ingester_reports_synced_total',
    help: 'Report days fetched by this process, by report kind and outcome: ok (stored), no_data (GitHub has none), failed, skipped (scope blocked by an earlier 401/403/404 in the run).',
    labelNames: ['report', 'status'],
    registers: [registry],
  });
  const records = new Counter({
    name: 'copilot_metrics_ingester_records_ingested_total',
    help: 'Report records (NDJSON lines) stored by this process, by report kind.',
    labelNames: ['report'],
    registers: [registry],
  });
  const malformed = new Counter({
    name: 'copilot_metrics_ingester_malformed_lines_total',
    help: 'Report lines skipped as malformed by this process, by report kind (see `status` for details).',
    labelNames: ['report'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'copilot_metrics_ingester_sync_duration_seconds',
    help: 'Wall-clock duration of finished sync runs of this process.',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
    registers: [registry],
  });
  new Counter({
    name: 'copilot_metrics_ingester_checkpoints_total',
    help: `SQLite write-ahead log checkpoints this process ran on its background thread after each report, by status (ok, failed). While they fail, the writer checkpoints on its own thread past ${WRITER_CHECKPOINT_PAGES} log pages. Zero on PostgreSQL.`,
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const stats = checkpointStats();
      this.reset();
      this.inc({ status: 'ok' }, stats.done);
      this.inc({ status: 'failed' }, stats.failed);
    },
  });
  for (const trigger of KNOWN_TRIGGERS) for (const status of RUN_STATUSES) runs.inc({ trigger, status }, 0);
  for (const report of SYNC_KINDS) {
    for (const status of REPORT_STATUSES) reportsSynced.inc({ report, status }, 0);
    records.inc({ report }, 0);
    malformed.inc({ report }, 0);
  }

  // ---- the sync, as recorded in the database (also runs of other processes, e.g. `sync`) ----
  gauge(
    'copilot_metrics_ingester_database_up',
    'Whether the last scrape could read the database (1) or not (0; see the ingester log).',
    [],
    (s) => [[{}, s.ok ? 1 : 0]],
  );
  gauge(
    'copilot_metrics_ingester_sync_run_last_finished_timestamp_seconds',
    'Unix time the last sync run with this status (ok, failed, interrupted) finished, from any process on this database.',
    ['status'],
    (s) => s.runs.map((r) => [{ status: r.status }, r.finishedAt]),
  );
  gauge(
    'copilot_metrics_ingester_report_last_success_timestamp_seconds',
    'Unix time a report day of this scope and kind was last stored successfully.',
    ['scope', 'report'],
    (s) =>
      s.reports.flatMap((r) =>
        r.lastSuccess === null ? [] : [[{ scope: r.scope, report: r.report }, r.lastSuccess] as Sample],
      ),
  );
  gauge(
    'copilot_metrics_ingester_report_latest_day_timestamp_seconds',
    'Start (00:00 UTC, unix seconds) of the latest day stored successfully for this scope and report kind.',
    ['scope', 'report'],
    (s) => s.reports.map((r) => [{ scope: r.scope, report: r.report }, dayToMs(r.latestDay) / 1000]),
  );
  gauge(
    'copilot_metrics_ingester_reports_failed',
    'Report days of this scope and kind whose latest fetch failed; the next sync retries them.',
    ['scope', 'report'],
    (s) => s.failedDays.map((f) => [{ scope: f.scope, report: f.report }, f.days]),
  );
  gauge(
    'copilot_metrics_ingester_unknown_keys',
    'Distinct JSON keys GitHub sent that no table stores yet (kept in the raw archive; upgrade and run `reprocess`).',
    ['report'],
    (s) => REPORT_KINDS.map((report) => [{ report }, s.unknownKeys.get(report) ?? 0]),
  );

  // ---- Copilot figures ----
  gauge(
    'copilot_latest_day_timestamp_seconds',
    'Start (00:00 UTC, unix seconds) of the latest complete day of the scope (last ok aggregate report): the day the copilot_* scope gauges describe.',
    ['scope'],
    (s) => s.scopes.map((x) => [{ scope: x.scope }, dayToMs(x.latestDay) / 1000]),
  );
  for (const [column, name, help] of SCOPE_FIGURES) {
    gauge(name, `${help}. ${WINDOW_HELP}`, ['scope', 'window'], (s) => scopeSamples(s, column, calendar));
  }
  gauge(
    'copilot_code_acceptance_ratio',
    `Accepted code generations / code generations (0..1). ${RATIO_HELP}`,
    ['scope', 'window'],
    (s) => scopeRatioSamples(s, calendar),
  );
  gauge(
    'copilot_latest_day_is_workday',
    '1 when the latest complete day of the scope (copilot_latest_day_timestamp_seconds) is a working day (WORKWEEK less HOLIDAYS_FILE), 0 on a weekend or holiday: alert rules that compare with "usual" days skip days off with `and on(scope) copilot_latest_day_is_workday == 1`.',
    ['scope'],
    (s) => s.scopes.map((x) => [{ scope: x.scope }, x.workday ? 1 : 0]),
  );
  gauge(
    'copilot_team_latest_day_timestamp_seconds',
    'Start (00:00 UTC, unix seconds) of the latest day with ok users and user-teams reports: the day the copilot_team_* gauges describe.',
    ['scope'],
    (s) => s.teams.map((x) => [{ scope: x.scope }, dayToMs(x.latestDay) / 1000]),
  );
  const TEAM_NOTE =
    'Teams by slug, as of that day (teams under 5 members are absent at GitHub); series exist for teams present on the latest day.';
  for (const [column, name, help] of TEAM_FIGURES) {
    gauge(name, `${help}. ${WINDOW_HELP} ${TEAM_NOTE}`, ['scope', 'team', 'window'], (s) =>
      teamSamples(s, calendar, (rows) => average(rows.map((r) => r.values[column]))),
    );
  }
  gauge(
    'copilot_team_code_acceptance_ratio',
    `Accepted / generated code of the team's members (0..1). ${RATIO_HELP} ${TEAM_NOTE}`,
    ['scope', 'team', 'window'],
    (s) =>
      teamSamples(s, calendar, (rows) =>
        ratio(
          rows.reduce((a, r) => a + r.values.acceptances, 0),
          rows.reduce((a, r) => a + r.values.generations, 0),
        ),
      ),
  );

  // ---- Copilot seats (the latest seats snapshot of each scope) ----
  const SEATS_NOTE =
    'From the latest seats snapshot of the scope (GET /orgs/{org}/copilot/billing/seats; an enterprise counts each user of its organizations once).';
  gauge(
    'copilot_seats_latest_day_timestamp_seconds',
    'Start (00:00 UTC, unix seconds) of the day of the latest seats snapshot: the day the copilot_seats_* gauges describe.',
    ['scope'],
    (s) => s.seats.map((x) => [{ scope: x.scope }, dayToMs(x.day) / 1000]),
  );
  gauge(
    'copilot_seats_assigned',
    `Copilot seats assigned (billed, pending cancellation included). ${SEATS_NOTE}`,
    ['scope'],
    (s) => s.seats.map((x) => [{ scope: x.scope }, x.assigned]),
  );
  gauge(
    'copilot_seats_inactive',
    `Seats without Copilot activity in the window ending on the snapshot day (window="30d" or "90d"), never-used seats included. ${SEATS_NOTE}`,
    ['scope', 'window'],
    (s) =>
      s.seats.flatMap((x) =>
        SEAT_WINDOWS.map((w) => [{ scope: x.scope, window: w.label }, x.inactive[w.label]] as Sample),
      ),
  );
  gauge(
    'copilot_seats_never_used',
    `Seats with no Copilot activity GitHub knows of (it keeps last activity for 90 days). ${SEATS_NOTE}`,
    ['scope'],
    (s) => s.seats.map((x) => [{ scope: x.scope }, x.neverUsed]),
  );
  gauge(
    'copilot_seats_pending_cancellation',
    `Seats that end at the start of the next billing cycle. ${SEATS_NOTE}`,
    ['scope'],
    (s) => s.seats.map((x) => [{ scope: x.scope }, x.pendingCancellation]),
  );

  // ---- AI credits (the month of each scope's latest billed day; query/billing/) ----
  const CREDITS_NOTE =
    'In the calendar month of the scope\'s latest billed day (GET …/settings/billing/ai_credit/usage), which the pool resets on (00:00 UTC on the 1st); AI credits, $0.01 each. The query API\'s family "AI credits" has the same figures.';
  const months = (s: Snapshot) => s.billing.filter((b) => b.hasMonth);
  gauge(
    'copilot_ai_credits_latest_day_timestamp_seconds',
    'Start (00:00 UTC, unix seconds) of the latest billed day of the scope: the day the copilot_ai_credits_* gauges describe.',
    ['scope'],
    (s) => months(s).map((b) => [{ scope: b.scope }, dayToMs(b.day) / 1000]),
  );
  gauge(
    'copilot_ai_credits_month_to_date',
    `AI credits consumed from the 1st to the latest billed day (gross, pool-covered and metered). ${CREDITS_NOTE}`,
    ['scope'],
    (s) => months(s).map((b) => [{ scope: b.scope }, b.monthToDate]),
  );
  gauge(
    'copilot_ai_credits_pool',
    `The month's included AI credits: licensed seats × the plan's credits per licence (Business 1,900, Enterprise 3,900), the largest seats snapshot of the month. No sample without seats snapshots (or with PRIVACY_MODE=aggregate). ${CREDITS_NOTE}`,
    ['scope'],
    (s) => months(s).flatMap((b) => (b.pool === null ? [] : [[{ scope: b.scope }, b.pool] as Sample])),
  );
  gauge(
    'copilot_ai_credits_projected_month_end',
    `Projected AI credits at the end of the month: month to date + the run rate of the last 14 billed days (per working day and per day off, WORKWEEK and HOLIDAYS_FILE) over the remaining days. ${CREDITS_NOTE}`,
    ['scope'],
    (s) => months(s).map((b) => [{ scope: b.scope }, b.projectedMonthEnd]),
  );
  gauge(
    'copilot_ai_credits_pool_runs_out_days_before_month_end',
    `Days between the day the pool is projected to run out (or ran out) and the month's last day; no sample when it is projected to last the month, or the pool is unknown. ${CREDITS_NOTE}`,
    ['scope'],
    (s) =>
      months(s).flatMap((b) =>
        b.runsOutDaysBeforeMonthEnd === null
          ? []
          : [[{ scope: b.scope }, b.runsOutDaysBeforeMonthEnd] as Sample],
      ),
  );
  gauge(
    'copilot_ai_credits_budget_consumed_ratio',
    'consumed_amount ÷ budget_amount of each budget in the latest budgets snapshot of the scope (GET …/settings/billing/budgets), by budget id, budget_scope (enterprise, organization, repository, cost_center, multi_user_*) and entity (organization, repository or cost center; empty for the enterprise). Budgets of one person are left out.',
    ['scope', 'budget', 'budget_scope', 'entity'],
    (s) =>
      s.billing.flatMap((b) =>
        b.budgets.map(
          (x) =>
            [
              { scope: b.scope, budget: x.budget, budget_scope: x.budgetScope, entity: x.entity },
              x.ratio,
            ] as Sample,
        ),
      ),
  );

  return {
    registry,
    observeSync(summary, trigger) {
      runs.inc({ trigger, status: summary.failed > 0 ? 'failed' : 'ok' });
      duration.observe(summary.durationMs / 1000);
      for (const report of SYNC_KINDS) {
        const tally = summary.byReport[report];
        reportsSynced.inc({ report, status: 'ok' }, tally.ok);
        reportsSynced.inc({ report, status: 'no_data' }, tally.noData);
        reportsSynced.inc({ report, status: 'failed' }, tally.failed);
        reportsSynced.inc({ report, status: 'skipped' }, tally.skipped);
        records.inc({ report }, tally.records);
        malformed.inc({ report }, tally.malformedLines);
      }
    },
    observeSyncError(_error, trigger) {
      runs.inc({ trigger, status: 'error' });
    },
  };
}
