/** 7. Users: a leaderboard, a per-user table that drills down to one person's history, AI credits, adoption phases. */
import { ACTIVITY_COLUMNS, PERCENT, STACKED_BARS, dashboard, keyedTable, panel, variables } from './grafana';
import { ACCEPTANCE_BY_COUNT, SMALL_TEAMS, USER_ROWS } from './notes';

const PHASES =
  'Adoption phases, as GitHub assigns them to people with at least 2 days of use in the last 28: 0 no cohort; 1 code first (completions or IDE agent mode); 2 agent first (the cloud agent, code review or the CLI); 3 multi-agent (two or more of those, or the Copilot app).';

const drillDown = {
  title: 'Show ${__value.text}',
  // Same dashboard, same scope, team selection and time range, with this person selected.
  url: '/d/copilot-users?${scope:queryparam}&${team:queryparam}&${top:queryparam}&${person:queryparam}&var-user=${__value.raw}&${__url_time_range}',
};

export default dashboard({
  uid: 'copilot-users',
  title: 'Copilot users',
  description:
    "Individual use: who uses Copilot most, each person's figures, AI credits and adoption phases. Pick a user, or click one in the table, for their history.",
  variables: [
    variables.scope(),
    variables.team(),
    variables.user(),
    variables.top(),
    variables.person(),
    variables.interval(),
    variables.days(),
  ],
  rows: [
    {
      title: 'Leaderboard',
      panels: [
        panel({
          type: 'bargauge',
          title: 'Most interactions',
          description: 'The 15 people who sent Copilot the most prompts over the time range.',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'user_initiated_interaction_count',
              groupBy: 'user',
              format: 'table',
              follows: ['team'],
              limit: 15,
            },
          ],
          h: 10,
        }),
        panel({
          type: 'bargauge',
          title: 'Most lines added',
          description:
            'The 15 people who added the most lines of code with Copilot over the time range, agent edits included.',
          caveats: [SMALL_TEAMS],
          queries: [
            { metric: 'loc_added_sum', groupBy: 'user', format: 'table', follows: ['team'], limit: 15 },
          ],
          h: 10,
        }),
      ],
    },
    {
      title: 'Everyone',
      panels: [
        panel({
          type: 'table',
          title: 'People over the time range',
          description:
            "The people with the most prompts over the time range (as many as the People selection at the top says), one row each: prompts, suggestions shown and accepted, acceptance rate by count, lines added, AI credits. Search people narrows them to logins containing a text. Click a login to see that person's history below.",
          caveats: [USER_ROWS, ACCEPTANCE_BY_COUNT, SMALL_TEAMS],
          ...keyedTable('user', [...ACTIVITY_COLUMNS], undefined, 'top-n'),
          overrides: [
            {
              matcher: { id: 'byName', options: 'user' },
              properties: [
                { id: 'displayName', value: 'Login' },
                { id: 'links', value: [drillDown] },
              ],
            },
            {
              matcher: { id: 'byName', options: 'Acceptance rate' },
              properties: [
                { id: 'unit', value: 'percentunit' },
                { id: 'decimals', value: 1 },
              ],
            },
          ],
          options: { sortBy: [{ displayName: 'Interactions', desc: true }] },
          w: 24,
          h: 12,
        }),
      ],
    },
    {
      title: 'History of $user',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Interactions, generations and acceptances',
          description:
            'Prompts sent, pieces of output Copilot produced, and accept actions, for the selected person (or everyone in the team selection when User is All).',
          caveats: [SMALL_TEAMS],
          queries: [
            { metric: 'user_initiated_interaction_count', follows: ['team', 'user'], legend: 'Interactions' },
            { metric: 'code_generation_activity_count', follows: ['team', 'user'], legend: 'Generations' },
            { metric: 'code_acceptance_activity_count', follows: ['team', 'user'], legend: 'Acceptances' },
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Features used',
          description:
            'Prompts by feature for the selected person: completions, chat modes, CLI, Copilot app.',
          caveats: [SMALL_TEAMS],
          queries: [
            { metric: 'user_initiated_interaction_count', groupBy: 'feature', follows: ['team', 'user'] },
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'Acceptance rate',
          description: 'Accepted suggestions ÷ suggestions shown, for the selected person.',
          caveats: [ACCEPTANCE_BY_COUNT],
          queries: [{ metric: 'acceptance_rate', follows: ['team', 'user'] }],
          defaults: PERCENT,
        }),
        panel({
          type: 'timeseries',
          title: 'Lines added and deleted',
          description: 'Lines written to and removed from files with Copilot, for the selected person.',
          queries: [
            { metric: 'loc_added_sum', follows: ['team', 'user'], legend: 'Added' },
            { metric: 'loc_deleted_sum', follows: ['team', 'user'], legend: 'Deleted' },
          ],
        }),
      ],
    },
    {
      title: 'AI credits and adoption phases',
      panels: [
        panel({
          type: 'timeseries',
          title: 'AI credits used',
          description:
            'AI credits consumed by the selected person (or everyone in the team selection), summed per bucket. Reported per person since 2026-06-19; a usage figure, not an invoice amount.',
          caveats: [USER_ROWS],
          queries: [{ metric: 'ai_credits_used', follows: ['team', 'user'], legend: 'AI credits' }],
          defaults: { ...STACKED_BARS, decimals: 1 },
        }),
        panel({
          type: 'bargauge',
          title: 'Most AI credits',
          description: 'The 15 people who used the most AI credits over the time range.',
          caveats: [USER_ROWS, SMALL_TEAMS],
          queries: [
            { metric: 'ai_credits_used', groupBy: 'user', format: 'table', follows: ['team'], limit: 15 },
          ],
          defaults: { decimals: 1 },
        }),
        panel({
          type: 'timeseries',
          title: 'Engaged people per adoption phase',
          description: `People per adoption phase, as GitHub reports them for the whole scope. ${PHASES}`,
          queries: [{ metric: 'totals_by_ai_adoption_phase.total_engaged_users', groupBy: 'adoption_phase' }],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'piechart',
          title: 'People by adoption phase',
          description: `Distinct people in each adoption phase over the time range, from per-user rows so that the team selection applies; someone who moved between phases counts in each. ${PHASES}`,
          caveats: [USER_ROWS, SMALL_TEAMS],
          queries: [
            { metric: 'active_users', groupBy: 'adoption_phase', format: 'table', follows: ['team'] },
          ],
        }),
      ],
    },
  ],
});
