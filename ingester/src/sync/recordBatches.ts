/**
 * The reading half of an import: gunzip, split lines, JSON.parse, check identities, find unknown keys
 * and map records to rows, in batches of plain values that cross a thread boundary cheaply (one flat
 * array a batch). It writes nothing: the writing half (importer.ts) resolves references and dictionary
 * ids and stores the rows, on the thread that owns the database. It runs in a worker (importWorker.ts)
 * or, for small reports, on the calling thread; both give the same batches.
 */
import { formatDay, type DayNumber } from '../days';
import { dayMismatch, entityIds, repoIdentity, teamMembership, userIdentity } from '../reports/identity';
import {
  collectUnknownKeys,
  type CellValue,
  mapRecord,
  newIssues,
  type RecordShape,
} from '../reports/mapping';
import { readRecords } from '../reports/reader';
import { ALL_TABLE_SPECS, type DictKind, RECORD_TABLES, type TableSpec } from '../reports/schema';
import type { JsonObject, ReportKind } from '../reports/types';

/** How many problem descriptions one report keeps; the counts stay exact. */
export const MAX_ISSUES = 50;
/** Records per batch: small enough to bound memory, large enough that messages are few. */
export const BATCH_RECORDS = 256;

/**
 * One batch. Its cells hold, record after record: the file index, the line number, the subject (see
 * `SUBJECT_CELLS`), the number of rows, then each row as its index in `ALL_TABLE_SPECS` followed by its
 * cells. Dictionary cells are batch-independent local ids; `dictionary` lists the labels first seen in
 * this batch as (kind, value) pairs, numbered on from the previous batches'.
 *
 * The cells travel as one Float64Array, handed to the writing thread without a copy: a number as
 * itself, null as NaN (JSON has no NaN), and a string as a placeholder whose position is listed in
 * `stringAt` and whose text is in `strings`, in the same order. Read them with a `BatchCursor`. (As a
 * plain array, the structured clone of ~180 cells a users record cost the writing thread more time to
 * rebuild than storing them.)
 */
export interface RecordBatch {
  cells: Float64Array<ArrayBuffer>;
  stringAt: Int32Array<ArrayBuffer>;
  strings: string[];
  dictionary: string[];
  /** (file index, line number, problem) triples, at most `MAX_ISSUES` over a report. */
  notes: (number | string)[];
  records: number;
  malformedLines: number;
}

/** Reads a batch's cells in order. */
export class BatchCursor {
  /** Position of the next cell. */
  at = 0;
  /** Index in `stringAt` of the next string cell at or after `at`. */
  private next = 0;
  private readonly cells: Float64Array;
  private readonly stringAt: Int32Array;
  private readonly strings: string[];

  constructor(batch: RecordBatch) {
    ({ cells: this.cells, stringAt: this.stringAt, strings: this.strings } = batch);
  }

  get done(): boolean {
    return this.at >= this.cells.length;
  }

  /** The next cell, known to be a number (the layout's counts and indexes). */
  number(): number {
    return this.cells[this.at++];
  }

  /** The next cell, whatever it holds. */
  value(): CellValue {
    const at = this.at++;
    if (this.stringAt[this.next] === at) return this.strings[this.next++];
    const value = this.cells[at];
    return value !== value ? null : value; // NaN: null
  }

  /** The next `count` cells, as an array. */
  values(count: number): CellValue[] {
    const out: CellValue[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.value();
    return out;
  }

  /** Passes over `count` cells. */
  skip(count: number): void {
    this.at += count;
    while (this.next < this.stringAt.length && this.stringAt[this.next] < this.at) this.next++;
  }
}

/**
 * A batch's cells as they are mapped: written straight into a growing Float64Array (a number as
 * itself, null as NaN, a string as a listed placeholder), so no array of boxed cells is built and
 * encoded again at the hand-over.
 */
export class CellBuffer {
  private cells = new Float64Array(1 << 14);
  private stringAt: number[] = [];
  private strings: string[] = [];
  length = 0;

  push(value: CellValue): void {
    if (this.length === this.cells.length) {
      const grown = new Float64Array(this.cells.length * 2);
      grown.set(this.cells);
      this.cells = grown;
    }
    if (typeof value === 'number') this.cells[this.length++] = value;
    else if (value === null) this.cells[this.length++] = NaN;
    else {
      this.stringAt.push(this.length++);
      this.strings.push(value);
    }
  }

  /** Adds 1 to the number at `index` (a record's row count, written before its rows). */
  increment(index: number): void {
    this.cells[index]++;
  }

  /** The cells so far, as `RecordBatch` carries them (a copy of the right length); empties the buffer. */
  take(): Pick<RecordBatch, 'cells' | 'stringAt' | 'strings'> {
    const taken = {
      cells: this.cells.slice(0, this.length),
      stringAt: Int32Array.from(this.stringAt),
      strings: this.strings,
    };
    this.stringAt = [];
    this.strings = [];
    this.length = 0;
    return taken;
  }
}

/** What the reading half tells at the end of a report. */
export interface ReadSummary {
  records: number;
  malformedLines: number;
  unknownKeys: string[];
}

/** Cells of a record's subject, by report kind. */
export const SUBJECT_CELLS: Record<ReportKind, number> = {
  // The scope's GitHub id and its enterprise's (or null).
  aggregate: 2,
  // github id, login
  users: 2,
  // github id, owner, name, visibility
  repos: 4,
  // user github id, login, team github id, slug
  'user-teams': 4,
};

const SHAPE: Record<ReportKind, RecordShape> = {
  aggregate: 'aggregate',
  users: 'user',
  'user-teams': 'team',
  repos: 'repo',
};

export const SPECS_OF: Record<ReportKind, readonly TableSpec[]> = {
  aggregate: RECORD_TABLES.aggregate,
  users: RECORD_TABLES.user,
  repos: RECORD_TABLES.repo,
  'user-teams': [],
};

const SPEC_INDEX = new Map(ALL_TABLE_SPECS.map((spec, index) => [spec, index]));

/** The subject's cells of a record, or why it has none. */
function subjectOf(kind: ReportKind, record: JsonObject): CellValue[] | string {
  switch (kind) {
    case 'aggregate': {
      const ids = entityIds(record);
      return [
        ids.organizationId ?? ids.enterpriseId ?? null,
        ids.organizationId ? (ids.enterpriseId ?? null) : null,
      ];
    }
    case 'users': {
      const user = userIdentity(record);
      return user.ok ? [user.value.githubId, user.value.login] : user.error;
    }
    case 'repos': {
      const repo = repoIdentity(record);
      return repo.ok
        ? [repo.value.githubId, repo.value.owner, repo.value.name, repo.value.visibility]
        : repo.error;
    }
    case 'user-teams': {
      const membership = teamMembership(record);
      if (!membership.ok) return membership.error;
      const { user, teamId, slug } = membership.value;
      return [user.githubId, user.login, teamId, slug];
    }
  }
}

/**
 * Reads a report's files and hands its records to `emit` in batches, in file order; waits for `emit`
 * (which is how a slow writer holds the reader back). A file still downloading is a promise of its
 * path: reading waits for it when it comes to it. Returns the counts and the unknown keys.
 */
export async function readBatches(
  files: readonly (string | Promise<string>)[],
  report: { kind: ReportKind; day: DayNumber },
  emit: (batch: RecordBatch) => void | Promise<void>,
  batchRecords = BATCH_RECORDS,
): Promise<ReadSummary> {
  const reportDay = formatDay(report.day);
  const shape = SHAPE[report.kind];
  const specs = SPECS_OF[report.kind];
  const unknownKeys = new Set<string>();
  const issues = newIssues();
  let notes = 0;
  let records = 0;
  let malformedLines = 0;

  // Local dictionary ids, per kind (no string keys to build for every cell).
  const localIds = new Map<DictKind, Map<string, number>>();
  let nextLocalId = 0;
  let batch = newBatch();
  const resolve = (kind: DictKind, value: string): number => {
    let ids = localIds.get(kind);
    if (!ids) localIds.set(kind, (ids = new Map()));
    let id = ids.get(value);
    if (id === undefined) {
      ids.set(value, (id = nextLocalId++));
      batch.dictionary.push(kind, value);
    }
    return id;
  };
  const data = new CellBuffer();
  const take = (): RecordBatch => {
    const full = { ...batch, ...data.take() };
    batch = newBatch();
    return full;
  };
  let rowCountAt = 0;
  const sink = (spec: TableSpec): CellBuffer => {
    data.push(SPEC_INDEX.get(spec)!);
    data.increment(rowCountAt);
    return data;
  };
  const note = (fileIndex: number, line: number, text: string) => {
    if (notes++ < MAX_ISSUES) batch.notes.push(fileIndex, line, text);
  };

  for (const [fileIndex, next] of files.entries()) {
    const file = await next;
    for await (const item of readRecords(file, { allowDocument: report.kind === 'aggregate' })) {
      if ('error' in item) {
        malformedLines++;
        batch.malformedLines++;
        note(fileIndex, item.line, item.error);
      } else {
        const record = item.record;
        const subject = dayMismatch(record, reportDay) ?? subjectOf(report.kind, record);
        if (typeof subject === 'string') {
          malformedLines++;
          batch.malformedLines++;
          note(fileIndex, item.line, subject);
        } else {
          records++;
          batch.records++;
          data.push(fileIndex);
          data.push(item.line);
          for (const cell of subject) data.push(cell);
          rowCountAt = data.length;
          data.push(0);
          mapRecord(record, specs, resolve, sink, issues);
          collectUnknownKeys(record, shape, unknownKeys);
          if (issues.invalidValues.length) {
            for (const value of issues.invalidValues) note(fileIndex, item.line, value);
            issues.invalidValues.length = 0;
          }
        }
      }
      if (batch.records + batch.malformedLines >= batchRecords) await emit(take());
    }
  }
  if (batch.records + batch.malformedLines > 0) await emit(take());
  return { records, malformedLines, unknownKeys: [...unknownKeys].sort() };
}

/** A batch being filled: everything but its cells, which are taken from the `CellBuffer` when it is handed over. */
type BatchInProgress = Omit<RecordBatch, 'cells' | 'stringAt' | 'strings'>;

function newBatch(): BatchInProgress {
  return { dictionary: [], notes: [], records: 0, malformedLines: 0 };
}
