/** 4. Agents and CLI: cloud agent, code review, CLI, Copilot app, VS Code Agents, third-party agents, customizations. */
import { STACKED_BARS, dashboard, panel, variables } from './grafana';
import { FieldColorModeId } from '@grafana/schema';
import { REPORTED_USER_COUNTS, SMALL_TEAMS, USER_ROWS } from './notes';

const TOP_FIVE =
  'GitHub lists the 5 most used items per report; names a customer defined show as "other" (custom slash commands as "custom").';

const customization = (kind: string, label: string, extra = '') =>
  panel({
    type: 'bargauge',
    title: `CLI ${label}`,
    description: `Interactions with each Copilot CLI ${label.replace(/s$/, '')} over the time range. ${TOP_FIVE}${extra}`,
    caveats: [SMALL_TEAMS],
    queries: [
      {
        metric: `totals_by_${kind}.interaction_count`,
        groupBy: 'customization',
        format: 'table',
        follows: ['team'],
      },
    ],
    w: 6,
    h: 8,
    defaults: { color: { mode: FieldColorModeId.PaletteClassic }, min: 0 },
  });

export default dashboard({
  uid: 'copilot-agents',
  title: 'Copilot agents and CLI',
  description:
    'Beyond the editor: the cloud agent, code review, the Copilot CLI, the Copilot app, VS Code Agents, third-party agents and CLI customizations.',
  variables: [variables.scope(), variables.team(), variables.interval(), variables.days()],
  rows: [
    {
      title: 'Cloud agent and code review',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Cloud agent users',
          description:
            'People who used the Copilot cloud agent (which works on issues and opens pull requests on its own): that day, and in the 7 and 28 days ending that day.',
          caveats: [REPORTED_USER_COUNTS],
          queries: [
            { metric: 'daily_active_copilot_cloud_agent_users', legend: 'Daily' },
            { metric: 'weekly_active_copilot_cloud_agent_users', legend: 'Weekly' },
            { metric: 'monthly_active_copilot_cloud_agent_users', legend: 'Monthly' },
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Code review users: active and passive',
          description:
            'Active: people who requested a Copilot review or applied one of its suggestions. Passive: people who only had Copilot review assigned automatically and did not engage.',
          caveats: [REPORTED_USER_COUNTS],
          queries: [
            { metric: 'daily_active_copilot_code_review_users', legend: 'Active' },
            { metric: 'daily_passive_copilot_code_review_users', legend: 'Passive' },
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'People using agents, by team selection',
          description:
            'Distinct people whose daily record shows IDE agent mode, the cloud agent, the CLI, or active code review, counted from per-user rows so that the team selection applies.',
          caveats: [USER_ROWS, SMALL_TEAMS],
          queries: [
            { metric: 'used_agent', follows: ['team'], legend: 'IDE agent mode' },
            { metric: 'used_copilot_cloud_agent', follows: ['team'], legend: 'Cloud agent' },
            { metric: 'used_cli', follows: ['team'], legend: 'CLI' },
            { metric: 'used_copilot_code_review_active', follows: ['team'], legend: 'Code review (active)' },
          ],
          w: 24,
        }),
      ],
    },
    {
      title: 'Copilot CLI',
      panels: [
        panel({
          type: 'timeseries',
          title: 'CLI users',
          description: 'People who used the Copilot CLI that day, and in the 7 days ending that day.',
          caveats: [REPORTED_USER_COUNTS],
          queries: [
            { metric: 'daily_active_cli_users', legend: 'Daily' },
            { metric: 'weekly_active_cli_users', legend: 'Weekly' },
          ],
          w: 8,
        }),
        panel({
          type: 'timeseries',
          title: 'CLI sessions, prompts and requests',
          description:
            'Sessions: distinct CLI sessions. Prompts: what people typed. Requests: calls the CLI made to the model, agentic follow-ups included.',
          caveats: [SMALL_TEAMS],
          queries: [
            { metric: 'totals_by_cli.session_count', follows: ['team'], legend: 'Sessions' },
            { metric: 'totals_by_cli.prompt_count', follows: ['team'], legend: 'Prompts' },
            { metric: 'totals_by_cli.request_count', follows: ['team'], legend: 'Requests' },
          ],
          w: 8,
        }),
        panel({
          type: 'timeseries',
          title: 'CLI tokens',
          description:
            'Tokens the CLI sent to the model (prompt) and received (output), and the average per request over each bucket.',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'totals_by_cli.token_usage.prompt_tokens_sum',
              follows: ['team'],
              legend: 'Prompt tokens',
            },
            {
              metric: 'totals_by_cli.token_usage.output_tokens_sum',
              follows: ['team'],
              legend: 'Output tokens',
            },
            {
              metric: 'totals_by_cli.token_usage.avg_tokens_per_request',
              follows: ['team'],
              legend: 'Tokens per request',
            },
          ],
          overrides: [
            {
              matcher: { id: 'byFrameRefID', options: 'C' },
              properties: [{ id: 'custom.axisPlacement', value: 'right' }],
            },
          ],
          w: 8,
        }),
      ],
    },
    {
      title: 'Copilot app, VS Code Agents and third-party agents',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Copilot app',
          description: 'People using the GitHub Copilot app that day, with its sessions and prompts.',
          caveats: [REPORTED_USER_COUNTS],
          queries: [
            { metric: 'daily_active_copilot_app_users', legend: 'Users' },
            { metric: 'totals_by_copilot_app.session_count', legend: 'Sessions' },
            { metric: 'totals_by_copilot_app.prompt_count', legend: 'Prompts' },
          ],
          w: 8,
        }),
        panel({
          type: 'timeseries',
          title: 'VS Code Agents window',
          description:
            "People using VS Code's dedicated Agents window (not agent mode inside the editor), with its sessions and messages.",
          caveats: [REPORTED_USER_COUNTS],
          queries: [
            { metric: 'daily_active_vscode_agent_users', legend: 'Users' },
            { metric: 'totals_by_vscode_agent.session_count', legend: 'Sessions' },
            { metric: 'totals_by_vscode_agent.total_user_messages', legend: 'Messages' },
          ],
          w: 8,
        }),
        panel({
          type: 'timeseries',
          title: 'Third-party agent jobs',
          description:
            'Jobs started in third-party agent apps (Claude, Codex, ...) working through GitHub, by agent. A job start is not comparable with an IDE interaction.',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'totals_by_3rd_party_agent.user_initiated_interaction_count',
              groupBy: 'agent',
              follows: ['team'],
            },
          ],
          defaults: STACKED_BARS,
          w: 8,
        }),
      ],
    },
    {
      title: 'CLI customizations',
      panels: [
        customization('skill', 'skills'),
        customization('mcp', 'MCP servers', ' For MCP, the count is connection attempts, not tool calls.'),
        customization('slash_cmd', 'slash commands'),
        customization('custom_agent', 'custom agents'),
        panel({
          type: 'timeseries',
          title: 'Distinct customizations in use',
          description:
            'How many different skills, MCP servers, slash commands and custom agents were used (items beyond the top 5 included), averaged over the days of each bucket.',
          caveats: [SMALL_TEAMS],
          queries: [
            { metric: 'distinct_skill_use_count', follows: ['team'], legend: 'Skills' },
            { metric: 'distinct_mcp_use_count', follows: ['team'], legend: 'MCP servers' },
            { metric: 'distinct_slash_cmd_use_count', follows: ['team'], legend: 'Slash commands' },
            { metric: 'distinct_custom_agent_use_count', follows: ['team'], legend: 'Custom agents' },
          ],
          w: 24,
        }),
      ],
    },
  ],
});
