/**
 * Seat snapshots (seat_snapshots): an organization's as GitHub lists them, an enterprise's as the
 * union of its organizations' snapshots of the day. Each is recorded as an ok `seats` report.
 */
import type { Statement } from 'better-sqlite3';
import type { DayNumber } from '../days';
import type { DictKind } from '../reports/schema';
import { type Seat, dayOfTimestamp, editorName, mergeSeats } from '../reports/seats';
import type { DB } from './connection';
import type { ReportOutcome } from './interface';
import type { References } from './references';
import type { Status } from './status';

/** A stored seat, with its assigning team by GitHub id (a team ref belongs to one scope). */
export interface StoredSeat {
  userRef: number;
  planType: number | null;
  createdAt: string | null;
  lastActivityAt: string | null;
  lastActivityDay: number | null;
  lastActivityEditor: number | null;
  editor: number | null;
  pendingCancellationDate: number | null;
  teamGithubId: number | null;
  teamSlug: string | null;
}

/** An organization's stored seats of a day as `StoredSeat`s: bind (scope, day). Aliases quoted for PostgreSQL. */
export const STORED_SEATS_SQL = `SELECT s.user_ref AS "userRef", s.plan_type AS "planType", s.created_at AS "createdAt",
    s.last_activity_at AS "lastActivityAt", s.last_activity_day AS "lastActivityDay",
    s.last_activity_editor AS "lastActivityEditor", s.editor, s.pending_cancellation_date AS "pendingCancellationDate",
    t.github_id AS "teamGithubId", t.slug AS "teamSlug"
  FROM seat_snapshots s LEFT JOIN teams t ON t.id = s.assigning_team_ref
  WHERE s.scope_id = ? AND s.day = ?`;

/**
 * An enterprise's seats of a day from its organizations' snapshots of that day: one seat per user (see
 * `mergeSeats`), and the outcome recorded for it (computed, not listed: no pages, nothing malformed).
 */
export function seatUnion(snapshots: Iterable<readonly StoredSeat[]>): {
  seats: StoredSeat[];
  outcome: ReportOutcome;
} {
  const byUser = new Map<number, StoredSeat[]>();
  for (const snapshot of snapshots)
    for (const row of snapshot) {
      const rows = byUser.get(row.userRef);
      if (rows) rows.push(row);
      else byUser.set(row.userRef, [row]);
    }
  const outcome: ReportOutcome = {
    records: byUser.size,
    malformedLines: 0,
    issues: [],
    unknownKeys: [],
    files: 0,
    bytes: null,
  };
  return { seats: [...byUser.values()].map((rows) => mergeSeats(rows)), outcome };
}

export class Seats {
  private readonly remove: Statement;
  private readonly insert: Statement;
  private readonly rowsOf: Statement;

  constructor(
    db: DB,
    private readonly refs: References,
    private readonly status: Status,
  ) {
    this.remove = db.prepare('DELETE FROM seat_snapshots WHERE scope_id = ? AND day = ?');
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO seat_snapshots (scope_id, day, user_ref, plan_type, created_at, last_activity_at,
         last_activity_day, last_activity_editor, editor, pending_cancellation_date, assigning_team_ref)
       VALUES (@scopeId, @day, @userRef, @planType, @createdAt, @lastActivityAt, @lastActivityDay,
         @lastActivityEditor, @editor, @pendingCancellationDate, @teamRef)`,
    );
    this.rowsOf = db.prepare(STORED_SEATS_SQL);
  }

  /** Replaces a scope's snapshot of a day with what GitHub listed, in one transaction. */
  replace(scopeId: number, day: DayNumber, seats: readonly Seat[], outcome: ReportOutcome): void {
    const { refs } = this;
    const nullable = (kind: DictKind, value: string | null) =>
      value === null ? null : refs.resolve(kind, value);
    refs.transaction(() => {
      this.remove.run(scopeId, day);
      for (const seat of seats) {
        this.insert.run({
          scopeId,
          day,
          userRef: refs.userRef(seat.user),
          planType: nullable('plan_type', seat.planType),
          createdAt: seat.createdAt,
          lastActivityAt: seat.lastActivityAt,
          lastActivityDay: dayOfTimestamp(seat.lastActivityAt),
          lastActivityEditor: nullable('seat_editor', seat.lastActivityEditor),
          editor: nullable('editor', editorName(seat.lastActivityEditor)),
          pendingCancellationDate: seat.pendingCancellationDate,
          teamRef: seat.assigningTeam
            ? refs.teamRef(scopeId, seat.assigningTeam.githubId, seat.assigningTeam.slug)
            : null,
        });
      }
      this.status.recordStored(scopeId, 'seats', day, outcome);
    });
  }

  /**
   * An enterprise's seats of a day: the union of its organizations' stored snapshots of that day, one
   * row per user (see `mergeSeats`), in one transaction.
   */
  replaceUnion(enterpriseScopeId: number, orgScopeIds: readonly number[], day: DayNumber): ReportOutcome {
    const { seats, outcome } = seatUnion(
      orgScopeIds.map((orgScopeId) => this.rowsOf.all(orgScopeId, day) as StoredSeat[]),
    );
    this.refs.transaction(() => {
      this.remove.run(enterpriseScopeId, day);
      for (const { teamGithubId, teamSlug, ...seat } of seats) {
        this.insert.run({
          ...seat,
          scopeId: enterpriseScopeId,
          day,
          // Teams belong to a scope: the enterprise's own row for the organization's team.
          teamRef:
            teamGithubId !== null && teamSlug !== null
              ? this.refs.teamRef(enterpriseScopeId, teamGithubId, teamSlug)
              : null,
        });
      }
      this.status.recordStored(enterpriseScopeId, 'seats', day, outcome);
    });
    return outcome;
  }
}
