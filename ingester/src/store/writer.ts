/**
 * The SQLite engine of the storage interface (interface.ts): one writer per process, over the writer
 * connection. Each part of the schema has its module with its own statements; this class only wires
 * them together and serializes their use.
 */
import type { DayNumber } from '../days';
import { type Logger, silentLogger } from '../log';
import { PRIVACY_OFF, type PrivacyConfig } from '../privacy';
import type { BillingUsageItem } from '../reports/billing';
import type { RepoIdentity, UserIdentity } from '../reports/identity';
import type { Seat } from '../reports/seats';
import type { ReportKind, SyncKind } from '../reports/types';
import type { Scope } from '../scopes';
import { ActiveSetWriter } from './activeSets';
import { Archive } from './archive';
import { Billing } from './billing';
import { checkpointInBackground, WRITER_CHECKPOINT_PAGES } from './checkpoints';
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

/** Reports between two PRAGMA optimize checks (a no-op unless a table grew tenfold). */
export const OPTIMIZE_EVERY_REPORTS = 100;

/**
 * The only writer of the database. better-sqlite3 is synchronous, but a report is streamed from disk,
 * so its transaction spans awaits; `exclusive` serializes every use of the writer connection so that
 * no other write can land inside an open report transaction.
 */
export class Store implements SyncStore {
  private lock: Promise<unknown> = Promise.resolve();
  private reportsBegun = 0;
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
    /** Where a failed background checkpoint is told (see checkpoints.ts). */
    logger: Logger = silentLogger,
  ) {
    this.refs = new References(db);
    this.rollups = new Rollups(db);
    this.status = new Status(db);
    this.runs = new Runs(db);
    this.seats = new Seats(db, this.refs, this.status);
    this.archive = new Archive(db);
    // A file database's log is copied into it on another thread after each report (checkpoints.ts).
    const file = db.memory ? undefined : db.name;
    if (file) db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    const onFailure = (message: string) =>
      logger.warn(
        { err: message, database: file },
        `background checkpoint failed: the write-ahead log is copied into the database by the writer past ${WRITER_CHECKPOINT_PAGES} pages instead; check free disk space and that the database directory is writable`,
      );
    this.reports = new Reports(db, {
      committed: file ? () => checkpointInBackground(file, onFailure) : () => undefined,
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

  async scopeId(scope: Scope): Promise<number> {
    return this.refs.scopeId(scope);
  }

  async scopeGithubIds(
    scopeId: number,
  ): Promise<{ githubId: string | null; enterpriseGithubId: string | null }> {
    return this.refs.scopeGithubIds(scopeId);
  }

  async userRef(user: UserIdentity): Promise<number> {
    return this.refs.userRef(user);
  }

  async preloadUsers(users: readonly UserIdentity[]): Promise<void> {
    this.refs.preloadUsers(users);
  }

  async teamRef(scopeId: number, githubId: number, slug: string): Promise<number> {
    return this.refs.teamRef(scopeId, githubId, slug);
  }

  async repoRef(repo: RepoIdentity): Promise<number> {
    return this.refs.repoRef(repo);
  }

  async beginReport(
    scopeId: number,
    kind: ReportKind,
    day: DayNumber,
    options: { keepArchive?: boolean } = {},
  ): Promise<ReportWriter> {
    // Between reports, now and then: statistics kept current as a backfill grows the tables.
    if (++this.reportsBegun % OPTIMIZE_EVERY_REPORTS === 0) this.runs.optimize();
    return this.reports.begin(scopeId, kind, day, options.keepArchive ?? false);
  }

  async replaceTeamAggregates(
    scopeId: number,
    day: DayNumber,
    rows: readonly TeamDayRow[],
    outcomes: PairOutcome,
    everyone?: PeopleTotals,
  ): Promise<void> {
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

  async recordAttempt(
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    status: 'no_data' | 'failed',
    error?: string,
    errorStatus?: number,
  ): Promise<void> {
    this.status.recordAttempt(scopeId, kind, day, status, error, errorStatus);
  }

  async reportStatuses(): Promise<
    (scopeId: number, kind: SyncKind, day: DayNumber) => ReportStatus | undefined
  > {
    return this.status.statuses();
  }

  async reportStatus(scopeId: number, kind: SyncKind, day: DayNumber): Promise<ReportStatus | undefined> {
    return this.status.statusOf(scopeId, kind, day);
  }

  async replaceSeats(
    scopeId: number,
    day: DayNumber,
    seats: readonly Seat[],
    outcome: ReportOutcome,
  ): Promise<void> {
    this.seats.replace(scopeId, day, seats, outcome);
  }

  async replaceSeatUnion(
    enterpriseScopeId: number,
    orgScopeIds: readonly number[],
    day: DayNumber,
  ): Promise<ReportOutcome> {
    return this.seats.replaceUnion(enterpriseScopeId, orgScopeIds, day);
  }

  async replaceBillingUsage(
    scopeId: number,
    day: DayNumber,
    items: readonly BillingUsageItem[],
    outcome: ReportOutcome,
  ): Promise<void> {
    this.billing.replaceUsage(scopeId, day, items, outcome);
  }

  async beginBillingExport(scopeId: number, days: readonly DayNumber[]): Promise<BillingExportWriter> {
    return this.billing.beginExport(scopeId, days);
  }

  async replaceBillingSnapshot(
    scopeId: number,
    day: DayNumber,
    rows: BillingSnapshotRows,
    outcome: ReportOutcome | { noData: string },
  ): Promise<void> {
    this.billing.replaceSnapshot(scopeId, day, rows, outcome);
  }

  async userRefByLogin(login: string): Promise<number | undefined> {
    return this.billing.userRefByLogin(login);
  }

  async startRun(trigger: string, planned: number): Promise<number> {
    return this.runs.start(trigger, planned);
  }

  async finishRun(runId: number, result: RunResult): Promise<void> {
    this.runs.finish(runId, result);
  }

  async markInterruptedRuns(): Promise<number> {
    return this.runs.markInterrupted();
  }

  async takeLease(
    holder: LeaseHolder,
    keeps: (current: LeaseHolder) => boolean,
  ): Promise<LeaseHolder | undefined> {
    return this.lease.take(holder, keeps);
  }

  async renewLease(holder: LeaseHolder, expiresAt: number): Promise<void> {
    this.lease.renew(holder, expiresAt);
  }

  async releaseLease(holder: LeaseHolder): Promise<void> {
    this.lease.release(holder);
  }

  async archivedReports(range: { from?: DayNumber; to?: DayNumber }): Promise<ArchivedReport[]> {
    return this.archive.archivedReports(range);
  }

  async archivedChunks(report: ArchivedReport): Promise<ArchivedChunk[]> {
    return this.archive.chunksOf(report).map((chunk) => ({
      fileIndex: chunk.fileIndex,
      data: async () => chunk.data(),
    }));
  }

  async pruneBefore(day: DayNumber): Promise<number> {
    return pruneBefore(this.db, day, this.rollups);
  }
}
