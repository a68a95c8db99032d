/** The Copilot CLI, the GitHub Copilot app, the VS Code Agents window and 3rd-party agent apps. */
import { type MetricInfo, metric } from '../metric';

const toolMetrics = (prefix: string, object: string, family: string, label: string): MetricInfo[] => {
  const fields: [string, string, string][] = [
    ['session_count', `${object}.session_count`, `Distinct ${label} sessions.`],
    ['request_count', `${object}.request_count`, `${label} requests, agentic follow-ups included.`],
    ['prompt_count', `${object}.prompt_count`, `User prompts, commands or queries to ${label}.`],
    ['output_tokens_sum', `${object}.token_usage.output_tokens_sum`, `Output tokens of ${label}.`],
    ['prompt_tokens_sum', `${object}.token_usage.prompt_tokens_sum`, `Prompt tokens of ${label}.`],
  ];
  return [
    ...fields.map(([column, id, description]) =>
      metric({
        id,
        family,
        description,
        unit: 'short',
        from: ['usageDay'],
        measure: { sum: `${prefix}_${column}` },
        omittedWhenZero: true,
      }),
    ),
    metric({
      id: `${object}.token_usage.avg_tokens_per_request`,
      family,
      description: `(output + prompt tokens) / requests of ${label}, recomputed from the summed parts.`,
      unit: 'short',
      from: ['usageDay'],
      measure: {
        ratio: {
          of: [`${prefix}_output_tokens_sum`, `${prefix}_prompt_tokens_sum`],
          per: `${prefix}_request_count`,
        },
      },
    }),
  ];
};

export const AGENTS: MetricInfo[] = [
  ...toolMetrics('cli', 'totals_by_cli', 'CLI', 'Copilot CLI'),
  ...toolMetrics('copilot_app', 'totals_by_copilot_app', 'Copilot app', 'GitHub Copilot app'),
  metric({
    id: 'totals_by_vscode_agent.session_count',
    family: 'Agents',
    description: 'Sessions in the VS Code Agents window.',
    unit: 'short',
    from: ['usageDay'],
    measure: { sum: 'vscode_agent_session_count' },
    omittedWhenZero: true,
  }),
  metric({
    id: 'totals_by_vscode_agent.total_user_messages',
    family: 'Agents',
    description: 'User messages in the VS Code Agents window.',
    unit: 'short',
    from: ['usageDay'],
    measure: { sum: 'vscode_agent_total_user_messages' },
    omittedWhenZero: true,
  }),
  metric({
    id: 'totals_by_3rd_party_agent.user_initiated_interaction_count',
    family: 'Agents',
    description:
      'Job starts of 3rd-party agent apps (Claude, Codex, ...); not comparable with the IDE interaction count.',
    unit: 'short',
    from: ['byAgent'],
    measure: { sum: 'user_initiated_interaction_count' },
    omittedWhenZero: true,
  }),
  metric({
    id: 'totals_by_3rd_party_agent.session_count',
    family: 'Agents',
    description:
      'Sessions of 3rd-party agent apps (aggregate reports only; GitHub omits it in per-user rows).',
    unit: 'short',
    from: ['byAgent'],
    measure: { sum: 'session_count' },
    aggregateOnly: true,
    omittedWhenZero: true,
  }),
];
