import { createReadStream } from 'node:fs';
import { formatDay, type DayNumber } from '../days';
import { dayMismatch, entityIds, repoIdentity, teamMembership, userIdentity } from '../reports/identity';
import { type RecordIssues, type RecordShape, collectUnknownKeys, newIssues } from '../reports/mapping';
import { readRecords } from '../reports/reader';
import { RECORD_TABLES } from '../reports/schema';
import type { JsonObject, ReportKind } from '../reports/types';
import type { ReportOutcome, ReportWriter, SyncStore } from '../store/interface';

/** Raw archive rows hold at most this many compressed bytes each. */
const ARCHIVE_CHUNK_BYTES = 4 << 20;
/** How many problem descriptions one report keeps; the counts stay exact. */
const MAX_ISSUES = 50;

export interface ReportFile {
  /** gzip-compressed copy of the downloaded file, exactly as received. */
  path: string;
  /** Bytes as downloaded; unknown when re-read from the archive. */
  bytes?: number;
}

const SHAPE: Record<ReportKind, RecordShape> = {
  aggregate: 'aggregate',
  users: 'user',
  'user-teams': 'team',
  repos: 'repo',
};

/**
 * Replaces one (scope, report kind, day) with the given files, in one transaction: the archive
 * copy, every figure, the status and the unknown keys land together or not at all.
 */
export function importReport(
  store: SyncStore,
  target: { scopeId: number; kind: ReportKind; day: DayNumber },
  files: readonly ReportFile[],
  options: { archive: boolean } = { archive: true },
): Promise<ReportOutcome> {
  return store.exclusive(async () => {
    const tx = store.beginReport(target.scopeId, target.kind, target.day, { keepArchive: !options.archive });
    try {
      if (options.archive)
        for (const [fileIndex, file] of files.entries()) await archiveFile(tx, fileIndex, file.path);
      const outcome = await loadRecords(store, tx, files);
      tx.commit(outcome);
      return outcome;
    } catch (error) {
      tx.rollback();
      throw error;
    }
  });
}

async function archiveFile(tx: ReportWriter, fileIndex: number, path: string): Promise<void> {
  let chunkIndex = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: ARCHIVE_CHUNK_BYTES })) {
    tx.addRawChunk(fileIndex, chunkIndex++, chunk as Buffer);
  }
}

function loadRecords(
  store: SyncStore,
  tx: ReportWriter,
  files: readonly ReportFile[],
): Promise<ReportOutcome> {
  return readReport(files, tx, (record, recordIssues) => storeRecord(store, tx, record, recordIssues));
}

/**
 * Streams every record of a report's files through `handle`, which returns why a record cannot be
 * stored, if so. Counts records and malformed lines, keeps line-numbered problems (capped) and the
 * paths of keys no table knows.
 */
export async function readReport(
  files: readonly ReportFile[],
  report: { kind: ReportKind; day: DayNumber },
  handle: (record: JsonObject, issues: RecordIssues) => string | undefined,
): Promise<ReportOutcome> {
  const reportDay = formatDay(report.day);
  const shape = SHAPE[report.kind];
  const unknownKeys = new Set<string>();
  const issues: string[] = [];
  const note = (text: string) => {
    if (issues.length < MAX_ISSUES) issues.push(text);
  };
  const recordIssues = newIssues();
  let records = 0;
  let malformedLines = 0;

  for (const [fileIndex, file] of files.entries()) {
    const where = (line: number) =>
      files.length > 1 ? `file ${fileIndex + 1} line ${line}` : `line ${line}`;
    for await (const item of readRecords(file.path, { allowDocument: report.kind === 'aggregate' })) {
      if ('error' in item) {
        malformedLines++;
        note(`${where(item.line)}: ${item.error}`);
        continue;
      }
      const record = item.record;
      const problem = dayMismatch(record, reportDay) ?? handle(record, recordIssues);
      if (problem) {
        malformedLines++;
        note(`${where(item.line)}: ${problem}`);
        continue;
      }
      records++;
      collectUnknownKeys(record, shape, unknownKeys);
      if (recordIssues.invalidValues.length) {
        for (const value of recordIssues.invalidValues) note(`${where(item.line)}: ${value}`);
        recordIssues.invalidValues.length = 0;
      }
    }
  }
  if (report.kind === 'aggregate' && records > 1)
    note(`${records} aggregate records for one day; counters were added together`);
  return {
    records,
    malformedLines,
    issues,
    unknownKeys: [...unknownKeys].sort(),
    files: files.length,
    bytes: files.every((file) => file.bytes !== undefined)
      ? files.reduce((sum, file) => sum + file.bytes!, 0)
      : null,
  };
}

/** Stores one record; returns why it cannot be stored, if so. */
function storeRecord(
  store: SyncStore,
  tx: ReportWriter,
  record: JsonObject,
  recordIssues: RecordIssues,
): string | undefined {
  switch (tx.kind) {
    case 'aggregate': {
      const ids = entityIds(record);
      tx.setScopeIds(
        ids.organizationId ?? ids.enterpriseId,
        ids.organizationId ? ids.enterpriseId : undefined,
      );
      tx.addFigures(RECORD_TABLES.aggregate, 0, record, recordIssues);
      return undefined;
    }
    case 'users': {
      const user = userIdentity(record);
      if (!user.ok) return user.error;
      // A user listed twice is noticed by the database (the day's row exists), not by a set of every user.
      if (tx.addFigures(RECORD_TABLES.user, store.userRef(user.value), record, recordIssues))
        recordIssues.invalidValues.push(
          `user ${user.value.githubId} appears twice; counters were added together`,
        );
      return undefined;
    }
    case 'repos': {
      const repo = repoIdentity(record);
      if (!repo.ok) return repo.error;
      tx.addFigures(RECORD_TABLES.repo, store.repoRef(repo.value), record, recordIssues);
      return undefined;
    }
    case 'user-teams': {
      const membership = teamMembership(record);
      if (!membership.ok) return membership.error;
      const { user, teamId, slug } = membership.value;
      tx.addTeamMember(store.teamRef(tx.scopeId, teamId, slug), store.userRef(user));
      return undefined;
    }
  }
}
