/** AI adoption phases: the scope's engaged users per phase, and per-user averages within each phase. */
import { type MetricInfo, metric } from '../metric';

/** Per-user averages within an adoption phase (docs.github.com/copilot/reference/copilot-usage-metrics/example-schema). */
export const ADOPTION_PHASE_AVERAGES = [
  'avg_user_initiated_interactions',
  'avg_code_generation_activities',
  'avg_code_acceptance_activities',
  'avg_loc_added',
  'avg_loc_deleted',
  'avg_pull_requests_created',
  'avg_pull_requests_reviewed',
  'avg_pull_requests_merged',
  'avg_pull_requests_median_minutes_to_merge',
  'avg_pull_requests_minutes_to_review',
  'avg_pull_requests_review_cycles',
] as const;

export const ADOPTION_PHASES: MetricInfo[] = [
  metric({
    id: 'totals_by_ai_adoption_phase.total_engaged_users',
    family: 'Adoption phases',
    description:
      'Engaged users (2+ days of use in the trailing 28) per AI adoption phase; averaged over the days of each bucket.',
    unit: 'short',
    from: ['byAdoptionPhase'],
    measure: { average: 'total_engaged_users' },
    aggregateOnly: true,
  }),
  ...ADOPTION_PHASE_AVERAGES.map((field) =>
    metric({
      id: `totals_by_ai_adoption_phase.${field}`,
      family: 'Adoption phases',
      description: `Per-user average within each phase (${field}); over a bucket, weighted by the phase's engaged users.`,
      unit: field.includes('minutes') ? 'm' : 'short',
      from: ['byAdoptionPhase'],
      measure: { weighted: { value: field, weight: 'total_engaged_users' } },
      aggregateOnly: true,
    }),
  ),
  metric({
    id: 'totals_by_ai_adoption_phase.total_pull_requests_merged',
    family: 'Adoption phases',
    description: 'Pull requests merged by the engaged users of each phase.',
    unit: 'short',
    from: ['byAdoptionPhase'],
    measure: { sum: 'total_pull_requests_merged' },
    aggregateOnly: true,
  }),
];
