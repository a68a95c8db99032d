/**
 * Seat snapshots on PostgreSQL, as ../seats.ts keeps them: an organization's as listed, an
 * enterprise's as the union of its organizations' of the day, each recorded as an ok `seats` report,
 * in one transaction. SQLite's INSERT OR REPLACE (a user listed twice keeps the last listing) is an
 * upsert of every column.
 */
import type { DayNumber } from '../../days';
import type { DictKind } from '../../reports/schema';
import { type Seat, dayOfTimestamp, editorName, mergeSeats } from '../../reports/seats';
import type { ReportOutcome } from '../interface';
import type { PostgresReferences } from './references';
import type { PostgresStatus } from './status';
import { NamedStatement, type Query, type WriterConnection } from './writerConnection';

const COLUMNS = [
  ['scope_id', 'scopeId'],
  ['day', 'day'],
  ['user_ref', 'userRef'],
  ['plan_type', 'planType'],
  ['created_at', 'createdAt'],
  ['last_activity_at', 'lastActivityAt'],
  ['last_activity_day', 'lastActivityDay'],
  ['last_activity_editor', 'lastActivityEditor'],
  ['editor', 'editor'],
  ['pending_cancellation_date', 'pendingCancellationDate'],
  ['assigning_team_ref', 'teamRef'],
] as const;

const INSERT = new NamedStatement(
  `INSERT INTO seat_snapshots (${COLUMNS.map(([column]) => column).join(', ')})
   VALUES (${COLUMNS.map(([, name]) => `@${name}`).join(', ')})
   ON CONFLICT (scope_id, day, user_ref) DO UPDATE SET ${COLUMNS.slice(3)
     .map(([column]) => `${column} = excluded.${column}`)
     .join(', ')}`,
);

/** A stored seat, with its assigning team by GitHub id (a team ref belongs to one scope). */
interface StoredSeat {
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

export class PostgresSeats {
  constructor(
    private readonly connection: WriterConnection,
    private readonly refs: PostgresReferences,
    private readonly status: PostgresStatus,
  ) {}

  async replace(
    scopeId: number,
    day: DayNumber,
    seats: readonly Seat[],
    outcome: ReportOutcome,
  ): Promise<void> {
    const { refs } = this;
    const nullable = async (kind: DictKind, value: string | null) =>
      value === null ? null : refs.resolve(kind, value);
    await this.transaction(async (query) => {
      await query('DELETE FROM seat_snapshots WHERE scope_id = ? AND day = ?', [scopeId, day]);
      for (const seat of seats) {
        const row = {
          scopeId,
          day,
          userRef: await refs.userRef(seat.user),
          planType: await nullable('plan_type', seat.planType),
          createdAt: seat.createdAt,
          lastActivityAt: seat.lastActivityAt,
          lastActivityDay: dayOfTimestamp(seat.lastActivityAt),
          lastActivityEditor: await nullable('seat_editor', seat.lastActivityEditor),
          editor: await nullable('editor', editorName(seat.lastActivityEditor)),
          pendingCancellationDate: seat.pendingCancellationDate,
          teamRef: seat.assigningTeam
            ? await refs.teamRef(scopeId, seat.assigningTeam.githubId, seat.assigningTeam.slug)
            : null,
        };
        await query(INSERT.text, INSERT.bind(row));
      }
      await this.status.recordStored(query, scopeId, 'seats', day, outcome);
    });
  }

  async replaceUnion(
    enterpriseScopeId: number,
    orgScopeIds: readonly number[],
    day: DayNumber,
  ): Promise<ReportOutcome> {
    const byUser = new Map<number, StoredSeat[]>();
    for (const orgScopeId of orgScopeIds) {
      const { rows } = await this.connection.query<StoredSeat>(
        `SELECT s.user_ref AS "userRef", s.plan_type AS "planType", s.created_at AS "createdAt",
           s.last_activity_at AS "lastActivityAt", s.last_activity_day AS "lastActivityDay",
           s.last_activity_editor AS "lastActivityEditor", s.editor, s.pending_cancellation_date AS "pendingCancellationDate",
           t.github_id AS "teamGithubId", t.slug AS "teamSlug"
         FROM seat_snapshots s LEFT JOIN teams t ON t.id = s.assigning_team_ref
         WHERE s.scope_id = ? AND s.day = ?`,
        [orgScopeId, day],
      );
      for (const row of rows) {
        const seats = byUser.get(row.userRef);
        if (seats) seats.push(row);
        else byUser.set(row.userRef, [row]);
      }
    }
    const outcome: ReportOutcome = {
      records: byUser.size,
      malformedLines: 0,
      issues: [],
      unknownKeys: [],
      files: 0,
      bytes: null,
    };
    await this.transaction(async (query) => {
      await query('DELETE FROM seat_snapshots WHERE scope_id = ? AND day = ?', [enterpriseScopeId, day]);
      for (const rows of byUser.values()) {
        const { teamGithubId, teamSlug, ...seat } = mergeSeats(rows);
        const teamRef =
          teamGithubId !== null && teamSlug !== null
            ? await this.refs.teamRef(enterpriseScopeId, teamGithubId, teamSlug)
            : null;
        await query(INSERT.text, INSERT.bind({ ...seat, scopeId: enterpriseScopeId, day, teamRef }));
      }
      await this.status.recordStored(query, enterpriseScopeId, 'seats', day, outcome);
    });
    return outcome;
  }

  private transaction(work: (query: Query) => Promise<void>): Promise<void> {
    return this.connection.transaction(work, () => this.refs.forget());
  }
}
