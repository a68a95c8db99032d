/**
 * AI-credit billing, for the runner: today's snapshots (budgets, user-states, cost centers), each
 * scope's `ai_credit/usage` per day, and each enterprise's per-person rows from `ai_credit` usage-report
 * exports (≤31-day windows, one export at a time). A refusal fails that billing day only: billing
 * faults never block the usage reports, and usage-report faults never skip billing.
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse';
import { type DayNumber, formatDay, parseDay } from '../days';
import {
  type BillingUsageItem,
  MAX_BILLING_ISSUES,
  MULTI_USER_SCOPES,
  BillingShapeError,
  checkCsvHeader,
  csvRow,
  parseBudgetsPage,
  parseCostCenterResourcesPage,
  parseCostCenters,
  parseUsageAnswer,
  parseUserStatesPage,
} from '../reports/billing';
import {
  fetchCostCenters,
  fetchPages,
  fetchUsageDay,
  fetchUsageExport,
  openExportFile,
  requestUsageExport,
  type UsageExport,
} from '../github/billing';
import type { GitHubClient } from '../github/client';
import type { Logger } from '../log';
import { type Scope, scopeKey } from '../scopes';
import type { BillingExportWriter, BillingSnapshotRows, ReportOutcome, SyncStore } from '../store/interface';
import { AGGREGATED_PERSON, BillingPeople } from './billingPeople';
import type { PlannedReport } from './planner';

export interface BillingSettings {
  /** BILLING: off turns every billing kind off. */
  enabled: boolean;
  /** Wait between polls of a processing export, and before asking again after a 409. */
  exportPollMs: number;
  /** Longest wait for one export (409s and processing together) before its days fail. */
  exportTimeoutMs: number;
}

export const DEFAULT_BILLING_SETTINGS: BillingSettings = {
  enabled: true,
  exportPollMs: 10_000,
  exportTimeoutMs: 10 * 60_000,
};

/** GitHub's limit for one AI usage report ("≤31 days", https://docs.github.com/billing/reference/billing-reports). */
export const EXPORT_MAX_DAYS = 31;

export interface BillingDeps {
  store: SyncStore;
  client: GitHubClient;
  logger: Logger;
  /** A shutdown: no further task starts and an export's wait ends (the runner records nothing for them). */
  signal?: AbortSignal;
}

/** How the runner hears of each task: stored, GitHub had nothing, or failed (the runner records it). */
export interface BillingReporter {
  done(task: PlannedReport, outcome: ReportOutcome | 'no_data'): void;
  failed(task: PlannedReport, error: Error): Promise<void>;
}

export async function syncBilling(
  deps: BillingDeps,
  tasks: readonly PlannedReport[],
  options: {
    settings: BillingSettings;
    scopeIds: ReadonlyMap<string, number>;
    concurrency: number;
    report: BillingReporter;
  },
): Promise<void> {
  if (!tasks.length) return;
  const { store, client } = deps;
  const peopleOf = new Map<string, BillingPeople>();
  const people = (scope: Scope) => {
    let found = peopleOf.get(scope.slug);
    if (!found)
      peopleOf.set(scope.slug, (found = new BillingPeople(store, client, store.privacy, scope.slug)));
    return found;
  };
  const scopeIdOf = (scope: Scope) => options.scopeIds.get(scopeKey(scope))!;
  const attempt = async (task: PlannedReport, work: () => Promise<ReportOutcome | 'no_data'>) => {
    try {
      deps.signal?.throwIfAborted();
      options.report.done(task, await work());
    } catch (error) {
      await options.report.failed(task, error as Error);
    }
  };

  for (const task of tasks.filter((t) => t.kind === 'billing-snapshot'))
    await attempt(task, () =>
      syncSnapshot(deps, task.scope, task.day, scopeIdOf(task.scope), people(task.scope)),
    );

  const consolidated = new Set<string>();
  await runPool(
    tasks.filter((t) => t.kind === 'billing'),
    options.concurrency,
    (task) =>
      attempt(task, async () => {
        const outcome = await syncUsageDay(deps, task.scope, task.day, scopeIdOf(task.scope));
        if (outcome.type === 'stored') return outcome.outcome;
        if (!consolidated.has(scopeKey(task.scope))) {
          consolidated.add(scopeKey(task.scope));
          deps.logger.warn({ scope: scopeKey(task.scope) }, outcome.message);
        }
        return 'no_data';
      }),
  );

  const exportTasks = tasks.filter((t) => t.kind === 'billing-users');
  const enterprises = [...new Set(exportTasks.map((t) => scopeKey(t.scope)))];
  for (const key of enterprises) {
    const ofScope = exportTasks.filter((t) => scopeKey(t.scope) === key);
    for (const window of exportWindows(ofScope.map((t) => t.day))) {
      const planned = ofScope.filter((t) => t.day >= window.from && t.day <= window.to);
      const scope = planned[0].scope;
      try {
        const outcomes = await syncExportWindow(
          deps,
          scope,
          window,
          scopeIdOf(scope),
          people(scope),
          options.settings,
        );
        for (const task of planned) options.report.done(task, outcomes.get(task.day) ?? 'no_data');
      } catch (error) {
        for (const task of planned) await options.report.failed(task, error as Error);
      }
    }
  }
}

/** Days to export, newest first in, as ≤31-day windows covering them (oldest window first). */
export function exportWindows(days: readonly DayNumber[]): { from: DayNumber; to: DayNumber }[] {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const windows: { from: DayNumber; to: DayNumber }[] = [];
  for (const day of sorted) {
    const last = windows.at(-1);
    if (last && day - last.from < EXPORT_MAX_DAYS) last.to = day;
    else windows.push({ from: day, to: day });
  }
  return windows;
}

async function syncUsageDay(
  deps: BillingDeps,
  scope: Scope,
  day: DayNumber,
  scopeId: number,
): Promise<{ type: 'stored'; outcome: ReportOutcome } | { type: 'consolidated'; message: string }> {
  const { store } = deps;
  const answer = await fetchUsageDay(deps.client, scope, day);
  if (answer.type === 'consolidated') {
    await store.exclusive(() => store.recordAttempt(scopeId, 'billing', day, 'no_data', answer.message));
    return answer;
  }
  let parsed;
  try {
    parsed = parseUsageAnswer(answer.body, day);
  } catch (error) {
    if (error instanceof BillingShapeError)
      throw new Error(`the AI-credit usage of ${scopeKey(scope)} for ${formatDay(day)}: ${error.message}`);
    throw error;
  }
  const items: BillingUsageItem[] = parsed.rows;
  const outcome: ReportOutcome = {
    records: items.length,
    malformedLines: parsed.malformed,
    issues: parsed.issues,
    unknownKeys: parsed.unknownKeys,
    files: 1,
    bytes: null,
  };
  await store.exclusive(() => store.replaceBillingUsage(scopeId, day, items, outcome));
  return { type: 'stored', outcome };
}

// ---------------------------------------------------------------------------------------------------
// The usage-report export

/** Asks for the export, waiting out 409s (another export running), then polls it until it ends. */
async function completedExport(
  deps: BillingDeps,
  scope: Scope,
  window: { from: DayNumber; to: DayNumber },
  settings: BillingSettings,
): Promise<UsageExport> {
  const started = Date.now();
  const range = `${formatDay(window.from)}..${formatDay(window.to)}`;
  const waited = () => `${Math.round((Date.now() - started) / 1000)} s`;
  const timeoutHint = 'raise BILLING_EXPORT_TIMEOUT_SECONDS to wait longer; the next sync asks again';
  let current: UsageExport | undefined;
  while (!current) {
    const answer = await requestUsageExport(deps.client, scope, window.from, window.to);
    if (!('busy' in answer)) {
      current = answer;
      break;
    }
    if (Date.now() - started + settings.exportPollMs > settings.exportTimeoutMs)
      throw new Error(
        `another usage-report export of ${scopeKey(scope)} kept running for ${waited()} (GitHub answered 409: "${answer.busy.slice(0, 200)}"; one export per account runs at a time), so the ai_credit export of ${range} was not made; ${timeoutHint}`,
      );
    deps.logger.info(
      { scope: scopeKey(scope), range },
      'another usage-report export is running (409); waiting',
    );
    await sleep(settings.exportPollMs, undefined, { signal: deps.signal });
  }
  while (current.status === 'processing') {
    if (Date.now() - started + settings.exportPollMs > settings.exportTimeoutMs)
      throw new Error(
        `the ai_credit usage-report export ${current.id} of ${scopeKey(scope)} for ${range} was still processing after ${waited()}; ${timeoutHint}`,
      );
    await sleep(settings.exportPollMs, undefined, { signal: deps.signal });
    current = await fetchUsageExport(deps.client, scope, current.id);
  }
  if (current.status === 'failed')
    throw new Error(
      `GitHub reports the ai_credit usage-report export ${current.id} of ${scopeKey(scope)} for ${range} as failed; the next sync asks for a new one`,
    );
  if (current.status !== 'completed')
    throw new Error(
      `the ai_credit usage-report export ${current.id} of ${scopeKey(scope)} for ${range} has status "${current.status.slice(0, 40)}", which this version does not know`,
    );
  return current;
}

/**
 * One window's export, stored as it streams: the window's days are replaced in one transaction, held
 * (inside `exclusive`) while the CSV files are read, each row folded into the stored tables as it
 * comes, so memory does not follow the export's size. Only per-day counts are kept here.
 */
async function syncExportWindow(
  deps: BillingDeps,
  scope: Scope,
  window: { from: DayNumber; to: DayNumber },
  scopeId: number,
  people: BillingPeople,
  settings: BillingSettings,
): Promise<Map<DayNumber, ReportOutcome | 'no_data'>> {
  const { store } = deps;
  const days: DayNumber[] = [];
  for (let day = window.from; day <= window.to; day++) days.push(day);
  const done = await completedExport(deps, scope, window, settings);
  return store.exclusive(() =>
    people.holding(async () => {
      const writer = await store.beginBillingExport(scopeId, days);
      try {
        // Completed without links: GitHub had no usage for the range, and every day is no_data.
        const outcomes = done.downloadUrls.length
          ? await foldExport(deps, done, window, people, writer)
          : new Map<DayNumber, ReportOutcome | 'no_data'>();
        await writer.commit(outcomes);
        return outcomes;
      } catch (error) {
        await writer.rollback();
        people.forget();
        throw error;
      }
    }),
  );
}

/** Reads every CSV file of a completed export into `writer`; each day's outcome. */
async function foldExport(
  deps: BillingDeps,
  done: UsageExport,
  window: { from: DayNumber; to: DayNumber },
  people: BillingPeople,
  writer: BillingExportWriter,
): Promise<Map<DayNumber, ReportOutcome | 'no_data'>> {
  const { store } = deps;
  const issues: string[] = [];
  const unknownKeys = new Set<string>();
  const rowsPerDay = new Map<DayNumber, number>();
  // A line is counted on its day when its date can be read, else on the window's last day.
  const malformedPerDay = new Map<DayNumber, number>();
  let unresolved = 0;
  const refOf = async (login: string): Promise<number> => {
    if (login === '' || people.aggregate) return 0;
    const person = await people.person(login);
    if (person) return person.ref;
    unresolved++;
    if (issues.length < MAX_BILLING_ISSUES)
      issues.push(
        store.privacy.mode === 'off'
          ? `username "${login}" is no GitHub user (GET /users answered 404); its figures are kept under no one (user 0)`
          : 'a username is no GitHub user (GET /users answered 404); its figures are kept under no one (user 0)',
      );
    return 0;
  };
  const malformed = (date: string | undefined, issue: string) => {
    const parsed = parseDay(date ?? '');
    const day = parsed !== undefined && parsed >= window.from && parsed <= window.to ? parsed : window.to;
    malformedPerDay.set(day, (malformedPerDay.get(day) ?? 0) + 1);
    if (issues.length < MAX_BILLING_ISSUES) issues.push(issue);
  };
  for (const [index, url] of done.downloadUrls.entries()) {
    const file = `export ${done.id} file ${index + 1}`;
    const stream = await openExportFile(deps.client, url);
    await readCsv(stream, {
      header: (columns) => {
        for (const name of checkCsvHeader(columns)) unknownKeys.add(name);
      },
      row: async (record, line) => {
        const mapped = csvRow(record);
        if ('error' in mapped) return malformed(record.date, `${file}, line ${line}: ${mapped.error}`);
        const { row } = mapped;
        if (row.day < window.from || row.day > window.to)
          return malformed(
            undefined,
            `${file}, line ${line}: date ${formatDay(row.day)} is outside the export's range`,
          );
        const userRef = await refOf(row.username);
        if (row.username !== '' && store.privacy.mode !== 'off')
          row.repository = await maskOwner(row.repository, row.username, people);
        writer.addRow(row, userRef);
        rowsPerDay.set(row.day, (rowsPerDay.get(row.day) ?? 0) + 1);
      },
      skipped: (line, message) => malformed(undefined, `${file}, line ${line}: ${message}`),
    });
  }
  const outcomes = new Map<DayNumber, ReportOutcome | 'no_data'>();
  for (let day = window.from; day <= window.to; day++) {
    const records = rowsPerDay.get(day) ?? 0;
    const malformedLines = malformedPerDay.get(day) ?? 0;
    if (records === 0 && malformedLines === 0) continue;
    outcomes.set(day, {
      records,
      malformedLines,
      issues: [
        ...issues,
        ...(unresolved ? [`${unresolved} row(s) name a username GitHub does not know`] : []),
      ].slice(0, MAX_BILLING_ISSUES),
      unknownKeys: [...unknownKeys].sort(),
      files: done.downloadUrls.length,
      bytes: null,
    });
  }
  return outcomes;
}

/** A repository `owner/name` whose owner is the row's person: the owner as the login may be stored. */
async function maskOwner(repository: string, login: string, people: BillingPeople): Promise<string> {
  const slash = repository.indexOf('/');
  if (slash < 0 || repository.slice(0, slash).toLowerCase() !== login.toLowerCase()) return repository;
  return `${await people.storedLogin(login)}${repository.slice(slash)}`;
}

/**
 * Streams a CSV by header name (BOM, quoted fields) with csv-parse; a line it cannot read is reported
 * by number and skipped, the rest is read.
 */
export async function readCsv(
  stream: Readable,
  handlers: {
    header: (columns: string[]) => void;
    row: (record: Record<string, string>, line: number) => Promise<void> | void;
    skipped: (line: number, message: string) => void;
  },
): Promise<void> {
  const parser = stream.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const columns = header.map((name) => name.trim());
        handlers.header(columns);
        return columns;
      },
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) =>
    handlers.skipped(error.lines ?? 0, error.message.slice(0, 200)),
  );
  stream.on('error', (error) => parser.destroy(error));
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>)
    await handlers.row(record, info.lines);
}

// ---------------------------------------------------------------------------------------------------
// Today's snapshot

async function syncSnapshot(
  deps: BillingDeps,
  scope: Scope,
  day: DayNumber,
  scopeId: number,
  people: BillingPeople,
): Promise<ReportOutcome | 'no_data'> {
  const { store, client } = deps;
  const issues: string[] = [];
  const unknownKeys = new Set<string>();
  let malformed = 0;
  let files = 0;
  let unresolved = 0;
  const take = (parsed: { unknownKeys: string[]; issues: string[]; malformed: number }) => {
    files++;
    for (const key of parsed.unknownKeys) unknownKeys.add(key);
    for (const issue of parsed.issues) if (issues.length < MAX_BILLING_ISSUES) issues.push(issue);
    malformed += parsed.malformed;
  };
  const refOf = async (login: string | null): Promise<number> => {
    if (!login || people.aggregate) return 0;
    const person = await people.person(login);
    if (person) return person.ref;
    unresolved++;
    return 0;
  };

  // GitHub documents a 404 for budgets as "feature not enabled" (https://docs.github.com/rest/billing/budgets), and so it is for cost
  // centers: not an empty list. A snapshot with nothing to read is no_data with the notes.
  const notEnabled: string[] = [];
  const budgetPages = await fetchPages(client, scope, 'budgets', parseBudgetsPage);
  if (!budgetPages)
    notEnabled.push(
      `GitHub answered 404 for the budgets of ${scopeKey(scope)}: budgets are not enabled for this account (GitHub's documented meaning of this 404), so none are stored`,
    );
  for (const page of budgetPages ?? []) take(page);
  const budgets = (budgetPages ?? []).flatMap((page) => page.rows);
  const rows: BillingSnapshotRows = { budgets: [], userStates: [], costCenters: [] };
  for (const { user, ...budget } of budgets) {
    const sameAsUser = user !== null && budget.entityName?.toLowerCase() === user.toLowerCase();
    rows.budgets.push({
      ...budget,
      userRef: user === null ? null : await refOf(user),
      entityName: sameAsUser ? await people.storedLogin(user) : budget.entityName,
      alertRecipients: budget.alertRecipients
        ? await Promise.all(budget.alertRecipients.map((r) => people.maskRecipient(r)))
        : null,
    });
  }

  if (scope.kind === 'enterprise') {
    for (const budget of budgets.filter((b) => MULTI_USER_SCOPES.has(b.budgetScope ?? ''))) {
      const pages = await fetchPages(
        client,
        scope,
        `budgets/${encodeURIComponent(budget.budgetId)}/user-states`,
        parseUserStatesPage,
      );
      const byRef = new Map<number, BillingSnapshotRows['userStates'][number]>();
      for (const page of pages ?? []) {
        take(page);
        for (const state of page.rows) {
          const userRef = await refOf(state.user);
          const earlier = byRef.get(userRef);
          if (!earlier) {
            byRef.set(userRef, {
              budgetId: budget.budgetId,
              userRef,
              consumedAmount: state.consumedAmount,
              targetAmount: state.targetAmount,
              // An override names a person's own budget: not kept where the person is not.
              overrideBudgetId: userRef === 0 ? null : state.overrideBudgetId,
            });
            continue;
          }
          // Everyone (aggregate mode), or people GitHub does not know, summed under user 0.
          earlier.consumedAmount = sum(earlier.consumedAmount, state.consumedAmount);
          earlier.targetAmount = sum(earlier.targetAmount, state.targetAmount);
        }
      }
      rows.userStates.push(...byRef.values());
    }
    const centers = await fetchCostCenters(client, scope);
    if (centers === undefined)
      notEnabled.push(
        `GitHub answered 404 for the cost centers of ${scopeKey(scope)}: cost centers are not enabled for this enterprise, so none are stored`,
      );
    else {
      const parsed = parseCostCenters(centers);
      take(parsed);
      for (const center of parsed.rows) {
        // The list's resources may be incomplete: the cost center by id pages every one.
        const pages = await fetchPages(
          client,
          scope,
          `cost-centers/${encodeURIComponent(center.id)}`,
          parseCostCenterResourcesPage,
        );
        if (pages === undefined)
          issues.push(
            `cost center ${center.id} answered 404 by id (deleted since it was listed?); its resources are those the list showed`,
          );
        else {
          for (const page of pages) take(page);
          center.resources = pages.flatMap((page) => page.rows);
        }
        const users = center.resources.filter((r) => r.type === 'User');
        const others = center.resources.filter((r) => r.type !== 'User');
        let resources: Record<string, unknown>[];
        if (people.aggregate)
          resources = [
            ...others,
            ...(users.length ? [{ type: 'User', name: AGGREGATED_PERSON, count: users.length }] : []),
          ];
        else
          resources = await Promise.all(
            center.resources.map(async (r) =>
              r.type === 'User' ? { type: r.type, name: await people.storedLogin(r.name) } : r,
            ),
          );
        rows.costCenters.push({ ...center, resources });
      }
    }
  }
  const parts = scope.kind === 'enterprise' ? 2 : 1;
  if (notEnabled.length === parts) {
    await store.exclusive(() =>
      store.replaceBillingSnapshot(scopeId, day, rows, { noData: notEnabled.join('; ') }),
    );
    return 'no_data';
  }
  issues.push(...notEnabled);
  if (unresolved)
    issues.push(`${unresolved} login(s) GitHub does not know; their figures are kept under no one (user 0)`);
  const outcome: ReportOutcome = {
    records: rows.budgets.length + rows.userStates.length + rows.costCenters.length,
    malformedLines: malformed,
    issues: issues.slice(0, MAX_BILLING_ISSUES),
    unknownKeys: [...unknownKeys].sort(),
    files,
    bytes: null,
  };
  await store.exclusive(() => store.replaceBillingSnapshot(scopeId, day, rows, outcome));
  return outcome;
}

function sum(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

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
