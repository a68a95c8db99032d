/**
 * Seat snapshots on PostgreSQL, as ../seats.ts keeps them: an organization's as listed, an
 * enterprise's as the union of its organizations' of the day, each recorded as an ok `seats` report,
 * in one transaction. SQLite's INSERT OR REPLACE (a user listed twice keeps the last listing) is an
 * upsert of every column.
 */
import type { DayNumber } from '../../days';
import type { DictKind } from '../../reports/schema';
import { type Seat, dayOfTimestamp, editorName } from '../../reports/seats';
import { STORED_SEATS_SQL, type StoredSeat, seatUnion } from '../seats';
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
    const snapshots: StoredSeat[][] = [];
    for (const orgScopeId of orgScopeIds)
      snapshots.push((await this.connection.query<StoredSeat>(STORED_SEATS_SQL, [orgScopeId, day])).rows);
    const { seats, outcome } = seatUnion(snapshots);
    await this.transaction(async (query) => {
      await query('DELETE FROM seat_snapshots WHERE scope_id = ? AND day = ?', [enterpriseScopeId, day]);
      for (const { teamGithubId, teamSlug, ...seat } of seats) {
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
