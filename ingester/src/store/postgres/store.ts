/**
 * The PostgreSQL engine's SyncStore (issue 13): what sync writes, stored exactly as the SQLite engine
 * (../writer.ts) stores it, over one writer connection. Each part of the schema has its module, as on
 * SQLite; this class wires them together and serializes their use.
 */
import type { DayNumber } from '../../days';
import { PRIVACY_OFF, type PrivacyConfig } from '../../privacy';
import type { BillingUsageItem } from '../../reports/billing';
import type { RepoIdentity, UserIdentity } from '../../reports/identity';
import type { Seat } from '../../reports/seats';
import type { ReportKind, SyncKind } from '../../reports/types';
import type { Scope } from '../../scopes';
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
} from '../interface';
import { PostgresActiveSets } from './activeSets';
import { PostgresArchive } from './archive';
import { PostgresBilling } from './billing';
import { PostgresSyncLock } from './lease';
import { migratePostgres } from './migrate';
import { enforcePostgresPrivacyMode } from './privacyMode';
import { PostgresReferences } from './references';
import { type PostgresReportContext, beginPostgresReport } from './reportTransaction';
import { prunePostgresBefore } from './retention';
import { PostgresRollups } from './rollups';
import { PostgresSeats } from './seats';
import { PostgresRuns, PostgresStatus } from './status';
import { WriterConnection } from './writerConnection';

export interface PostgresStoreOptions {
  privacy?: PrivacyConfig;
  /** Called when the schema was migrated on opening. */
  onMigrated?: (from: number, to: number) => void;
  /**
   * Records the privacy mode in a database that has none yet (a writer does); without it, an API
   * replica only checks it (SYNC_MODE=disabled never writes). Default true.
   */
  recordPrivacy?: boolean;
}

/**
 * The only writer of the database in its process. A report's transaction spans awaits, so `exclusive`
 * serializes every use of the writer connection, as on SQLite; the sync lock keeps other processes'
 * writers out (an advisory lock, see lease.ts).
 */
export class PostgresStore implements SyncStore {
  private lock: Promise<unknown> = Promise.resolve();
  private readonly refs: PostgresReferences;
  private readonly rollups = new PostgresRollups();
  private readonly activeSets = new PostgresActiveSets();
  private readonly status: PostgresStatus;
  private readonly runs: PostgresRuns;
  private readonly seats: PostgresSeats;
  private readonly archive: PostgresArchive;
  private readonly billing: PostgresBilling;
  private readonly syncLock: PostgresSyncLock;
  private readonly reports: PostgresReportContext;

  constructor(
    private readonly connection: WriterConnection,
    readonly privacy: PrivacyConfig = PRIVACY_OFF,
  ) {
    this.refs = new PostgresReferences(connection);
    this.status = new PostgresStatus(connection);
    this.runs = new PostgresRuns(connection);
    this.seats = new PostgresSeats(connection, this.refs, this.status);
    this.archive = new PostgresArchive(connection);
    this.billing = new PostgresBilling(connection, this.refs, this.status);
    this.syncLock = new PostgresSyncLock(connection);
    this.reports = {
      connection,
      refs: this.refs,
      archive: this.archive,
      rollups: this.rollups,
      activeSets: this.activeSets,
      status: this.status,
    };
  }

  /**
   * Connects to `url`, brings the schema up to date (once, under the migration lock), and checks and
   * records the privacy mode the database is written in (PrivacyModeError when it differs).
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const privacy = options.privacy ?? PRIVACY_OFF;
    const connection = await WriterConnection.open(url);
    try {
      const { from, to } = await migratePostgres(connection.client);
      if (from !== to) options.onMigrated?.(from, to);
      await enforcePostgresPrivacyMode(connection.query, privacy, url, {
        write: options.recordPrivacy ?? true,
      });
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(connection, privacy);
  }

  /** Ends the writer connection (and with it the sync lock, if still held). */
  async close(): Promise<void> {
    await this.lock.catch(() => undefined);
    await this.connection.close();
  }

  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  scopeId(scope: Scope): Promise<number> {
    return this.refs.scopeId(scope);
  }

  scopeGithubIds(scopeId: number): Promise<{ githubId: string | null; enterpriseGithubId: string | null }> {
    return this.refs.scopeGithubIds(scopeId);
  }

  userRef(user: UserIdentity): Promise<number> {
    return this.refs.userRef(user);
  }

  preloadUsers(users: readonly UserIdentity[]): Promise<void> {
    return this.refs.preloadUsers(users);
  }

  teamRef(scopeId: number, githubId: number, slug: string): Promise<number> {
    return this.refs.teamRef(scopeId, githubId, slug);
  }

  repoRef(repo: RepoIdentity): Promise<number> {
    return this.refs.repoRef(repo);
  }

  beginReport(
    scopeId: number,
    kind: ReportKind,
    day: DayNumber,
    options: { keepArchive?: boolean } = {},
  ): Promise<ReportWriter> {
    return beginPostgresReport(this.reports, scopeId, kind, day, options.keepArchive ?? false);
  }

  async replaceTeamAggregates(
    scopeId: number,
    day: DayNumber,
    rows: readonly TeamDayRow[],
    outcomes: PairOutcome,
    everyone?: PeopleTotals,
  ): Promise<void> {
    await this.connection.transaction(
      async (query) => {
        await this.rollups.replacePeopleTotals(query, scopeId, day, everyone);
        const teams = [];
        for (const row of rows)
          teams.push({ ...row, teamRef: await this.refs.teamRef(scopeId, row.teamGithubId, row.slug) });
        await this.rollups.replaceTeamDay(query, scopeId, day, teams);
        await this.status.recordOutcome(query, scopeId, 'users', day, outcomes.users);
        await this.status.recordOutcome(query, scopeId, 'user-teams', day, outcomes.teams);
      },
      () => this.refs.forget(),
    );
  }

  recordAttempt(
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    status: 'no_data' | 'failed',
    error?: string,
    errorStatus?: number,
  ): Promise<void> {
    return this.status.recordAttempt(this.connection.query, scopeId, kind, day, status, error, errorStatus);
  }

  reportStatuses(): Promise<(scopeId: number, kind: SyncKind, day: DayNumber) => ReportStatus | undefined> {
    return this.status.statuses();
  }

  reportStatus(scopeId: number, kind: SyncKind, day: DayNumber): Promise<ReportStatus | undefined> {
    return this.status.statusOf(scopeId, kind, day);
  }

  replaceSeats(
    scopeId: number,
    day: DayNumber,
    seats: readonly Seat[],
    outcome: ReportOutcome,
  ): Promise<void> {
    return this.seats.replace(scopeId, day, seats, outcome);
  }

  replaceSeatUnion(
    enterpriseScopeId: number,
    orgScopeIds: readonly number[],
    day: DayNumber,
  ): Promise<ReportOutcome> {
    return this.seats.replaceUnion(enterpriseScopeId, orgScopeIds, day);
  }

  replaceBillingUsage(
    scopeId: number,
    day: DayNumber,
    items: readonly BillingUsageItem[],
    outcome: ReportOutcome,
  ): Promise<void> {
    return this.billing.replaceUsage(scopeId, day, items, outcome);
  }

  beginBillingExport(scopeId: number, days: readonly DayNumber[]): Promise<BillingExportWriter> {
    return this.billing.beginExport(scopeId, days);
  }

  replaceBillingSnapshot(
    scopeId: number,
    day: DayNumber,
    rows: BillingSnapshotRows,
    outcome: ReportOutcome | { noData: string },
  ): Promise<void> {
    return this.billing.replaceSnapshot(scopeId, day, rows, outcome);
  }

  userRefByLogin(login: string): Promise<number | undefined> {
    return this.refs.userRefByLogin(login);
  }

  startRun(trigger: string, planned: number): Promise<number> {
    return this.runs.start(trigger, planned);
  }

  finishRun(runId: number, result: RunResult): Promise<void> {
    return this.runs.finish(runId, result);
  }

  markInterruptedRuns(): Promise<number> {
    return this.runs.markInterrupted();
  }

  /** The advisory lock decides; `keeps` (SQLite's staleness test of a lease row) is not needed. */
  takeLease(holder: LeaseHolder): Promise<LeaseHolder | undefined> {
    return this.syncLock.take(holder);
  }

  renewLease(holder: LeaseHolder, expiresAt: number): Promise<void> {
    return this.syncLock.renew(holder, expiresAt);
  }

  releaseLease(holder: LeaseHolder): Promise<void> {
    return this.syncLock.release(holder);
  }

  archivedReports(range: { from?: DayNumber; to?: DayNumber }): Promise<ArchivedReport[]> {
    return this.archive.archivedReports(range);
  }

  archivedChunks(report: ArchivedReport): Promise<ArchivedChunk[]> {
    return this.archive.chunksOf(report);
  }

  pruneBefore(day: DayNumber): Promise<number> {
    return prunePostgresBefore(this.connection, day, this.rollups, this.activeSets);
  }
}
