/**
 * enterprise-1-day and organization-1-day: the scope's aggregate record for a day, the sum of its users'
 * records plus the active-user windows, pull requests and adoption phases.
 */
import { type ADOPTION_PHASE_AVERAGES, CUSTOMIZATION_KINDS } from '@copilot-metrics/contract';
import { type DayNumber, formatDay } from '../../days';
import type { JsonObject } from '../../reports/types';
import { SINCE } from '../model';
import { between } from '../random';
import { type Activity, COUNTERS, type UserDay } from './activity';
import { type ActiveUsers, activeUsers } from './activeUsers';
import {
  Breakdowns,
  addSurface,
  counterTotals,
  customizationJson,
  emptySurface,
  surfaceJson,
} from './breakdowns';
import { scopePullRequests } from './pullRequests';
import { type SimScope, entityIds, membersOf } from './scope';
import { round2 } from './twoDecimals';

/** The adoption-phase averages that are per-user means of a counter (docs.github.com/copilot/reference/copilot-usage-metrics/example-schema). */
const PHASE_MEANS = [
  ['avg_user_initiated_interactions', 'user_initiated_interaction_count'],
  ['avg_code_generation_activities', 'code_generation_activity_count'],
  ['avg_code_acceptance_activities', 'code_acceptance_activity_count'],
  ['avg_loc_added', 'loc_added_sum'],
  ['avg_loc_deleted', 'loc_deleted_sum'],
] as const satisfies readonly (readonly [
  (typeof ADOPTION_PHASE_AVERAGES)[number],
  (typeof COUNTERS)[number],
])[];

/** The scope's user-days, summed as they stream by, so that no user's record is kept. */
class ScopeDay {
  dau = 0;
  readonly breakdowns = new Breakdowns();
  readonly cli = emptySurface();
  readonly app = emptySurface();
  readonly vscode = { session: 0, messages: 0, users: 0 };
  readonly agents = new Map<string, { name: string; uic: number; sessions: number }>();
  readonly customizations = new Map<string, Map<string, number>>();
  /** Users active today per adoption phase, and their counters. */
  readonly phases = new Map<number, { users: number; sums: Record<string, number> }>();

  add(ud: UserDay): void {
    this.dau++;
    for (const cell of ud.cells) this.breakdowns.add(cell);
    if (ud.cli) addSurface(this.cli, ud.cli);
    if (ud.app) addSurface(this.app, ud.app);
    if (ud.vscodeAgent) {
      this.vscode.session += ud.vscodeAgent.session;
      this.vscode.messages += ud.vscodeAgent.messages;
      this.vscode.users++;
    }
    for (const a of ud.thirdParty) {
      const total = this.agents.get(a.id) ?? { name: a.name, uic: 0, sessions: 0 };
      total.uic += a.uic;
      total.sessions += a.sessions;
      this.agents.set(a.id, total);
    }
    for (const [kind, items] of ud.customizations ?? []) {
      const totals = this.customizations.get(kind) ?? new Map<string, number>();
      for (const [item, count] of items) totals.set(item, (totals.get(item) ?? 0) + count);
      this.customizations.set(kind, totals);
    }
    if (ud.phase !== undefined) {
      const entry = this.phases.get(ud.phase) ?? { users: 0, sums: {} };
      entry.users++;
      for (const [name, value] of Object.entries(counterTotals(ud.cells)))
        entry.sums[name] = (entry.sums[name] ?? 0) + value;
      this.phases.set(ud.phase, entry);
    }
  }
}

/** The scope's aggregate record for a day. */
export function aggregateRecord(activity: Activity, scope: SimScope, day: DayNumber): JsonObject {
  const p = activity.population;
  const members = membersOf(p, scope);
  const windows = activeUsers(activity, members, day);
  const sums = new ScopeDay();
  for (const u of members) {
    const ud = activity.userDay(u, day);
    if (ud) sums.add(ud);
  }
  const record: JsonObject = {
    day: formatDay(day),
    ...entityIds(p, scope),
    daily_active_users: sums.dau,
    weekly_active_users: windows.weekly,
    monthly_active_users: windows.monthly,
    monthly_active_chat_users: windows.monthlyChat,
    monthly_active_agent_users: windows.monthlyAgent,
    ...sums.breakdowns.json(),
    daily_active_copilot_code_review_users: windows.dailyReviewActive,
    weekly_active_copilot_code_review_users: windows.weeklyReviewActive,
    monthly_active_copilot_code_review_users: windows.monthlyReviewActive,
    daily_passive_copilot_code_review_users: windows.dailyReviewPassive,
    weekly_passive_copilot_code_review_users: windows.weeklyReviewPassive,
    monthly_passive_copilot_code_review_users: windows.monthlyReviewPassive,
  };
  Object.assign(record, surfaces(sums, windows, day));
  const pullRequests = scopePullRequests(p, scope, day);
  if (pullRequests) Object.assign(record, pullRequests);
  if (day >= SINCE.adoptionPhase)
    record.totals_by_ai_adoption_phase = adoptionPhases(p.seed, day, windows.engaged, sums.phases);
  return record;
}

/** CLI, cloud agent, Copilot app, VS Code agent, third-party agents and customizations, as GitHub added them. */
function surfaces(
  { cli, app, vscode, agents, customizations }: ScopeDay,
  windows: ActiveUsers,
  day: DayNumber,
): JsonObject {
  const record: JsonObject = {};
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
      record.totals_by_vscode_agent = { session_count: vscode.session, total_user_messages: vscode.messages };
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
    for (const kind of CUSTOMIZATION_KINDS) lists.set(kind, [...(customizations.get(kind) ?? [])]);
    Object.assign(record, customizationJson(lists));
  }
  return record;
}

/** totals_by_ai_adoption_phase: engaged users per phase, today's per-user means, and pull-request figures. */
function adoptionPhases(
  seed: number,
  day: DayNumber,
  engaged: ReadonlyMap<number, number>,
  today: ScopeDay['phases'],
): JsonObject[] {
  return [0, 1, 2, 3]
    .filter((phase) => engaged.get(phase))
    .map((phase) => {
      const t = today.get(phase);
      const means = PHASE_MEANS.map(([avg, counter]) => [
        avg,
        t && t.users ? round2(t.sums[counter] / t.users) : 0,
      ]);
      const r = (low: number, high: number, salt: number) => between(low, high, seed, 200, phase, day, salt);
      return {
        phase: `Phase ${phase}`,
        phase_number: phase,
        total_engaged_users: engaged.get(phase)!,
        ...Object.fromEntries(means),
        avg_pull_requests_created: round2(r(0, 300, 1) / 100 + phase * 0.4),
        avg_pull_requests_reviewed: round2(r(0, 300, 2) / 100 + phase * 0.3),
        avg_pull_requests_merged: round2(r(0, 200, 3) / 100 + phase * 0.3),
        avg_pull_requests_median_minutes_to_merge: round2(r(600, 4000, 4) / (phase + 1)),
        total_pull_requests_merged: r(0, 20, 5) * (phase + 1),
      };
    });
}
