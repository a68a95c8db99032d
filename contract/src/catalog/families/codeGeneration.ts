/** Code generation and lines of code: the IDE activity counters and the acceptance rates. */
import { ACTIVITY, INTERACTION } from '../breakdowns';
import { type MetricInfo, metric } from '../metric';

const counters: [string, string, string, string][] = [
  [
    'user_initiated_interaction_count',
    'Interactions',
    'Code generation',
    'Explicit prompts sent to Copilot (opening panels, switching modes and shortcuts are not counted).',
  ],
  [
    'code_generation_activity_count',
    'Generations',
    'Code generation',
    'Distinct Copilot output events: suggestions and generated code blocks, comments and docstrings included.',
  ],
  [
    'code_acceptance_activity_count',
    'Acceptances',
    'Code generation',
    'Accept actions: apply to file, insert at cursor, insert into terminal, Copy button.',
  ],
  [
    'loc_suggested_to_add_sum',
    'Lines suggested',
    'Lines of code',
    'Lines Copilot suggested to add (completions, inline chat, chat panel; agent edits excluded).',
  ],
  [
    'loc_suggested_to_delete_sum',
    'Lines suggested to delete',
    'Lines of code',
    'Lines Copilot suggested to delete.',
  ],
  [
    'loc_added_sum',
    'Lines added',
    'Lines of code',
    'Lines actually added: accepted completions, applied blocks, agent and edit mode.',
  ],
  ['loc_deleted_sum', 'Lines deleted', 'Lines of code', 'Lines deleted, currently from agent edits.'],
];

export const CODE_GENERATION: MetricInfo[] = [
  ...counters.map(([id, title, family, description]) =>
    metric({
      id,
      title,
      family,
      description,
      unit: 'short',
      from: id === 'user_initiated_interaction_count' ? INTERACTION : ACTIVITY,
      measure: { sum: id },
    }),
  ),
  metric({
    id: 'acceptance_rate',
    title: 'Acceptance rate',
    family: 'Code generation',
    description:
      'Σ code_acceptance_activity_count / Σ code_generation_activity_count over each bucket: acceptance by count of suggestions. A ratio of sums, never an average of daily ratios; null when nothing was generated.',
    unit: 'percentunit',
    from: ACTIVITY,
    measure: { ratio: { of: ['code_acceptance_activity_count'], per: 'code_generation_activity_count' } },
  }),
  metric({
    id: 'loc_acceptance_rate',
    title: 'Line acceptance rate',
    family: 'Lines of code',
    description:
      'Σ loc_added_sum / Σ loc_suggested_to_add_sum: acceptance by lines. Agent edits add lines that were never suggested, so filter feature to exclude agent_edit for a suggestion-only rate.',
    unit: 'percentunit',
    from: ACTIVITY,
    measure: { ratio: { of: ['loc_added_sum'], per: 'loc_suggested_to_add_sum' } },
  }),
  ...['agent', 'ask', 'custom', 'edit', 'plan', 'unknown'].map((mode) =>
    metric({
      id: `chat_panel_${mode}_mode`,
      family: 'Code generation',
      description: `Chat panel interactions in ${mode} mode, when GitHub sends it as a top-level field (the same mode is also a feature value).`,
      unit: 'short',
      from: ['usageDay'],
      measure: { sum: `chat_panel_${mode}_mode` },
    }),
  ),
];
