/**
 * Report records of the simulated enterprise: pure and deterministic. A user-day is a list of
 * activity "cells" (IDE × feature × language × model); every breakdown GitHub sends is a group-by of
 * those cells, and every aggregate is the sum of its users' records. That is what makes the data
 * internally consistent: aggregate counters equal the sums of user rows, DAU equals the distinct active
 * users, and enterprise totals count each user once while org totals count users in each org.
 */
import { type DayNumber, formatDay, isoWeekday } from '../days';
import { PULL_REQUEST_COUNTERS } from '../reports/schema';
import type { JsonObject } from '../reports/types';
import {
  COMPLETION_MODELS,
  type Org,
  Population,
  type Repo,
  SINCE,
  Salt,
  Trait,
  ideOf,
  languagesOf,
  modelsOf,
} from './model';
import { between, pick, unit } from './random';

export type SimScope = { kind: 'enterprise' } | { kind: 'organization'; org: Org };

/** Counter order inside a cell. */
const C = { uic: 0, gen: 1, acc: 2, sugAdd: 3, sugDel: 4, added: 5, deleted: 6 } as const;
const COUNTER_NAMES = [
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_suggested_to_delete_sum',
  'loc_added_sum',
  'loc_deleted_sum',
] as const;

interface Cell {
  ide: string | null;
  feature: string;
  language: string;
  model: string;
  counts: number[];
}

/** What a user did on a day, surfaces included. */
export enum DayFlag {
  Active = 1,
  Chat = 2,
  Agent = 4,
  Cli = 8,
  ReviewActive = 16,
  ReviewPassive = 32,
  CloudAgent = 64,
  App = 128,
  VscodeAgent = 256,
  ThirdParty = 512,
}

interface Surface {
  session: number;
  request: number;
  prompt: number;
  output: number;
  promptTokens: number;
}

export const THIRD_PARTY_AGENTS = [
  ['2246796', 'Claude (Anthropic)'],
  ['2248422', 'Codex (OpenAI)'],
  ['2251107', 'Jules (Google)'],
] as const;

export const CUSTOMIZATION_ITEMS: Record<string, readonly string[]> = {
  skill: ['pdf', 'frontend-design', 'other', 'webapp-testing', 'docx', 'mcp-builder', 'xlsx'],
  custom_agent: ['general-purpose', 'code-reviewer', 'other', 'explore', 'task-runner'],
  mcp: ['github-mcp-server', 'playwright', 'other', 'context7', 'azure'],
  slash_cmd: ['/plan', '/model', '/clear', 'custom', '/review', '/compact', '/resume'],
  plugin: ['other', 'superpowers', 'frontend-design'],
};

interface UserDay {
  flags: number;
  cells: Cell[];
  ides: Map<string, { version: string; plugin: string; pluginVersion: string; sampledAt: string }>;
  cli?: Surface & { version: string; sampledAt: string };
  app?: Surface;
  vscodeAgent?: { session: number; messages: number };
  thirdParty: { id: string; name: string; uic: number; sessions: number }[];
  customizations?: Map<string, [string, number][]>;
  credits?: number;
  phase?: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export class ReportGenerator {
  private readonly flagCache = new Map<DayNumber, Uint16Array>();
  private readonly aggregateCache = new Map<string, JsonObject>();
  readonly seed: number;

  constructor(readonly population: Population) {
    this.seed = population.seed;
  }

  members(scope: SimScope): number[] {
    return scope.kind === 'enterprise' ? this.population.enterpriseMembers : scope.org.members;
  }

  /** Day flags of every user, cached for the window computations of nearby days. */
  flagsOn(day: DayNumber): Uint16Array {
    let flags = this.flagCache.get(day);
    if (!flags) {
      flags = new Uint16Array(this.population.userCount);
      for (let u = 0; u < flags.length; u++) flags[u] = this.computeFlags(u, day);
      if (this.flagCache.size >= 64) this.flagCache.delete(this.flagCache.keys().next().value!);
      this.flagCache.set(day, flags);
    }
    return flags;
  }

  private computeFlags(u: number, day: DayNumber): number {
    const p = this.population;
    if (!p.isActive(u, day)) return 0;
    const s = this.seed;
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

  private userDay(u: number, day: DayNumber): UserDay | undefined {
    const flags = this.flagsOn(day)[u];
    if (!flags) return undefined;
    const s = this.seed;
    const p = this.population;
    const r = (low: number, high: number, ...parts: number[]) => between(low, high, s, u, day, ...parts);
    const languages = languagesOf(s, u);
    const models = modelsOf(s, u);
    const ide = ideOf(s, u, false);
    const secondIde =
      p.has(u, Trait.SecondIde) && unit(s, Salt.SecondIde, u, day) < 0.3 ? ideOf(s, u, true) : ide;
    const cells: Cell[] = [];
    const intensity = 0.5 + p.propensity[u];
    const add = (cell: Omit<Cell, 'counts'>, counts: number[]) => cells.push({ ...cell, counts });

    // Completions, in one or two languages (and maybe a second IDE).
    const completionLanguages = unit(s, 101, u, day) < 0.5 ? languages.slice(0, 2) : languages.slice(0, 1);
    for (const [i, language] of completionLanguages.entries()) {
      const gen = Math.round(r(4, 60, 1, i) * intensity);
      const acc = Math.floor(gen * (0.18 + 0.3 * unit(s, 102, u, day, i)));
      add(
        {
          ide: i === 1 ? secondIde : ide,
          feature: 'code_completion',
          language,
          model: pick(COMPLETION_MODELS, s, 103, u, day),
        },
        [0, gen, acc, gen * r(2, 5, 2, i), 0, acc * r(2, 5, 3, i), 0],
      );
    }
    const chatCell = (feature: string, salt: number, uicMax: number, genFactor: number, deletes: boolean) => {
      const uic = r(1, uicMax, salt);
      const gen = uic * r(1, genFactor, salt, 1);
      const acc = Math.floor(gen * 0.45 * unit(s, salt, u, day, 2));
      add(
        {
          ide,
          feature,
          language: pick(languages, s, salt, u, day, 3),
          model: pick(models, s, salt, u, day, 4),
        },
        [
          uic,
          gen,
          acc,
          gen * r(3, 12, salt, 5),
          deletes ? gen * r(0, 3, salt, 6) : 0,
          acc * r(3, 10, salt, 7),
          deletes ? acc * r(0, 4, salt, 8) : 0,
        ],
      );
    };
    if (flags & DayFlag.Chat) {
      chatCell('chat_panel_ask_mode', 110, 12, 2, false);
      if (unit(s, 111, u, day) < 0.25) chatCell('chat_panel_edit_mode', 112, 5, 2, true);
      if (unit(s, 119, u, day) < 0.08) chatCell('chat_panel_unknown_mode', 118, 2, 1, false);
    }
    if (flags & DayFlag.Agent) {
      chatCell('chat_panel_agent_mode', 113, 8, 4, true);
      if (day >= SINCE.planMode && unit(s, 114, u, day) < 0.3)
        chatCell('chat_panel_plan_mode', 115, 4, 1, false);
      if (unit(s, 116, u, day) < 0.1) chatCell('chat_panel_custom_mode', 117, 3, 2, true);
      const edits = r(1, 10, 120);
      add({ ide, feature: 'agent_edit', language: pick(languages, s, 121, u, day), model: models[0] }, [
        0,
        edits,
        edits,
        0,
        0,
        edits * r(5, 40, 122),
        edits * r(0, 12, 123),
      ]);
    }
    let cli: UserDay['cli'];
    if (flags & DayFlag.Cli) {
      const prompt = r(1, 20, 130);
      const request = prompt * r(2, 9, 131);
      cli = {
        session: r(1, 4, 132),
        request,
        prompt,
        output: request * r(200, 3000, 133),
        promptTokens: request * r(2000, 40_000, 134),
        version: `1.0.${Math.max(0, Math.floor((day - SINCE.enterprise) / 10) - r(0, 3, 135))}`,
        sampledAt: `${formatDay(day)}T${String(r(0, 23, 136)).padStart(2, '0')}:${String(r(0, 59, 137)).padStart(2, '0')}:00.000Z`,
      };
      // Since 2026-04-10 CLI activity is part of the top-level counters, as feature copilot_cli.
      if (day >= SINCE.cloudAgentCounts) {
        const gen = prompt + r(0, prompt, 138);
        const acc = Math.floor(gen * 0.8);
        add(
          { ide: null, feature: 'copilot_cli', language: pick(languages, s, 139, u, day), model: models[0] },
          [prompt, gen, acc, 0, 0, acc * r(5, 30, 140), acc * r(0, 8, 141)],
        );
      }
    }
    let app: UserDay['app'];
    if (flags & DayFlag.App) {
      const prompt = r(1, 6, 150);
      const request = prompt * r(2, 6, 151);
      app = {
        session: r(1, 3, 152),
        request,
        prompt,
        output: request * r(300, 2500, 153),
        promptTokens: request * r(3000, 30_000, 154),
      };
      const gen = prompt + r(0, 4, 155);
      add(
        { ide: null, feature: 'copilot_app', language: pick(languages, s, 156, u, day), model: models[1] },
        [prompt, gen, gen, gen * r(3, 9, 157), 0, gen * r(3, 9, 158), r(0, 20, 159)],
      );
    }
    const ides: UserDay['ides'] = new Map();
    for (const name of new Set(cells.filter((c) => c.ide).map((c) => c.ide!))) {
      const [version, plugin, pluginVersion] = this.ideRelease(u, day, name);
      ides.set(name, {
        version,
        plugin,
        pluginVersion,
        sampledAt: `${formatDay(day)}T0${r(0, 9, 163)}:${String(r(10, 59, 164))}:00.000Z`,
      });
    }
    const thirdParty: UserDay['thirdParty'] = [];
    if (flags & DayFlag.ThirdParty) {
      for (const [i, [id, name]] of THIRD_PARTY_AGENTS.entries()) {
        if (unit(s, 170, u, day, i) < 0.5 || (i === 0 && thirdParty.length === 0)) {
          const uic = r(1, 6, 171, i);
          thirdParty.push({ id, name, uic, sessions: r(1, uic, 172, i) });
        }
      }
    }
    let customizations: UserDay['customizations'];
    if (cli && day >= SINCE.customizations) {
      customizations = new Map();
      for (const [kind, items] of Object.entries(CUSTOMIZATION_ITEMS)) {
        const count = r(0, items.length, 180, kind.length);
        customizations.set(
          kind,
          items.slice(0, count).map((item, i) => [item, r(1, 12, 181, kind.length, i)] as [string, number]),
        );
      }
    }
    const totalUic = cells.reduce((sum, c) => sum + c.counts[C.uic], 0);
    const credits =
      day >= SINCE.aiCredits
        ? Math.round((totalUic * 0.05 + (cli?.request ?? 0) * 0.02 + (app?.request ?? 0) * 0.03) * 4) / 4
        : undefined;
    return {
      flags,
      cells,
      ides,
      cli,
      app,
      vscodeAgent:
        flags & DayFlag.VscodeAgent ? { session: r(1, 5, 190), messages: r(1, 40, 191) } : undefined,
      thirdParty,
      customizations,
      credits,
      phase: day >= SINCE.adoptionPhase ? this.phaseOf(u) : undefined,
    };
  }

  /** The release of an IDE a user runs on a day, and of its Copilot extension: upgrades follow the calendar. */
  ideRelease(
    u: number,
    day: DayNumber,
    name: string,
  ): [version: string, plugin: string, pluginVersion: string] {
    const r = (low: number, high: number, ...parts: number[]) =>
      between(low, high, this.seed, u, day, ...parts);
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

  /**
   * The client of a user's activity on an active day, as the seats API writes last_activity_editor: their
   * main IDE, which every active day's completions use.
   */
  editorOn(u: number, day: DayNumber): string {
    const name = ideOf(this.seed, u, false);
    return [name, ...this.ideRelease(u, day, name)].join('/');
  }

  /** AI adoption phase (0 no cohort, 1 code first, 2 agent first, 3 multi-agent), stable per user. */
  phaseOf(u: number): number {
    const p = this.population;
    if (p.propensity[u] < 0.3) return 0;
    const agents =
      (p.has(u, Trait.Cli) ? 1 : 0) +
      (p.has(u, Trait.CloudAgent) ? 1 : 0) +
      (p.has(u, Trait.ReviewActive) ? 1 : 0);
    if (p.has(u, Trait.App) || agents >= 2) return 3;
    return agents === 1 ? 2 : 1;
  }

  /** One line of users-1-day, or undefined when the user had no activity that day. */
  userRecord(u: number, day: DayNumber, scope: SimScope): JsonObject | undefined {
    const ud = this.userDay(u, day);
    if (!ud) return undefined;
    const p = this.population;
    const breakdowns = new Breakdowns();
    for (const cell of ud.cells) breakdowns.add(cell);
    const figures = breakdowns.json();
    figures.totals_by_ide = (figures.totals_by_ide as JsonObject[]).map((entry) => {
      const ide = ud.ides.get(entry.ide as string)!;
      return {
        ...entry,
        last_known_ide_version: { ide_version: ide.version, sampled_at: ide.sampledAt },
        last_known_plugin_version: {
          plugin: ide.plugin,
          plugin_version: ide.pluginVersion,
          sampled_at: ide.sampledAt,
        },
      };
    });
    const record: JsonObject = {
      user_id: p.userId(u),
      user_login: p.userLogin(u),
      day: formatDay(day),
      ...this.entityIds(scope),
      ...figures,
      used_chat: (ud.flags & DayFlag.Chat) !== 0,
      used_agent: (ud.flags & DayFlag.Agent) !== 0,
      used_cli: (ud.flags & DayFlag.Cli) !== 0,
      used_copilot_code_review_active: (ud.flags & DayFlag.ReviewActive) !== 0,
      used_copilot_code_review_passive:
        (ud.flags & DayFlag.ReviewPassive) !== 0 && (ud.flags & DayFlag.ReviewActive) === 0,
      used_copilot_coding_agent: (ud.flags & DayFlag.CloudAgent) !== 0,
    };
    if (day >= SINCE.cloudAgentFlag) record.used_copilot_cloud_agent = (ud.flags & DayFlag.CloudAgent) !== 0;
    if (day >= SINCE.copilotApp) record.used_copilot_app = (ud.flags & DayFlag.App) !== 0;
    if (day >= SINCE.vscodeAgent) record.used_vscode_agent = (ud.flags & DayFlag.VscodeAgent) !== 0;
    if (ud.cli) {
      record.totals_by_cli = {
        ...surfaceJson(ud.cli),
        last_known_cli_version: { cli_version: ud.cli.version, sampled_at: ud.cli.sampledAt },
      };
    }
    if (ud.app) record.totals_by_copilot_app = surfaceJson(ud.app);
    if (ud.vscodeAgent)
      record.totals_by_vscode_agent = {
        session_count: ud.vscodeAgent.session,
        total_user_messages: ud.vscodeAgent.messages,
      };
    if (ud.thirdParty.length) {
      record.totals_by_3rd_party_agent = ud.thirdParty.map((a) => ({
        agent_id: a.id,
        agent_name: a.name,
        user_initiated_interaction_count: a.uic,
      }));
    }
    if (ud.customizations) Object.assign(record, customizationJson(ud.customizations));
    if (ud.credits !== undefined) record.ai_credits_used = ud.credits;
    if (ud.phase !== undefined)
      record.ai_adoption_phase = { phase: `Phase ${ud.phase}`, phase_number: ud.phase, version: 'v1' };
    return record;
  }

  private entityIds(scope: SimScope): JsonObject {
    const enterprise_id = this.population.enterprise.id;
    return scope.kind === 'enterprise' ? { enterprise_id } : { organization_id: scope.org.id, enterprise_id };
  }

  /** The scope's aggregate record for a day: the sum of its users' records plus the window counts. */
  aggregateRecord(scope: SimScope, day: DayNumber): JsonObject {
    const key = `${scope.kind === 'enterprise' ? 'e' : scope.org.index}:${day}`;
    const cached = this.aggregateCache.get(key);
    if (cached) return cached;
    const record = this.buildAggregate(scope, day);
    if (this.aggregateCache.size >= 256) this.aggregateCache.delete(this.aggregateCache.keys().next().value!);
    this.aggregateCache.set(key, record);
    return record;
  }

  private buildAggregate(scope: SimScope, day: DayNumber): JsonObject {
    const members = this.members(scope);
    const breakdowns = new Breakdowns();
    const cli = { session: 0, request: 0, prompt: 0, output: 0, promptTokens: 0, users: 0 };
    const app = { session: 0, request: 0, prompt: 0, output: 0, promptTokens: 0, users: 0 };
    const vscode = { session: 0, messages: 0, users: 0 };
    const agents = new Map<string, { name: string; uic: number; sessions: number }>();
    const custom = new Map<string, Map<string, number>>();
    const phaseToday = new Map<number, { users: number; sums: number[] }>();
    let dau = 0;
    const windows = this.windowCounts(members, day);

    for (const u of members) {
      const ud = this.userDay(u, day);
      if (!ud) continue;
      dau++;
      for (const cell of ud.cells) breakdowns.add(cell);
      if (ud.cli) addSurface(cli, ud.cli);
      if (ud.app) addSurface(app, ud.app);
      if (ud.vscodeAgent) {
        vscode.session += ud.vscodeAgent.session;
        vscode.messages += ud.vscodeAgent.messages;
        vscode.users++;
      }
      for (const a of ud.thirdParty) {
        const total = agents.get(a.id) ?? { name: a.name, uic: 0, sessions: 0 };
        total.uic += a.uic;
        total.sessions += a.sessions;
        agents.set(a.id, total);
      }
      for (const [kind, items] of ud.customizations ?? []) {
        const totals = custom.get(kind) ?? new Map<string, number>();
        for (const [item, count] of items) totals.set(item, (totals.get(item) ?? 0) + count);
        custom.set(kind, totals);
      }
      if (ud.phase !== undefined) {
        const sums = sumCells(ud.cells);
        const entry = phaseToday.get(ud.phase) ?? { users: 0, sums: [0, 0, 0, 0, 0] };
        entry.users++;
        [
          sums.user_initiated_interaction_count,
          sums.code_generation_activity_count,
          sums.code_acceptance_activity_count,
          sums.loc_added_sum,
          sums.loc_deleted_sum,
        ].forEach((value, i) => (entry.sums[i] += value as number));
        phaseToday.set(ud.phase, entry);
      }
    }

    const record: JsonObject = {
      day: formatDay(day),
      ...this.entityIds(scope),
      daily_active_users: dau,
      weekly_active_users: windows.weekly,
      monthly_active_users: windows.monthly,
      monthly_active_chat_users: windows.monthlyChat,
      monthly_active_agent_users: windows.monthlyAgent,
      ...breakdowns.json(),
      daily_active_copilot_code_review_users: windows.dailyReviewActive,
      weekly_active_copilot_code_review_users: windows.weeklyReviewActive,
      monthly_active_copilot_code_review_users: windows.monthlyReviewActive,
      daily_passive_copilot_code_review_users: windows.dailyReviewPassive,
      weekly_passive_copilot_code_review_users: windows.weeklyReviewPassive,
      monthly_passive_copilot_code_review_users: windows.monthlyReviewPassive,
    };
    if (cli.users > 0) {
      record.daily_active_cli_users = cli.users;
      record.totals_by_cli = surfaceJson(cli);
    }
    if (day >= SINCE.cloudAgentCounts) {
      record.daily_active_copilot_cloud_agent_users = windows.dailyCloudAgent;
      record.weekly_active_copilot_cloud_agent_users = windows.weeklyCloudAgent;
      record.monthly_active_copilot_cloud_agent_users = windows.monthlyCloudAgent;
    }
    if (day >= SINCE.copilotApp) {
      record.daily_active_copilot_app_users = app.users;
      if (app.users > 0) record.totals_by_copilot_app = surfaceJson(app);
    }
    if (day >= SINCE.vscodeAgent) {
      record.daily_active_vscode_agent_users = vscode.users;
      if (vscode.users > 0)
        record.totals_by_vscode_agent = {
          session_count: vscode.session,
          total_user_messages: vscode.messages,
        };
    }
    if (agents.size) {
      record.totals_by_3rd_party_agent = [...agents].map(([id, a]) => ({
        agent_id: id,
        agent_name: a.name,
        user_initiated_interaction_count: a.uic,
        session_count: a.sessions,
      }));
    }
    if (day >= SINCE.customizations) {
      const lists = new Map<string, [string, number][]>();
      for (const kind of Object.keys(CUSTOMIZATION_ITEMS)) lists.set(kind, [...(custom.get(kind) ?? [])]);
      Object.assign(record, customizationJson(lists));
    }
    const pullRequests = this.scopePullRequests(scope, day);
    if (pullRequests) Object.assign(record, pullRequests);
    if (day >= SINCE.adoptionPhase)
      record.totals_by_ai_adoption_phase = this.adoptionPhases(members, day, phaseToday);
    return record;
  }

  /** Distinct users over trailing windows, from the cheap day flags (no records generated). */
  private windowCounts(members: readonly number[], day: DayNumber) {
    const windowFlags = Array.from({ length: 28 }, (_, i) => this.flagsOn(day - i));
    const counts = {
      weekly: 0,
      monthly: 0,
      monthlyChat: 0,
      monthlyAgent: 0,
      dailyReviewActive: 0,
      weeklyReviewActive: 0,
      monthlyReviewActive: 0,
      dailyReviewPassive: 0,
      weeklyReviewPassive: 0,
      monthlyReviewPassive: 0,
      dailyCloudAgent: 0,
      weeklyCloudAgent: 0,
      monthlyCloudAgent: 0,
      engaged: new Map<number, number>(),
    };
    for (const u of members) {
      let week = 0;
      let month = 0;
      let activeDays = 0;
      for (let i = 0; i < 28; i++) {
        const f = windowFlags[i][u];
        if (i < 7) week |= f;
        month |= f;
        if (f) activeDays++;
      }
      const today = windowFlags[0][u];
      if (week) counts.weekly++;
      if (month) counts.monthly++;
      if (month & DayFlag.Chat) counts.monthlyChat++;
      if (month & DayFlag.Agent) counts.monthlyAgent++;
      // Active review wins over passive (GitHub counts a user once, as active, if both apply).
      const review = (flags: number, active: boolean) =>
        active
          ? (flags & DayFlag.ReviewActive) !== 0
          : (flags & DayFlag.ReviewPassive) !== 0 && !(flags & DayFlag.ReviewActive);
      if (review(today, true)) counts.dailyReviewActive++;
      if (review(week, true)) counts.weeklyReviewActive++;
      if (review(month, true)) counts.monthlyReviewActive++;
      if (review(today, false)) counts.dailyReviewPassive++;
      if (review(week, false)) counts.weeklyReviewPassive++;
      if (review(month, false)) counts.monthlyReviewPassive++;
      if (today & DayFlag.CloudAgent) counts.dailyCloudAgent++;
      if (week & DayFlag.CloudAgent) counts.weeklyCloudAgent++;
      if (month & DayFlag.CloudAgent) counts.monthlyCloudAgent++;
      if (activeDays >= 2) {
        const phase = this.phaseOf(u);
        counts.engaged.set(phase, (counts.engaged.get(phase) ?? 0) + 1);
      }
    }
    return counts;
  }

  private adoptionPhases(
    members: readonly number[],
    day: DayNumber,
    today: Map<number, { users: number; sums: number[] }>,
  ): JsonObject[] {
    const engaged = this.windowCounts(members, day).engaged;
    return [0, 1, 2, 3]
      .filter((phase) => engaged.get(phase))
      .map((phase) => {
        const t = today.get(phase);
        const avg = (i: number) => (t && t.users ? round2(t.sums[i] / t.users) : 0);
        const r = (low: number, high: number, salt: number) =>
          between(low, high, this.seed, 200, phase, day, salt);
        return {
          phase: `Phase ${phase}`,
          phase_number: phase,
          total_engaged_users: engaged.get(phase)!,
          avg_user_initiated_interactions: avg(0),
          avg_code_generation_activities: avg(1),
          avg_code_acceptance_activities: avg(2),
          avg_loc_added: avg(3),
          avg_loc_deleted: avg(4),
          avg_pull_requests_created: round2(r(0, 300, 1) / 100 + phase * 0.4),
          avg_pull_requests_reviewed: round2(r(0, 300, 2) / 100 + phase * 0.3),
          avg_pull_requests_merged: round2(r(0, 200, 3) / 100 + phase * 0.3),
          avg_pull_requests_median_minutes_to_merge: round2(r(600, 4000, 4) / (phase + 1)),
          total_pull_requests_merged: r(0, 20, 5) * (phase + 1),
        };
      });
  }

  // ---- repositories and pull requests ----

  repos(scope: SimScope): Repo[] {
    return scope.kind === 'enterprise' ? this.population.orgs.flatMap((org) => org.repos) : scope.org.repos;
  }

  /** A repos-1-day line, or undefined when the repository had no pull-request activity. */
  repoRecord(repo: Repo, day: DayNumber): JsonObject | undefined {
    const pr = this.repoPullRequests(repo, day);
    if (!pr) return undefined;
    return {
      day: formatDay(day),
      enterprise_id: this.population.enterprise.id,
      organization_id: this.population.orgs[repo.orgIndex].id,
      repo_id: repo.id,
      repo_owner_name: repo.owner,
      repo_name: repo.name,
      repo_visibility: repo.visibility,
      ...pr,
    };
  }

  private repoPullRequests(repo: Repo, day: DayNumber): JsonObject | undefined {
    const weekend = isoWeekday(day) >= 5;
    if (unit(this.seed, Salt.Repo, repo.id, day) >= (weekend ? 0.05 : 0.45)) return undefined;
    const r = (low: number, high: number, salt: number) =>
      between(low, high, this.seed, Salt.Repo, repo.id, day, salt);
    const created = r(0, 6, 1);
    const reviewed = r(0, created + 2, 2);
    const merged = r(0, reviewed + 1, 3);
    const createdByCopilot = r(0, Math.min(2, created), 4);
    const reviewedByCopilot = r(0, reviewed, 5);
    const copilotSuggestions = reviewedByCopilot * r(0, 4, 6);
    const copilotApplied = r(0, copilotSuggestions, 7);
    const suggestions = copilotSuggestions + r(0, 6, 8);
    const pullRequests: JsonObject = {
      total_created: created,
      total_reviewed: reviewed,
      total_merged: merged,
      total_suggestions: suggestions,
      total_applied_suggestions: copilotApplied + r(0, suggestions - copilotSuggestions, 9),
      total_created_by_copilot: createdByCopilot,
      total_reviewed_by_copilot: reviewedByCopilot,
      total_merged_created_by_copilot: Math.min(merged, createdByCopilot),
      total_merged_reviewed_by_copilot: Math.min(merged, reviewedByCopilot),
      total_copilot_suggestions: copilotSuggestions,
      total_copilot_applied_suggestions: copilotApplied,
    };
    if (merged > 0) {
      pullRequests.median_minutes_to_merge = round2(r(3000, 400_000, 10) / 100);
      if (Math.min(merged, createdByCopilot) > 0)
        pullRequests.median_minutes_to_merge_copilot_authored = round2(r(2000, 300_000, 11) / 100);
      if (Math.min(merged, reviewedByCopilot) > 0)
        pullRequests.median_minutes_to_merge_copilot_reviewed = round2(r(2000, 300_000, 12) / 100);
    }
    if (day >= SINCE.commentTypes) {
      pullRequests.copilot_suggestions_by_comment_type = splitCommentTypes(
        copilotSuggestions,
        copilotApplied,
        (salt) => r(0, 100, 20 + salt),
      );
    }
    const result: JsonObject = { pull_requests: pullRequests };
    if (day >= SINCE.reviewTimes) {
      result.pull_request_review_times =
        merged > 0 ? [reviewTimes(merged, (low, high, salt) => r(low, high, 30 + salt))] : [];
    }
    return result;
  }

  /** Aggregate pull_requests: counters summed over the scope's repositories; medians are the scope's own. */
  private scopePullRequests(scope: SimScope, day: DayNumber): JsonObject | undefined {
    const prStart = scope.kind === 'enterprise' ? SINCE.enterprise + 132 : SINCE.organization + 75; // 2026-02-19 / 2026-02-25
    if (day < prStart) return undefined;
    const totals = new Map<string, number>();
    const comments = new Map<string, [number, number]>();
    let merged = 0;
    for (const repo of this.repos(scope)) {
      const pr = this.repoPullRequests(repo, day);
      if (!pr) continue;
      const p = pr.pull_requests as JsonObject;
      for (const [key, value] of Object.entries(p)) {
        if (key.startsWith('total_')) totals.set(key, (totals.get(key) ?? 0) + (value as number));
      }
      for (const entry of (p.copilot_suggestions_by_comment_type as JsonObject[] | undefined) ?? []) {
        const sum = comments.get(entry.comment_type as string) ?? [0, 0];
        sum[0] += entry.total_copilot_suggestions as number;
        sum[1] += entry.total_copilot_applied_suggestions as number;
        comments.set(entry.comment_type as string, sum);
      }
      merged += p.total_merged as number;
    }
    const r = (low: number, high: number, salt: number) =>
      between(low, high, this.seed, 300, scope.kind === 'enterprise' ? -1 : scope.org.index, day, salt);
    const pullRequests: JsonObject = Object.fromEntries(
      PULL_REQUEST_COUNTERS.map((k) => [k, totals.get(k) ?? 0]),
    );
    if (merged > 0) {
      pullRequests.median_minutes_to_merge = round2(r(6000, 300_000, 1) / 100);
      if ((pullRequests.total_merged_created_by_copilot as number) > 0)
        pullRequests.median_minutes_to_merge_copilot_authored = round2(r(4000, 200_000, 2) / 100);
      if ((pullRequests.total_merged_reviewed_by_copilot as number) > 0)
        pullRequests.median_minutes_to_merge_copilot_reviewed = round2(r(4000, 200_000, 3) / 100);
    }
    if (day >= SINCE.commentTypes) {
      pullRequests.copilot_suggestions_by_comment_type = [...comments].map(([comment_type, [s, a]]) => ({
        comment_type,
        total_copilot_suggestions: s,
        total_copilot_applied_suggestions: a,
      }));
    }
    const result: JsonObject = { pull_requests: pullRequests };
    if (day >= SINCE.reviewTimes)
      result.pull_request_review_times =
        merged > 0 ? [reviewTimes(merged, (low, high, salt) => r(low, high, 10 + salt))] : [];
    return result;
  }

  // ---- teams ----

  /** user-teams-1-day lines: membership that day, for teams of 5 or more members. */
  *teamRecords(scope: SimScope, day: DayNumber): Generator<JsonObject> {
    const p = this.population;
    const byTeam = new Map<number, number[]>();
    for (const u of this.members(scope)) {
      const org = p.primaryOrg[u];
      if (scope.kind === 'organization' && org !== scope.org.index) continue;
      for (const team of p.teamsOn(u, day)) {
        const list = byTeam.get(team) ?? [];
        list.push(u);
        byTeam.set(team, list);
      }
    }
    for (const [teamId, users] of [...byTeam].sort((a, b) => a[0] - b[0])) {
      if (users.length < 5) continue;
      const team = p.team(teamId);
      for (const u of users) {
        yield {
          user_id: p.userId(u),
          user_login: p.userLogin(u),
          day: formatDay(day),
          ...this.entityIds(
            scope.kind === 'enterprise' ? scope : { kind: 'organization', org: p.orgs[team.orgIndex] },
          ),
          team_id: teamId,
          slug: team.slug,
        };
      }
    }
  }
}

function sumCells(cells: readonly Cell[]): Record<string, number> {
  const totals = [0, 0, 0, 0, 0, 0, 0];
  for (const cell of cells) for (let i = 0; i < 7; i++) totals[i] += cell.counts[i];
  return Object.fromEntries(COUNTER_NAMES.map((name, i) => [name, totals[i]]));
}

/**
 * Sums activity cells into the top-level counters and every breakdown as they arrive, so an aggregate
 * over 100,000 users never holds their cells. Model tables cover chat and agent, not completions (§3.4);
 * the language tables carry no interaction count.
 */
class Breakdowns {
  private readonly totals = [0, 0, 0, 0, 0, 0, 0];
  private readonly groups = {
    totals_by_ide: new Map<string, { keys: [string, string][]; totals: number[] }>(),
    totals_by_feature: new Map<string, { keys: [string, string][]; totals: number[] }>(),
    totals_by_language_feature: new Map<string, { keys: [string, string][]; totals: number[] }>(),
    totals_by_language_model: new Map<string, { keys: [string, string][]; totals: number[] }>(),
    totals_by_model_feature: new Map<string, { keys: [string, string][]; totals: number[] }>(),
  };

  add(cell: Cell): void {
    for (let i = 0; i < 7; i++) this.totals[i] += cell.counts[i];
    if (cell.ide) this.into('totals_by_ide', [['ide', cell.ide]], cell);
    this.into('totals_by_feature', [['feature', cell.feature]], cell);
    this.into(
      'totals_by_language_feature',
      [
        ['language', cell.language],
        ['feature', cell.feature],
      ],
      cell,
    );
    if (cell.feature !== 'code_completion') {
      this.into(
        'totals_by_language_model',
        [
          ['language', cell.language],
          ['model', cell.model],
        ],
        cell,
      );
      this.into(
        'totals_by_model_feature',
        [
          ['model', cell.model],
          ['feature', cell.feature],
        ],
        cell,
      );
    }
  }

  private into(table: keyof Breakdowns['groups'], keys: [string, string][], cell: Cell): void {
    const id = keys.map(([, v]) => v).join('\u0000');
    let group = this.groups[table].get(id);
    if (!group) this.groups[table].set(id, (group = { keys, totals: [0, 0, 0, 0, 0, 0, 0] }));
    for (let i = 0; i < 7; i++) group.totals[i] += cell.counts[i];
  }

  counters(): Record<string, number> {
    return Object.fromEntries(COUNTER_NAMES.map((name, i) => [name, this.totals[i]]));
  }

  json(): JsonObject {
    const entries = (table: keyof Breakdowns['groups'], withInteractions: boolean) =>
      [...this.groups[table].values()].map(({ keys, totals }) => ({
        ...Object.fromEntries(keys),
        ...Object.fromEntries(
          COUNTER_NAMES.map((name, i) => [name, totals[i]]).slice(withInteractions ? 0 : 1),
        ),
      }));
    return {
      ...this.counters(),
      totals_by_ide: entries('totals_by_ide', true),
      totals_by_feature: entries('totals_by_feature', true),
      totals_by_language_feature: entries('totals_by_language_feature', false),
      totals_by_language_model: entries('totals_by_language_model', false),
      totals_by_model_feature: entries('totals_by_model_feature', true),
    };
  }
}

function addSurface(total: Surface & { users: number }, surface: Surface): void {
  total.session += surface.session;
  total.request += surface.request;
  total.prompt += surface.prompt;
  total.output += surface.output;
  total.promptTokens += surface.promptTokens;
  total.users++;
}

function surfaceJson(surface: Surface): JsonObject {
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

/** Top 5 per kind, plus the distinct count that includes items outside the top 5 (§3.5). */
function customizationJson(lists: Map<string, [string, number][]>): JsonObject {
  const record: JsonObject = {};
  for (const [kind, items] of lists) {
    const top = [...items].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
    record[`totals_by_${kind}`] = top.map(([name, count]) => ({ [kind]: name, interaction_count: count }));
    record[`distinct_${kind}_use_count`] = items.length;
  }
  return record;
}

const COMMENT_TYPES = ['security', 'bug_risk', 'performance', 'readability', 'maintainability'];

function splitCommentTypes(
  suggestions: number,
  applied: number,
  random: (salt: number) => number,
): JsonObject[] {
  const out: JsonObject[] = [];
  let leftS = suggestions;
  let leftA = applied;
  for (const [i, comment_type] of COMMENT_TYPES.entries()) {
    if (leftS === 0) break;
    const last = i === COMMENT_TYPES.length - 1;
    const s = last ? leftS : Math.min(leftS, Math.round((leftS * random(i)) / 100));
    const a = last ? leftA : Math.min(leftA, s);
    if (s === 0 && a === 0) continue;
    out.push({ comment_type, total_copilot_suggestions: s, total_copilot_applied_suggestions: a });
    leftS -= s;
    leftA -= a;
  }
  return out;
}

function reviewTimes(merged: number, r: (low: number, high: number, salt: number) => number): JsonObject {
  const single = r(0, 3, 0) === 0;
  const first = r(10, 2000, 1);
  const between_ = single ? 0 : r(5, 3000, 2);
  const toMerge = r(5, 1500, 3);
  return {
    authored_by: 'human',
    reviewed_by: 'human',
    total_merged: merged,
    median_minutes_ready_to_first_review: first,
    p90_minutes_ready_to_first_review: first * r(2, 5, 4),
    median_minutes_first_to_final_review: between_,
    p90_minutes_first_to_final_review: between_ * r(2, 4, 5),
    median_minutes_final_review_to_merge: toMerge,
    p90_minutes_final_review_to_merge: toMerge * r(2, 6, 6),
  };
}
