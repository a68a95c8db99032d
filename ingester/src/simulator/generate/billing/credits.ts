/**
 * What a user-day costs in AI credits, item by item (SKU × model × repository): the one source of both
 * the usage reports' `ai_credits_used` (its total) and the billing rows (its items). Billed: chat in
 * the IDE, the CLI, the Copilot app, the cloud agent and third-party agents; completions are not
 * (GitHub: they "remain unlimited for all paid plans"). Usage grows month by month as agents spread.
 */
import type { DayNumber } from '../../../days';
import { type Population, modelsOf } from '../../model';
import { between, unit } from '../../random';
import { DayFlag } from '../dayFlags';
import {
  BILLING_START,
  CLOUD_AGENT_MODEL,
  CREDIT_UNITS,
  MODEL_NAMES,
  MODEL_RATES,
  type SkuId,
  THIRD_PARTY_MODELS,
} from './catalog';

export interface CreditItem {
  sku: SkuId;
  /** Billing's model name, e.g. "Claude Sonnet 4.6" or "Auto: Claude Haiku 4.5". */
  model: string;
  /** `owner/name` for the cloud agent's work, '' otherwise. */
  repository: string;
  /** Gross quantity in 1/1024 credits. */
  units: number;
}

/** How much more each chat mode costs than asking: agents read and write far more tokens. */
const MODE_FACTORS: Record<string, number> = {
  chat_panel_ask_mode: 1,
  chat_panel_edit_mode: 2,
  chat_panel_agent_mode: 8,
  chat_panel_plan_mode: 3,
  chat_panel_custom_mode: 5,
  chat_panel_unknown_mode: 1,
};

const SALT = 600;

/** Usage intensity on a day: 1 when billing starts, growing by a tenth every 9 days. */
export function usageGrowth(day: DayNumber): number {
  return Math.max(0.5, 1 + (day - BILLING_START) / 90);
}

/** What of a user-day (activity.ts's UserDay) is billed. */
export interface CreditedDay {
  flags: number;
  /** Activity cells; counts[0] is the interaction count. */
  cells: readonly { feature: string; model: string; counts: readonly number[] }[];
  cli?: { request: number };
  app?: { request: number };
  thirdParty: readonly { id: string; name: string; sessions: number }[];
}

/** The user-day's billed items, merged by (SKU, model, repository), in order of first use. */
export function creditItems(p: Population, u: number, day: DayNumber, ud: CreditedDay): CreditItem[] {
  const seed = p.seed;
  const draw = (...parts: number[]) => 0.6 + 0.8 * unit(seed, SALT, u, day, ...parts);
  const growth = usageGrowth(day);
  const auto = unit(seed, SALT + 1, u, day) < 0.3;
  const items = new Map<string, CreditItem>();
  const add = (sku: SkuId, model: string, repository: string, credits: number) => {
    const units = Math.max(1, Math.round(credits * growth * CREDIT_UNITS));
    const key = `${sku}\n${model}\n${repository}`;
    const item = items.get(key);
    if (item) item.units += units;
    else items.set(key, { sku, model, repository, units });
  };
  const chatModel = (id: string) => (auto ? `Auto: ${MODEL_NAMES[id] ?? id}` : (MODEL_NAMES[id] ?? id));
  for (const [i, cell] of ud.cells.entries()) {
    const factor = MODE_FACTORS[cell.feature];
    if (factor === undefined || !cell.counts[0]) continue;
    const perInteraction = rate(cell.model) * factor * (auto ? 0.9 : 1);
    add('copilot_ai_credit', chatModel(cell.model), '', cell.counts[0] * perInteraction * draw(1, i));
  }
  const [first, second] = modelsOf(seed, u);
  if (ud.cli) add('copilot_ai_credit', chatModel(first), '', ud.cli.request * 1.2 * rate(first) * draw(2));
  if (ud.app) add('copilot_ai_credit', chatModel(second), '', ud.app.request * rate(second) * draw(3));
  if (ud.flags & DayFlag.CloudAgent) {
    const org = p.orgs[p.primaryOrg[u]];
    const repo = org.repos[between(0, org.repos.length - 1, seed, SALT + 2, u, day)];
    const sessions = between(1, 3, seed, SALT + 3, u, day);
    add('coding_agent_ai_credit', CLOUD_AGENT_MODEL, `${repo.owner}/${repo.name}`, sessions * 80 * draw(4));
  }
  for (const [i, agent] of ud.thirdParty.entries())
    add(
      'coding_agent_ai_credit',
      THIRD_PARTY_MODELS[agent.id] ?? agent.name,
      '',
      agent.sessions * 50 * draw(5, i),
    );
  return [...items.values()];
}

/** A user-day's total of credit units (the sum of its items). */
export function totalUnits(items: readonly CreditItem[]): number {
  return items.reduce((sum, item) => sum + item.units, 0);
}

const rate = (id: string) => MODEL_RATES[id] ?? 4;
