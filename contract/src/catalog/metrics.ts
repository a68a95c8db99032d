/**
 * Every queryable metric, in catalog order, by family. Adding a metric family is one module in
 * families/ and one line here: groupings, SQL and the wire format derive from its entries. SQL-free.
 * Descriptions paraphrase GitHub's "Copilot usage metrics" field reference.
 */
import { ADOPTION } from './families/adoption';
import { ADOPTION_PHASES } from './families/adoptionPhases';
import { AI_CREDITS } from './families/aiCredits';
import { AGENTS } from './families/agents';
import { CODE_GENERATION } from './families/codeGeneration';
import { CREDITS } from './families/credits';
import { CUSTOMIZATIONS } from './families/customizations';
import { PULL_REQUESTS } from './families/pullRequests';
import { SEATS } from './families/seats';
import type { MetricInfo } from './metric';

export const METRIC_INFO: ReadonlyMap<string, MetricInfo> = new Map(
  [
    ...ADOPTION,
    ...CODE_GENERATION,
    ...AGENTS,
    ...CUSTOMIZATIONS,
    ...CREDITS,
    ...ADOPTION_PHASES,
    ...PULL_REQUESTS,
    ...SEATS,
    ...AI_CREDITS,
  ].map((m) => [m.id, m]),
);
