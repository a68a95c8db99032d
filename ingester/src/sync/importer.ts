import { createReadStream, statSync } from 'node:fs';
import { formatDay, type DayNumber } from '../days';
import { dayMismatch, type UserIdentity } from '../reports/identity';
import { type RecordIssues, type RecordShape, collectUnknownKeys, newIssues } from '../reports/mapping';
import { readRecords } from '../reports/reader';
import { ALL_TABLE_SPECS, type DictKind, type TableSpec } from '../reports/schema';
import type { JsonObject, ReportKind } from '../reports/types';
import type { ReportOutcome, ReportWriter, SyncStore } from '../store/interface';
import { type PipelineOptions, readOnWorker } from './importPipeline';
import {
  BatchCursor,
  MAX_ISSUES,
  readBatches,
  type RecordBatch,
  SPECS_OF,
  SUBJECT_CELLS,
} from './recordBatches';

/** Raw archive rows hold at most this many compressed bytes each. */
const ARCHIVE_CHUNK_BYTES = 4 << 20;

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

/** Reports whose compressed files reach this size are read on a worker thread; smaller ones here. */
export const WORKER_MIN_BYTES = 256 << 10;

export interface ImportOptions {
  /** Keep a gzip copy of the files in the raw archive (false when re-reading the archive). */
  archive: boolean;
  /**
   * Where the files are read and mapped: on a worker thread (a second core) while this thread stores,
   * or on this thread. `auto`: a worker for reports of `WORKER_MIN_BYTES` compressed bytes and more.
   */
  reader?: 'auto' | 'worker' | 'thread';
  /** Batch size and queue bound between the threads (tests make them small). */
  pipeline?: PipelineOptions;
}

/** A report file on disk, or one still downloading (a sync that imports while it downloads). */
export type ArrivingFile = ReportFile | Promise<ReportFile>;

/** `promise`, marked as handled: a file that fails to download fails the import through whoever awaits it. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Replaces one (scope, report kind, day) with the given files, in one transaction: the archive
 * copy, every figure, the status and the unknown keys land together or not at all. Files still
 * downloading are read when their turn comes; if one fails, the report is rolled back.
 */
export function importReport(
  store: SyncStore,
  target: { scopeId: number; kind: ReportKind; day: DayNumber },
  files: readonly ArrivingFile[],
  options: ImportOptions = { archive: true },
): Promise<ReportOutcome> {
  for (const file of files) if (file instanceof Promise) handled(file);
  return store.exclusive(async () => {
    const tx = await store.beginReport(target.scopeId, target.kind, target.day, {
      keepArchive: !options.archive,
    });
    try {
      // The archive copy is written while the records load (a worker boots meanwhile): one transaction,
      // one thread writing, so the order of their rows does not matter.
      const [loaded, archived] = await Promise.allSettled([
        loadRecords(store, tx, files, useWorker(files, options.reader ?? 'auto'), options.pipeline),
        options.archive ? archiveFiles(tx, files) : Promise.resolve(),
      ]);
      if (archived.status === 'rejected') throw archived.reason;
      if (loaded.status === 'rejected') throw loaded.reason;
      const outcome = loaded.value;
      await tx.commit(outcome);
      return outcome;
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  });
}

function useWorker(files: readonly ArrivingFile[], reader: NonNullable<ImportOptions['reader']>): boolean {
  if (reader !== 'auto') return reader === 'worker';
  let bytes = 0;
  for (const file of files) {
    // Still downloading: a report of several large files (GitHub shards the large ones).
    if (file instanceof Promise) return true;
    bytes += statSync(file.path).size;
  }
  return bytes >= WORKER_MIN_BYTES;
}

async function archiveFiles(tx: ReportWriter, files: readonly ArrivingFile[]): Promise<void> {
  for (const [fileIndex, next] of files.entries()) {
    const file = await next;
    let chunkIndex = 0;
    for await (const chunk of createReadStream(file.path, { highWaterMark: ARCHIVE_CHUNK_BYTES }))
      await tx.addRawChunk(fileIndex, chunkIndex++, chunk as Buffer);
  }
}

/**
 * Reads (here or on a worker) and stores a report's records, in file order. The writing half: resolves
 * each record's subject and dictionary labels to ids and hands its rows to the transaction.
 */
async function loadRecords(
  store: SyncStore,
  tx: ReportWriter,
  files: readonly ArrivingFile[],
  worker: boolean,
  pipeline: PipelineOptions = {},
): Promise<ReportOutcome> {
  const kind = tx.kind;
  const subjectCells = SUBJECT_CELLS[kind];
  const firstSpec = SPECS_OF[kind][0];
  // Per spec, which of its cells are dictionary ids (local to the reader, translated here).
  const dictCells = new Map<TableSpec, number[]>();
  const localKinds: DictKind[] = [];
  const localValues: string[] = [];
  const localIds: number[] = [];
  // Notes as (file index, line, problem): the reader's, then those of repeated subjects, merged by line.
  const notes: (number | string)[] = [];
  const repeatNotes: (number | string)[] = [];
  const tagged: (number | string)[] = [];

  const consume = async (batch: RecordBatch) => {
    for (let i = 0; i < batch.dictionary.length; i += 2) {
      localKinds.push(batch.dictionary[i] as DictKind);
      localValues.push(batch.dictionary[i + 1]);
    }
    for (const cell of batch.notes) notes.push(cell);
    if (kind === 'users' || kind === 'user-teams') await store.preloadUsers(usersOf(batch, subjectCells));
    const cells = new BatchCursor(batch);
    tagged.length = 0;
    while (!cells.done) {
      const fileIndex = cells.number();
      const line = cells.number();
      const subject = cells.values(subjectCells);
      const rows = cells.number();
      const tag = tagged.length;
      tagged.push(fileIndex, line, subject[0]!);
      let subjectRef = 0;
      switch (kind) {
        case 'aggregate':
          await tx.setScopeIds(
            (subject[0] as string | null) ?? undefined,
            (subject[1] as string | null) ?? undefined,
          );
          break;
        case 'users':
          subjectRef = await store.userRef({ githubId: subject[0] as number, login: subject[1] as string });
          break;
        case 'repos':
          subjectRef = await store.repoRef({
            githubId: subject[0] as number,
            owner: subject[1] as string,
            name: subject[2] as string,
            visibility: subject[3] as string | null,
          });
          break;
        case 'user-teams':
          tx.addTeamMember(
            await store.teamRef(tx.scopeId, subject[2] as number, subject[3] as string),
            await store.userRef({ githubId: subject[0] as number, login: subject[1] as string }),
          );
          break;
      }
      for (let row = 0; row < rows; row++) {
        const spec = ALL_TABLE_SPECS[cells.number()];
        const values = cells.values(spec.keys.length + spec.values.length + (spec.fixed ? 1 : 0));
        let dict = dictCells.get(spec);
        if (!dict) dictCells.set(spec, (dict = dictionaryCells(spec)));
        for (const cell of dict) {
          const local = values[cell] as number | null;
          if (local !== null)
            values[cell] = localIds[local] ??= await tx.dictionaryId(localKinds[local], localValues[local]);
        }
        tx.addRow(spec, subjectRef, values, kind === 'users' && spec === firstSpec ? tag : -1);
      }
    }
    // A user listed twice is noticed by the database (the day's row exists), not by a set of every user.
    for (const tag of await tx.takeRepeated())
      repeatNotes.push(
        tagged[tag] as number,
        tagged[tag + 1] as number,
        `user ${tagged[tag + 2]} appears twice; counters were added together`,
      );
  };

  const paths = files.map((file) =>
    file instanceof Promise ? handled(file.then((arrived) => arrived.path)) : file.path,
  );
  const summary = worker
    ? await readOnWorker(paths, tx, consume, pipeline)
    : await readBatches(paths, tx, consume, pipeline.batchRecords);
  const arrived = await Promise.all(files);
  const where = (fileIndex: number, line: number) =>
    files.length > 1 ? `file ${fileIndex + 1} line ${line}` : `line ${line}`;
  const issues = mergeNotes(notes, repeatNotes)
    .slice(0, MAX_ISSUES)
    .map(([fileIndex, line, text]) => `${where(fileIndex, line)}: ${text}`);
  if (kind === 'aggregate' && summary.records > 1 && issues.length < MAX_ISSUES)
    issues.push(`${summary.records} aggregate records for one day; counters were added together`);
  return {
    records: summary.records,
    malformedLines: summary.malformedLines,
    issues,
    unknownKeys: summary.unknownKeys,
    files: arrived.length,
    bytes: arrived.every((file) => file.bytes !== undefined)
      ? arrived.reduce((sum, file) => sum + file.bytes!, 0)
      : null,
  };
}

function dictionaryCells(spec: TableSpec): number[] {
  const cells: number[] = [];
  if (spec.fixed) cells.push(0);
  const offset = spec.fixed ? 1 : 0;
  [...spec.keys, ...spec.values].forEach((column, index) => {
    if (typeof column.kind === 'object') cells.push(offset + index);
  });
  return cells;
}

/** Two lists of (file index, line, text) triples, each in file order, merged in file order (stable). */
function mergeNotes(a: (number | string)[], b: (number | string)[]): [number, number, string][] {
  const triples = (list: (number | string)[]) => {
    const out: [number, number, string][] = [];
    for (let i = 0; i < list.length; i += 3)
      out.push([list[i] as number, list[i + 1] as number, list[i + 2] as string]);
    return out;
  };
  return [...triples(a), ...triples(b)].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
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

/** The user of every record of a batch (its first two subject cells: GitHub id, login). */
function usersOf(batch: RecordBatch, subjectCells: number): UserIdentity[] {
  const users: UserIdentity[] = [];
  const cells = new BatchCursor(batch);
  while (!cells.done) {
    cells.skip(2); // file index, line
    users.push({ githubId: cells.value() as number, login: cells.value() as string });
    cells.skip(subjectCells - 2);
    const rows = cells.number();
    for (let row = 0; row < rows; row++) {
      const spec = ALL_TABLE_SPECS[cells.number()];
      cells.skip(spec.keys.length + spec.values.length + (spec.fixed ? 1 : 0));
    }
  }
  return users;
}
