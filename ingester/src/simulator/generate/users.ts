/** users-1-day and users-28-day lines: one user's day, as GitHub writes it. */
import { type DayNumber, formatDay } from '../../days';
import { USED_FLAGS } from '../../reports/schema';
import type { JsonObject } from '../../reports/types';
import { type Population, SINCE } from '../model';
import { type Activity, DayFlag, type UserDay, reviewedPassively } from './activity';
import { Breakdowns, customizationJson, surfaceJson } from './breakdowns';
import { type SimScope, entityIds } from './scope';

/** When GitHub started sending each used_* flag, and what sets it. */
const USED: Record<(typeof USED_FLAGS)[number], { since?: DayNumber; used: (flags: number) => boolean }> = {
  used_chat: { used: (f) => (f & DayFlag.Chat) !== 0 },
  used_agent: { used: (f) => (f & DayFlag.Agent) !== 0 },
  used_cli: { used: (f) => (f & DayFlag.Cli) !== 0 },
  used_copilot_code_review_active: { used: (f) => (f & DayFlag.ReviewActive) !== 0 },
  used_copilot_code_review_passive: { used: reviewedPassively },
  used_copilot_coding_agent: { used: (f) => (f & DayFlag.CloudAgent) !== 0 },
  used_copilot_cloud_agent: { since: SINCE.cloudAgentFlag, used: (f) => (f & DayFlag.CloudAgent) !== 0 },
  used_copilot_app: { since: SINCE.copilotApp, used: (f) => (f & DayFlag.App) !== 0 },
  used_vscode_agent: { since: SINCE.vscodeAgent, used: (f) => (f & DayFlag.VscodeAgent) !== 0 },
};

/** One line of users-1-day, or undefined when the user had no activity that day. */
export function userRecord(
  activity: Activity,
  u: number,
  day: DayNumber,
  scope: SimScope,
): JsonObject | undefined {
  const body = userRecordBody(activity, u, day);
  return body && { ...userRecordHead(activity.population, u, day, scope), ...body };
}

/** The fields that name the user, the day and the scope: the record's first keys. */
export function userRecordHead(p: Population, u: number, day: DayNumber, scope: SimScope): JsonObject {
  return { user_id: p.userId(u), user_login: p.userLogin(u), day: formatDay(day), ...entityIds(p, scope) };
}

/** What the user did that day, the same in every scope's report: the record after its head. */
export function userRecordBody(activity: Activity, u: number, day: DayNumber): JsonObject | undefined {
  const ud = activity.userDay(u, day);
  if (!ud) return undefined;
  const record = ideFigures(ud);
  for (const flag of USED_FLAGS) {
    const { since = 0, used } = USED[flag];
    if (day >= since) record[flag] = used(ud.flags);
  }
  return Object.assign(record, surfaces(ud));
}

/** Counters and breakdowns, with each IDE's last known version and Copilot extension. */
function ideFigures(ud: UserDay): JsonObject {
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
  return figures;
}

/** What the user did outside the IDE, and the day's credits and adoption phase. */
function surfaces(ud: UserDay): JsonObject {
  const record: JsonObject = {};
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
