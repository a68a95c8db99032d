/**
 * The table behind each kind of record (contract's catalog/breakdowns.ts), and the column and dictionary of each
 * dimension it carries: what the planner turns into SQL. Table and column names come only from here.
 */
import {
  BREAKDOWNS,
  type Breakdown,
  type BreakdownId,
  type Dimension,
  type SyncKind,
} from '@copilot-metrics/contract';
import type { DictKind } from '../../reports/schema';

/** A figure table the planner can read, with the dimensions it carries as columns. */
export interface Source {
  table: string;
  subject: 'user_ref' | 'repo_ref';
  /** Report that fills subject 0 (the scope's own record) and subject > 0 rows. */
  reports: { aggregate: SyncKind; rows: SyncKind };
  /** Whether subject > 0 rows are users (so team and user apply). */
  perUser: boolean;
  dimensions: Partial<Record<Dimension, { column: string; dict: DictKind; userRowsOnly?: boolean }>>;
  /**
   * Dimensions held as refs to another table (the team that assigned a seat, teams.id), or, for the
   * AI-credit billing tables, as GitHub's own strings: read by their own executors, not the planner.
   */
  refDimensions?: Partial<Record<Dimension, string>>;
  /** The column that tells records of different kinds apart (the customization kind). */
  kinds?: { column: string; dict: DictKind };
}

type Column = { column: string; dict: DictKind };

const usageReports = { aggregate: 'aggregate', rows: 'users' } as const;
const prReports = { aggregate: 'aggregate', rows: 'repos' } as const;
const seatReports = { aggregate: 'seats', rows: 'seats' } as const;
// Migration 011's report kinds; the billing executor (query/billing/) reads them, not the planner.
const billingReports = { aggregate: 'billing', rows: 'billing-users' } as const;
const text = (column: string) => ({ ref: column });

/** A source of a kind of record: its flags and dimensions from the breakdown, its columns from here. */
function source<K extends BreakdownId>(
  id: K,
  table: string,
  columns: { [D in keyof (typeof BREAKDOWNS)[K]['dimensions']]-?: Column | { ref: string } },
  extra: Partial<Source> = {},
): Source {
  const breakdown: Breakdown = BREAKDOWNS[id];
  const dimensions: Source['dimensions'] = {};
  const refDimensions: Source['refDimensions'] = {};
  for (const [dim, column] of Object.entries(columns) as [Dimension, Column | { ref: string }][]) {
    if ('ref' in column) refDimensions[dim] = column.ref;
    else dimensions[dim] = { ...column, ...breakdown.dimensions[dim] };
  }
  return {
    table,
    subject: breakdown.perRepository ? 'repo_ref' : 'user_ref',
    reports: breakdown.perRepository ? prReports : usageReports,
    perUser: breakdown.perUser,
    dimensions,
    ...(Object.keys(refDimensions).length ? { refDimensions } : {}),
    ...extra,
  };
}

export const SOURCES = {
  usageDay: source('usageDay', 'usage_day', {
    adoption_phase: { column: 'adoption_phase', dict: 'adoption_phase' },
    cli_version: { column: 'cli_version', dict: 'cli_version' },
  }),
  byIde: source('byIde', 'by_ide', {
    ide: { column: 'ide', dict: 'ide' },
    ide_version: { column: 'ide_version', dict: 'ide_version' },
    plugin_version: { column: 'plugin_version', dict: 'plugin_version' },
  }),
  byFeature: source('byFeature', 'by_feature', { feature: { column: 'feature', dict: 'feature' } }),
  byLanguageFeature: source('byLanguageFeature', 'by_language_feature', {
    language: { column: 'language', dict: 'language' },
    feature: { column: 'feature', dict: 'feature' },
  }),
  byModelFeature: source('byModelFeature', 'by_model_feature', {
    model: { column: 'model', dict: 'model' },
    feature: { column: 'feature', dict: 'feature' },
  }),
  byLanguageModel: source('byLanguageModel', 'by_language_model', {
    language: { column: 'language', dict: 'language' },
    model: { column: 'model', dict: 'model' },
  }),
  byAgent: source('byAgent', 'by_agent', { agent: { column: 'agent', dict: 'agent' } }),
  byCustomization: source(
    'byCustomization',
    'by_customization',
    { customization: { column: 'name', dict: 'customization' } },
    { kinds: { column: 'kind', dict: 'customization_kind' } },
  ),
  byAdoptionPhase: source('byAdoptionPhase', 'by_adoption_phase', {
    adoption_phase: { column: 'phase', dict: 'adoption_phase' },
  }),
  pullRequests: source('pullRequests', 'pull_requests_day', {}),
  commentTypes: source('commentTypes', 'pr_comment_types', {
    comment_type: { column: 'comment_type', dict: 'comment_type' },
  }),
  reviewTimes: source('reviewTimes', 'pr_review_times', {}),
  /** One row per seat and snapshot day (the seats API, see query/execute/seats.ts). */
  seats: source(
    'seats',
    'seat_snapshots',
    {
      plan_type: { column: 'plan_type', dict: 'plan_type' },
      editor: { column: 'editor', dict: 'editor' },
      team: { ref: 'assigning_team_ref' },
      user: { ref: 'user_ref' },
    },
    { reports: seatReports },
  ),
  seatsAgainstUsage: source('seatsAgainstUsage', 'seat_snapshots', {}, { reports: seatReports }),
  billingUsage: source(
    'billingUsage',
    'billing_usage_day',
    { model: text('model'), sku: text('sku'), product: text('product') },
    { reports: billingReports },
  ),
  billingUsers: source(
    'billingUsers',
    'billing_user_day',
    {
      model: text('model'),
      sku: text('sku'),
      product: text('product'),
      organization: text('organization'),
      user: text('user_ref'),
    },
    { reports: billingReports },
  ),
  billingCostCenters: source(
    'billingCostCenters',
    'billing_cost_center_day',
    {
      model: text('model'),
      sku: text('sku'),
      product: text('product'),
      cost_center: text('cost_center_name'),
    },
    { reports: billingReports },
  ),
  billingMonth: source(
    'billingMonth',
    'billing_usage_day',
    { cost_center: text('cost_center_name') },
    { reports: billingReports },
  ),
  billingScope: source('billingScope', 'billing_usage_day', {}, { reports: billingReports }),
  billingPeople: source(
    'billingPeople',
    'billing_user_day',
    { user: text('user_ref') },
    { reports: billingReports },
  ),
} satisfies Record<BreakdownId, Source>;
