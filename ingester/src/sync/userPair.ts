/**
 * PRIVACY_MODE=aggregate: a day's users report and its user-teams report are read together, the
 * per-team figures (the team_day rollup) are computed in memory, and only those are stored. No per-user
 * row, login, user id or membership reaches the database, and the two reports are not archived.
 */
import type { DayNumber } from '../days';
import { teamMembership, userIdentity } from '../reports/identity';
import { type CellValue, mapRecord } from '../reports/mapping';
import { TEAM_DAY_SUMS, type TableSpec, usageDay } from '../reports/schema';
import type { PairOutcome, PeopleTotals, SyncStore, TeamDayRow } from '../store/interface';
import { type ReportFile, readReport } from './importer';

/** Column positions of the team sums in a usage_day row as `mapRecord` emits it. */
function sumPositions(spec: TableSpec): number[] {
  const columns = [
    ...(spec.fixed ? [spec.fixed.column] : []),
    ...spec.keys.map((c) => c.column),
    ...spec.values.map((c) => c.column),
  ];
  return TEAM_DAY_SUMS.map((name) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`usage_day has no column ${name}`);
    return index;
  });
}

const POSITIONS = sumPositions(usageDay);

/** Adds a person's usage_day row to a total (SQL's sum: nulls skipped); counts them once. */
function add(total: PeopleTotals, row: CellValue[], first: boolean): void {
  if (first) total.activeUsers++;
  POSITIONS.forEach((position, i) => {
    const value = row[position];
    if (typeof value === 'number') total.sums[i] = (total.sums[i] ?? 0) + value;
  });
}
const noLabels = () => 0;

/**
 * Imports one (scope, day) pair of users and user-teams reports as team figures only. Either report
 * may be 'no_data' (GitHub answered 204); without memberships no team figure exists for the day.
 */
export async function importUserPair(
  store: SyncStore,
  target: { scopeId: number; day: DayNumber },
  users: readonly ReportFile[] | 'no_data',
  teams: readonly ReportFile[] | 'no_data',
): Promise<PairOutcome> {
  // Team keys ("githubId\u0000slug") of each user id, for this day only; dropped when the import ends.
  const membership = new Map<number, string[]>();
  const teamOutcome =
    teams === 'no_data'
      ? 'no_data'
      : await readReport(teams, { kind: 'user-teams', day: target.day }, (record) => {
          const member = teamMembership(record);
          if (!member.ok) return member.error;
          const key = `${member.value.teamId}\u0000${member.value.slug}`;
          const list = membership.get(member.value.user.githubId);
          if (!list) membership.set(member.value.user.githubId, [key]);
          else if (!list.includes(key)) list.push(key);
          return undefined;
        });

  const totals = new Map<string, PeopleTotals>();
  // Teams whose members were all inactive that day count as zero, as mode off reads them (its team
  // gauges join memberships with activity; its queries fill reported days without rows with zeros).
  const zeros = () => TEAM_DAY_SUMS.map(() => 0);
  const counted = new Set<number>();
  const everyone: PeopleTotals = { activeUsers: 0, sums: TEAM_DAY_SUMS.map(() => null) };
  let row: CellValue[] | undefined;
  const capture = (spec: TableSpec): CellValue[] => {
    const values: CellValue[] = [];
    if (spec === usageDay) row = values;
    return values;
  };
  const userOutcome =
    users === 'no_data'
      ? 'no_data'
      : await readReport(users, { kind: 'users', day: target.day }, (record, issues) => {
          const user = userIdentity(record);
          if (!user.ok) return user.error;
          row = undefined;
          // Only counters are read: labels are not resolved (nothing is written while reading).
          mapRecord(record, [usageDay], noLabels, capture, issues);
          if (!row) return undefined;
          // A user listed twice adds counters but counts once, as in the per-user tables.
          const first = !counted.has(user.value.githubId);
          counted.add(user.value.githubId);
          add(everyone, row, first);
          for (const key of membership.get(user.value.githubId) ?? []) {
            let team = totals.get(key);
            if (!team) totals.set(key, (team = { activeUsers: 0, sums: TEAM_DAY_SUMS.map(() => null) }));
            add(team, row, first);
          }
          return undefined;
        });

  if (users !== 'no_data')
    for (const keys of membership.values())
      for (const key of keys) if (!totals.has(key)) totals.set(key, { activeUsers: 0, sums: zeros() });
  const rows: TeamDayRow[] = [...totals].map(([key, team]) => {
    const [githubId, slug] = key.split('\u0000');
    return { teamGithubId: Number(githubId), slug, ...team };
  });
  await store.exclusive(() =>
    store.replaceTeamAggregates(
      target.scopeId,
      target.day,
      rows,
      { users: userOutcome, teams: teamOutcome },
      userOutcome === 'no_data' ? undefined : everyone,
    ),
  );
  return { users: userOutcome, teams: teamOutcome };
}
