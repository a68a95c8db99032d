/**
 * The billing vocabulary of the simulated GitHub: the AI-credit SKUs, spelled as the usage JSON does
 * (display names) and as the usage-report CSV does (snake_case ids), the plans' included credits and
 * the price of a credit. Sources: https://docs.github.com/rest/billing/usage,
 * https://docs.github.com/billing/reference/billing-reports and
 * https://docs.github.com/copilot/concepts/billing-and-usage/organizations-and-enterprises/billing.
 */
import { parseDay } from '../../../days';

/** AI-credit billing (usage-based) started on this day; there are no AI-credit rows before it. */
export const BILLING_START = parseDay('2026-06-01')!;

/** 1 AI credit = $0.01 (API `pricePerUnit` 0.01). */
export const PRICE_PER_CREDIT = 0.01;

export type Plan = 'business' | 'enterprise';

/** Credits each licence adds to the billing entity's pool per calendar month: Business 1,900, Enterprise 3,900. */
export const INCLUDED_CREDITS: Record<Plan, number> = { business: 1900, enterprise: 3900 };

/**
 * Quantities are whole multiples of 1/1024 credit, so every sum of them is exact in floating point:
 * a person's billed credits equal their `ai_credits_used` to the last bit, not within a tolerance.
 */
export const CREDIT_UNITS = 1024;

export const UNIT_TYPE = 'ai-credits';

export const PRODUCT = { id: 'copilot', name: 'Copilot' } as const;

/** The AI-credit SKUs: the CSV's id and the JSON's display name of each. */
export const SKUS = {
  copilot_ai_credit: 'Copilot AI Credits',
  coding_agent_ai_credit: 'Coding Agent AI Credits',
} as const;
export type SkuId = keyof typeof SKUS;

/** Billing's display names of the models the usage reports name by id. */
export const MODEL_NAMES: Record<string, string> = {
  'claude-sonnet-4.6': 'Claude Sonnet 4.6',
  'gpt-5.3-codex': 'GPT-5.3-Codex',
  'claude-opus-4.6': 'Claude Opus 4.6',
  'gemini-3-pro': 'Gemini 3 Pro',
  'claude-haiku-4.5': 'Claude Haiku 4.5',
  'gpt-5-mini': 'GPT-5 mini',
};

/** Credits per chat interaction of each model, before the chat mode's factor. */
export const MODEL_RATES: Record<string, number> = {
  'claude-sonnet-4.6': 6,
  'gpt-5.3-codex': 5,
  'claude-opus-4.6': 16,
  'gemini-3-pro': 5,
  'claude-haiku-4.5': 2,
  'gpt-5-mini': 1,
};

/** The cloud agent's model, and each third-party agent's, as billing names them. */
export const CLOUD_AGENT_MODEL = 'Claude Sonnet 4.5';
export const THIRD_PARTY_MODELS: Record<string, string> = {
  '2246796': 'Claude Sonnet 4.5',
  '2248422': 'GPT-5',
  '2251107': 'Gemini 2.5 Pro',
};
