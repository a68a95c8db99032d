/** 5. Pull requests and code review: PR flow, Copilot's part in it, time to merge, review suggestions and stages. */
import { MINUTES, STACKED_BARS, dashboard, joinOn, keyedTable, panel, variables } from './grafana';
import { ORG_TOTALS } from './notes';

const MEDIANS =
  "GitHub reports a median per day; over a week or month bucket the days' medians are weighted by the pull requests merged, an approximation (medians do not add up).";
const REVIEW_TIMES =
  'Stage times are measured on merged pull requests and attributed to the day of the merge.';

export default dashboard({
  uid: 'copilot-pull-requests',
  title: 'Copilot pull requests and code review',
  description:
    "Pull requests created, reviewed and merged, Copilot's share as author and reviewer, time to merge, review suggestions and review stage times.",
  variables: [variables.scope(), variables.interval(), variables.days()],
  rows: [
    {
      title: 'Pull requests',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Pull requests created, reviewed and merged',
          description: 'Pull requests opened, reviewed (by anyone) and merged each day.',
          caveats: [ORG_TOTALS],
          queries: [
            { metric: 'pull_requests.total_created', legend: 'Created' },
            { metric: 'pull_requests.total_reviewed', legend: 'Reviewed' },
            { metric: 'pull_requests.total_merged', legend: 'Merged' },
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Copilot-authored and Copilot-reviewed pull requests',
          description:
            'Pull requests Copilot created (the cloud agent) or reviewed, and how many of those were merged.',
          caveats: [ORG_TOTALS],
          queries: [
            { metric: 'pull_requests.total_created_by_copilot', legend: 'Created by Copilot' },
            { metric: 'pull_requests.total_merged_created_by_copilot', legend: 'Created by Copilot, merged' },
            { metric: 'pull_requests.total_reviewed_by_copilot', legend: 'Reviewed by Copilot' },
            {
              metric: 'pull_requests.total_merged_reviewed_by_copilot',
              legend: 'Reviewed by Copilot, merged',
            },
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Median time to merge',
          description:
            'Median minutes from opening to merging, for all pull requests merged that day, those Copilot authored, and those Copilot reviewed.',
          caveats: [MEDIANS, ORG_TOTALS],
          queries: [
            { metric: 'pull_requests.median_minutes_to_merge', legend: 'All' },
            { metric: 'pull_requests.median_minutes_to_merge_copilot_authored', legend: 'Copilot-authored' },
            { metric: 'pull_requests.median_minutes_to_merge_copilot_reviewed', legend: 'Copilot-reviewed' },
          ],
          defaults: MINUTES,
          w: 24,
        }),
      ],
    },
    {
      title: 'Code review',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Review suggestions and how many were applied',
          description:
            'Suggestions left in pull request reviews by anyone, and by Copilot code review, with how many of each were applied.',
          caveats: [ORG_TOTALS],
          queries: [
            { metric: 'pull_requests.total_suggestions', legend: 'All suggestions' },
            { metric: 'pull_requests.total_applied_suggestions', legend: 'All applied' },
            { metric: 'pull_requests.total_copilot_suggestions', legend: 'Copilot suggestions' },
            { metric: 'pull_requests.total_copilot_applied_suggestions', legend: 'Copilot applied' },
          ],
        }),
        panel({
          type: 'barchart',
          title: 'Copilot review suggestions by comment type',
          description:
            'Over the time range: Copilot code review suggestions by the kind of comment (security, bug risk, performance, ...) and how many of each were applied.',
          caveats: [ORG_TOTALS],
          queries: [
            {
              metric: 'pull_requests.copilot_suggestions_by_comment_type.total_copilot_suggestions',
              groupBy: 'comment_type',
              format: 'table',
            },
            {
              metric: 'pull_requests.copilot_suggestions_by_comment_type.total_copilot_applied_suggestions',
              groupBy: 'comment_type',
              format: 'table',
            },
          ],
          transformations: [joinOn('comment_type')],
        }),
        panel({
          type: 'timeseries',
          title: 'Review stage times (median)',
          description:
            'Median minutes per stage: from ready for review to the first review, from the first to the final review, and from the final review to the merge.',
          caveats: [REVIEW_TIMES, MEDIANS],
          queries: [
            {
              metric: 'pull_request_review_times.median_minutes_ready_to_first_review',
              legend: 'Ready → first review',
            },
            {
              metric: 'pull_request_review_times.median_minutes_first_to_final_review',
              legend: 'First → final review',
            },
            {
              metric: 'pull_request_review_times.median_minutes_final_review_to_merge',
              legend: 'Final review → merge',
            },
          ],
          defaults: { ...MINUTES, ...STACKED_BARS, unit: 'm' },
        }),
        panel({
          type: 'timeseries',
          title: 'Review stage times (90th percentile)',
          description:
            'The slowest tenth of merged pull requests: 90th percentile minutes for each review stage.',
          caveats: [REVIEW_TIMES, MEDIANS],
          queries: [
            {
              metric: 'pull_request_review_times.p90_minutes_ready_to_first_review',
              legend: 'Ready → first review',
            },
            {
              metric: 'pull_request_review_times.p90_minutes_first_to_final_review',
              legend: 'First → final review',
            },
            {
              metric: 'pull_request_review_times.p90_minutes_final_review_to_merge',
              legend: 'Final review → merge',
            },
          ],
          defaults: MINUTES,
        }),
      ],
    },
    {
      title: 'Repositories',
      panels: [
        panel({
          type: 'table',
          title: 'Top repositories',
          description:
            "The 20 repositories with the most pull requests merged in the time range, with Copilot's part in them. Repository rows are reported since 2026-07-17.",
          caveats: [ORG_TOTALS],
          ...keyedTable(
            'repository',
            [
              { metric: 'pull_requests.total_merged', name: 'Merged' },
              { metric: 'pull_requests.total_created', name: 'Created' },
              { metric: 'pull_requests.total_created_by_copilot', name: 'Created by Copilot' },
              { metric: 'pull_requests.total_reviewed_by_copilot', name: 'Reviewed by Copilot' },
              { metric: 'pull_requests.total_copilot_suggestions', name: 'Copilot suggestions' },
              { metric: 'pull_requests.median_minutes_to_merge', name: 'Median minutes to merge' },
            ],
            20,
          ),
          w: 24,
          h: 12,
        }),
      ],
    },
  ],
});
