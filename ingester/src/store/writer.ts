/**
 * The SQLite engine's writer: one per process, over the writer connection. It composes the modules
 * that each own a part of the schema and their statements; this file only wires them and serializes
 * their use (`exclusive`).
 */
import type { DayNumber } from '../days';
import { PRIVACY_OFF, type PrivacyConfig } from '../privacy';
import type { RepoIdentity, UserIdentity } from '../reports/identity';
import type { Seat } from '../reports/seats';
import type { ReportKind, SyncKind } from '../reports/types';
import type { Scope } from '../scopes';
import { ActiveSetWriter } from './activeSets';
import { Archive } from './archive';
import type { DB } from './connection';
import type { PairOutcome, PeopleTotals, TeamDayRow } from './interface';
import { References } from './references';
import { type ReportTransaction, Reports } from './reportTransaction';
import { Rollups } from './rollups';
import { Seats } from './seats';
import { Status } from './status';

/**
 * The only writer of the database. better-sqlite3 is synchronous, but a report is streamed from disk,
 * so its transaction spans awaits; `exclusive` serializes every use of the writer connection so that
 * no other write can land inside an open report transaction.
 */
export class Store {
  private lock: Promise<unknown> = Promise.resolve();
  private readonly refs: References;
  private readonly rollups: Rollups;
  private readonly status: Status;
  private readonly seats: Seats;
  private readonly reports: Reports;

  constructor(
    readonly db: DB,
    /** How per-user data is kept (PRIVACY_MODE); the importer, the runner and the seats sync follow it. */
    readonly privacy: PrivacyConfig = PRIVACY_OFF,
  ) {
    this.refs = new References(db);
    this.rollups = new Rollups(db);
    this.status = new Status(db);
    this.seats = new Seats(db, this.refs, this.status);
    this.reports = new Reports(db, {
      refs: this.refs,
      archive: new Archive(db),
      rollups: this.rollups,
      activeSets: new ActiveSetWriter(db),
      status: this.status,
    });
  }

  /** Runs `work` with the writer to itself; calls queue in order. */
  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  scopeId(scope: Scope): number {
    return this.refs.scopeId(scope);
  }

  userRef(user: UserIdentity): number {
    return this.refs.userRef(user);
  }

  teamRef(scopeId: number, githubId: number, slug: string): number {
    return this.refs.teamRef(scopeId, githubId, slug);
  }

  repoRef(repo: RepoIdentity): number {
    return this.refs.repoRef(repo);
  }

  /** Opens the transaction that replaces one report. Call only inside `exclusive`. */
  beginReport(
    scopeId: number,
    kind: ReportKind,
    day: DayNumber,
    options: { keepArchive?: boolean } = {},
  ): ReportTransaction {
    return this.reports.begin(scopeId, kind, day, options.keepArchive ?? false);
  }

  /** Records an attempt that stored nothing: a 204 (no_data) or a failure. Call inside `exclusive`. */
  recordAttempt(
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    status: 'no_data' | 'failed',
    error?: string,
    errorStatus?: number,
  ): void {
    this.status.recordAttempt(scopeId, kind, day, status, error, errorStatus);
  }

  /**
   * Replaces a scope's seat snapshot of a day with what GitHub listed and records it as an ok `seats`
   * report, in one transaction. Call inside `exclusive`.
   */
  replaceSeats(
    scopeId: number,
    day: DayNumber,
    seats: readonly Seat[],
    outcome: { issues: string[]; malformed: number; pages: number },
  ): void {
    this.seats.replace(scopeId, day, seats, outcome);
  }

  /**
   * An enterprise's seats of a day: the union of its organizations' stored snapshots of that day,
   * recorded as an ok `seats` report. Call inside `exclusive`.
   */
  replaceSeatUnion(enterpriseScopeId: number, orgScopeIds: readonly number[], day: DayNumber): number {
    return this.seats.replaceUnion(enterpriseScopeId, orgScopeIds, day);
  }

  /**
   * PRIVACY_MODE=aggregate: replaces a (scope, day)'s team figures with rows computed from its users and
   * user-teams reports (sync/userPair.ts), and records both reports, in one transaction. Call inside
   * `exclusive`.
   */
  replaceTeamAggregates(
    scopeId: number,
    day: DayNumber,
    rows: readonly TeamDayRow[],
    outcomes: PairOutcome,
    /** The day's totals over every person of the users report (absent without one). */
    everyone?: PeopleTotals,
  ): void {
    this.refs.transaction(() => {
      this.rollups.replacePeopleTotals(scopeId, day, everyone);
      this.rollups.replaceTeamDay(
        scopeId,
        day,
        rows.map((row) => ({ ...row, teamRef: this.refs.teamRef(scopeId, row.teamGithubId, row.slug) })),
      );
      this.status.recordOutcome(scopeId, 'users', day, outcomes.users);
      this.status.recordOutcome(scopeId, 'user-teams', day, outcomes.teams);
    });
  }
}
