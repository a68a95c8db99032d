/**
 * What GitHub includes with each Copilot licence, in AI credits per month: the one table the pool,
 * the forecast and the gauges read. Sources (github/docs):
 * - content/copilot/concepts/billing-and-usage/organizations-and-enterprises/billing.md
 *   (https://docs.github.com/copilot/concepts/billing-and-usage/organizations-and-enterprises/billing):
 *   usage-based billing "As of June 1, 2026"; 1 AI credit = $0.01 USD; included credits pooled at the
 *   billing entity; adding licences grows the pool immediately, removals shrink it next cycle; the pool
 *   resets "at 00:00:00 UTC on the first day of each calendar month"; code completions and next edit
 *   suggestions are not billed in AI credits.
 * - data/variables/copilot.yml: ai_credits_per_user_business (1,900), ai_credits_per_user_enterprise
 *   (3,900); the *_promo values (3,000 and 7,000).
 */
import { type DayNumber, parseDay } from '../../days';

/** US dollars per AI credit (the API's pricePerUnit 0.01). */
export const CREDIT_PRICE_USD = 0.01;

/** The first day GitHub bills Copilot in AI credits. */
export const AI_CREDIT_BILLING_START: DayNumber = parseDay('2026-06-01')!;

export interface Allowance {
  /** The seats API's plan_type. */
  plan: 'business' | 'enterprise';
  /** Included AI credits per licence and calendar month. */
  credits: number;
  /** First and last day (inclusive) the allowance applies; open-ended when `until` is absent. */
  from: DayNumber;
  until?: DayNumber;
}

/** The allowances in force, by plan and date. */
export const PLAN_ALLOWANCES: readonly Allowance[] = [
  { plan: 'business', credits: 1_900, from: AI_CREDIT_BILLING_START },
  { plan: 'enterprise', credits: 3_900, from: AI_CREDIT_BILLING_START },
];

/**
 * The launch promotion, for the record and not applied: existing customers got 3,000 (Business) and
 * 7,000 (Enterprise) credits per licence from 2026-06-01 to 2026-09-01 (an earlier version of the
 * billing page, in a block marked to expire 2026-09-01, since removed). Whether a customer was
 * "existing" is not in any API, so the pool of those months uses the standard allowance: an
 * underestimate for those customers.
 */
export const EXPIRED_PROMOTION: readonly Allowance[] = [
  { plan: 'business', credits: 3_000, from: AI_CREDIT_BILLING_START, until: parseDay('2026-08-31')! },
  { plan: 'enterprise', credits: 7_000, from: AI_CREDIT_BILLING_START, until: parseDay('2026-08-31')! },
];

/** Included credits per licence of a plan in the month of `day`; undefined for an unknown plan or date. */
export function allowanceOf(plan: string | null, day: DayNumber): number | undefined {
  return PLAN_ALLOWANCES.find(
    (a) => a.plan === plan && a.from <= day && (a.until === undefined || day <= a.until),
  )?.credits;
}
