/**
 * What one user did on one day, before any report is written. A user-day is a list of activity
 * "cells" (IDE × feature × language × model) plus the surfaces that have no IDE (CLI, Copilot app,
 * VS Code agent, third-party agents). Every report family is a sum or a group-by of these.
 */
import type { CUSTOMIZATION_KINDS } from '@copilot-metrics/contract';
import { type DayNumber, formatDay } from '../../days';
import { CODE_COUNTERS, INTERACTIONS } from '../../reports/schema';
import {
  COMPLETION_MODELS,
  type Population,
  SINCE,
  Salt,
  Trait,
  ideOf,
  languagesOf,
  modelsOf,
} from '../model';
import { between, pick, unit } from '../random';
import { creditItems, totalUnits } from './billing/credits';
import { CREDIT_UNITS } from './billing/catalog';
import { DayFlag } from './dayFlags';

export { DayFlag };

/** A cell's counts, in this order: the schema's interaction count, then its code-activity counters. */
export const COUNTERS = [INTERACTIONS, ...CODE_COUNTERS] as const;

export interface Cell {
  ide: string | null;
  feature: string;
  language: string;
  model: string;
  counts: number[];
}

/** Active review wins over passive: GitHub counts a user once, as active, if both apply. */
export const reviewedPassively = (flags: number) =>
  (flags & DayFlag.ReviewPassive) !== 0 && (flags & DayFlag.ReviewActive) === 0;

export interface Surface {
  session: number;
  request: number;
  prompt: number;
  output: number;
  promptTokens: number;
}

const THIRD_PARTY_AGENTS = [
  ['2246796', 'Claude (Anthropic)'],
  ['2248422', 'Codex (OpenAI)'],
  ['2251107', 'Jules (Google)'],
] as const;

const CUSTOMIZATION_ITEMS: Record<(typeof CUSTOMIZATION_KINDS)[number], readonly string[]> = {
  skill: ['pdf', 'frontend-design', 'other', 'webapp-testing', 'docx', 'mcp-builder', 'xlsx'],
  custom_agent: ['general-purpose', 'code-reviewer', 'other', 'explore', 'task-runner'],
  mcp: ['github-mcp-server', 'playwright', 'other', 'context7', 'azure'],
  slash_cmd: ['/plan', '/model', '/clear', 'custom', '/review', '/compact', '/resume'],
  plugin: ['other', 'superpowers', 'frontend-design'],
};

export interface IdeRelease {
  version: string;
  plugin: string;
  pluginVersion: string;
  sampledAt: string;
}

export interface UserDay {
  flags: number;
  cells: Cell[];
  ides: Map<string, IdeRelease>;
  cli?: Surface & { version: string; sampledAt: string };
  app?: Surface;
  vscodeAgent?: { session: number; messages: number };
  thirdParty: { id: string; name: string; uic: number; sessions: number }[];
  customizations?: Map<string, [string, number][]>;
  credits?: number;
  phase?: number;
}

/** The user-days the report families read; the generator caches the day flags behind them. */
export interface Activity {
  readonly population: Population;
  flagsOn(day: DayNumber): Uint16Array;
  userDay(u: number, day: DayNumber): UserDay | undefined;
}

/** Which surfaces a user used on a day (0 when inactive): cheap, so windows of 28 days stay cheap. */
export function dayFlags(p: Population, u: number, day: DayNumber): number {
  if (!p.isActive(u, day)) return 0;
  const s = p.seed;
  let flags = DayFlag.Active;
  const on = (trait: Trait, salt: Salt, chance: number, flag: DayFlag, since = 0) => {
    if (day >= since && p.has(u, trait) && unit(s, salt, u, day) < chance) flags |= flag;
  };
  on(Trait.Chat, Salt.Chat, 0.65, DayFlag.Chat);
  on(Trait.Agent, Salt.Agent, 0.5, DayFlag.Agent);
  on(Trait.Cli, Salt.Cli, 0.55, DayFlag.Cli);
  on(Trait.ReviewActive, Salt.Review, 0.35, DayFlag.ReviewActive);
  on(Trait.ReviewPassive, Salt.Review, 0.35, DayFlag.ReviewPassive);
  on(Trait.CloudAgent, Salt.CloudAgent, 0.3, DayFlag.CloudAgent, SINCE.cloudAgentCounts);
  on(Trait.App, Salt.App, 0.5, DayFlag.App, SINCE.copilotApp);
  on(Trait.VscodeAgent, Salt.VscodeAgent, 0.4, DayFlag.VscodeAgent, SINCE.vscodeAgent);
  on(Trait.ThirdParty, Salt.ThirdParty, 0.4, DayFlag.ThirdParty, SINCE.thirdPartyAgents);
  return flags;
}

/** The random draws of one user-day, and the user's stable tastes. */
interface Draws {
  p: Population;
  seed: number;
  u: number;
  day: DayNumber;
  /** Uniform integer in [low, high] for this user-day. */
  r(low: number, high: number, ...parts: number[]): number;
  chance(salt: number, ...parts: number[]): number;
  choose<T>(items: readonly T[], salt: number, ...parts: number[]): T;
  languages: string[];
  models: string[];
  ide: string;
}

function drawsFor(p: Population, u: number, day: DayNumber): Draws {
  const seed = p.seed;
  return {
    p,
    seed,
    u,
    day,
    r: (low, high, ...parts) => between(low, high, seed, u, day, ...parts),
    chance: (salt, ...parts) => unit(seed, salt, u, day, ...parts),
    choose: (items, salt, ...parts) => pick(items, seed, salt, u, day, ...parts),
    languages: languagesOf(seed, u),
    models: modelsOf(seed, u),
    ide: ideOf(seed, u, false),
  };
}

/** The user-day, or undefined when `flags` (the user's day flags) say the user was not active. */
export function userDay(p: Population, flags: number, u: number, day: DayNumber): UserDay | undefined {
  if (!flags) return undefined;
  const d = drawsFor(p, u, day);
  const cells = completionCells(d);
  if (flags & DayFlag.Chat) cells.push(...chatCells(d));
  if (flags & DayFlag.Agent) cells.push(...agentCells(d));
  const cli = flags & DayFlag.Cli ? cliActivity(d) : undefined;
  if (cli?.cell) cells.push(cli.cell);
  const app = flags & DayFlag.App ? appActivity(d) : undefined;
  if (app) cells.push(app.cell);
  const ud: UserDay = {
    flags,
    cells,
    ides: ideReleases(d, cells),
    cli: cli?.surface,
    app: app?.surface,
    vscodeAgent:
      flags & DayFlag.VscodeAgent ? { session: d.r(1, 5, 190), messages: d.r(1, 40, 191) } : undefined,
    thirdParty: flags & DayFlag.ThirdParty ? thirdPartyAgents(d) : [],
    customizations: cli && day >= SINCE.customizations ? customizations(d) : undefined,
    phase: day >= SINCE.adoptionPhase ? phaseOf(p, u) : undefined,
  };
  // The per-user figure GitHub reports since 2026-06-19 is the total of what billing charges the day.
  if (day >= SINCE.aiCredits) ud.credits = totalUnits(creditItems(p, u, day, ud)) / CREDIT_UNITS;
  return ud;
}

/** Completions, in one or two languages (and maybe a second IDE). */
function completionCells({ p, seed, u, r, chance, choose, languages, ide }: Draws): Cell[] {
  const secondIde = p.has(u, Trait.SecondIde) && chance(Salt.SecondIde) < 0.3 ? ideOf(seed, u, true) : ide;
  const intensity = 0.5 + p.propensity[u];
  const completionLanguages = chance(101) < 0.5 ? languages.slice(0, 2) : languages.slice(0, 1);
  return completionLanguages.map((language, i) => {
    const gen = Math.round(r(4, 60, 1, i) * intensity);
    const acc = Math.floor(gen * (0.18 + 0.3 * chance(102, i)));
    return {
      ide: i === 1 ? secondIde : ide,
      feature: 'code_completion',
      language,
      model: choose(COMPLETION_MODELS, 103),
      counts: [0, gen, acc, gen * r(2, 5, 2, i), 0, acc * r(2, 5, 3, i), 0],
    };
  });
}

/** A chat-panel mode's cell; `salt` keeps each mode's draws apart. */
function chatModeCell(
  { r, chance, choose, languages, models, ide }: Draws,
  feature: string,
  salt: number,
  uicMax: number,
  genFactor: number,
  deletes: boolean,
): Cell {
  const uic = r(1, uicMax, salt);
  const gen = uic * r(1, genFactor, salt, 1);
  const acc = Math.floor(gen * 0.45 * chance(salt, 2));
  return {
    ide,
    feature,
    language: choose(languages, salt, 3),
    model: choose(models, salt, 4),
    counts: [
      uic,
      gen,
      acc,
      gen * r(3, 12, salt, 5),
      deletes ? gen * r(0, 3, salt, 6) : 0,
      acc * r(3, 10, salt, 7),
      deletes ? acc * r(0, 4, salt, 8) : 0,
    ],
  };
}

function chatCells(d: Draws): Cell[] {
  const cells = [chatModeCell(d, 'chat_panel_ask_mode', 110, 12, 2, false)];
  if (d.chance(111) < 0.25) cells.push(chatModeCell(d, 'chat_panel_edit_mode', 112, 5, 2, true));
  if (d.chance(119) < 0.08) cells.push(chatModeCell(d, 'chat_panel_unknown_mode', 118, 2, 1, false));
  return cells;
}

function agentCells(d: Draws): Cell[] {
  const { r, choose, languages, models, ide } = d;
  const cells = [chatModeCell(d, 'chat_panel_agent_mode', 113, 8, 4, true)];
  if (d.day >= SINCE.planMode && d.chance(114) < 0.3)
    cells.push(chatModeCell(d, 'chat_panel_plan_mode', 115, 4, 1, false));
  if (d.chance(116) < 0.1) cells.push(chatModeCell(d, 'chat_panel_custom_mode', 117, 3, 2, true));
  const edits = r(1, 10, 120);
  cells.push({
    ide,
    feature: 'agent_edit',
    language: choose(languages, 121),
    model: models[0],
    counts: [0, edits, edits, 0, 0, edits * r(5, 40, 122), edits * r(0, 12, 123)],
  });
  return cells;
}

function cliActivity({ day, r, choose, languages, models }: Draws): {
  surface: NonNullable<UserDay['cli']>;
  cell?: Cell;
} {
  const prompt = r(1, 20, 130);
  const request = prompt * r(2, 9, 131);
  const surface = {
    session: r(1, 4, 132),
    request,
    prompt,
    output: request * r(200, 3000, 133),
    promptTokens: request * r(2000, 40_000, 134),
    version: `1.0.${Math.max(0, Math.floor((day - SINCE.enterprise) / 10) - r(0, 3, 135))}`,
    sampledAt: `${formatDay(day)}T${String(r(0, 23, 136)).padStart(2, '0')}:${String(r(0, 59, 137)).padStart(2, '0')}:00.000Z`,
  };
  // Since 2026-04-10 CLI activity is part of the top-level counters, as feature copilot_cli.
  if (day < SINCE.cloudAgentCounts) return { surface };
  const gen = prompt + r(0, prompt, 138);
  const acc = Math.floor(gen * 0.8);
  const cell = {
    ide: null,
    feature: 'copilot_cli',
    language: choose(languages, 139),
    model: models[0],
    counts: [prompt, gen, acc, 0, 0, acc * r(5, 30, 140), acc * r(0, 8, 141)],
  };
  return { surface, cell };
}

function appActivity({ r, choose, languages, models }: Draws): { surface: Surface; cell: Cell } {
  const prompt = r(1, 6, 150);
  const request = prompt * r(2, 6, 151);
  const surface = {
    session: r(1, 3, 152),
    request,
    prompt,
    output: request * r(300, 2500, 153),
    promptTokens: request * r(3000, 30_000, 154),
  };
  const gen = prompt + r(0, 4, 155);
  const cell = {
    ide: null,
    feature: 'copilot_app',
    language: choose(languages, 156),
    model: models[1],
    counts: [prompt, gen, gen, gen * r(3, 9, 157), 0, gen * r(3, 9, 158), r(0, 20, 159)],
  };
  return { surface, cell };
}

/** The release of each IDE the cells used, in order of first use. */
function ideReleases({ seed, u, day, r }: Draws, cells: readonly Cell[]): Map<string, IdeRelease> {
  const ides = new Map<string, IdeRelease>();
  for (const name of new Set(cells.filter((c) => c.ide).map((c) => c.ide!))) {
    const [version, plugin, pluginVersion] = ideRelease(seed, u, day, name);
    ides.set(name, {
      version,
      plugin,
      pluginVersion,
      sampledAt: `${formatDay(day)}T0${r(0, 9, 163)}:${String(r(10, 59, 164))}:00.000Z`,
    });
  }
  return ides;
}

function thirdPartyAgents({ r, chance }: Draws): UserDay['thirdParty'] {
  const agents: UserDay['thirdParty'] = [];
  for (const [i, [id, name]] of THIRD_PARTY_AGENTS.entries()) {
    if (chance(170, i) < 0.5 || (i === 0 && agents.length === 0)) {
      const uic = r(1, 6, 171, i);
      agents.push({ id, name, uic, sessions: r(1, uic, 172, i) });
    }
  }
  return agents;
}

/** CLI users' skills, custom agents, MCP servers, slash commands and plugins, each with a use count. */
function customizations({ r }: Draws): Map<string, [string, number][]> {
  const lists = new Map<string, [string, number][]>();
  for (const [kind, items] of Object.entries(CUSTOMIZATION_ITEMS)) {
    const count = r(0, items.length, 180, kind.length);
    lists.set(
      kind,
      items.slice(0, count).map((item, i) => [item, r(1, 12, 181, kind.length, i)] as [string, number]),
    );
  }
  return lists;
}

/** The release of an IDE a user runs on a day, and of its Copilot extension: upgrades follow the calendar. */
export function ideRelease(
  seed: number,
  u: number,
  day: DayNumber,
  name: string,
): [version: string, plugin: string, pluginVersion: string] {
  const r = (low: number, high: number, ...parts: number[]) => between(low, high, seed, u, day, ...parts);
  const month = Math.floor((day - SINCE.enterprise) / 30);
  const lag = r(0, 2, 160);
  if (name === 'vscode')
    return [
      `1.${106 + month - lag}.${r(0, 3, 161)}`,
      'copilot-chat',
      `0.${33 + month - lag}.${r(0, 5, 162)}`,
    ];
  if (name === 'visualstudio')
    return [`17.14.${10 + month - lag}`, 'copilot-vs', `1.${250 + month * 3 - lag}.0`];
  if (name === 'xcode')
    return [`26.${Math.max(0, month - 6 - lag)}`, 'copilot-xcode', `0.${40 + month - lag}.0`];
  if (name === 'neovim')
    return [`0.11.${Math.max(0, month - lag)}`, 'copilot.vim', `1.${50 + month - lag}.0`];
  return [
    `2025.${2 + Math.min(month, 10) - Math.min(lag, 1)}`,
    'copilot-intellij',
    `1.5.${55 + month - lag}`,
  ];
}

/** AI adoption phase (0 no cohort, 1 code first, 2 agent first, 3 multi-agent), stable per user. */
export function phaseOf(p: Population, u: number): number {
  if (p.propensity[u] < 0.3) return 0;
  const agents =
    (p.has(u, Trait.Cli) ? 1 : 0) +
    (p.has(u, Trait.CloudAgent) ? 1 : 0) +
    (p.has(u, Trait.ReviewActive) ? 1 : 0);
  if (p.has(u, Trait.App) || agents >= 2) return 3;
  return agents === 1 ? 2 : 1;
}
