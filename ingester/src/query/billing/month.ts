/**
 * One calendar month of AI credits, read from the store: the included pool (seats snapshots × plan
 * allowances, or a cost center's cap), the credits consumed per billed day, and the forecast. The
 * query executor (execute.ts) and the Prometheus gauges (http/metrics.ts) both read months here.
 */
import type { WorkCalendar } from '../../calendar/workCalendar';
import { type DayNumber, monthEnd, monthStart } from '../../days';
import type { SqlReader } from '../../store/reader';
import { allowanceOf } from './allowances';
import { type Forecast, forecastMonth } from './forecast';
import { FORECAST_RUN_RATE_DAYS } from '@copilot-metrics/contract';

/** Rows whose unit is AI credits (GitHub sends "ai-credits"; an OAS example says "credits"). */
export const CREDIT_ROWS = "x.unit_type LIKE '%credit%'";

/** Billing report days of a scope GitHub answered for (ok, or no data: then nothing was consumed). */
const KNOWN = "status IN ('ok', 'no_data')";

export interface Pool {
  credits: number;
  /** The seats snapshot (or cost centers snapshot) the pool was counted in. */
  snapshotDay: DayNumber;
  /** Seats by plan in that snapshot; seats of an unknown plan add nothing. */
  seats: Record<string, number>;
  /** The snapshot is outside the month (none was taken in it): the nearest one. */
  outsideMonth: boolean;
}

export interface MonthFigures {
  monthStart: DayNumber;
  monthEnd: DayNumber;
  /** The latest billed day of the month up to the day asked for. */
  asOf: DayNumber;
  /** Credits consumed per billed day of the month (and the run-rate days before it). */
  daily: Map<DayNumber, number>;
  pool: Pool | null;
  forecast: Forecast;
}

/** A pool that is not the scope's: a cost center's cap, and its consumption per day. */
export interface CostCenterMonth extends MonthFigures {
  costCenter: string;
  /** GitHub's own figure of the pool applied this month (ai_credit_pool_state.current_amount). */
  currentAmount: number | null;
}

const SQL = {
  knownDays: `SELECT day FROM reports WHERE scope_id = ? AND kind = ? AND ${KNOWN} AND day BETWEEN ? AND ? ORDER BY day`,
  scopeDaily: `SELECT x.day, coalesce(sum(x.gross_quantity), 0) FROM billing_usage_day x
         WHERE x.scope_id = ? AND x.day BETWEEN ? AND ? AND ${CREDIT_ROWS} GROUP BY x.day`,
  costCenterDaily: `SELECT x.cost_center_name, x.day, coalesce(sum(x.quantity), 0) FROM billing_cost_center_day x
         WHERE x.scope_id = ? AND x.day BETWEEN ? AND ? AND ${CREDIT_ROWS} GROUP BY x.cost_center_name, x.day`,
  seatDays: "SELECT day FROM reports WHERE scope_id = ? AND kind = 'seats' AND status = 'ok' ORDER BY day",
  seatsByPlan: `SELECT coalesce(d.value, 'unknown') AS plan, count(*) AS seats FROM seat_snapshots x
         LEFT JOIN dictionary d ON d.id = x.plan_type WHERE x.scope_id = ? AND x.day = ? GROUP BY plan ORDER BY plan`,
  costCenterDay: 'SELECT max(day) FROM billing_cost_centers WHERE scope_id = ? AND day BETWEEN ? AND ?',
  costCenterDayBefore: 'SELECT max(day) FROM billing_cost_centers WHERE scope_id = ? AND day <= ?',
  costCenterDayAfter: 'SELECT min(day) FROM billing_cost_centers WHERE scope_id = ? AND day > ?',
  costCenterPools: `SELECT name, pool_target_amount AS target, pool_current_amount AS current FROM billing_cost_centers
         WHERE scope_id = ? AND day = ? AND pool_enabled = 1 AND pool_target_amount IS NOT NULL ORDER BY name`,
};

export class BillingMonths {
  constructor(
    private readonly reader: SqlReader,
    private readonly calendar: WorkCalendar,
  ) {}

  /** Billed days of a report kind ('billing' or 'billing-users') between two days, ascending. */
  knownDays(scopeId: number, kind: string, from: DayNumber, to: DayNumber): Promise<DayNumber[]> {
    return this.reader.pluck<DayNumber>(SQL.knownDays, [scopeId, kind, from, to]);
  }

  /** The latest billed day ('billing' report) of a scope up to `upTo`; undefined when none. */
  async latestBilledDay(scopeId: number, upTo: DayNumber, from = 0): Promise<DayNumber | undefined> {
    return (await this.knownDays(scopeId, 'billing', from, upTo)).at(-1);
  }

  /**
   * The scope's pool of a month: the largest pool among the month's seats snapshots up to `upTo`
   * (licences added mid-month grow the pool at once; removals shrink it only next cycle, so the
   * largest is the pool in force); with no snapshot in the month, the nearest snapshot.
   */
  async pool(scopeId: number, month: DayNumber, upTo: DayNumber): Promise<Pool | null> {
    const days = await this.reader.pluck<DayNumber>(SQL.seatDays, [scopeId]);
    if (!days.length) return null;
    const start = monthStart(month);
    let inMonth = days.filter((day) => day >= start && day <= upTo);
    const outsideMonth = inMonth.length === 0;
    if (outsideMonth) {
      const before = days.filter((day) => day < start).at(-1);
      inMonth = [before ?? days.find((day) => day > upTo)!];
    }
    let best: Pool | null = null;
    for (const day of inMonth) {
      const seats: Record<string, number> = {};
      let credits = 0;
      for (const row of await this.reader.all<{ plan: string; seats: number }>(SQL.seatsByPlan, [
        scopeId,
        day,
      ])) {
        seats[row.plan] = row.seats;
        credits += row.seats * (allowanceOf(row.plan, start) ?? 0);
      }
      if (!best || credits > best.credits) best = { credits, snapshotDay: day, seats, outsideMonth };
    }
    return best;
  }

  /** Consumption per billed day of the scope (a billed day without rows is 0), from..to. */
  private async scopeDaily(scopeId: number, from: DayNumber, to: DayNumber): Promise<Map<DayNumber, number>> {
    const known = await this.knownDays(scopeId, 'billing', from, to);
    const daily = new Map<DayNumber, number>(known.map((d) => [d, 0]));
    for (const [day, credits] of await this.reader.raw<[number, number]>(SQL.scopeDaily, [scopeId, from, to]))
      daily.set(day, credits);
    return daily;
  }

  /** The scope's month containing `upTo`, as of its latest billed day; undefined without billing data. */
  async scopeMonth(scopeId: number, upTo: DayNumber, withPool = true): Promise<MonthFigures | undefined> {
    const start = monthStart(upTo);
    const asOf = await this.latestBilledDay(scopeId, Math.min(upTo, monthEnd(start)), start);
    if (asOf === undefined) return undefined;
    const daily = await this.scopeDaily(scopeId, start - FORECAST_RUN_RATE_DAYS, asOf);
    // Every snapshot of the month up to the day asked for: seats added after the latest billed day count.
    const pool = withPool ? await this.pool(scopeId, start, Math.min(upTo, monthEnd(start))) : null;
    return this.month(start, asOf, daily, pool);
  }

  /** Each cost center with an AI-credit pool, its month containing `upTo` against its cap. */
  async costCenterMonths(scopeId: number, upTo: DayNumber): Promise<CostCenterMonth[]> {
    const start = monthStart(upTo);
    const end = Math.min(upTo, monthEnd(start));
    const day = (sql: string, params: unknown[]) => this.reader.value<number | null>(sql, params);
    const snapshot =
      (await day(SQL.costCenterDay, [scopeId, start, end])) ??
      (await day(SQL.costCenterDayBefore, [scopeId, end])) ??
      // Cost centers are a snapshot of the sync's day: the month before the first one gets the nearest.
      (await day(SQL.costCenterDayAfter, [scopeId, end]));
    if (snapshot === null || snapshot === undefined) return [];
    const pools = await this.reader.all<{ name: string; target: number; current: number | null }>(
      SQL.costCenterPools,
      [scopeId, snapshot],
    );
    const known = await this.knownDays(scopeId, 'billing-users', start - FORECAST_RUN_RATE_DAYS, end);
    const asOf = known.filter((day) => day >= start).at(-1);
    if (asOf === undefined) return [];
    const byCenter = new Map<string, Map<DayNumber, number>>();
    for (const [name, day, credits] of await this.reader.raw<[string, number, number]>(SQL.costCenterDaily, [
      scopeId,
      start - FORECAST_RUN_RATE_DAYS,
      asOf,
    ])) {
      let daily = byCenter.get(name);
      if (!daily) byCenter.set(name, (daily = new Map()));
      daily.set(day, credits);
    }
    return pools.map(({ name, target, current }) => {
      const daily = new Map<DayNumber, number>(known.filter((d) => d <= asOf).map((d) => [d, 0]));
      for (const [day, credits] of byCenter.get(name) ?? []) daily.set(day, credits);
      const pool: Pool = {
        credits: target,
        snapshotDay: snapshot,
        seats: {},
        outsideMonth: snapshot < start,
      };
      return { ...this.month(start, asOf, daily, pool), costCenter: name, currentAmount: current };
    });
  }

  private month(
    start: DayNumber,
    asOf: DayNumber,
    daily: Map<DayNumber, number>,
    pool: Pool | null,
  ): MonthFigures {
    const end = monthEnd(start);
    return {
      monthStart: start,
      monthEnd: end,
      asOf,
      daily,
      pool,
      forecast: forecastMonth({
        monthStart: start,
        monthEnd: end,
        daily,
        asOf,
        pool: pool?.credits ?? null,
        isWorkday: this.calendar.isWorkday,
      }),
    };
  }
}
