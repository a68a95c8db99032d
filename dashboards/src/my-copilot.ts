/**
 * 10. My Copilot: the signed-in person's own activity, acceptance, features, IDEs, languages, AI
 * credits and seat. Every Copilot query filters user `@me`: who that is, the ingester reads from the ID
 * token Grafana sends (issue 15), so the dashboard has no User variable to change.
 */
import {
  OWN_FIGURES_FILTER as ME,
  PERCENT,
  STACKED_BARS,
  dashboard,
  keyedTable,
  note,
  ownFigures,
  panel,
  variables,
} from './grafana';
import { ACCEPTANCE_BY_COUNT, ACCEPTANCE_BY_LINES, USER_ROWS } from './notes';

const ABOUT = `**Your own Copilot figures.** Grafana tells the ingester who you are with the ID token it adds to every request (Grafana 12.3 or later), so nobody picks a person here: you see yourself.

* **Not signed in?** Anonymous viewers have no figures of their own: sign in to Grafana (with GitHub, so that your Grafana login is your GitHub login).
* **Signed in and still empty?** GitHub reports no Copilot activity for your login in this scope and time range (it publishes a day about two days late), or the ingester keeps no per-person figures (aggregate privacy mode).
* **AI credits**: what you used, as the usage reports count it (a usage signal, not a bill). There is no personal allowance: each licence adds its credits (Business 1,900, Enterprise 3,900 a month) to a pool everyone shares, which the "Copilot AI credits and budgets" dashboard follows, with its forecast.`;

export default dashboard({
  uid: 'copilot-my-copilot',
  title: 'My Copilot',
  description:
    "The signed-in person's own Copilot use: activity, acceptance, features, IDEs and languages over time, AI credits and their seat. Who you are comes from Grafana's ID token, not from a variable.",
  variables: [variables.scope(), variables.interval(), variables.days()],
  rows: [
    {
      panels: [note('About this dashboard', ABOUT, 24, 5)],
    },
    {
      title: 'Over the time range',
      panels: [
        panel({
          type: 'table',
          title: 'Your totals',
          description:
            'Your prompts, suggestions shown and accepted, acceptance rate by count, lines added and AI credits over the time range.',
          caveats: [USER_ROWS, ACCEPTANCE_BY_COUNT],
          ...keyedTable('user', [
            { metric: 'user_initiated_interaction_count', name: 'Interactions', where: ME },
            { metric: 'code_generation_activity_count', name: 'Generations', where: ME },
            { metric: 'code_acceptance_activity_count', name: 'Acceptances', where: ME },
            { metric: 'acceptance_rate', name: 'Acceptance rate', where: ME },
            { metric: 'loc_added_sum', name: 'Lines added', where: ME },
            { metric: 'ai_credits_used', name: 'AI credits', where: ME },
          ]),
          overrides: [
            {
              matcher: { id: 'byName', options: 'user' },
              properties: [{ id: 'displayName', value: 'Login' }],
            },
            {
              matcher: { id: 'byName', options: 'Acceptance rate' },
              properties: [
                { id: 'unit', value: 'percentunit' },
                { id: 'decimals', value: 1 },
              ],
            },
            {
              matcher: { id: 'byName', options: 'AI credits' },
              properties: [{ id: 'decimals', value: 1 }],
            },
          ],
          w: 24,
          h: 5,
        }),
      ],
    },
    {
      title: 'Activity and acceptance',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Interactions, generations and acceptances',
          description:
            'Prompts you sent, pieces of output Copilot produced for you, and your accept actions.',
          queries: [
            ownFigures({ metric: 'user_initiated_interaction_count', legend: 'Interactions' }),
            ownFigures({ metric: 'code_generation_activity_count', legend: 'Generations' }),
            ownFigures({ metric: 'code_acceptance_activity_count', legend: 'Acceptances' }),
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Acceptance rate: by count and by lines',
          description: 'How much of what Copilot proposed you kept, measured two ways.',
          caveats: [ACCEPTANCE_BY_COUNT, ACCEPTANCE_BY_LINES],
          queries: [
            ownFigures({ metric: 'acceptance_rate', legend: 'By count' }),
            ownFigures({ metric: 'loc_acceptance_rate', legend: 'By lines' }),
          ],
          defaults: { unit: 'percentunit', decimals: 1, min: 0 },
        }),
        panel({
          type: 'timeseries',
          title: 'Lines added and deleted',
          description:
            'Lines Copilot wrote to and removed from your files: completions, applied code and agent edits.',
          queries: [
            ownFigures({ metric: 'loc_added_sum', legend: 'Added' }),
            ownFigures({ metric: 'loc_deleted_sum', legend: 'Deleted' }),
          ],
        }),
      ],
    },
    {
      title: 'How you use it',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Features',
          description:
            'Your prompts by feature: completions, chat modes, agent edits, the CLI, the Copilot app.',
          queries: [ownFigures({ metric: 'user_initiated_interaction_count', groupBy: 'feature' })],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'IDEs',
          description: 'Your prompts by IDE.',
          queries: [ownFigures({ metric: 'user_initiated_interaction_count', groupBy: 'ide' })],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'Languages',
          description:
            'Pieces of output Copilot produced for you, by programming language: your 8 most frequent languages, the rest as Others.',
          queries: [
            ownFigures({
              metric: 'code_generation_activity_count',
              groupBy: 'language',
              limit: 8,
              others: true,
            }),
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'Acceptance rate by IDE',
          description: 'Your accepted suggestions ÷ suggestions shown, in each IDE.',
          caveats: [ACCEPTANCE_BY_COUNT],
          queries: [ownFigures({ metric: 'acceptance_rate', groupBy: 'ide' })],
          defaults: PERCENT,
        }),
      ],
    },
    {
      title: 'AI credits and your seat',
      panels: [
        panel({
          type: 'timeseries',
          title: 'AI credits used',
          description:
            'AI credits you consumed, summed per bucket. Reported per person since 2026-06-19; a usage signal, not an invoice amount. Your seat adds 1,900 (Business) or 3,900 (Enterprise) credits a month to a pool shared by everyone, not a personal allowance: the "Copilot AI credits and budgets" dashboard shows the pool and when it runs out. Billed: Chat, CLI, the cloud agent, Spaces, Spark and third-party agents; not billed: code completions and next edit suggestions.',
          caveats: [USER_ROWS],
          queries: [ownFigures({ metric: 'ai_credits_used', legend: 'AI credits' })],
          defaults: { ...STACKED_BARS, decimals: 1 },
        }),
        panel({
          type: 'table',
          title: 'Your seat',
          description:
            'Your Copilot seat in this scope, from the latest seats snapshot in the time range: plan, when it was assigned, your last activity and its editor, the team that assigned it, and whether it ends at the next billing cycle. No row: no seat here (it may come from another organization).',
          queries: [ownFigures({ metric: 'assigned_seats', format: 'table', days: 'all' })],
          w: 12,
          h: 8,
        }),
      ],
    },
  ],
});
