/** 3. IDEs and versions: which IDEs people use, and which IDE, extension and CLI versions (upgrade tracking). */
import { STACKED_BARS, dashboard, panel, variables } from './grafana';
import { SMALL_TEAMS, USER_ROWS } from './notes';

const VERSIONS =
  "Each person's last known version: the most recent one GitHub detected, reported with that day's activity.";

export default dashboard({
  uid: 'copilot-ides',
  title: 'Copilot IDEs and versions',
  description: 'IDE usage, and the IDE, Copilot extension and CLI versions in use, to track upgrades.',
  variables: [variables.scope(), variables.team(), variables.ide(), variables.interval(), variables.days()],
  rows: [
    {
      title: 'IDE usage',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Active users by IDE',
          description: 'People with Copilot activity in each IDE. Someone using two IDEs counts in both.',
          caveats: [USER_ROWS, SMALL_TEAMS],
          queries: [{ metric: 'active_users', groupBy: 'ide', follows: ['team', 'ide'] }],
        }),
        panel({
          type: 'piechart',
          title: 'Interactions by IDE',
          description: 'Share of prompts sent from each IDE over the time range.',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'user_initiated_interaction_count',
              groupBy: 'ide',
              format: 'table',
              follows: ['team', 'ide'],
            },
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Code generations by IDE',
          description: 'Pieces of output Copilot produced in each IDE.',
          caveats: [SMALL_TEAMS],
          queries: [{ metric: 'code_generation_activity_count', groupBy: 'ide', follows: ['team', 'ide'] }],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'Lines added by IDE',
          description: 'Lines written to files with Copilot in each IDE, agent edits included.',
          caveats: [SMALL_TEAMS],
          queries: [{ metric: 'loc_added_sum', groupBy: 'ide', follows: ['team', 'ide'] }],
          defaults: STACKED_BARS,
        }),
      ],
    },
    {
      title: 'Versions in use',
      panels: [
        panel({
          type: 'bargauge',
          title: 'IDE versions in use',
          description: `People per IDE version over the time range (the 15 most common). ${VERSIONS}`,
          caveats: [USER_ROWS, SMALL_TEAMS],
          queries: [
            {
              metric: 'active_users',
              groupBy: 'ide_version',
              format: 'table',
              follows: ['team', 'ide'],
              limit: 15,
            },
          ],
          h: 10,
        }),
        panel({
          type: 'bargauge',
          title: 'Copilot extension versions in use',
          description: `People per Copilot extension (plugin) version over the time range (the 15 most common). ${VERSIONS}`,
          caveats: [USER_ROWS, SMALL_TEAMS],
          queries: [
            {
              metric: 'active_users',
              groupBy: 'plugin_version',
              format: 'table',
              follows: ['team', 'ide'],
              limit: 15,
            },
          ],
          h: 10,
        }),
        panel({
          type: 'timeseries',
          title: 'Upgrade tracking: people per extension version',
          description: `People per Copilot extension version over time: a new version should take over as people upgrade. The 8 most common versions, the rest in "Others". ${VERSIONS}`,
          caveats: [USER_ROWS, SMALL_TEAMS],
          queries: [
            {
              metric: 'active_users',
              groupBy: 'plugin_version',
              follows: ['team', 'ide'],
              limit: 8,
              others: true,
            },
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'Upgrade tracking: people per CLI version',
          description: `People per Copilot CLI version over time. The 8 most common versions, the rest in "Others". ${VERSIONS} The CLI has no IDE, so the IDE selection does not apply.`,
          caveats: [USER_ROWS, SMALL_TEAMS],
          queries: [
            { metric: 'active_users', groupBy: 'cli_version', follows: ['team'], limit: 8, others: true },
          ],
          defaults: STACKED_BARS,
        }),
      ],
    },
  ],
});
