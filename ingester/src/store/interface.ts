/**
 * The storage interface's vocabulary: what sync hands the store and what the store answers. It
 * imports nothing of either side, so both depend on it and neither on the other's internals.
 */

/** A (scope, report, day)'s stored state: figures stored, GitHub had no report (204), or the last attempt failed. */
export type ReportStatus = 'ok' | 'no_data' | 'failed';

/** What reading a report found; stored with its status. */
export interface ReportOutcome {
  records: number;
  malformedLines: number;
  /** Line-numbered problems and invalid values, capped; the counts above are exact. */
  issues: string[];
  unknownKeys: string[];
  files: number;
  bytes: number | null;
}

/** PRIVACY_MODE=aggregate: a day's users and user-teams reports, each stored or without data. */
export interface PairOutcome {
  users: ReportOutcome | 'no_data';
  teams: ReportOutcome | 'no_data';
}

/** Figures summed over a group of people on one day, as the team_day and user_totals_day rollups keep them. */
export interface PeopleTotals {
  activeUsers: number;
  /** In TEAM_DAY_SUMS order; null where no one reported the counter (as SQL's sum). */
  sums: (number | null)[];
}

/** PRIVACY_MODE=aggregate: one team's figures of a day, computed in memory (sync/userPair.ts). */
export interface TeamDayRow extends PeopleTotals {
  teamGithubId: number;
  slug: string;
}

/** How a sync run ended, as its sync_runs row keeps it. */
export interface RunResult {
  ok: number;
  noData: number;
  failed: number;
  records: number;
  /** What went wrong, in a line (the first failure); null when nothing failed. */
  error: string | null;
}
