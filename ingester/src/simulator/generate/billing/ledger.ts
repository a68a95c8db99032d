/**
 * The enterprise's AI-credit bill, day by day: one row per person × SKU × model × repository × cost
 * center, as the `ai_credit` usage-report CSV lists them, with the pooled allowance applied.
 *
 * The pool (https://docs.github.com/copilot/concepts/billing-and-usage/organizations-and-enterprises/billing): each licence adds its plan's included credits to the enterprise's pool of
 * the calendar month; a licence added mid-month counts from its first day (the simulator never removes
 * seats). Usage draws the pool in time order, so discount = gross until the pool is spent, and after
 * that the usage is metered (net > 0). Within a day, "time order" is user order, then row order:
 *   drawn(d) = min(drawn(d-1) + gross(d), pool(d)), restarting at 0 on the 1st of each month.
 */
import { type DayNumber, monthStart } from '../../../days';
import type { Population } from '../../model';
import type { Activity } from '../activity';
import { planOf } from '../seats';
import { BILLING_START, CREDIT_UNITS, INCLUDED_CREDITS, type SkuId } from './catalog';
import { costCenterShares } from './costCenters';
import { creditItems } from './credits';

export interface BillingRow {
  day: DayNumber;
  /** The person's index in the population. */
  user: number;
  username: string;
  /** The organization that licenses the person (their primary one), which billing charges. */
  organization: string;
  repository: string;
  /** '' when the usage is charged to no cost center. */
  costCenter: string;
  sku: SkuId;
  model: string;
  /** Gross quantity, in 1/1024 credits. */
  units: number;
  /** The part of `units` the pool covered. */
  discountUnits: number;
  /** The person's plan allowance per month (the CSV's total_monthly_quota). */
  quota: number;
}

/** The included credits of the enterprise's pool on a day: Σ over people licensed that day of their plan's allowance. */
export function includedCredits(p: Population, day: DayNumber): number {
  let credits = 0;
  for (let u = 0; u < p.userCount; u++) if (p.seatDay[u] <= day) credits += INCLUDED_CREDITS[planOf(p, u)];
  return credits;
}

/** A person's rows of a day before the pool is applied (discountUnits 0), in draw order. */
export function grossRows(activity: Activity, u: number, day: DayNumber): BillingRow[] {
  if (day < BILLING_START) return [];
  const ud = activity.userDay(u, day);
  if (!ud) return [];
  const p = activity.population;
  const base = {
    day,
    user: u,
    username: p.userLogin(u),
    organization: p.orgs[p.primaryOrg[u]].login,
    quota: INCLUDED_CREDITS[planOf(p, u)],
    discountUnits: 0,
  };
  const shares = costCenterShares(p, u, day);
  const rows: BillingRow[] = [];
  for (const item of creditItems(p, u, day, ud)) {
    let left = item.units;
    for (const [i, { name, share }] of shares.entries()) {
      const units = i === shares.length - 1 ? left : Math.round(item.units * share);
      left -= units;
      if (units > 0)
        rows.push({
          ...base,
          costCenter: name,
          sku: item.sku,
          model: item.model,
          repository: item.repository,
          units,
        });
    }
  }
  return rows;
}

/** Draws the pool over rows in order: sets each row's discountUnits; returns the units drawn after them. */
export function drawPool(rows: BillingRow[], poolUnits: number, drawnBefore: number): number {
  let drawn = drawnBefore;
  for (const row of rows) {
    row.discountUnits = Math.max(0, Math.min(row.units, poolUnits - drawn));
    drawn += row.discountUnits;
  }
  return drawn;
}

/** The bill of every day, computed in order from the start of each month and kept. */
export class BillingLedger {
  private readonly days = new Map<DayNumber, { rows: BillingRow[]; drawn: number }>();

  constructor(readonly activity: Activity) {}

  get population(): Population {
    return this.activity.population;
  }

  /** The enterprise's rows of a day, in draw order (empty before billing started). */
  rowsOn(day: DayNumber): readonly BillingRow[] {
    return this.dayBill(day).rows;
  }

  /** Every row of the days from..to. */
  *rows(from: DayNumber, to: DayNumber): Generator<BillingRow> {
    for (let day = Math.max(from, BILLING_START); day <= to; day++) yield* this.rowsOn(day);
  }

  /** The pool of a day, in credits. */
  includedCredits(day: DayNumber): number {
    return includedCredits(this.population, day);
  }

  private dayBill(day: DayNumber): { rows: BillingRow[]; drawn: number } {
    if (day < BILLING_START) return { rows: [], drawn: 0 };
    const known = this.days.get(day);
    if (known) return known;
    const drawnBefore = day === monthStart(day) ? 0 : this.dayBill(day - 1).drawn;
    const rows: BillingRow[] = [];
    for (let u = 0; u < this.population.userCount; u++) rows.push(...grossRows(this.activity, u, day));
    const drawn = drawPool(rows, this.includedCredits(day) * CREDIT_UNITS, drawnBefore);
    const bill = { rows, drawn };
    this.days.set(day, bill);
    return bill;
  }
}
