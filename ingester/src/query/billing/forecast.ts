/**
 * The month's AI-credit forecast, pure: a run rate over the recent days with billing data, split by
 * the working-day calendar (people draw less on weekends and holidays), applied to each remaining day
 * of the month by its kind. The method is the catalog's (contract families/aiCredits.ts) and the
 * README's ("AI credits and budgets"); GitHub publishes no forecast formula.
 */
import { FORECAST_RUN_RATE_DAYS } from '@copilot-metrics/contract';
import type { DayNumber } from '../../days';
import { CREDIT_PRICE_USD } from './allowances';

export interface ForecastInput {
  monthStart: DayNumber;
  monthEnd: DayNumber;
  /** Credits consumed per day with billing data, from `monthStart - runRateDays` on; absent days are gaps. */
  daily: ReadonlyMap<DayNumber, number>;
  /** The latest day the figures describe (the latest billed day of the month, at most monthEnd). */
  asOf: DayNumber;
  /** The month's included credits; null when unknown (then nothing is said about running out). */
  pool: number | null;
  isWorkday: (day: DayNumber) => boolean;
  runRateDays?: number;
}

export interface Forecast {
  monthToDate: number;
  /** Credits per working day and per day off the projection uses. */
  rate: { workday: number; dayOff: number };
  monthEnd: number;
  /** The first day the cumulative consumption reaches the pool; null when it lasts the month. */
  runsOut: DayNumber | null;
  /** Days from asOf to runsOut (0 once run out); null when it lasts the month. */
  daysLeft: number | null;
  meteredCredits: number | null;
  meteredDollars: number | null;
}

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;

export function forecastMonth(input: ForecastInput): Forecast {
  const { monthStart, monthEnd, daily, asOf, pool, isWorkday } = input;
  const days = input.runRateDays ?? FORECAST_RUN_RATE_DAYS;
  const work: number[] = [];
  const off: number[] = [];
  for (let day = asOf - days + 1; day <= asOf; day++) {
    const value = daily.get(day);
    if (value !== undefined) (isWorkday(day) ? work : off).push(value);
  }
  const workday = mean(work) ?? mean(off) ?? 0;
  const dayOff = mean(off) ?? workday;

  let cumulative = 0;
  let runsOut: DayNumber | null = null;
  let monthToDate = 0;
  for (let day = monthStart; day <= monthEnd; day++) {
    const value = day <= asOf ? (daily.get(day) ?? 0) : isWorkday(day) ? workday : dayOff;
    cumulative += value;
    if (day <= asOf) monthToDate = cumulative;
    if (runsOut === null && pool !== null && value > 0 && cumulative >= pool) runsOut = day;
  }
  const metered = pool === null ? null : Math.max(0, cumulative - pool);
  return {
    monthToDate,
    rate: { workday, dayOff },
    monthEnd: cumulative,
    runsOut,
    daysLeft: runsOut === null ? null : Math.max(0, runsOut - asOf),
    meteredCredits: metered,
    meteredDollars: metered === null ? null : metered * CREDIT_PRICE_USD,
  };
}
