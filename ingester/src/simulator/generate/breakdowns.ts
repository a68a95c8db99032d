/**
 * The sections users and aggregates share: top-level counters, the totals_by_* group-by tables of the
 * activity cells, the CLI and Copilot app surfaces, and customizations.
 */
import type { JsonObject } from '../../reports/types';
import { COUNTERS, type Cell, type Surface } from './activity';
import { round2 } from './twoDecimals';

type Table =
  | 'totals_by_ide'
  | 'totals_by_feature'
  | 'totals_by_language_feature'
  | 'totals_by_language_model'
  | 'totals_by_model_feature';

interface Group {
  keys: [string, string][];
  totals: number[];
}

const zeros = () => COUNTERS.map(() => 0);

function addCounts(totals: number[], counts: readonly number[]): void {
  for (let i = 0; i < COUNTERS.length; i++) totals[i] += counts[i];
}

/** Counts by name; without interactions for the tables that carry none. */
function named(totals: readonly number[], withInteractions = true): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = withInteractions ? 0 : 1; i < COUNTERS.length; i++) counts[COUNTERS[i]] = totals[i];
  return counts;
}

/** The top-level counters of a set of cells. */
export function counterTotals(cells: readonly Cell[]): Record<string, number> {
  const totals = zeros();
  for (const cell of cells) addCounts(totals, cell.counts);
  return named(totals);
}

/**
 * Sums activity cells into the top-level counters and every breakdown as they arrive, so an aggregate
 * over 100,000 users never holds their cells. Model tables cover chat and agent, not completions (docs.github.com/copilot/reference/copilot-usage-metrics/example-schema);
 * the language tables carry no interaction count.
 */
export class Breakdowns {
  private readonly totals = zeros();
  private readonly groups: Record<Table, Map<string, Group>> = {
    totals_by_ide: new Map(),
    totals_by_feature: new Map(),
    totals_by_language_feature: new Map(),
    totals_by_language_model: new Map(),
    totals_by_model_feature: new Map(),
  };

  add(cell: Cell): void {
    addCounts(this.totals, cell.counts);
    const { ide, feature, language, model } = cell;
    if (ide) this.into('totals_by_ide', [['ide', ide]], cell);
    this.into('totals_by_feature', [['feature', feature]], cell);
    this.into(
      'totals_by_language_feature',
      [
        ['language', language],
        ['feature', feature],
      ],
      cell,
    );
    if (feature !== 'code_completion') {
      this.into(
        'totals_by_language_model',
        [
          ['language', language],
          ['model', model],
        ],
        cell,
      );
      this.into(
        'totals_by_model_feature',
        [
          ['model', model],
          ['feature', feature],
        ],
        cell,
      );
    }
  }

  private into(table: Table, keys: [string, string][], cell: Cell): void {
    const id = keys.map(([, v]) => v).join('\u0000');
    let group = this.groups[table].get(id);
    if (!group) this.groups[table].set(id, (group = { keys, totals: zeros() }));
    addCounts(group.totals, cell.counts);
  }

  json(): JsonObject {
    const entries = (table: Table, withInteractions: boolean) =>
      [...this.groups[table].values()].map(({ keys, totals }) => ({
        ...Object.fromEntries(keys),
        ...named(totals, withInteractions),
      }));
    return {
      ...named(this.totals),
      totals_by_ide: entries('totals_by_ide', true),
      totals_by_feature: entries('totals_by_feature', true),
      totals_by_language_feature: entries('totals_by_language_feature', false),
      totals_by_language_model: entries('totals_by_language_model', false),
      totals_by_model_feature: entries('totals_by_model_feature', true),
    };
  }
}

/** A surface summed over the users who used it. */
export type SurfaceTotal = Surface & { users: number };

export const emptySurface = (): SurfaceTotal => ({
  session: 0,
  request: 0,
  prompt: 0,
  output: 0,
  promptTokens: 0,
  users: 0,
});

export function addSurface(total: SurfaceTotal, surface: Surface): void {
  total.session += surface.session;
  total.request += surface.request;
  total.prompt += surface.prompt;
  total.output += surface.output;
  total.promptTokens += surface.promptTokens;
  total.users++;
}

/** totals_by_cli and totals_by_copilot_app share this shape (docs.github.com/copilot/reference/copilot-usage-metrics/example-schema). */
export function surfaceJson(surface: Surface): JsonObject {
  return {
    session_count: surface.session,
    request_count: surface.request,
    prompt_count: surface.prompt,
    token_usage: {
      output_tokens_sum: surface.output,
      prompt_tokens_sum: surface.promptTokens,
      avg_tokens_per_request: surface.request
        ? round2((surface.output + surface.promptTokens) / surface.request)
        : 0,
    },
  };
}

/** Top 5 per kind, plus the distinct count that includes items outside the top 5 (docs.github.com/copilot/reference/copilot-usage-metrics/example-schema). */
export function customizationJson(lists: Map<string, [string, number][]>): JsonObject {
  const record: JsonObject = {};
  for (const [kind, items] of lists) {
    const top = [...items].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
    record[`totals_by_${kind}`] = top.map(([name, count]) => ({ [kind]: name, interaction_count: count }));
    record[`distinct_${kind}_use_count`] = items.length;
  }
  return record;
}
