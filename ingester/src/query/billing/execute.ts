/**
 * The AI-credit billing metrics (catalog family "AI credits"), from the tables of migration 011 and the
 * seats snapshots: spend summed by model, SKU, product, organization, cost center or person; the month's
 * pool, month to date and forecast (month.ts); cost per merged pull request and per active user; the
 * reconciliation of the per-person usage signal with billing; and the budgets. Table and column names
 * come only from the catalog's sources; every client value is a bound parameter.
 */
import {
  type BillingFigure,
  type FrameJSON,
  type Notice,
  type QueryItem,
  SEAT_COUNTED_BILLING_FIGURES,
} from '@copilot-metrics/contract';
import type { WorkCalendar } from '../../calendar/workCalendar';
import { type DayNumber, dayToMs, formatDay, monthEnd, monthStart } from '../../days';
import { type PrivacyConfig, suppressesSmallGroups } from '../../privacy';
import type { SqlReader } from '../../store/reader';
import type { Aggregator } from '../execute/aggregate';
import { BUCKETS, BUCKET_OF } from '../execute/buckets';
import { type ListColumn, type SeriesPoint, buildFrames, buildListFrame, unavailableFrame } from '../frames';
import type { GroupLabels, Labels } from '../labels';
import { planQuery } from '../plan/planner';
import type { IdLookup } from '../plan/storedIds';
import type { BillingPlan, DayRange } from '../plan/types';
import { SEATS_UNAVAILABLE, perUserRefusal, refusal } from '../privacy/refusals';
import { hiddenValuesNotice } from '../privacy/smallGroups';
import { BillingMonths, CREDIT_ROWS, type MonthFigures } from './month';

/** What billing is, on every answer: the catalog says the same per metric. */
const BILLED_NOTICE: Notice = {
  severity: 'info',
  text: 'GitHub billing in AI credits ($0.01 each): Copilot Chat, CLI, the cloud agent, Spaces, Spark and third-party coding agents draw on the pool; code completions and next edit suggestions are not billed.',
};

/** Σ expressions of each spend figure, per billing table (the export has one quantity column). */
const SPEND_SQL: Record<string, Partial<Record<BillingFigure, string>>> = {
  billing_usage_day: {
    credits_gross: `CASE WHEN ${CREDIT_ROWS} THEN x.gross_quantity END`,
    credits_discount: `CASE WHEN ${CREDIT_ROWS} THEN x.discount_quantity END`,
    credits_net: `CASE WHEN ${CREDIT_ROWS} THEN x.net_quantity END`,
    dollars_gross: 'x.gross_amount',
    dollars_discount: 'x.discount_amount',
    dollars_net: 'x.net_amount',
  },
};
// The export's rows carry one quantity: the covered and billed credits follow from the amounts' split.
SPEND_SQL.billing_user_day = SPEND_SQL.billing_cost_center_day = {
  credits_gross: `CASE WHEN ${CREDIT_ROWS} THEN x.quantity END`,
  credits_discount: `CASE WHEN ${CREDIT_ROWS} AND x.gross_amount > 0 THEN x.quantity * x.discount_amount / x.gross_amount END`,
  credits_net: `CASE WHEN ${CREDIT_ROWS} AND x.gross_amount > 0 THEN x.quantity * x.net_amount / x.gross_amount END`,
  dollars_gross: 'x.gross_amount',
  dollars_discount: 'x.discount_amount',
  dollars_net: 'x.net_amount',
};

/** The report kind that fills each billing table. */
const REPORT_OF: Record<string, string> = {
  billing_usage_day: 'billing',
  billing_user_day: 'billing-users',
  billing_cost_center_day: 'billing-users',
};

type Group = string | number;

export class BillingQueries {
  private readonly months: BillingMonths;

  constructor(
    private readonly reader: SqlReader,
    private readonly ids: IdLookup,
    private readonly labels: Labels,
    private readonly aggregator: Aggregator,
    private readonly privacy: PrivacyConfig,
    calendar: WorkCalendar,
  ) {
    this.months = new BillingMonths(reader, calendar);
  }

  async run(plan: BillingPlan, query: QueryItem, range: DayRange): Promise<FrameJSON[]> {
    const figure = plan.metric.billing!.figure;
    const refused =
      perUserRefusal(this.privacy, query) ??
      (this.privacy.mode === 'aggregate' && figure === 'budget_users'
        ? 'Not available with PRIVACY_MODE=aggregate: budgets of people are per-person records, which this mode does not keep.'
        : undefined) ??
      (this.privacy.mode === 'aggregate' &&
      SEAT_COUNTED_BILLING_FIGURES.includes(figure) &&
      plan.groupBy !== 'cost_center'
        ? `${SEATS_UNAVAILABLE} The scope's pool, and the forecast against it, are counted from seats; cost centers' pools (group by cost_center) are GitHub's own figures.`
        : undefined);
    if (refused)
      return [
        unavailableFrame({
          refId: plan.refId,
          metric: plan.metric,
          reason: 'privacy',
          mode: this.privacy.mode,
          text: refused,
        }),
      ];
    const notices: Notice[] = [BILLED_NOTICE];
    if (query.days === 'workdays')
      notices.push({
        severity: 'info',
        text: 'Days is ignored: GitHub bills every day, so billing figures count every day (the forecast weighs working days and days off itself).',
      });
    const meta = {
      scope: plan.scope.key,
      metric: plan.metric.id,
      source: plan.metric.billing!.source,
      table: plan.source.table,
      aggregation: plan.metric.aggregation,
      interval: plan.interval,
    };
    switch (figure) {
      case 'reconciliation':
        return [await this.reconciliation(plan, range, meta, notices)];
      case 'budgets':
        return [await this.budgets(plan, range, meta, notices)];
      case 'budget_users':
        return [await this.budgetUsers(plan, range, meta, notices)];
      case 'dollars_per_merged_pull_request':
      case 'dollars_per_active_user':
        return this.perUnit(plan, query, range, meta, notices);
      default:
        return figure in SPEND_SQL.billing_usage_day
          ? this.spend(plan, range, meta, notices)
          : this.month(plan, range, meta, notices);
    }
  }

  //#region spend: Σ by model, SKU, product, organization, cost center, person

  private where(plan: BillingPlan, range: DayRange): { sql: string; params: unknown[] } {
    const where = ['x.scope_id = ?', 'x.day BETWEEN ? AND ?'];
    const params: unknown[] = [plan.scope.id, range.fromDay, range.toDay];
    if (
      plan.source.table === 'billing_user_day' &&
      (plan.groupBy === 'user' || plan.filters.some((f) => f.dim === 'user'))
    )
      where.push('x.user_ref > 0');
    for (const filter of plan.filters) {
      where.push(`x.${filter.column} IN (${filter.values.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.values);
    }
    return { sql: where.join(' AND '), params };
  }

  /** A group's label; people's logins from `users`, loaded first. */
  private label(plan: BillingPlan, users: GroupLabels, group: Group): string {
    if (plan.groupBy === 'none') return '';
    if (plan.groupBy === 'user') return users.of(group as number);
    return group === '' ? '(none)' : String(group);
  }

  private async spend(
    plan: BillingPlan,
    range: DayRange,
    meta: Record<string, unknown>,
    notices: Notice[],
  ): Promise<FrameJSON[]> {
    const table = plan.source.table;
    const expr = SPEND_SQL[table][plan.metric.billing!.figure]!;
    const where = this.where(plan, range);
    const bucket = plan.format === 'table' ? BUCKETS.total() : BUCKETS[plan.interval]('x.day');
    const group = plan.groupColumn ? `x.${plan.groupColumn}` : "''";
    // Distinct people of each value, for PRIVACY_MIN_GROUP_SIZE (the export's rows only).
    const people =
      table === 'billing_user_day' ? 'COUNT(DISTINCT CASE WHEN x.user_ref > 0 THEN x.user_ref END)' : 'NULL';
    const rows = await this.reader.raw<[number, Group, number | null, number | null]>(
      `SELECT ${bucket} AS bucket, ${group} AS grp, SUM(${expr}) AS value, ${people} AS people
         FROM ${table} x WHERE ${where.sql} GROUP BY bucket, grp`,
      where.params,
    );
    const known = await this.months.knownDays(plan.scope.id, REPORT_OF[table], range.fromDay, range.toDay);
    meta.report =
      REPORT_OF[table] === 'billing'
        ? 'settings/billing/ai_credit/usage'
        : 'settings/billing/reports (ai_credit)';
    if (!known.length)
      notices.push({
        severity: 'warning',
        text: `No ${REPORT_OF[table]} report stored between ${formatDay(range.fromDay)} and ${formatDay(range.toDay)}: the sync fetches AI-credit billing when BILLING is on and the token may read it (README, "AI credits and budgets").`,
      });

    // Small groups of people: hidden, never folded into Others.
    const minimum = this.privacy.minGroupSize;
    const guarded =
      suppressesSmallGroups(this.privacy) &&
      plan.groupBy !== 'user' &&
      !plan.filters.some((f) => f.dim === 'user');
    const costCenterSizes =
      guarded && table === 'billing_cost_center_day'
        ? await this.costCenterSizes(plan.scope.id, range.toDay)
        : undefined;
    const hidden = (grp: Group, count: number | null) => {
      if (!guarded || (plan.groupBy === 'none' && !plan.filters.length)) return false;
      if (table === 'billing_user_day') return this.privacy.mode !== 'aggregate' && (count ?? 0) < minimum;
      if (costCenterSizes && plan.groupBy === 'cost_center') {
        const size = costCenterSizes.get(String(grp));
        return size !== undefined && size < minimum;
      }
      return false;
    };
    let hiddenCount = 0;
    const values = new Map<Group, Map<number, number | null>>();
    for (const [bkt, grp, value, count] of rows) {
      const hide = hidden(grp, count);
      if (hide) hiddenCount++;
      let points = values.get(grp);
      if (!points) values.set(grp, (points = new Map()));
      points.set(bkt, hide ? null : value);
    }
    if (hiddenCount) notices.push(hiddenValuesNotice(hiddenCount, minimum, plan.groupBy === 'none'));
    // A billed day without rows consumed nothing: 0, unlike a day without a report (a gap).
    if (plan.groupBy === 'none') {
      const points = values.get('') ?? new Map<number, number | null>();
      for (const day of known) {
        const b = plan.format === 'table' ? 0 : BUCKET_OF[plan.interval](day);
        if (!points.has(b)) points.set(b, 0);
      }
      if (points.size) values.set('', points);
    }
    // Rank groups by their total (hidden ones last, never in Others).
    const total = (points: Map<number, number | null>) =>
      [...points.values()].reduce<number>((a, v) => a + (v ?? 0), 0);
    const users = this.labels.cached('user', new Map());
    if (plan.groupBy === 'user') await users.load([...values.keys()] as number[]);
    const label = (group: Group) => this.label(plan, users, group);
    const ordered = [...values].sort(
      (a, b) => total(b[1]) - total(a[1]) || label(a[0]).localeCompare(label(b[0])),
    );
    const kept = plan.limit === undefined ? ordered : ordered.slice(0, plan.limit);
    const rest = plan.limit === undefined ? [] : ordered.slice(plan.limit);
    const series = kept.map(([grp, points]) => ({ label: label(grp), points }));
    if (plan.others && rest.length) {
      const folded = new Map<number, number | null>();
      for (const [, points] of rest)
        for (const [b, v] of points) if (v !== null) folded.set(b, (folded.get(b) ?? 0) + v);
      series.push({ label: 'Others', points: folded });
    }
    if (plan.format === 'table')
      return buildFrames({
        refId: plan.refId,
        metric: plan.metric,
        groupBy: plan.groupBy,
        format: 'table',
        table: series.map((s) => ({ label: s.label, value: s.points.get(0) ?? null })),
        meta,
        notices,
      });
    if (plan.groupBy !== 'none')
      series.sort((a, b) => (a.label === 'Others' ? 1 : b.label === 'Others' ? -1 : 0));
    return buildFrames({
      refId: plan.refId,
      metric: plan.metric,
      groupBy: plan.groupBy,
      format: 'time_series',
      series: series.map((s) => ({
        label: s.label,
        points: [...s.points].sort(([a], [b]) => a - b).map(([day, value]): SeriesPoint => ({ day, value })),
      })),
      meta,
      notices,
    });
  }

  /** People in each cost center made of people only (its User resources); others are not per-person. */
  private async costCenterSizes(scopeId: number, upTo: DayNumber): Promise<Map<string, number>> {
    const rows = await this.reader.all<{ name: string; users: number; others: number }>(
      `SELECT c.name, sum(CASE WHEN json_extract(r.value, '$.type') = 'User' THEN 1 ELSE 0 END) AS users,
              sum(CASE WHEN json_extract(r.value, '$.type') <> 'User' THEN 1 ELSE 0 END) AS others
         FROM billing_cost_centers c, json_each(coalesce(c.resources, '[]')) r
         WHERE c.scope_id = ? AND c.day = (SELECT max(day) FROM billing_cost_centers WHERE scope_id = ? AND day <= ?)
         GROUP BY c.name`,
      [scopeId, scopeId, upTo],
    );
    return new Map(rows.filter((r) => r.others === 0).map((r) => [r.name, r.users]));
  }

  //#endregion

  //#region the month: pool, month to date, forecast

  /** The months of the range, each as of its latest billed day within the range. */
  private async monthsOf(
    plan: BillingPlan,
    range: DayRange,
  ): Promise<{ key: string; month: MonthFigures }[]> {
    const out: { key: string; month: MonthFigures }[] = [];
    const costCenters = plan.groupBy === 'cost_center' || plan.filters.some((f) => f.dim === 'cost_center');
    const wanted = plan.filters.find((f) => f.dim === 'cost_center')?.values.map(String);
    for (let start = monthStart(range.fromDay); start <= range.toDay; start = monthEnd(start) + 1) {
      const upTo = Math.min(range.toDay, monthEnd(start));
      if (costCenters) {
        for (const month of await this.months.costCenterMonths(plan.scope.id, upTo))
          if (!wanted || wanted.includes(month.costCenter))
            out.push({ key: plan.groupBy === 'cost_center' ? month.costCenter : '', month });
      } else {
        const month = await this.months.scopeMonth(plan.scope.id, upTo, this.privacy.mode !== 'aggregate');
        if (month) out.push({ key: '', month });
      }
    }
    return out;
  }

  private async month(
    plan: BillingPlan,
    range: DayRange,
    meta: Record<string, unknown>,
    notices: Notice[],
  ): Promise<FrameJSON[]> {
    const figure = plan.metric.billing!.figure;
    let months = await this.monthsOf(plan, range);
    if (!months.length)
      notices.push({
        severity: 'warning',
        text: `No AI-credit billing day stored between ${formatDay(range.fromDay)} and ${formatDay(range.toDay)}${plan.groupBy === 'cost_center' ? ', or no cost center with an AI-credit pool' : ''}: the month's figures need the billing sync (README, "AI credits and budgets").`,
      });
    if (plan.format === 'table') {
      const last = months.at(-1)?.month.monthStart;
      months = months.filter((m) => m.month.monthStart === last);
    }
    const scopePools = months.filter((m) => plan.groupBy !== 'cost_center' && m.month.pool);
    for (const { month } of scopePools.slice(-1)) {
      const pool = month.pool!;
      const seats = Object.entries(pool.seats)
        .map(([plan, n]) => `${n} ${plan}`)
        .join(', ');
      notices.push({
        severity: pool.outsideMonth || pool.seats.unknown ? 'warning' : 'info',
        text: `Pool of ${formatDay(month.monthStart).slice(0, 7)}: ${Math.round(pool.credits).toLocaleString('en-US')} credits from the seats snapshot of ${formatDay(pool.snapshotDay)} (${seats}), the month's largest${pool.outsideMonth ? '; no seats snapshot was taken in the month, so the nearest one is used' : ''}${pool.seats.unknown ? '; seats of an unknown plan add nothing' : ''}. As of ${formatDay(month.asOf)}, the latest billed day.`,
      });
    }
    if (
      plan.groupBy !== 'cost_center' &&
      months.length &&
      months.every((m) => !m.month.pool) &&
      this.privacy.mode !== 'aggregate'
    )
      notices.push({
        severity: 'warning',
        text: 'No seats snapshot stored: the pool (seats × included credits) is unknown, so nothing is said about when it runs out. The seats sync records one each day.',
      });
    const valueOf = (m: MonthFigures, day?: DayNumber): number | null => {
      const f = m.forecast;
      const pool = m.pool?.credits ?? null;
      switch (figure) {
        case 'pool':
          return pool;
        case 'month_to_date':
          return day === undefined ? f.monthToDate : cumulative(m, day);
        case 'pool_used': {
          const used = day === undefined ? f.monthToDate : cumulative(m, day);
          return pool ? used / pool : null;
        }
        case 'forecast_month_end':
          return f.monthEnd;
        case 'forecast_pool_runs_out':
          return f.runsOut === null ? null : dayToMs(f.runsOut);
        case 'forecast_days_left':
          return f.daysLeft;
        case 'forecast_metered_credits':
          return f.meteredCredits;
        case 'forecast_metered_dollars':
          return f.meteredDollars;
        default:
          return null;
      }
    };
    meta.method = 'month';
    const label = (key: string) => (plan.groupBy === 'none' ? '' : key);
    if (plan.format === 'table')
      return buildFrames({
        refId: plan.refId,
        metric: plan.metric,
        groupBy: plan.groupBy,
        format: 'table',
        table: months.map(({ key, month }) => ({ label: label(key), value: valueOf(month) })),
        meta: {
          ...meta,
          ...(months.length
            ? {
                month: formatDay(months[0].month.monthStart).slice(0, 7),
                asOf: formatDay(months[0].month.asOf),
              }
            : {}),
        },
        notices,
      });
    // A running total by day for month to date and pool used; one point per month otherwise.
    const daily = plan.interval === 'day' && (figure === 'month_to_date' || figure === 'pool_used');
    const series = new Map<string, SeriesPoint[]>();
    for (const { key, month } of months) {
      const points = series.get(key) ?? [];
      if (daily) {
        for (const day of [...month.daily.keys()].sort((a, b) => a - b))
          if (day >= Math.max(month.monthStart, range.fromDay))
            points.push({ day, value: valueOf(month, day) });
      } else points.push({ day: month.monthStart, value: valueOf(month) });
      series.set(key, points);
    }
    return buildFrames({
      refId: plan.refId,
      metric: plan.metric,
      groupBy: plan.groupBy,
      format: 'time_series',
      series: [...series].map(([key, points]) => ({ label: label(key), points })),
      meta,
      notices,
    });
  }

  //#endregion

  //#region cost per merged pull request and per active user

  private async perUnit(
    plan: BillingPlan,
    query: QueryItem,
    range: DayRange,
    meta: Record<string, unknown>,
    notices: Notice[],
  ): Promise<FrameJSON[]> {
    const figure = plan.metric.billing!.figure;
    const of = figure === 'dollars_per_merged_pull_request' ? 'pull_requests.total_merged' : 'active_users';
    // Both parts over the same days: the billed days of the range (the others are left out of the denominator).
    const billed = new Set(await this.months.knownDays(plan.scope.id, 'billing', range.fromDay, range.toDay));
    const daysOff: DayNumber[] = [];
    for (let day = range.fromDay; day <= range.toDay; day++) if (!billed.has(day)) daysOff.push(day);
    const denominatorQuery: QueryItem = {
      ...query,
      metric: of,
      groupBy: 'none',
      filters: {},
      limit: undefined,
      others: false,
      days: 'all',
    };
    const denominatorPlan = await planQuery(denominatorQuery, this.ids);
    const refused = refusal(this.privacy, denominatorPlan, denominatorQuery);
    if (refused)
      return [
        unavailableFrame({
          refId: plan.refId,
          metric: plan.metric,
          reason: 'privacy',
          mode: this.privacy.mode,
          text: refused,
        }),
      ];
    const bucket = plan.format === 'table' ? 'total' : plan.interval;
    const denominators = new Map<number, number>();
    if (billed.size)
      for (const row of (await this.aggregator.rows(denominatorPlan, { ...range, daysOff }, bucket)).values())
        denominators.set(row.bucket, row.parts[0] ?? 0);
    const numerators = new Map<number, number>();
    const rows = await this.reader.raw<[number, number]>(
      `SELECT ${plan.format === 'table' ? BUCKETS.total() : BUCKETS[plan.interval]('x.day')} AS bucket, coalesce(sum(x.gross_amount), 0)
         FROM billing_usage_day x WHERE x.scope_id = ? AND x.day BETWEEN ? AND ? GROUP BY bucket`,
      [plan.scope.id, range.fromDay, range.toDay],
    );
    for (const [b, amount] of rows) numerators.set(b, amount);
    for (const day of billed) {
      const b = plan.format === 'table' ? 0 : BUCKET_OF[plan.interval](day);
      if (!numerators.has(b)) numerators.set(b, 0);
    }
    const points = [...numerators]
      .sort(([a], [b]) => a - b)
      .map(([day, amount]) => ({
        day,
        value: denominators.get(day) ? amount / denominators.get(day)! : null,
      }));
    notices.push({
      severity: 'info',
      text: `Σ gross AI-credit dollars (ai_credit/usage) ÷ Σ ${of === 'active_users' ? 'active users (distinct people with activity)' : 'merged pull requests (the aggregate report)'}, both over the ${billed.size} billed day(s) of the range only.`,
    });
    meta.denominator = of;
    if (plan.format === 'table')
      return buildFrames({
        refId: plan.refId,
        metric: plan.metric,
        groupBy: 'none',
        format: 'table',
        table: [{ label: '', value: points[0]?.value ?? null }],
        meta,
        notices,
      });
    return buildFrames({
      refId: plan.refId,
      metric: plan.metric,
      groupBy: 'none',
      format: 'time_series',
      series: [{ label: '', points }],
      meta,
      notices,
    });
  }

  //#endregion

  //#region lists: reconciliation, budgets

  private async reconciliation(
    plan: BillingPlan,
    range: DayRange,
    meta: Record<string, unknown>,
    notices: Notice[],
  ): Promise<FrameJSON> {
    const scope = plan.scope.id;
    const perPerson = plan.groupBy === 'user' || plan.filters.some((f) => f.dim === 'user');
    const known = async (kind: string) =>
      new Set(await this.months.knownDays(scope, kind, range.fromDay, range.toDay));
    const usersDays = new Set(
      await this.reader.pluck<number>(
        "SELECT day FROM reports WHERE scope_id = ? AND kind = 'users' AND status IN ('ok', 'no_data') AND day BETWEEN ? AND ?",
        [scope, range.fromDay, range.toDay],
      ),
    );
    const billingDays = await known('billing');
    const exportDays = await known('billing-users');
    const keyed = <T>(rows: [number, number, T][]) =>
      new Map(rows.map(([day, user, v]) => [`${day}:${user}`, v]));
    const userFilter = plan.filters.find((f) => f.dim === 'user');
    const users = userFilter
      ? ` AND x.user_ref IN (${userFilter.values.map(() => '?').join(', ') || 'NULL'})`
      : '';
    const userParams = userFilter?.values ?? [];
    const who = perPerson ? 'x.user_ref' : '0';
    // Everyone's signal of a day is one row of user_totals_day (the per-day rollup of the per-user rows),
    // not a sum over every person's row.
    const signal = keyed(
      await this.reader.raw<[number, number, number]>(
        perPerson
          ? `SELECT x.day, x.user_ref AS who, coalesce(sum(x.ai_credits_used), 0) FROM usage_day x
               WHERE x.scope_id = ? AND x.day BETWEEN ? AND ? AND x.user_ref > 0${users} GROUP BY x.day, who`
          : `SELECT x.day, 0 AS who, coalesce(x.ai_credits_used, 0.0) FROM user_totals_day x
               WHERE x.scope_id = ? AND x.day BETWEEN ? AND ?`,
        [scope, range.fromDay, range.toDay, ...(perPerson ? userParams : [])],
      ),
    );
    const exported = keyed(
      await this.reader.raw<[number, number, number]>(
        `SELECT x.day, ${who} AS who, coalesce(sum(x.quantity), 0) FROM billing_user_day x
           WHERE x.scope_id = ? AND x.day BETWEEN ? AND ? AND ${CREDIT_ROWS}${perPerson ? ' AND x.user_ref > 0' : ''}${users} GROUP BY x.day, who`,
        [scope, range.fromDay, range.toDay, ...userParams],
      ),
    );
    const billed = new Map(
      await this.reader.raw<[number, number]>(
        `SELECT x.day, coalesce(sum(x.gross_quantity), 0) FROM billing_usage_day x
           WHERE x.scope_id = ? AND x.day BETWEEN ? AND ? AND ${CREDIT_ROWS} GROUP BY x.day`,
        [scope, range.fromDay, range.toDay],
      ),
    );
    type Row = {
      day: number;
      user: number;
      signal: number | null;
      billed: number | null;
      exported: number | null;
    };
    const rows: Row[] = [];
    if (perPerson) {
      const keys = new Set([...signal.keys(), ...exported.keys()]);
      for (const key of keys) {
        const [day, user] = key.split(':').map(Number);
        rows.push({
          day,
          user,
          signal: usersDays.has(day) ? (signal.get(key) ?? 0) : null,
          billed: null,
          exported: exportDays.has(day) ? (exported.get(key) ?? 0) : null,
        });
      }
    } else {
      for (let day = range.fromDay; day <= range.toDay; day++) {
        if (!usersDays.has(day) && !billingDays.has(day) && !exportDays.has(day)) continue;
        rows.push({
          day,
          user: 0,
          signal: usersDays.has(day) ? (signal.get(`${day}:0`) ?? 0) : null,
          billed: billingDays.has(day) ? (billed.get(day) ?? 0) : null,
          exported: exportDays.has(day) ? (exported.get(`${day}:0`) ?? 0) : null,
        });
      }
    }
    const logins = this.labels.cached('user', new Map());
    if (perPerson) await logins.load(rows.map((r) => r.user));
    const login = logins.of;
    rows.sort((a, b) => b.day - a.day || (perPerson ? login(a.user).localeCompare(login(b.user)) : 0));
    const listed = rows.slice(0, plan.limit);
    const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
    const columns: ListColumn[] = [
      // Per person, the person first, as in every list grouped by a dimension.
      ...(perPerson
        ? [{ name: 'user', title: 'User', type: 'string' as const, values: listed.map((r) => login(r.user)) }]
        : []),
      { name: 'day', title: 'Day', type: 'time', values: listed.map((r) => dayToMs(r.day)) },
      {
        name: 'signal',
        title: 'Usage signal (ai_credits_used)',
        type: 'number',
        values: listed.map((r) => r.signal),
        description:
          'Σ ai_credits_used of the users-1-day report that UTC day: a usage signal, not a bill (GitHub). Empty when the report is not stored.',
      },
      ...(perPerson
        ? []
        : [
            {
              name: 'billed',
              title: 'Billed (ai_credit/usage)',
              type: 'number' as const,
              values: listed.map((r) => r.billed),
              description:
                'Σ grossQuantity of the AI-credit rows of …/settings/billing/ai_credit/usage that UTC day. Empty when the billing report is not stored.',
            },
          ]),
      {
        name: 'exported',
        title: 'Billed (usage-report export)',
        type: 'number',
        values: listed.map((r) => r.exported),
        description:
          'Σ quantity of the AI-credit rows of the enterprise ai_credit usage-report export that UTC day (enterprises only). Empty when the export is not stored.',
      },
      ...(perPerson
        ? []
        : [
            {
              name: 'signal_minus_billed',
              title: 'Signal − billed',
              type: 'number' as const,
              values: listed.map((r) => minus(r.signal, r.billed)),
              description: 'Usage signal − ai_credit/usage credits, the same UTC day.',
            },
          ]),
      {
        name: 'signal_minus_exported',
        title: 'Signal − export',
        type: 'number',
        values: listed.map((r) => minus(r.signal, r.exported)),
        description: 'Usage signal − the export’s credits, the same UTC day.',
      },
    ];
    return buildListFrame({ refId: plan.refId, metric: plan.metric, columns, meta, notices });
  }

  /** The latest budgets snapshot day of the scope up to the range's end. */
  private async budgetDay(scopeId: number, range: DayRange): Promise<number | null> {
    return (
      (await this.reader.value<number | null>(
        'SELECT max(day) FROM billing_budgets WHERE scope_id = ? AND day BETWEEN ? AND ?',
        [scopeId, range.fromDay, range.toDay],
      )) ?? null
    );
  }

  private async budgets(
    plan: BillingPlan,
    range: DayRange,
    meta: Record<string, unknown>,
    notices: Notice[],
  ): Promise<FrameJSON> {
    const day = await this.budgetDay(plan.scope.id, range);
    const rows =
      day === null
        ? []
        : await this.reader.all<Record<string, string | number | null>>(
            `SELECT budget_id, budget_scope, entity_name, product_sku, budget_type, budget_amount, consumed_amount,
                 CASE WHEN budget_amount > 0 THEN consumed_amount / budget_amount END AS ratio, prevent_further_usage, will_alert
               FROM billing_budgets WHERE scope_id = ? AND day = ? AND user_ref IS NULL AND coalesce(budget_scope, '') <> 'user'
               ORDER BY ratio IS NULL, ratio DESC, budget_id LIMIT ?`,
            [plan.scope.id, day, plan.limit ?? -1],
          );
    if (day === null)
      notices.push({
        severity: 'warning',
        text: 'No budgets snapshot stored in the time range (the billing sync takes one each day).',
      });
    else meta.snapshotDay = formatDay(day);
    const column = (
      name: string,
      title: string,
      type: ListColumn['type'],
      description?: string,
    ): ListColumn => ({
      name,
      title,
      type,
      values: rows.map((r) =>
        name === 'stops'
          ? r.prevent_further_usage === null
            ? null
            : r.prevent_further_usage
              ? 'yes'
              : 'no'
          : r[name],
      ),
      ...(description ? { description } : {}),
    });
    return buildListFrame({
      refId: plan.refId,
      metric: plan.metric,
      columns: [
        column('budget_scope', 'Scope', 'string'),
        column(
          'entity_name',
          'Entity',
          'string',
          'Organization, repository or cost center the budget covers; empty for the enterprise.',
        ),
        column('product_sku', 'SKU', 'string'),
        column('budget_amount', 'Budget ($)', 'number', 'budget_amount: whole US dollars.'),
        column(
          'consumed_amount',
          'Consumed ($)',
          'number',
          'consumed_amount: usage counted toward the budget this billing cycle.',
        ),
        column('ratio', 'Consumed ÷ budget', 'number'),
        column('stops', 'Stops usage', 'string', 'prevent_further_usage: whether usage stops at the limit.'),
        column('budget_id', 'Budget id', 'string'),
      ],
      meta,
      notices,
    });
  }

  private async budgetUsers(
    plan: BillingPlan,
    range: DayRange,
    meta: Record<string, unknown>,
    notices: Notice[],
  ): Promise<FrameJSON> {
    const day = await this.budgetDay(plan.scope.id, range);
    const userFilter = plan.filters.find((f) => f.dim === 'user');
    const users = userFilter ? ` AND who IN (${userFilter.values.map(() => '?').join(', ') || 'NULL'})` : '';
    const rows =
      day === null
        ? []
        : await this.reader.all<{
            who: number;
            budget_id: string;
            kind: string;
            consumed: number | null;
            target: number | null;
          }>(
            `SELECT * FROM (
                 SELECT user_ref AS who, budget_id, 'user budget' AS kind, consumed_amount AS consumed, budget_amount AS target
                 FROM billing_budgets WHERE scope_id = ? AND day = ? AND user_ref IS NOT NULL
                 UNION ALL
                 SELECT s.user_ref, s.budget_id, coalesce(b.budget_scope, 'multi-user budget'), s.consumed_amount, s.target_amount
                 FROM billing_budget_user_states s
                 LEFT JOIN billing_budgets b ON b.scope_id = s.scope_id AND b.day = s.day AND b.budget_id = s.budget_id
                 WHERE s.scope_id = ? AND s.day = ? AND s.user_ref > 0)
               WHERE 1${users}
               ORDER BY CASE WHEN target > 0 THEN consumed / target END DESC NULLS LAST, who`,
            [plan.scope.id, day, plan.scope.id, day, ...(userFilter?.values ?? [])],
          );
    if (day === null)
      notices.push({
        severity: 'warning',
        text: 'No budgets snapshot stored in the time range (the billing sync takes one each day).',
      });
    else meta.snapshotDay = formatDay(day);
    const listed = rows.slice(0, plan.limit);
    const logins = this.labels.cached('user', new Map());
    await logins.load(listed.map((r) => r.who));
    return buildListFrame({
      refId: plan.refId,
      metric: plan.metric,
      columns: [
        {
          name: 'user',
          title: 'User',
          type: 'string',
          values: listed.map((r) => logins.of(r.who)),
        },
        { name: 'kind', title: 'Budget', type: 'string', values: listed.map((r) => r.kind) },
        { name: 'consumed', title: 'Consumed ($)', type: 'number', values: listed.map((r) => r.consumed) },
        { name: 'target', title: 'Limit ($)', type: 'number', values: listed.map((r) => r.target) },
        {
          name: 'ratio',
          title: 'Consumed ÷ limit',
          type: 'number',
          values: listed.map((r) => (r.target ? (r.consumed ?? 0) / r.target : null)),
        },
        { name: 'budget_id', title: 'Budget id', type: 'string', values: listed.map((r) => r.budget_id) },
      ],
      meta,
      notices,
    });
  }

  //#endregion
}

/** Month to date on a day: the billed days of the month up to it. */
function cumulative(month: MonthFigures, day: DayNumber): number {
  let sum = 0;
  for (const [d, credits] of month.daily) if (d >= month.monthStart && d <= day) sum += credits;
  return sum;
}
