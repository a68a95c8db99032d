/** Copilot seat assignments of an organization, consistent with the usage data. */
import { type DayNumber, formatDay } from '../../days';
import type { JsonObject } from '../../reports/types';
import { type Population, ideOf } from '../model';
import { hash, unit } from '../random';
import { ideRelease } from './activity';
import type { Plan } from './billing/catalog';

/** The users holding a seat in the organization today, in member order. */
export function seatHolders(p: Population, orgIndex: number, today: DayNumber): number[] {
  return p.orgs[orgIndex].members.filter((u) => p.hasSeat(u, orgIndex, today));
}

/** A user's Copilot plan, the same in every organization that licenses them: 70% Business. */
export function planOf(p: Population, u: number): Plan {
  return unit(p.seed, 403, u) < 0.7 ? 'business' : 'enterprise';
}

/**
 * One seat: last activity is the user's last active day within GitHub's 90-day retention, with the IDE
 * (or CLI) they used that day; never-users and people who stopped using Copilot keep their seat.
 */
export function seatRecord(p: Population, u: number, orgIndex: number, today: DayNumber): JsonObject {
  let lastActive: DayNumber | undefined;
  for (let day = today - 1; day >= today - 90; day--) {
    if (p.isActive(u, day)) {
      lastActive = day;
      break;
    }
  }
  const teamId = p.primaryOrg[u] === orgIndex ? p.teamsOn(u, today)[0] : undefined;
  const viaTeam = teamId !== undefined && unit(p.seed, 400, u) < 0.4;
  return {
    created_at: `${formatDay(p.seatDay[u])}T09:00:00Z`,
    updated_at: `${formatDay(today - 1)}T09:00:00Z`,
    pending_cancellation_date: unit(p.seed, 401, u) < 0.04 ? formatDay(today + 20) : null,
    last_activity_at:
      lastActive === undefined
        ? null
        : `${formatDay(lastActive)}T${String(8 + (hash(p.seed, 402, u) % 10)).padStart(2, '0')}:15:00Z`,
    last_activity_editor: lastActive === undefined ? null : editorOn(p.seed, u, lastActive),
    plan_type: planOf(p, u),
    assignee: { login: p.userLogin(u), id: p.userId(u), type: 'User' },
    assigning_team: viaTeam ? { id: teamId, slug: p.team(teamId!).slug, name: p.team(teamId!).slug } : null,
  };
}

/**
 * The client of a user's activity on an active day, as the seats API writes last_activity_editor: their
 * main IDE, which every active day's completions use.
 */
export function editorOn(seed: number, u: number, day: DayNumber): string {
  const name = ideOf(seed, u, false);
  return [name, ...ideRelease(seed, u, day, name)].join('/');
}
