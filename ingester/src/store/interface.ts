/**
 * The storage interface: what sync writes (`SyncStore`) and what the query side reads through
 * (`SqlReader`, reader.ts), with the vocabulary both sides share. The SQLite engine implements them
 * (writer.ts, sqliteReader.ts); a second engine implements the same. It imports nothing of sync/, so
 * sync depends on store and never the reverse.
 */
import type { DayNumber } from '../days';
import type { PrivacyConfig } from '../privacy';
import type { BillingBudget, BillingCostCenter, BillingCsvRow, BillingUsageItem } from '../reports/billing';
import type { RepoIdentity, UserIdentity } from '../reports/identity';
import type { CellValue } from '../reports/mapping';
import type { DictKind, TableSpec } from '../reports/schema';
import type { Seat } from '../reports/seats';
import type { ReportKind, SyncKind } from '../reports/types';
import type { Scope } from '../scopes';

/** A (scope, report, day)'s stored state: figures stored, GitHub had no report (204), or the last attempt failed. */
export type ReportStatus = 'ok' | 'no_data' | 'failed';

/** What reading a report (or a seats listing) found; stored with its status. */
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
  /** Stopped early (a shutdown): recorded as interrupted, whatever the counts. */
  interrupted?: boolean;
}

/** Who holds the database's sync lease, and until when (ms since the epoch) unless renewed. */
export interface LeaseHolder {
  host: string;
  pid: number;
  acquiredAt: string;
  expiresAt: number;
}

/** A stored report whose downloaded files are in the raw archive. */
export interface ArchivedReport {
  scopeId: number;
  kind: ReportKind;
  day: DayNumber;
}

/** One archived chunk of a downloaded file; `data` reads it when called, one chunk in memory at a time. */
export interface ArchivedChunk {
  fileIndex: number;
  data: () => Promise<Buffer>;
}

/**
 * One report being replaced: old rows out, new rows in, status and archive updated, all or nothing.
 * Rows are buffered and written in batches; what returns a promise may wait on the database.
 */
export interface ReportWriter {
  readonly scopeId: number;
  readonly kind: ReportKind;
  readonly day: DayNumber;
  /**
   * One row of a table for a subject (user or repo ref; 0 for the aggregate), its dictionary cells
   * already ids (`dictionaryId`). Rows are written in batches, in the order given per table. `tag` (≥ 0)
   * comes back from `takeRepeated` if the row's key was already stored in this report (its counters
   * were then added together); -1 for rows whose repetition is not worth telling.
   */
  addRow(spec: TableSpec, subjectRef: number, values: CellValue[], tag: number): void;
  /** Writes the rows given so far; returns the tags of those whose key was already stored. */
  takeRepeated(): Promise<number[]>;
  /** The id of a dictionary label, created on first sight (forgotten if the report rolls back). */
  dictionaryId(kind: DictKind, value: string): Promise<number>;
  /** A user's membership of a team on the report's day (buffered like rows). */
  addTeamMember(teamRef: number, userRef: number): void;
  /** A chunk of a downloaded file, gzip-compressed as received, for the raw archive. */
  addRawChunk(fileIndex: number, chunkIndex: number, data: Buffer): Promise<void>;
  /** The GitHub ids an aggregate report tells about its scope (and an organization's enterprise). */
  setScopeIds(githubId: string | undefined, enterpriseGithubId: string | undefined): Promise<void>;
  /** Rebuilds what depends on the report, records it as stored, and makes it all visible at once. */
  commit(outcome: ReportOutcome): Promise<void>;
  /** Undoes everything since `beginReport`; does nothing after `commit`. */
  rollback(): Promise<void>;
}

/** The ids figures refer to, created on first sight. */
export interface ReferenceStore {
  scopeId(scope: Scope): Promise<number>;
  /** The GitHub ids a scope's aggregate reports told, null until one did. */
  scopeGithubIds(scopeId: number): Promise<{ githubId: string | null; enterpriseGithubId: string | null }>;
  userRef(user: UserIdentity): Promise<number>;
  /** Reads the stored users among these and inserts the new ones, in a few statements, so `userRef` of them is a lookup. */
  preloadUsers(users: readonly UserIdentity[]): Promise<void>;
  teamRef(scopeId: number, githubId: number, slug: string): Promise<number>;
  repoRef(repo: RepoIdentity): Promise<number>;
}

/** Reports' figures, each report replaced whole. */
export interface ReportStore {
  /** Opens the transaction that replaces one report; it spans awaits, so open it inside `exclusive`. */
  beginReport(
    scopeId: number,
    kind: ReportKind,
    day: DayNumber,
    options?: { keepArchive?: boolean },
  ): Promise<ReportWriter>;
  /**
   * PRIVACY_MODE=aggregate: replaces a (scope, day)'s team figures and its totals over everyone
   * (`everyone`, absent without a users report) with figures computed from its users and user-teams
   * reports, and records both reports, in one transaction.
   */
  replaceTeamAggregates(
    scopeId: number,
    day: DayNumber,
    rows: readonly TeamDayRow[],
    outcomes: PairOutcome,
    everyone?: PeopleTotals,
  ): Promise<void>;
}

/** What was fetched and how it went. */
export interface StatusStore {
  /** Records an attempt that stored nothing: a 204 (no_data) or a failure (with GitHub's HTTP status, if any). */
  recordAttempt(
    scopeId: number,
    kind: SyncKind,
    day: DayNumber,
    status: 'no_data' | 'failed',
    error?: string,
    errorStatus?: number,
  ): Promise<void>;
  /** Every stored status, read at once (for the planner). */
  reportStatuses(): Promise<(scopeId: number, kind: SyncKind, day: DayNumber) => ReportStatus | undefined>;
  reportStatus(scopeId: number, kind: SyncKind, day: DayNumber): Promise<ReportStatus | undefined>;
}

/** Seat snapshots, each recorded as an ok `seats` report. */
export interface SeatStore {
  /** Replaces a scope's snapshot of a day with what GitHub listed, in one transaction. */
  replaceSeats(
    scopeId: number,
    day: DayNumber,
    seats: readonly Seat[],
    outcome: ReportOutcome,
  ): Promise<void>;
  /** An enterprise's snapshot of a day: the union of its organizations' snapshots of that day. */
  replaceSeatUnion(
    enterpriseScopeId: number,
    orgScopeIds: readonly number[],
    day: DayNumber,
  ): Promise<ReportOutcome>;
}

/** A day's billing snapshot, logins already mapped to users.id (or pseudonymized, or aggregated away). */
export interface BillingSnapshotRows {
  budgets: (Omit<BillingBudget, 'user'> & { userRef: number | null })[];
  userStates: {
    budgetId: string;
    userRef: number;
    consumedAmount: number | null;
    targetAmount: number | null;
    overrideBudgetId: string | null;
  }[];
  costCenters: (Omit<BillingCostCenter, 'resources'> & { resources: Record<string, unknown>[] })[];
}

/**
 * One usage-report export's days being replaced: the CSV rows are folded into the stored per-person
 * and per-cost-center rows as they stream in (nothing of the export is held in memory), and become
 * visible together at `commit`, all or nothing.
 */
export interface BillingExportWriter {
  /**
   * Adds a CSV row (its day within the export's days) for a person (users.id; 0 for none): rows that
   * differ only in cost center are summed per person, and every row is summed per cost center, in the
   * order they come.
   */
  addRow(row: BillingCsvRow, userRef: number): void;
  /** Records each day's `billing-users` outcome (a day not in `outcomes` has no data) and commits. */
  commit(outcomes: ReadonlyMap<DayNumber, ReportOutcome | 'no_data'>): Promise<void>;
  /** Undoes everything since `beginBillingExport`; does nothing after `commit`. */
  rollback(): Promise<void>;
}

/** AI-credit billing (011_billing.sql), each write recorded as its kind's report of the day. */
export interface BillingStore {
  /** Replaces a scope's `ai_credit/usage` items of a day and records the `billing` day as stored. */
  replaceBillingUsage(
    scopeId: number,
    day: DayNumber,
    items: readonly BillingUsageItem[],
    outcome: ReportOutcome,
  ): Promise<void>;
  /**
   * Opens the transaction that replaces the days of one usage-report export (every day in `days`, rows
   * or not); it spans awaits (the CSV streams in), so open it inside `exclusive`.
   */
  beginBillingExport(scopeId: number, days: readonly DayNumber[]): Promise<BillingExportWriter>;
  /**
   * Replaces a scope's budgets, user-states and cost centers of a day; records `billing-snapshot` as
   * stored, or as no_data with a note when GitHub had none of them to give (404: not enabled).
   */
  replaceBillingSnapshot(
    scopeId: number,
    day: DayNumber,
    rows: BillingSnapshotRows,
    outcome: ReportOutcome | { noData: string },
  ): Promise<void>;
  /** users.id of a stored login, case-insensitively (meaningful in PRIVACY_MODE=off only). */
  userRefByLogin(login: string): Promise<number | undefined>;
}

/** The record of each sync run. */
export interface RunStore {
  /** Records a run as running; returns its id. */
  startRun(trigger: string, planned: number): Promise<number>;
  finishRun(runId: number, result: RunResult): Promise<void>;
  /** Marks the runs a dead process left running as interrupted; returns how many. Call holding the lease. */
  markInterruptedRuns(): Promise<number>;
}

/** The lease that keeps two processes from syncing one database at once (sync/lock.ts holds the policy). */
export interface LeaseStore {
  /**
   * Takes the lease for `holder` in one atomic step, unless there is a current holder and `keeps`
   * says it still holds it: then returns that holder and changes nothing.
   */
  takeLease(holder: LeaseHolder, keeps: (current: LeaseHolder) => boolean): Promise<LeaseHolder | undefined>;
  renewLease(holder: LeaseHolder, expiresAt: number): Promise<void>;
  releaseLease(holder: LeaseHolder): Promise<void>;
}

/** The raw archive, read back by `reprocess`. */
export interface ArchiveStore {
  /** The ok reports of the days from..to (every day when absent) that have archived files, oldest first. */
  archivedReports(range: { from?: DayNumber; to?: DayNumber }): Promise<ArchivedReport[]>;
  /** A report's archived chunks, in file and chunk order. */
  archivedChunks(report: ArchivedReport): Promise<ArchivedChunk[]>;
}

/**
 * What sync writes (and the little it reads back: statuses, the archive). Asynchronous, so that an
 * engine over the network (PostgreSQL) can stand behind it; the SQLite engine answers at once. Writes
 * run inside `exclusive`: a report's transaction spans awaits, and nothing else may land inside it.
 */
export interface SyncStore
  extends
    ReferenceStore,
    ReportStore,
    StatusStore,
    SeatStore,
    BillingStore,
    RunStore,
    LeaseStore,
    ArchiveStore {
  /** How per-user data is kept (PRIVACY_MODE); the importer, the runner and the seats sync follow it. */
  readonly privacy: PrivacyConfig;
  /** Runs `work` with the store to itself; calls queue in order. */
  exclusive<T>(work: () => Promise<T> | T): Promise<T>;
  /** SYNC_RETENTION_DAYS: drops every day before `day`; returns how many rows went. */
  pruneBefore(day: DayNumber): Promise<number>;
}

/**
 * What the query side reads through: the query engine, dimension values, annotations, seats, coverage,
 * health and /metrics send their own SQL (`?` parameters) and need nothing else of the engine.
 */
export type { SqlReader } from './reader';
