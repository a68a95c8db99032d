/** 6. Teams: a comparison table and time series, joined per day with team membership, caveats in view. */
import { ACTIVITY_COLUMNS, PERCENT, dashboard, keyedTable, note, panel, variables } from './grafana';
import { ACCEPTANCE_BY_COUNT, SMALL_TEAMS, TEAM_NOTES, USER_ROWS } from './notes';

export default dashboard({
  uid: 'copilot-teams',
  title: 'Copilot teams',
  description:
    'Teams side by side: active people, activity and acceptance, joined day by day with team membership.',
  variables: [variables.scope(), variables.team(), variables.interval(), variables.days()],
  rows: [
    {
      panels: [note('About team figures', TEAM_NOTES, 24, 6)],
    },
    {
      title: 'Team comparison',
      panels: [
        panel({
          type: 'table',
          title: 'Teams over the time range',
          description:
            'One row per team: distinct people with Copilot activity, prompts, suggestions shown and accepted, acceptance rate by count, lines added, and AI credits, over the whole time range.',
          caveats: [SMALL_TEAMS, USER_ROWS, ACCEPTANCE_BY_COUNT],
          ...keyedTable('team', [
            { metric: 'active_users', name: 'Active people', follows: ['team'] },
            ...ACTIVITY_COLUMNS,
          ]),
          overrides: [
            {
              matcher: { id: 'byName', options: 'Acceptance rate' },
              properties: [
                { id: 'unit', value: 'percentunit' },
                { id: 'decimals', value: 1 },
                { id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic' } },
                { id: 'min', value: 0 },
                { id: 'max', value: 1 },
              ],
            },
          ],
          w: 24,
          h: 10,
        }),
      ],
    },
    {
      title: 'Teams over time',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Active people per team',
          description: 'Distinct team members with Copilot activity in each bucket. The 10 largest teams.',
          caveats: [SMALL_TEAMS, USER_ROWS],
          queries: [{ metric: 'active_users', groupBy: 'team', follows: ['team'], limit: 10 }],
        }),
        panel({
          type: 'timeseries',
          title: 'Interactions per team',
          description: "Prompts sent by each team's members in each bucket. The 10 busiest teams.",
          caveats: [SMALL_TEAMS],
          queries: [
            { metric: 'user_initiated_interaction_count', groupBy: 'team', follows: ['team'], limit: 10 },
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Acceptance rate per team',
          description:
            "Accepted suggestions ÷ suggestions shown for each team's members, per bucket. The 10 largest teams.",
          caveats: [ACCEPTANCE_BY_COUNT, SMALL_TEAMS],
          queries: [{ metric: 'acceptance_rate', groupBy: 'team', follows: ['team'], limit: 10 }],
          defaults: PERCENT,
        }),
        panel({
          type: 'timeseries',
          title: 'Lines added per team',
          description:
            "Lines written to files with Copilot by each team's members, agent edits included. The 10 busiest teams.",
          caveats: [SMALL_TEAMS],
          queries: [{ metric: 'loc_added_sum', groupBy: 'team', follows: ['team'], limit: 10 }],
        }),
      ],
    },
  ],
});
