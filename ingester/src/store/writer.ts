/**
 * The SQLite engine of the storage interface (interface.ts): one writer per process, over the writer
 * connection. Each part of the schema has its module with its own statements; this class only wires
 * them together and serializes their use.
 */
import type { DayNumber } from '../days';
import { PRIVACY_OFF, type PrivacyConfig } from '../privacy';
import type { BillingUsageItem } from '../reports/billing';
import type { RepoIdentity, UserIdentity } from '../reports/identity';
import type { Seat } from '../reports/seats';
import type { ReportKind, SyncKind } from '../reports/types';
import type { Scope } from '../scopes';
import { ActiveSetWriter } from './activeSets';
import { Archive } from './archive';
import { Billing } from './billing';
import type { DB } from './connection';
import type {
  ArchivedChunk,
  ArchivedReport,
  BillingExportWriter,
  BillingSnapshotRows,
  LeaseHolder,
  PairOutcome,
  PeopleTotals,
  ReportOutcome,
  ReportStatus,
  ReportWriter,
  RunResult,
  SyncStore,
  TeamDayRow,
} from './interface';
import { SyncLease } from './lease';
import { References } from './references';
import { Reports } from './reportTransaction';
import { pruneBefore } from './retention';
import { Rollups } from './rollups';
import { Seats } from './seats';
import { Runs, Status } from './status';

/**
 * The only writer of the database. better-sqlite3 is synchronous, but a report is streamed from disk,
 * so its transaction spans awaits; `exclusive` serializes every use of the writer connection so that
 * no other write can land inside an open report transaction.
 */
export class Store implements SyncStore {
  private lock: Promise<unknown> = Promise.resolve();
  private readonly refs: References;
  private readonly rollups: Rollups;
  private readonly status: Status;
  private readonly runs: Runs;
  private readonly seats: Seats;
  private readonly archive: Archive;
  private readonly reports: Reports;
  private readonly lease: SyncLease;
  private readonly billing: Billing;

  constructor(
    private readonly db: DB,
    readonly privacy: PrivacyConfig = PRIVACY_OFF,
  ) {
    this.refs = new References(db);
    this.rollups = new Rollups(db);
    this.status = new Status(db);
    this.runs = new Runs(db);
    this.seats = new Seats(db, this.refs, this.status);
    this.archive = new Archive(db);
    this.reports = new Reports(db, {
      refs: this.refs,
      archive: this.archive,
      rollups: this.rollups,
      activeSets: new ActiveSetWriter(db),
      status: this.status,
    });
    this.lease = new SyncLease(db);
    this.billing = new Billing(db, this.refs, this.status);
  }

  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  scopeId(scope: Scope): number {
    return this.refs.scopeId(scope);
  }

  scopeGithubIds(scopeId: number): { githubId: string | null; enterpriseGithubId: string | null } {
    return this.refs.scopeGithubIds(scopeId);
  }

  userRef(user: UserIdentity): number {
    return this.refs.userRef(user);
  }

  preloadUsers(users: readonly UserIdentity[]): void {
    this.refs.preloadUsers(users);
  }

  teamRef(scopeId: number, githubId: number, slug: string): number {
    return this.refs.teamRef(scopeId, githubId, slug);
  }

  repoRef(repo: RepoIdentity): number {
    return this.refs.repoRef(repo);
  }

  beginReport(
    scopeId: number,
    kind: ReportKind,
    day: DayNumber,
    options: { keepArchive?: boolean } = {},
  ): ReportWriter {
    return this.reports.begin(scopeId, kind, day, options.keepArchive ?? false);
  }

  replaceTeamAggregates(
    scopeId: number,
    day: DayNumber,
    rows: readonly TeamDayRow[],
    outcomes: PairOutcome,
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

  reportStatuses(): (scopeId: number, kind: SyncKind, day: DayNumber) => ReportStatus | undefined {
    return this.status.statuses();
  }

  reportStatus(scopeId: number, kind: SyncKind, day: DayNumber): ReportStatus | undefined {
    return this.status.statusOf(scopeId, kind, day);
  }

  replaceSeats(scopeId: number, day: DayNumber, seats: readonly Seat[], outcome: ReportOutcome): void {
    this.seats.replace(scopeId, day, seats, outcome);
  }

  replaceSeatUnion(enterpriseScopeId: number, orgScopeIds: readonly number[], day: DayNumber): ReportOutcome {
    return this.seats.replaceUnion(enterpriseScopeId, orgScopeIds, day);
  }

  replaceBillingUsage(
    scopeId: number,
    day: DayNumber,
    items: readonly BillingUsageItem[],
    outcome: ReportOutcome,
  ): void {
    this.billing.replaceUsage(scopeId, day, items, outcome);
  }

  beginBillingExport(scopeId: number, days: readonly DayNumber[]): BillingExportWriter {
    return this.billing.beginExport(scopeId, days);
  }

  replaceBillingSnapshot(
    scopeId: number,
    day: DayNumber,
    rows: BillingSnapshotRows,
    outcome: ReportOutcome | { noData: string },
  ): void {
    this.billing.replaceSnapshot(scopeId, day, rows, outcome);
  }

  userRefByLogin(login: string): number | undefined {
    return this.billing.userRefByLogin(login);
  }

  startRun(trigger: string, planned: number): number {
    return this.runs.start(trigger, planned);
  }

  finishRun(runId: number, result: RunResult): void {
    this.runs.finish(runId, result);
  }

  markInterruptedRuns(): number {
    return this.runs.markInterrupted();
  }

  takeLease(holder: LeaseHolder, keeps: (current: LeaseHolder) => boolean): LeaseHolder | undefined {
    return this.lease.take(holder, keeps);
  }

  renewLease(holder: LeaseHolder, expiresAt: number): void {
    this.lease.renew(holder, expiresAt);
  }

  releaseLease(holder: LeaseHolder): void {
    this.lease.release(holder);
  }

  archivedReports(range: { from?: DayNumber; to?: DayNumber }): ArchivedReport[] {
    return this.archive.archivedReports(range);
  }

  archivedChunks(report: ArchivedReport): ArchivedChunk[] {
    return this.archive.chunksOf(report);
  }

  pruneBefore(day: DayNumber): number {
    return pruneBefore(this.db, day, this.rollups);
  }
}
