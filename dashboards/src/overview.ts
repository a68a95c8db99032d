/**
 * 1. Overview: adoption, activity and acceptance, lines of code, feature mix, this period vs the last,
 * and daily active users per working day.
 */
import { PERCENT, STACKED_BARS, comparisonStat, dashboard, panel, variables } from './grafana';
import { ACCEPTANCE_BY_COUNT, ACCEPTANCE_BY_LINES, ORG_TOTALS, REPORTED_USER_COUNTS } from './notes';

export default dashboard({
  uid: 'copilot-overview',
  title: 'Copilot overview',
  description:
    'Adoption, activity, acceptance and lines of code for one enterprise or organization, with the last 28 days against the 28 before, and daily active users per working day.',
  variables: [variables.scope(), variables.interval(), variables.days()],
  rows: [
    {
      title: 'Last 28 days against the 28 before',
      panels: [
        comparisonStat({
          title: 'Daily active users',
          metric: 'daily_active_users',
          description: 'People with any Copilot activity on a day, as GitHub counts them.',
          caveats: [ORG_TOTALS],
        }),
        comparisonStat({
          title: 'Weekly active users',
          metric: 'weekly_active_users',
          description: 'People active at least once in the 7 days ending on each day.',
        }),
        comparisonStat({
          title: 'Interactions per day',
          metric: 'user_initiated_interaction_count',
          description:
            'Prompts people sent to Copilot (chat messages, agent requests, CLI prompts); opening panels and shortcuts do not count.',
        }),
        comparisonStat({
          title: 'Acceptances per day',
          metric: 'code_acceptance_activity_count',
          description: 'Accept actions on Copilot output: accepted completions, apply to file, insert, copy.',
        }),
        comparisonStat({
          title: 'Acceptance rate',
          metric: 'acceptance_rate',
          unit: 'percentunit',
          decimals: 1,
          description: 'Accepted suggestions ÷ suggestions shown, averaged over the days of each period.',
          caveats: [ACCEPTANCE_BY_COUNT],
        }),
        comparisonStat({
          title: 'Lines added per day',
          metric: 'loc_added_sum',
          description:
            'Lines of code Copilot added to files: accepted completions, applied code blocks and agent edits.',
        }),
      ],
    },
    {
      title: 'Per working day (weekends and holidays left out)',
      panels: [
        panel({
          type: 'stat',
          title: 'Average daily active users per working day',
          description:
            'People with any Copilot activity on a day, averaged over the working days of the time range, so that weekends and holidays do not pull the average down.',
          caveats: [ORG_TOTALS],
          queries: [{ metric: 'daily_active_users', format: 'table', days: 'workdays' }],
          defaults: { decimals: 0 },
          w: 12,
          h: 5,
        }),
        comparisonStat({
          title: 'Daily active users per working day: last 4 weeks against the 4 before',
          metric: 'daily_active_users',
          days: 'workdays',
          description: 'People with any Copilot activity on a working day, as GitHub counts them.',
          caveats: [ORG_TOTALS],
          w: 12,
        }),
      ],
    },
    {
      title: 'Adoption',
      panels: [
        panel({
          type: 'timeseries',
          // Linked by the alert rule copilot-daily-users-drop (__panelId__): keep this id.
          id: 9,
          title: 'Active users: daily, weekly, monthly',
          description:
            'Daily: people with Copilot activity that day. Weekly and monthly: people active at least once in the 7 or 28 days ending that day.',
          caveats: [REPORTED_USER_COUNTS, ORG_TOTALS],
          queries: [
            { metric: 'daily_active_users', legend: 'Daily' },
            { metric: 'weekly_active_users', legend: 'Weekly' },
            { metric: 'monthly_active_users', legend: 'Monthly' },
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Chat, agent and CLI users (28 days)',
          description:
            'People who used IDE chat, IDE agent mode, or the Copilot CLI at least once in the 28 days ending on each day.',
          caveats: [REPORTED_USER_COUNTS],
          queries: [
            { metric: 'monthly_active_chat_users', legend: 'Chat' },
            { metric: 'monthly_active_agent_users', legend: 'Agent mode' },
            { metric: 'monthly_active_cli_users', legend: 'CLI' },
          ],
        }),
      ],
    },
    {
      title: 'Code generation and acceptance',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Interactions, generations and acceptances',
          description:
            'Interactions: prompts people sent. Generations: pieces of output Copilot produced (suggestions, code blocks, edits). Acceptances: accept actions on that output.',
          queries: [
            { metric: 'user_initiated_interaction_count', legend: 'Interactions' },
            { metric: 'code_generation_activity_count', legend: 'Generations' },
            { metric: 'code_acceptance_activity_count', legend: 'Acceptances' },
          ],
        }),
        panel({
          type: 'timeseries',
          // Linked by the alert rule copilot-acceptance-drop (__panelId__): keep this id.
          id: 13,
          title: 'Acceptance rate: by count and by lines',
          description: 'Two ways to measure how much of what Copilot proposes people keep.',
          caveats: [ACCEPTANCE_BY_COUNT, ACCEPTANCE_BY_LINES],
          queries: [
            { metric: 'acceptance_rate', legend: 'By count' },
            { metric: 'loc_acceptance_rate', legend: 'By lines' },
          ],
          defaults: { unit: 'percentunit', decimals: 1, min: 0 },
        }),
      ],
    },
    {
      title: 'Lines of code',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Lines suggested, added and deleted',
          description:
            'Suggested: lines Copilot proposed to add in completions and chat (agent edits excluded). Added and deleted: lines actually written to or removed from files, agent edits included.',
          queries: [
            { metric: 'loc_suggested_to_add_sum', legend: 'Suggested' },
            { metric: 'loc_added_sum', legend: 'Added' },
            { metric: 'loc_deleted_sum', legend: 'Deleted' },
          ],
          w: 24,
        }),
      ],
    },
    {
      title: 'Feature mix',
      panels: [
        panel({
          type: 'piechart',
          title: 'Interactions by feature',
          description:
            'Share of prompts by Copilot feature over the time range: completions, chat modes (ask, edit, agent, plan), CLI, Copilot app.',
          queries: [{ metric: 'user_initiated_interaction_count', groupBy: 'feature', format: 'table' }],
          w: 8,
          h: 9,
        }),
        panel({
          type: 'timeseries',
          title: 'Code generations by feature',
          description: 'Pieces of output Copilot produced, split by the feature that produced them.',
          queries: [{ metric: 'code_generation_activity_count', groupBy: 'feature' }],
          defaults: STACKED_BARS,
          w: 16,
          h: 9,
        }),
        panel({
          type: 'bargauge',
          title: 'Acceptance rate by feature',
          description: 'Accepted suggestions ÷ suggestions shown, per feature, over the time range.',
          caveats: [ACCEPTANCE_BY_COUNT],
          queries: [{ metric: 'acceptance_rate', groupBy: 'feature', format: 'table' }],
          defaults: PERCENT,
          w: 24,
        }),
      ],
    },
  ],
});
