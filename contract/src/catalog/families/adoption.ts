/** Adoption: report-provided user counts (aggregate record only), and distinct users from user rows. */
import { ACTIVITY } from '../breakdowns';
import { type MetricInfo, metric } from '../metric';

const userCounts: [string, string, string][] = [
  [
    'daily_active_users',
    'Daily active users',
    'Unique users with Copilot activity that day (as GitHub counts them, including server-side detection).',
  ],
  ['weekly_active_users', 'Weekly active users', 'Unique active users in the trailing 7 days.'],
  ['monthly_active_users', 'Monthly active users', 'Unique active users in the trailing 28 days.'],
  ['monthly_active_chat_users', 'Monthly chat users', 'Unique users of IDE chat in the trailing 28 days.'],
  [
    'monthly_active_agent_users',
    'Monthly agent users',
    'Unique users of IDE agent mode in the trailing 28 days.',
  ],
  [
    'daily_active_cli_users',
    'Daily CLI users',
    'Unique Copilot CLI users that day (omitted by GitHub when zero).',
  ],
  ['weekly_active_cli_users', 'Weekly CLI users', 'Unique Copilot CLI users in the trailing 7 days.'],
  ['monthly_active_cli_users', 'Monthly CLI users', 'Unique Copilot CLI users in the trailing 28 days.'],
];
for (const period of ['daily', 'weekly', 'monthly']) {
  const window =
    period === 'daily'
      ? 'that day'
      : period === 'weekly'
        ? 'in the trailing 7 days'
        : 'in the trailing 28 days';
  userCounts.push(
    [
      `${period}_active_copilot_code_review_users`,
      `${period} code review users (active)`,
      `Users who actively used Copilot code review (requested a review or applied a suggestion) ${window}.`,
    ],
    [
      `${period}_passive_copilot_code_review_users`,
      `${period} code review users (passive)`,
      `Users who only had Copilot code review auto-assigned ${window}.`,
    ],
    [
      `${period}_active_copilot_cloud_agent_users`,
      `${period} cloud agent users`,
      `Users of the Copilot cloud agent ${window} (null before GitHub reported it).`,
    ],
    [
      `${period}_active_copilot_app_users`,
      `${period} Copilot app users`,
      `Users of the GitHub Copilot app ${window}.`,
    ],
    [
      `${period}_active_vscode_agent_users`,
      `${period} VS Code Agents users`,
      `Users of the VS Code Agents window ${window}.`,
    ],
  );
}

const usedFlags: [string, string][] = [
  ['used_chat', 'IDE chat'],
  ['used_agent', 'IDE agent mode (code review excluded)'],
  ['used_cli', 'Copilot CLI'],
  ['used_copilot_code_review_active', 'Copilot code review actively'],
  ['used_copilot_code_review_passive', 'Copilot code review passively (auto-assigned only)'],
  ['used_copilot_coding_agent', 'the cloud agent (old field name)'],
  ['used_copilot_cloud_agent', 'the Copilot cloud agent'],
  ['used_copilot_app', 'the GitHub Copilot app'],
  ['used_vscode_agent', 'the VS Code Agents window'],
];

export const ADOPTION: MetricInfo[] = [
  ...userCounts.map(([id, title, description]) =>
    metric({
      id,
      title,
      family: 'Adoption',
      description: `${description} Averaged over the days of each bucket.`,
      unit: 'short',
      from: ['usageDay'],
      measure: { average: id },
      aggregateOnly: true,
      omittedWhenZero: id === 'daily_active_cli_users',
    }),
  ),
  metric({
    id: 'active_users',
    title: 'Active users',
    family: 'Adoption',
    description:
      'Distinct users with Copilot activity, counted exactly from per-user rows over each bucket. This is what "users" means in team, IDE, language, model and feature breakdowns.',
    unit: 'short',
    from: [...ACTIVITY, 'byAgent', 'byCustomization'],
    measure: { distinctUsers: true },
    userRowsOnly: true,
  }),
  ...usedFlags.map(([id, what]) =>
    metric({
      id,
      family: 'Adoption',
      title: `Users who ${id.replace('used_', 'used ').replace(/_/g, ' ')}`,
      description: `Distinct users whose daily record says they used ${what} (${id} = true), over each bucket.`,
      unit: 'short',
      from: ['usageDay'],
      measure: { distinctUsersWith: id },
      userRowsOnly: true,
    }),
  ),
];
