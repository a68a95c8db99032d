/** Pull requests and code review, from the repository rows of repos-1-day and the scope's totals. */
import { type MetricInfo, metric } from '../metric';

const counterDescriptions = {
  total_created: 'Pull requests created.',
  total_reviewed: 'Pull requests reviewed.',
  total_merged: 'Pull requests merged.',
  total_suggestions: 'Review suggestions, from any author.',
  total_applied_suggestions: 'Review suggestions applied, from any author.',
  total_created_by_copilot: 'Pull requests created by Copilot.',
  total_reviewed_by_copilot: 'Pull requests reviewed by Copilot.',
  total_merged_created_by_copilot: 'Merged pull requests that Copilot created.',
  total_merged_reviewed_by_copilot: 'Merged pull requests that Copilot reviewed.',
  total_copilot_suggestions: 'Copilot code review suggestions.',
  total_copilot_applied_suggestions: 'Copilot code review suggestions applied.',
};
/** The counters of a `pull_requests` object, in GitHub's order. */
export const PULL_REQUEST_COUNTERS = Object.keys(counterDescriptions) as (keyof typeof counterDescriptions)[];

/** Review stage times of `pull_request_review_times`, each weighted by the pull requests merged. */
export const REVIEW_STAGE_MINUTES = [
  'median_minutes_ready_to_first_review',
  'p90_minutes_ready_to_first_review',
  'median_minutes_first_to_final_review',
  'p90_minutes_first_to_final_review',
  'median_minutes_final_review_to_merge',
  'p90_minutes_final_review_to_merge',
] as const;

const medians = [
  ['median_minutes_to_merge', 'total_merged', 'pull requests merged'],
  [
    'median_minutes_to_merge_copilot_authored',
    'total_merged_created_by_copilot',
    'Copilot-authored pull requests merged',
  ],
  [
    'median_minutes_to_merge_copilot_reviewed',
    'total_merged_reviewed_by_copilot',
    'Copilot-reviewed pull requests merged',
  ],
] as const;

export const PULL_REQUESTS: MetricInfo[] = [
  ...PULL_REQUEST_COUNTERS.map((field) =>
    metric({
      id: `pull_requests.${field}`,
      family: 'Pull requests',
      description: `${counterDescriptions[field]} Organization totals are not deduplicated across organizations; enterprise totals are.`,
      unit: 'short',
      from: ['pullRequests'],
      measure: { sum: field },
    }),
  ),
  ...medians.map(([field, weight, what]) =>
    metric({
      id: `pull_requests.${field}`,
      family: 'Pull requests',
      description: `Median minutes to merge of ${what} that day; over a bucket, the days' medians weighted by the number merged (an approximation: medians do not add up).`,
      unit: 'm',
      from: ['pullRequests'],
      measure: { weighted: { value: field, weight } },
    }),
  ),
  metric({
    id: 'pull_requests.copilot_suggestions_by_comment_type.total_copilot_suggestions',
    family: 'Code review',
    description: 'Copilot code review suggestions by comment type (security, bug_risk, ...).',
    unit: 'short',
    from: ['commentTypes'],
    measure: { sum: 'total_copilot_suggestions' },
  }),
  metric({
    id: 'pull_requests.copilot_suggestions_by_comment_type.total_copilot_applied_suggestions',
    family: 'Code review',
    description: 'Copilot code review suggestions applied, by comment type.',
    unit: 'short',
    from: ['commentTypes'],
    measure: { sum: 'total_copilot_applied_suggestions' },
  }),
  metric({
    id: 'pull_request_review_times.total_merged',
    family: 'Code review',
    description: 'Merged pull requests measured for review stage times (ready for review since 2026-09-21).',
    unit: 'short',
    from: ['reviewTimes'],
    measure: { sum: 'total_merged' },
  }),
  ...REVIEW_STAGE_MINUTES.map((field) =>
    metric({
      id: `pull_request_review_times.${field}`,
      family: 'Code review',
      description: `${field.replace(/_/g, ' ')} of merged pull requests, attributed to the merge day; over a bucket, weighted by pull requests merged (an approximation).`,
      unit: 'm',
      from: ['reviewTimes'],
      measure: { weighted: { value: field, weight: 'total_merged' } },
    }),
  ),
];
