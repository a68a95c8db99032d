/** user-teams-1-day lines: who belonged to which team that day. */
import { type DayNumber, formatDay } from '../../days';
import type { JsonObject } from '../../reports/types';
import type { Population } from '../model';
import { type SimScope, entityIds, membersOf } from './scope';

/** GitHub leaves out teams with fewer members, for privacy. */
const MIN_TEAM_SIZE = 5;

/** Membership that day, team by team in id order; an organization reports its own members' teams. */
export function* teamRecords(p: Population, scope: SimScope, day: DayNumber): Generator<JsonObject> {
  const byTeam = new Map<number, number[]>();
  for (const u of membersOf(p, scope)) {
    if (scope.kind === 'organization' && p.primaryOrg[u] !== scope.org.index) continue;
    for (const team of p.teamsOn(u, day)) {
      const list = byTeam.get(team) ?? [];
      list.push(u);
      byTeam.set(team, list);
    }
  }
  for (const [teamId, users] of [...byTeam].sort((a, b) => a[0] - b[0])) {
    if (users.length < MIN_TEAM_SIZE) continue;
    const team = p.team(teamId);
    const ids = entityIds(
      p,
      scope.kind === 'enterprise' ? scope : { kind: 'organization', org: p.orgs[team.orgIndex] },
    );
    for (const u of users) {
      yield {
        user_id: p.userId(u),
        user_login: p.userLogin(u),
        day: formatDay(day),
        ...ids,
        team_id: teamId,
        slug: team.slug,
      };
    }
  }
}
