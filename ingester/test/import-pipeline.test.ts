/**
 * The import pipeline: a worker thread reads and maps while the writer stores. It must store what the
 * single-threaded path stores, in file order (ids handed out in the same order, the later of two
 * entries winning where labels are kept), count malformed lines with their exact line numbers across
 * batch and file boundaries, and hold the reading back when the writer is slow. Nothing is timed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatDay } from '../src/days';
import { ALL_TABLE_SPECS, INTERACTIONS } from '../src/reports/schema';
import type { JsonObject } from '../src/reports/types';
import { ReportGenerator } from '../src/simulator/generate';
import { Population } from '../src/simulator/model';
import type { ReportOutcome } from '../src/store/interface';
import { importWorkerReady, prewarmImportWorker, readOnWorker } from '../src/sync/importPipeline';
import { importReport } from '../src/sync/importer';
import { TEST_TODAY, tempDatabase, tempDir } from './helpers';

const DAY = TEST_TODAY - 2;
const dir = tempDir('cm-pipeline-');
afterAll(() => dir.cleanup());

/** The simulator's users report for DAY, with a few faults placed at known lines. */
function simulatorRecords(): JsonObject[] {
  const generator = new ReportGenerator(new Population({ seed: 11, users: 600, orgs: 2 }));
  const records: JsonObject[] = [];
  for (let u = 0; u < 600; u++) {
    const record = generator.userRecord(u, DAY, { kind: 'enterprise' });
    if (record) records.push(record as JsonObject);
  }
  return records;
}

const records = simulatorRecords();
// Two files. File 1: the first 150 records, a bad line at line 3 and at line 60, a record of the
// wrong day at line 100. File 2: the rest, the user of file 1's line 10 again at line 40 (counters
// added, the later adoption phase kept), an unknown key at line 41, a record without a user id at line 90.
const first = records.slice(0, 150).map((r) => JSON.stringify(r));
first.splice(2, 0, '{not json');
first.splice(59, 0, '[1, 2]');
first.splice(99, 0, JSON.stringify({ ...records[0], day: formatDay(DAY - 1) }));
const repeated = records[9];
const rest = records.slice(150).map((r) => JSON.stringify(r));
const again: JsonObject = {
  ...repeated,
  ai_adoption_phase: { phase: 'Exploring', phase_number: 9, version: 'v1' },
};
rest.splice(39, 0, JSON.stringify(again));
rest.splice(
  40,
  0,
  JSON.stringify({ ...records[1], user_id: 90_000_001, user_login: 'new-key', brand_new_field: 1 }),
);
rest.splice(89, 0, JSON.stringify({ ...records[2], user_id: undefined }));
const files = [first, rest].map((lines, i) => {
  const path = join(dir.path, `part-${i}.ndjson.gz`);
  const text = `${lines.join('\n')}\n`;
  writeFileSync(path, gzipSync(text));
  return { path, bytes: Buffer.byteLength(text) };
});

/** Every figure table and the users table, whole, in key order: ids included, so order matters. */
function dump(db: ReturnType<typeof tempDatabase>['db']): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of [...new Set(ALL_TABLE_SPECS.map((s) => s.table)), 'users', 'dictionary'])
    out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).raw().all();
  return out;
}

async function importWith(
  reader: 'worker' | 'thread',
  pipeline?: { batchRecords: number; inFlight: number },
): Promise<{
  outcome: ReportOutcome;
  tables: Record<string, unknown[]>;
  interactions: number;
  repeatedPhase: number;
}> {
  const t = tempDatabase();
  try {
    const scopeId = await t.store.scopeId({ kind: 'enterprise', slug: 'octo-ent' });
    const outcome = await importReport(t.store, { scopeId, kind: 'users', day: DAY }, files, {
      archive: true,
      reader,
      pipeline,
    });
    const interactions = t.db
      .prepare(`SELECT total(${INTERACTIONS}) FROM usage_day WHERE scope_id = ? AND user_ref > 0`)
      .pluck()
      .get(scopeId) as number;
    const repeatedPhase = t.db
      .prepare(
        'SELECT adoption_phase_number FROM usage_day JOIN users ON users.id = user_ref WHERE github_id = ?',
      )
      .pluck()
      .get(repeated.user_id) as number;
    return { outcome, tables: dump(t.db), interactions, repeatedPhase };
  } finally {
    t.close();
  }
}

describe('a users report imported through the worker', () => {
  let thread: Awaited<ReturnType<typeof importWith>>;
  let worker: Awaited<ReturnType<typeof importWith>>;
  beforeAll(async () => {
    thread = await importWith('thread');
    // Batches of 7 records, 2 in flight: many batch boundaries, and the worker held back often.
    worker = await importWith('worker', { batchRecords: 7, inFlight: 2 });
  });

  test('stores exactly what the single-threaded path stores, ids in the same order', () => {
    expect(worker.outcome).toEqual(thread.outcome);
    expect(Object.keys(worker.tables).length).toBeGreaterThan(10);
    for (const table of Object.keys(thread.tables))
      expect([table, worker.tables[table]]).toEqual([table, thread.tables[table]]);
  });

  test('the figures are the sums of the raw records (counted independently)', () => {
    const stored = records
      .slice(0, 150)
      .concat(records.slice(150), [again, { ...records[1], user_id: 90_000_001 }]);
    const expected = stored.reduce((sum, r) => sum + ((r[INTERACTIONS] as number | undefined) ?? 0), 0);
    expect(worker.interactions).toBe(expected);
    expect(worker.outcome.records).toBe(records.length + 2);
  });

  test('malformed lines, the wrong day, the repeated user and unknown keys are told with their lines', () => {
    expect(worker.outcome.malformedLines).toBe(4);
    expect(worker.outcome.issues).toEqual([
      expect.stringMatching(/^file 1 line 3: not valid JSON/),
      'file 1 line 60: expected a JSON object, got an array',
      expect.stringMatching(/^file 1 line 100: day "\d{4}-\d\d-\d\d" does not belong to the report of/),
      `file 2 line 40: user ${repeated.user_id} appears twice; counters were added together`,
      'file 2 line 90: user_id is missing or not a positive integer',
    ]);
    expect(worker.outcome.unknownKeys).toEqual(['brand_new_field']);
  });

  test('the later of two entries for one user wins where a label is kept (file order)', () => {
    expect(thread.repeatedPhase).toBe(9);
    expect(worker.repeatedPhase).toBe(9);
  });
});

test('a slow writer holds the worker back: batches in flight never exceed the bound', async () => {
  const consumed: number[] = [];
  const result = await readOnWorker(
    files.map((f) => f.path),
    { kind: 'users', day: DAY },
    async (batch) => {
      consumed.push(batch.records + batch.malformedLines);
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
    { batchRecords: 10, inFlight: 3 },
  );
  expect(result.stats.maxInFlight).toBeLessThanOrEqual(3);
  expect(result.stats.maxQueued).toBeLessThanOrEqual(3);
  // The reader was faster than this writer: it had to wait, many times.
  expect(result.stats.waits).toBeGreaterThan(5);
  expect(consumed.reduce((a, b) => a + b, 0)).toBe(first.length + rest.length);
  expect(result.records + result.malformedLines).toBe(first.length + rest.length);
});

test('a file that cannot be read fails the import, and nothing of the report is stored', async () => {
  const t = tempDatabase();
  try {
    const scopeId = await t.store.scopeId({ kind: 'enterprise', slug: 'octo-ent' });
    const truncated = join(dir.path, 'truncated.ndjson.gz');
    writeFileSync(truncated, gzipSync(`${first.join('\n')}\n`).subarray(0, 3000));
    await expect(
      importReport(t.store, { scopeId, kind: 'users', day: DAY }, [files[1], { path: truncated }], {
        archive: true,
        reader: 'worker',
        pipeline: { batchRecords: 5, inFlight: 2 },
      }),
    ).rejects.toThrow(/unexpected end of file/);
    expect(t.db.prepare('SELECT count(*) FROM usage_day').pluck().get()).toBe(0);
    expect(t.db.prepare('SELECT count(*) FROM raw_chunks').pluck().get()).toBe(0);
  } finally {
    t.close();
  }
});

test('one worker serves report after report while they go well; a failed report ends it, and the next starts anew', async () => {
  const paths = files.map((f) => f.path);
  const read = (consume: () => void = () => {}, inputs = paths) =>
    readOnWorker(inputs, { kind: 'users', day: DAY }, consume, { batchRecords: 20, inFlight: 2 });
  const one = await read();
  const two = await read();
  expect(two.stats.threadId).toBe(one.stats.threadId);
  // The second report counted its own batches and acknowledgements, none of the first's.
  expect(two.records + two.malformedLines).toBe(first.length + rest.length);
  expect(two).toEqual({ ...one, stats: { ...two.stats } });

  // The writer fails mid-report: the worker (still reading) is not kept.
  await expect(
    read(() => {
      throw new Error('writer failed');
    }),
  ).rejects.toThrow('writer failed');
  const three = await read();
  expect(three.stats.threadId).not.toBe(one.stats.threadId);
  expect(three.records).toBe(one.records);

  // A file that cannot be read: that worker is not kept either.
  await expect(read(undefined, [join(dir.path, 'missing.ndjson.gz')])).rejects.toThrow(/ENOENT/);
  const four = await read();
  expect(four.stats.threadId).not.toBe(three.stats.threadId);
  expect(four.records).toBe(one.records);
});

test('a worker started ahead (as a sync begins) serves the next report; starting ahead twice starts one', async () => {
  const paths = files.map((f) => f.path);
  const read = () => readOnWorker(paths, { kind: 'users', day: DAY }, () => {}, { batchRecords: 20 });
  const failing = readOnWorker([join(dir.path, 'missing.ndjson.gz')], { kind: 'users', day: DAY }, () => {});
  await expect(failing).rejects.toThrow(/ENOENT/); // no worker is waiting now
  const started = prewarmImportWorker();
  expect(prewarmImportWorker()).toBe(started);
  // Waiting for it to load takes the same worker, and leaves it waiting for the report.
  expect(await importWorkerReady()).toBe(started);
  const report = await read();
  expect(report.stats.threadId).toBe(started);
  expect(report.records).toBeGreaterThan(0);
  expect(prewarmImportWorker()).toBe(started); // kept for the next report
});
