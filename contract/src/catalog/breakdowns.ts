/**
 * What each kind of record in GitHub's reports can be broken down by. A metric names the kinds it is
 * read from (in order of preference), and its valid groupings and combinations follow from these
 * entries (catalog/derivations.ts). SQL-free: the tables behind each kind are in the ingester's
 * query/catalog/sources.ts.
 */
import type { Dimension } from './dimensions';

export interface Breakdown {
  /** Dimensions the records carry; `userRowsOnly` when only the per-user records carry it. */
  dimensions: Partial<Record<Dimension, { userRowsOnly?: boolean }>>;
  /** There are records per person besides the scope's own, so team and user apply. */
  perUser: boolean;
  /** The records besides the scope's own are per repository, so repository applies. */
  perRepository: boolean;
}

/**
 * Keeps each entry's own dimensions in its type, so the ingester's query/catalog/sources.ts must give
 * each a column.
 */
const breakdown = <D extends Breakdown['dimensions']>(
  dimensions: D,
  extra: Partial<Omit<Breakdown, 'dimensions'>> = {},
): Omit<Breakdown, 'dimensions'> & { dimensions: D } => ({
  dimensions,
  perUser: true,
  perRepository: false,
  ...extra,
});
const perRepository = { perUser: false, perRepository: true };

export const BREAKDOWNS = {
  usageDay: breakdown({ adoption_phase: { userRowsOnly: true }, cli_version: { userRowsOnly: true } }),
  byIde: breakdown({ ide: {}, ide_version: { userRowsOnly: true }, plugin_version: { userRowsOnly: true } }),
  byFeature: breakdown({ feature: {} }),
  byLanguageFeature: breakdown({ language: {}, feature: {} }),
  byModelFeature: breakdown({ model: {}, feature: {} }),
  byLanguageModel: breakdown({ language: {}, model: {} }),
  byAgent: breakdown({ agent: {} }),
  byCustomization: breakdown({ customization: {} }),
  byAdoptionPhase: breakdown({ adoption_phase: {} }, { perUser: false }),
  pullRequests: breakdown({}, perRepository),
  commentTypes: breakdown({ comment_type: {} }, perRepository),
  reviewTimes: breakdown({}, perRepository),
  /**
   * One record per seat and snapshot day (the seats API): team is the team that assigned the seat, user
   * the person it is assigned to (so `@me` finds one's own seat).
   */
  seats: breakdown({ plan_type: {}, editor: {}, team: {}, user: {} }, { perUser: false }),
  /** Seats set against usage rows: scope-wide figures, no breakdown. */
  seatsAgainstUsage: breakdown({}, { perUser: false }),
  /** AI-credit billing per scope and day (…/settings/billing/ai_credit/usage): by model, SKU, product. */
  billingUsage: breakdown({ model: {}, sku: {}, product: {} }, { perUser: false }),
  /** The enterprise's ai_credit usage-report export, per person and day (user is the person billed). */
  billingUsers: breakdown(
    { model: {}, sku: {}, product: {}, organization: {}, user: {} },
    { perUser: false },
  ),
  /** The same export summed per cost center. */
  billingCostCenters: breakdown({ model: {}, sku: {}, product: {}, cost_center: {} }, { perUser: false }),
  /** A month's pool and forecast: the scope's, or each cost center's against its cap. */
  billingMonth: breakdown({ cost_center: {} }, { perUser: false }),
  /** Figures of the scope as a whole (cost per merged pull request, per active user; budgets). */
  billingScope: breakdown({}, { perUser: false }),
  /** Per-person billing lists (reconciliation, per-person budgets): user filters and groups them. */
  billingPeople: breakdown({ user: {} }, { perUser: false }),
} satisfies Record<string, Breakdown>;
export type BreakdownId = keyof typeof BREAKDOWNS;

/** The records of IDE activity, each with its own breakdown. */
export const ACTIVITY: BreakdownId[] = [
  'usageDay',
  'byIde',
  'byFeature',
  'byModelFeature',
  'byLanguageFeature',
  'byLanguageModel',
];
/** The language records carry no user_initiated_interaction_count (docs.github.com/copilot/reference/copilot-usage-metrics/example-schema). */
export const INTERACTION: BreakdownId[] = ['usageDay', 'byIde', 'byFeature', 'byModelFeature'];
