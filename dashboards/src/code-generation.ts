/** 2. Code generation: features and chat modes, agent vs user lines, models, languages, acceptance. */
import { type MetricSpec, PERCENT, STACKED_BARS, dashboard, joinOn, panel, variables } from './grafana';
import { FieldColorModeId } from '@grafana/schema';
import {
  ACCEPTANCE_BY_COUNT,
  ACCEPTANCE_BY_LINES,
  AGENT_FEATURES,
  CHAT_MODES,
  SMALL_TEAMS,
  USER_FEATURES,
} from './notes';

const byCountAndLines = (groupBy: string, follows: MetricSpec['follows']): MetricSpec[] => [
  { metric: 'acceptance_rate', groupBy, format: 'table', follows },
  { metric: 'loc_acceptance_rate', groupBy, format: 'table', follows },
];

export default dashboard({
  uid: 'copilot-code-generation',
  title: 'Copilot code generation',
  description:
    'What Copilot generates and what people keep: by feature and chat mode, agent-initiated against user-initiated lines, by model and by language.',
  variables: [
    variables.scope(),
    variables.team(),
    variables.language(),
    variables.model(),
    variables.interval(),
    variables.days(),
  ],
  rows: [
    {
      title: 'Features and chat modes',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Interactions by feature',
          description:
            'Prompts people sent, split by feature: code completion, the chat panel modes, inline chat, CLI, Copilot app.',
          caveats: [SMALL_TEAMS],
          queries: [
            { metric: 'user_initiated_interaction_count', groupBy: 'feature', follows: ['team', 'model'] },
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'Chat panel interactions by mode',
          description:
            'Prompts sent in the IDE chat panel, by the mode it was in: ask, edit, agent, plan, custom agents, or unknown.',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'user_initiated_interaction_count',
              groupBy: 'feature',
              where: { feature: CHAT_MODES },
              follows: ['team', 'model'],
            },
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'barchart',
          title: 'Generations and acceptances by feature',
          description:
            'Over the time range: pieces of output Copilot produced in each feature, and how many of them people accepted.',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'code_generation_activity_count',
              groupBy: 'feature',
              format: 'table',
              follows: ['team', 'language'],
            },
            {
              metric: 'code_acceptance_activity_count',
              groupBy: 'feature',
              format: 'table',
              follows: ['team', 'language'],
            },
          ],
          transformations: [joinOn('feature')],
        }),
        panel({
          type: 'barchart',
          title: 'Acceptance rate by feature: by count and by lines',
          description:
            'For each feature, the share of suggestions accepted and the share of suggested lines added.',
          caveats: [ACCEPTANCE_BY_COUNT, ACCEPTANCE_BY_LINES, SMALL_TEAMS],
          queries: [...byCountAndLines('feature', ['team', 'language'])],
          transformations: [joinOn('feature')],
          defaults: { unit: 'percentunit', decimals: 1, min: 0 },
        }),
      ],
    },
    {
      title: 'Agent-initiated and user-initiated lines',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Lines added: agent-initiated against user-initiated',
          description: `Agent-initiated: lines agents wrote into files themselves (features ${AGENT_FEATURES.join(', ')}). User-initiated: lines a person accepted from a suggestion (code completion, inline chat and the chat panel modes).`,
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'loc_added_sum',
              where: { feature: AGENT_FEATURES },
              follows: ['team', 'language'],
              legend: 'Agent-initiated',
            },
            {
              metric: 'loc_added_sum',
              where: { feature: USER_FEATURES },
              follows: ['team', 'language'],
              legend: 'User-initiated',
            },
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'timeseries',
          title: 'Lines added by feature',
          description: 'Lines written to files with Copilot, by the feature that wrote them.',
          caveats: [SMALL_TEAMS],
          queries: [{ metric: 'loc_added_sum', groupBy: 'feature', follows: ['team', 'language'] }],
          defaults: STACKED_BARS,
        }),
      ],
    },
    {
      title: 'Models',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Interactions by model',
          description:
            'Chat and agent prompts by the AI model that answered (with automatic model selection, the model actually used). Completions carry no model. The 8 busiest models, the rest folded into "Others".',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'user_initiated_interaction_count',
              groupBy: 'model',
              follows: ['team', 'model'],
              limit: 8,
              others: true,
            },
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'barchart',
          title: 'Generations and acceptances by model',
          description:
            'Over the time range: chat and agent output produced by each model, and how much of it was accepted.',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'code_generation_activity_count',
              groupBy: 'model',
              format: 'table',
              follows: ['team', 'language', 'model'],
            },
            {
              metric: 'code_acceptance_activity_count',
              groupBy: 'model',
              format: 'table',
              follows: ['team', 'language', 'model'],
            },
          ],
          transformations: [joinOn('model')],
        }),
      ],
    },
    {
      title: 'Languages',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Code generations by language',
          description:
            'Pieces of output Copilot produced, by programming language of the file. The 10 busiest languages, the rest in "Others".',
          caveats: [SMALL_TEAMS],
          queries: [
            {
              metric: 'code_generation_activity_count',
              groupBy: 'language',
              follows: ['team', 'language', 'model'],
              limit: 10,
              others: true,
            },
          ],
          defaults: STACKED_BARS,
        }),
        panel({
          type: 'barchart',
          title: 'Acceptance rate by language: by count and by lines',
          description:
            'For each language, the share of suggestions accepted and the share of suggested lines added.',
          caveats: [ACCEPTANCE_BY_COUNT, ACCEPTANCE_BY_LINES, SMALL_TEAMS],
          queries: [...byCountAndLines('language', ['team', 'language', 'model'])],
          transformations: [joinOn('language')],
          defaults: { unit: 'percentunit', decimals: 1, min: 0 },
        }),
        panel({
          type: 'bargauge',
          title: 'Lines added in $language, by feature',
          description:
            'Language × feature: one panel per selected language, with the lines added in that language by each feature over the time range.',
          caveats: [SMALL_TEAMS],
          queries: [
            { metric: 'loc_added_sum', groupBy: 'feature', format: 'table', follows: ['team', 'language'] },
          ],
          repeat: 'language',
          w: 6,
          h: 8,
          defaults: { color: { mode: FieldColorModeId.PaletteClassic }, min: 0 },
        }),
      ],
    },
    {
      title: 'Acceptance by IDE',
      panels: [
        panel({
          type: 'barchart',
          title: 'Acceptance rate by IDE: by count and by lines',
          description:
            'For each IDE, the share of suggestions accepted and the share of suggested lines added.',
          caveats: [ACCEPTANCE_BY_COUNT, ACCEPTANCE_BY_LINES, SMALL_TEAMS],
          queries: [
            { metric: 'acceptance_rate', groupBy: 'ide', format: 'table', follows: ['team'] },
            { metric: 'loc_acceptance_rate', groupBy: 'ide', format: 'table', follows: ['team'] },
          ],
          transformations: [joinOn('ide')],
          defaults: { unit: 'percentunit', decimals: 1, min: 0 },
        }),
        panel({
          type: 'timeseries',
          title: 'Acceptance rate by count, by IDE',
          description: 'Accepted suggestions ÷ suggestions shown in each IDE, per bucket.',
          caveats: [ACCEPTANCE_BY_COUNT, SMALL_TEAMS],
          queries: [{ metric: 'acceptance_rate', groupBy: 'ide', follows: ['team'] }],
          defaults: PERCENT,
        }),
      ],
    },
  ],
});
