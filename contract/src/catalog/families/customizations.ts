/** CLI customizations: skills, custom agents, MCP servers, slash commands and plugins. */
import { type MetricInfo, metric } from '../metric';

/** The kinds of customization GitHub reports, each as a totals_by_<kind> object. */
export const CUSTOMIZATION_KINDS = ['skill', 'custom_agent', 'mcp', 'slash_cmd', 'plugin'] as const;

export const CUSTOMIZATIONS: MetricInfo[] = CUSTOMIZATION_KINDS.flatMap((kind) => [
  metric({
    id: `totals_by_${kind}.interaction_count`,
    family: 'Customizations',
    description: `Interactions with each ${kind.replace('_', ' ')} (GitHub lists the top 5 per report; customer-defined names show as "other"${kind === 'mcp' ? '; for MCP these are connection attempts, not tool calls' : ''}).`,
    unit: 'short',
    from: ['byCustomization'],
    measure: { sum: 'interaction_count', ofKind: kind },
    omittedWhenZero: true,
  }),
  metric({
    id: `distinct_${kind}_use_count`,
    family: 'Customizations',
    description: `Distinct ${kind.replace('_', ' ')}s used, items outside the top 5 included; averaged over the days of each bucket.`,
    unit: 'short',
    from: ['usageDay'],
    measure: { average: `distinct_${kind}_use_count` },
  }),
]);
