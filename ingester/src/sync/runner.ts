import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DayNumber, dayOf, formatDay } from '../days';
import type { GitHubClient } from '../github/client';
import { ExpiredLinkError, GitHubError, TruncatedDownloadError } from '../github/errors';
import { downloadReportFile, fetchReportLinks } from '../github/reports';
import type { Logger } from '../log';
import { type Pseudonymizer, pseudonymizerOf } from '../privacy';
import { type ReportKind, SYNC_KINDS, type SyncKind, isBillingKind } from '../reports/types';
import { type Scope, scopeKey } from '../scopes';
import type { PairOutcome, ReportOutcome, SyncStore } from '../store/interface';
import { importReport, type ReportFile } from './importer';
import { prewarmImportWorker } from './importPipeline';
import { importUserPair } from './userPair';
import { type BillingSettings, syncBilling } from './billing';
import { type PlannedReport, planSync, selectKinds } from './planner';
import { type Progress, noProgress } from './progress';
import { acquireSyncLease } from './lock';
import { syncSeats } from './seats';

export interface SyncSettings {
  backfillDays: number;
  refetchDays: number;
  concurrency: number;
  retentionDays?: number;
  /** AI-credit billing (BILLING, BILLING_EXPORT_*); absent: billing is off. */
  billing?: BillingSettings;
}

export interface SyncRequest {
  scopes: readonly Scope[];
  settings: SyncSettings;
  trigger: string;
  from?: DayNumber;
  to?: DayNumber;
  kinds?: readonly SyncKind[];
  force?: boolean;
  now?: Date;
}

export interface SyncDeps {
  store: SyncStore;
  client: GitHubClient;
  logger: Logger;
  progress?: Progress;
  tmpDir?: string;
  /** Attempts per file when a transfer is cut short (the expired-link refresh is separate). */
  downloadAttempts?: number;
  /** Told the run id once the run is recorded. */
  onStart?: (runId: number) => void;
  /**
   * Aborted on shutdown: no further report starts, a download in flight is given up (the day keeps its
   * status, to be fetched again), a report being stored commits, and the run is recorded as interrupted.
   */
  signal?: AbortSignal;
}

export interface SyncFailure {
  scope: string;
  report: SyncKind;
  day: string;
  error: string;
  /** GitHub's HTTP status, when GitHub answered. */
  status?: number;
}

/** One report kind's share of a run. */
export interface ReportTally {
  ok: number;
  noData: number;
  failed: number;
  skipped: number;
  records: number;
  malformedLines: number;
}

export interface SyncSummary {
  runId: number;
  planned: number;
  ok: number;
  noData: number;
  failed: number;
  skipped: number;
  records: number;
  malformedLines: number;
  unknownKeys: string[];
  failures: SyncFailure[];
  durationMs: number;
  /** The same counts per report kind (every kind present, zeros included). */
  byReport: Record<SyncKind, ReportTally>;
  /** Stopped early by `signal`: the reports not done are counted as skipped. */
  interrupted: boolean;
}

/** Fetches and stores every planned report with bounded concurrency. Failures are recorded, not thrown. */
export async function runSync(deps: SyncDeps, request: SyncRequest): Promise<SyncSummary> {
  const { store } = deps;
  const today = dayOf(request.now ?? new Date());
  const lease = await store.exclusive(() => acquireSyncLease(store));
  try {
    return await syncUnderLease(deps, request, today);
  } finally {
    await store.exclusive(() => lease.release());
  }
}

async function syncUnderLease(deps: SyncDeps, request: SyncRequest, today: DayNumber): Promise<SyncSummary> {
  const { store, logger } = deps;
  const progress = deps.progress ?? noProgress;
  const startedAt = Date.now();
  const interrupted = await store.exclusive(() => store.markInterruptedRuns());
  if (interrupted)
    logger.warn(
      { runs: interrupted },
      'a previous sync was interrupted; its unfinished days will be fetched again',
    );
  const scopeIds = new Map<string, number>();
  for (const scope of request.scopes) scopeIds.set(scopeKey(scope), await store.scopeId(scope));
  const statusOf = await store.exclusive(() => store.reportStatuses());
  const billingOn = request.settings.billing?.enabled ?? false;
  if (!billingOn && request.kinds?.some(isBillingKind))
    logger.warn('billing is off (BILLING=off): the billing reports asked for are not synced');
  const plan = planSync({
    scopes: request.scopes,
    kinds: selectKinds(request.kinds, billingOn),
    today,
    backfillDays: request.settings.backfillDays,
    refetchDays: request.settings.refetchDays,
    // Days older than the retention window are pruned after each sync; fetching them again would be wasted work.
    from:
      request.settings.retentionDays === undefined
        ? request.from
        : Math.max(request.from ?? -Infinity, today - request.settings.retentionDays),
    to: request.to,
    force: request.force,
    statusOf: (scope, kind, day) => statusOf(scopeIds.get(scopeKey(scope))!, kind, day),
  });
  // Files large enough to read on a worker thread are users, user-teams and repos reports.
  if (plan.some((task) => task.kind === 'users' || task.kind === 'user-teams' || task.kind === 'repos'))
    prewarmImportWorker();
  const runId = await store.exclusive(() => store.startRun(request.trigger, plan.length));
  deps.onStart?.(runId);
  const summary: SyncSummary = {
    runId,
    planned: plan.length,
    ok: 0,
    noData: 0,
    failed: 0,
    skipped: 0,
    records: 0,
    malformedLines: 0,
    unknownKeys: [],
    failures: [],
    durationMs: 0,
    interrupted: false,
    byReport: Object.fromEntries(
      SYNC_KINDS.map((kind) => [
        kind,
        { ok: 0, noData: 0, failed: 0, skipped: 0, records: 0, malformedLines: 0 },
      ]),
    ) as Record<SyncKind, ReportTally>,
  };
  const unknownKeys = new Set<string>();
  const blockedScopes = new Map<string, string>();
  let blockedAll: string | undefined;
  const tmpRoot = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'copilot-metrics-'));
  const aggregate = store.privacy.mode === 'aggregate';
  if (aggregate && plan.some((t) => t.kind === 'seats'))
    logger.info(
      'PRIVACY_MODE=aggregate: seats are not synced (each seat is a per-person record); use PRIVACY_MODE=pseudonymous for seat metrics',
    );

  // A scope GitHub refused (403/404) skips its remaining reports; seats need other rights, so they are
  // neither skipped nor a reason to skip. An enterprise's seats are computed here, not fetched.
  const blockedFor = (task: PlannedReport) =>
    task.kind === 'seats'
      ? task.scope.kind === 'enterprise'
        ? undefined
        : blockedAll
      : (blockedAll ?? blockedScopes.get(scopeKey(task.scope)));

  const tallyOutcome = (kind: SyncKind, context: Record<string, string>, result: TaskOutcome) => {
    const tally = summary.byReport[kind];
    if (result === 'no_data') {
      summary.noData++;
      tally.noData++;
      return;
    }
    summary.ok++;
    summary.records += result.records;
    summary.malformedLines += result.malformedLines;
    tally.ok++;
    tally.records += result.records;
    tally.malformedLines += result.malformedLines;
    for (const path of result.unknownKeys) unknownKeys.add(`${kind}: ${path}`);
    if (result.malformedLines > 0) {
      logger.warn(
        { ...context, malformedLines: result.malformedLines, issues: result.issues.slice(0, 5) },
        kind === 'seats'
          ? 'some seats could not be read; the rest were stored'
          : 'report had malformed lines; the rest was stored',
      );
    } else if (kind === 'seats' && result.issues.length > 0) {
      logger.warn({ ...context, issues: result.issues.slice(0, 5) }, 'seats listing was irregular');
    }
  };

  const skip = (kinds: readonly SyncKind[]) => {
    for (const kind of kinds) {
      summary.skipped++;
      summary.byReport[kind].skipped++;
    }
  };

  const recordFailure = async (task: PlannedReport, kinds: readonly SyncKind[], error: Error) => {
    // Given up for the shutdown, not failed: the day keeps its status and is fetched again.
    if (deps.signal?.aborted) return skip(kinds);
    const scopeId = scopeIds.get(scopeKey(task.scope))!;
    const status = error instanceof GitHubError ? error.status : undefined;
    for (const kind of kinds) {
      const context = { scope: scopeKey(task.scope), report: kind, day: formatDay(task.day) };
      summary.failed++;
      summary.byReport[kind].failed++;
      summary.failures.push({ ...context, error: error.message, ...(status ? { status } : {}) });
      logger.error({ ...context, err: error.message }, 'report sync failed');
      await store.exclusive(() =>
        store.recordAttempt(scopeId, kind, task.day, 'failed', error.message, status),
      );
    }
  };

  // Reports not finished yet: the last one runs alone (see importWhileDownloading).
  let reportsLeft = 0;
  const runOne = async (task: PlannedReport): Promise<void> => {
    const key = scopeKey(task.scope);
    // In aggregate mode a users task stands for the day's users and user-teams reports together.
    const kinds: SyncKind[] = aggregate && task.kind === 'users' ? ['user-teams', 'users'] : [task.kind];
    if (blockedFor(task) || deps.signal?.aborted) return skip(kinds);
    const scopeId = scopeIds.get(key)!;
    const contextOf = (kind: SyncKind) => ({ scope: key, report: kind, day: formatDay(task.day) });
    try {
      if (kinds.length === 2) {
        const { users, teams } = await syncUserPair(deps, task, scopeId, tmpRoot);
        tallyOutcome('user-teams', contextOf('user-teams'), teams);
        tallyOutcome('users', contextOf('users'), users);
        progress.advance(users === 'no_data' ? 0 : users.records);
        return;
      }
      const result =
        task.kind === 'seats'
          ? await syncSeats(deps, task, scopeId, request.scopes, scopeIds)
          : await syncReport(
              deps,
              { ...task, kind: task.kind as ReportKind },
              scopeId,
              tmpRoot,
              reportsLeft === 1,
            );
      tallyOutcome(task.kind, contextOf(task.kind), result);
      progress.advance(result === 'no_data' ? 0 : result.records);
    } catch (error) {
      const message = (error as Error).message;
      await recordFailure(task, kinds, error as Error);
      progress.advance(0);
      if (error instanceof GitHubError && error.status === 401) blockedAll = message;
      else if (
        task.kind !== 'seats' &&
        error instanceof GitHubError &&
        (error.status === 403 || error.status === 404)
      )
        blockedScopes.set(key, message);
    }
  };

  // Organizations' seats first (a few quick pages each), then the reports, then the enterprises' seats,
  // which are the union of their organizations' snapshots of the day.
  const concurrency = Math.max(1, request.settings.concurrency);
  const all = aggregate ? pairUserReports(plan) : plan;
  // Billing runs apart: its refusals never block a scope's usage reports, nor theirs its billing.
  const tasks = all.filter((t) => !isBillingKind(t.kind));
  const billingTasks = all.filter((t) => isBillingKind(t.kind));
  const enterpriseSeats = tasks.filter((t) => t.kind === 'seats' && t.scope.kind === 'enterprise');
  progress.start(all.length);
  try {
    await runPool(
      tasks.filter((t) => t.kind === 'seats' && t.scope.kind === 'organization'),
      concurrency,
      runOne,
    );
    const reports = tasks.filter((t) => t.kind !== 'seats');
    reportsLeft = reports.length;
    await runPool(reports, concurrency, async (task) => {
      try {
        await runOne(task);
      } finally {
        reportsLeft--;
      }
    });
    for (const task of enterpriseSeats) await runOne(task);
    if (deps.signal?.aborted) skip(billingTasks.map((t) => t.kind));
    else
      await syncBilling(deps, billingTasks, {
        settings: request.settings.billing!,
        scopeIds,
        concurrency,
        report: {
          done: (task, outcome) => {
            tallyOutcome(
              task.kind,
              { scope: scopeKey(task.scope), report: task.kind, day: formatDay(task.day) },
              outcome,
            );
            progress.advance(outcome === 'no_data' ? 0 : outcome.records);
          },
          failed: async (task, error) => {
            await recordFailure(task, [task.kind], error);
            progress.advance(0);
          },
        },
      });
  } finally {
    progress.stop();
    await rm(tmpRoot, { recursive: true, force: true });
  }

  summary.interrupted = deps.signal?.aborted ?? false;
  if (request.settings.retentionDays !== undefined && !summary.interrupted) {
    const pruned = await store.exclusive(() => store.pruneBefore(today - request.settings.retentionDays!));
    if (pruned > 0)
      logger.info(
        { rows: pruned, before: formatDay(today - request.settings.retentionDays!) },
        'pruned days past SYNC_RETENTION_DAYS',
      );
  }
  summary.unknownKeys = [...unknownKeys].sort();
  summary.durationMs = Date.now() - startedAt;
  if (summary.unknownKeys.length) {
    logger.warn(
      { unknownKeys: summary.unknownKeys },
      'GitHub sent fields this version does not store yet; they are kept in the raw archive (run `reprocess` after upgrading)',
    );
  }
  const error = summary.failures.length
    ? `${summary.failures.length} report(s) failed; first: ${summary.failures[0].error}`
    : null;
  await store.exclusive(() =>
    store.finishRun(runId, {
      ...summary,
      error: summary.interrupted ? (deps.signal!.reason as Error).message : error,
    }),
  );
  return summary;
}

type TaskOutcome = 'no_data' | ReportOutcome;

async function syncReport(
  deps: SyncDeps,
  task: PlannedReport & { kind: ReportKind },
  scopeId: number,
  tmpRoot: string,
  alone: boolean,
): Promise<TaskOutcome> {
  const { store } = deps;
  const dir = await mkdtemp(join(tmpRoot, `${task.kind}-`));
  const target = { scopeId, kind: task.kind, day: task.day };
  try {
    let outcome = alone
      ? await importWhileDownloading(deps, task, target, join(dir, 'streamed-'))
      : undefined;
    if (outcome === undefined) {
      const files = await fetchFiles(deps, task.scope, task.kind, task.day, join(dir, 'part-'));
      outcome = files === 'no_data' ? 'no_data' : await importReport(store, target, files);
    }
    if (outcome === 'no_data')
      await store.exclusive(() => store.recordAttempt(scopeId, task.kind, task.day, 'no_data'));
    return outcome;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A report that runs alone (a one-report sync, the last report of a run) is stored as its files arrive:
 * the import starts with the first file (GitHub shards large reports) while the others download, so
 * storing overlaps downloading. With other reports in flight it does not: they overlap already, and
 * the writer, held by a report waiting for its files, would hold them back. Undefined when a download
 * failed: the report is rolled back, and the caller downloads it again (fresh links, every retry)
 * before importing.
 */
async function importWhileDownloading(
  deps: SyncDeps,
  task: PlannedReport & { kind: ReportKind },
  target: { scopeId: number; kind: ReportKind; day: DayNumber },
  prefix: string,
): Promise<TaskOutcome | undefined> {
  const links = await untilAborted(
    fetchReportLinks(deps.client, task.scope, task.kind, task.day),
    deps.signal,
  );
  if (links.type === 'no_data') return 'no_data';
  const shards = startDownloads(deps, links.links, prefix, pseudonymsFor(deps, task.kind));
  try {
    return await importReport(deps.store, target, shards);
  } catch (error) {
    // Every download settles before the caller's retry reuses the directory.
    const settled = await Promise.allSettled(shards);
    const downloadFailed = settled.some((shard) => shard.status === 'rejected');
    if (!downloadFailed || deps.signal?.aborted) throw error;
    deps.logger.warn(
      { report: task.kind, day: formatDay(task.day), err: (error as Error).message },
      'a file failed while the report was being stored; downloading it again before storing',
    );
    return undefined;
  }
}

/** PRIVACY_MODE=aggregate: a day's users and user-teams reports, fetched together, stored as team figures. */
async function syncUserPair(
  deps: SyncDeps,
  task: PlannedReport,
  scopeId: number,
  tmpRoot: string,
): Promise<PairOutcome> {
  const dir = await mkdtemp(join(tmpRoot, 'user-pair-'));
  try {
    const teams = await fetchFiles(deps, task.scope, 'user-teams', task.day, join(dir, 'teams-'));
    const users = await fetchFiles(deps, task.scope, 'users', task.day, join(dir, 'users-'));
    return await importUserPair(deps.store, { scopeId, day: task.day }, users, teams);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pseudonymized while downloading, so no real login or id is ever written (PRIVACY_MODE=pseudonymous). */
function pseudonymsFor(deps: SyncDeps, kind: ReportKind): Pseudonymizer | undefined {
  return kind === 'users' || kind === 'user-teams' ? pseudonymizerOf(deps.store.privacy) : undefined;
}

/** Links, then every file of a report, to paths starting with `prefix`; 'no_data' when GitHub has no report for the day. */
async function fetchFiles(
  deps: SyncDeps,
  scope: Scope,
  kind: ReportKind,
  day: DayNumber,
  prefix: string,
): Promise<ReportFile[] | 'no_data'> {
  const { client } = deps;
  let links = await untilAborted(fetchReportLinks(client, scope, kind, day), deps.signal);
  if (links.type === 'no_data') return 'no_data';
  const pseudonyms = pseudonymsFor(deps, kind);
  try {
    return await downloadAll(deps, links.links, prefix, pseudonyms);
  } catch (error) {
    if (!(error instanceof ExpiredLinkError)) throw error;
    // Signed links expire; ask GitHub for fresh ones, once.
    links = await untilAborted(fetchReportLinks(client, scope, kind, day), deps.signal);
    if (links.type === 'no_data') return 'no_data';
    return downloadAll(deps, links.links, prefix, pseudonyms).catch((retryError: Error) => {
      throw retryError instanceof ExpiredLinkError
        ? new Error(
            `${retryError.message}, again after fetching fresh links; check the clock and any proxy between here and GitHub`,
          )
        : retryError;
    });
  }
}

/**
 * Shards of one report downloaded at once. Each download's archive gzip runs on libuv's thread pool, so
 * two use both cores where one left the second idle; more would only queue for the same two.
 */
const SHARDS_IN_PARALLEL = 2;

/**
 * Starts downloading every shard of a report, `SHARDS_IN_PARALLEL` at a time, in order; a cut-off
 * transfer is retried from the start of that file. Returns a promise per shard, in link order, each
 * settled as its file is on disk. After a failure no further shard starts: those not started reject
 * with the same error at once.
 */
function startDownloads(
  deps: SyncDeps,
  links: readonly string[],
  prefix: string,
  pseudonyms?: Pseudonymizer,
): Promise<ReportFile>[] {
  const settle: { resolve: (file: ReportFile) => void; reject: (error: unknown) => void }[] = [];
  const shards = links.map(
    () => new Promise<ReportFile>((resolve, reject) => settle.push({ resolve, reject })),
  );
  let failure: { error: unknown } | undefined;
  void runPool([...links.keys()], SHARDS_IN_PARALLEL, async (index) => {
    if (failure) return settle[index].reject(failure.error);
    try {
      settle[index].resolve(
        await downloadShard(deps, links, index, `${prefix}${index}.ndjson.gz`, pseudonyms),
      );
    } catch (error) {
      failure ??= { error };
      settle[index].reject(error);
    }
  });
  return shards;
}

/** Every shard of a report on disk; on a failure, thrown once the shards in flight have settled (a retry with fresh links writes the same paths). */
async function downloadAll(
  deps: SyncDeps,
  links: readonly string[],
  prefix: string,
  pseudonyms?: Pseudonymizer,
): Promise<ReportFile[]> {
  const settled = await Promise.allSettled(startDownloads(deps, links, prefix, pseudonyms));
  const failed = settled.find((shard) => shard.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((shard) => (shard as PromiseFulfilledResult<ReportFile>).value);
}

async function downloadShard(
  deps: SyncDeps,
  links: readonly string[],
  index: number,
  path: string,
  pseudonyms?: Pseudonymizer,
): Promise<ReportFile> {
  const attempts = deps.downloadAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const { bytes } = await untilAborted(
        downloadReportFile(deps.client, links[index], path, { pseudonyms }),
        deps.signal,
      );
      return { path, bytes };
    } catch (error) {
      if (!(error instanceof TruncatedDownloadError) || attempt >= attempts) {
        throw error instanceof TruncatedDownloadError
          ? new Error(
              `report file ${index + 1} of ${links.length}: ${error.message} (after ${attempt} attempts)`,
            )
          : error;
      }
      deps.logger.warn(
        { file: index + 1, attempt, err: error.message },
        'report download cut short; retrying',
      );
      await sleep(200 * attempt);
    }
  }
}

/**
 * PRIVACY_MODE=aggregate: seats are per-person records and are not synced; a day's users and
 * user-teams reports become one task (kind users), planned when either of them is.
 */
export function pairUserReports(plan: readonly PlannedReport[]): PlannedReport[] {
  const paired = new Set<string>();
  const out: PlannedReport[] = [];
  for (const task of plan) {
    if (task.kind === 'seats') continue;
    if (task.kind !== 'users' && task.kind !== 'user-teams') {
      out.push(task);
      continue;
    }
    const key = `${scopeKey(task.scope)}:${task.day}`;
    if (paired.has(key)) continue;
    paired.add(key);
    out.push({ ...task, kind: 'users' });
  }
  return out;
}

/**
 * `work`, or the abort's reason as soon as `signal` aborts. The request itself runs on in the
 * background until the client closes; nothing waits for it.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
