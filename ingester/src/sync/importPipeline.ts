/**
 * The reading half of an import on a second core: a worker thread (importWorker.ts) gunzips, parses
 * and maps while this thread, SQLite's single writer, stores. At most `inFlight` batches are queued
 * between them: the worker waits for an acknowledgement before sending more, so a slow writer bounds
 * memory whatever the file's size.
 *
 * The worker runs importWorker (compiled, or from the sources: see threads.ts). It is kept for
 * the next report once one ends well (a backfill imports thousands), idle without holding the process
 * open; a report that fails in any way ends its worker, and the next report starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import type { DayNumber } from '../days';
import type { ReportKind } from '../reports/types';
import { startModuleWorker } from '../threads';
import type { ImportWorkerData, WorkerMessage, WriterMessage } from './importWorker';
import { BATCH_RECORDS, type ReadSummary, type RecordBatch } from './recordBatches';

/** Batches queued between the threads at most: 4 × 256 records, a few MB. */
export const IN_FLIGHT_BATCHES = 4;

/**
 * The reading thread's young generation, where each record's parsed objects live and die: V8's default
 * (up to 48 MB on 64-bit) kept ~20 MB more resident than this while importing a 1 GB users report, for no
 * measurable speed (BENCHMARKS.md, session 9).
 */
const READER_YOUNG_GENERATION_MB = 16;

export interface PipelineOptions {
  batchRecords?: number;
  inFlight?: number;
}

/** What the worker reports on the flow, for tests of the backpressure. */
export interface PipelineStats {
  /** The most batches ever sent and not yet acknowledged, as the worker counted them. */
  maxInFlight: number;
  /** The most batches ever received here and not yet consumed. */
  maxQueued: number;
  /** How many times the worker waited for the writer. */
  waits: number;
  /** The worker's thread id: the same from one report to the next while they go well. */
  threadId: number;
}

/** Per worker: settles once it has loaded (its 'ready' message), or rejects if it stops first. */
const loaded = new WeakMap<Worker, Promise<void>>();

function startWorker(): Worker {
  const worker = startModuleWorker(__dirname, 'importWorker', {
    resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB },
  });
  // A worker that fails or stops while idle is dropped (a report's own listeners handle the rest).
  const drop = () => {
    if (idle === worker) idle = undefined;
  };
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== 'ready') return;
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('exit', (code) =>
      reject(new Error(`the import worker stopped (exit code ${code}) while loading`)),
    );
  });
  ready.catch(() => undefined); // a report's own listeners tell of a worker that stops
  loaded.set(worker, ready);
  return worker.on('error', drop).on('exit', drop);
}

/** The worker between two reports (unreferenced: it does not keep the process alive). */
let idle: Worker | undefined;
let jobs = 0;

/** Takes `worker` as the idle one, if there is none. */
function park(worker: Worker): boolean {
  if (idle) return false;
  worker.unref();
  idle = worker;
  return true;
}

/**
 * Starts the worker ahead of the first report (a sync does as it begins, so that the thread boots while
 * links and files download): starting one costs tens of milliseconds, hundreds from the TypeScript
 * sources. Does nothing when a worker is already waiting. Returns the waiting worker's thread id.
 */
export function prewarmImportWorker(): number {
  if (!idle) park(startWorker());
  return idle!.threadId;
}

/** Starts the worker ahead (see `prewarmImportWorker`) and resolves with its thread id once it has loaded. */
export async function importWorkerReady(): Promise<number> {
  const worker = idle ?? (prewarmImportWorker(), idle!);
  // Waited for, the idle worker keeps the process alive until it has loaded.
  worker.ref();
  try {
    await loaded.get(worker);
  } finally {
    if (idle === worker) worker.unref();
  }
  return worker.threadId;
}

/**
 * Reads a report's files on a worker thread and calls `consume` with each batch, in file order, on
 * this thread. A batch is acknowledged once `consume` returns (or its promise settles). A file still
 * downloading is a promise of its path, handed to the worker when it resolves; if it rejects, so does
 * the report.
 */
export async function readOnWorker(
  files: readonly (string | Promise<string>)[],
  report: { kind: ReportKind; day: DayNumber },
  consume: (batch: RecordBatch) => void | Promise<void>,
  options: PipelineOptions = {},
): Promise<ReadSummary & { stats: PipelineStats }> {
  const worker = idle ?? startWorker();
  idle = undefined;
  worker.ref();
  const job = ++jobs;
  const stats: PipelineStats = { maxInFlight: 0, maxQueued: 0, waits: 0, threadId: worker.threadId };
  let queued = 0;
  let reusable = false;
  // This report's listeners, taken off the worker when it ends (the worker may serve the next one).
  let onMessage: ((message: WorkerMessage) => void) | undefined;
  let onError: ((error: Error) => void) | undefined;
  let onExit: ((code: number) => void) | undefined;
  try {
    const result = await new Promise<ReadSummary & { stats: PipelineStats }>((resolve, reject) => {
      let chain = Promise.resolve();
      let failed = false;
      let ended = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      onMessage = (message: WorkerMessage) => {
        if (failed || message.job !== job) return;
        switch (message.type) {
          case 'batch':
            stats.maxInFlight = Math.max(stats.maxInFlight, message.inFlight);
            stats.maxQueued = Math.max(stats.maxQueued, ++queued);
            chain = chain
              .then(() => consume(message.batch))
              .then(() => {
                queued--;
                if (!failed) worker.postMessage({ type: 'ack', job } satisfies WriterMessage);
              })
              .catch(fail);
            return;
          case 'end':
            ended = true;
            stats.waits = message.waits;
            chain.then(() => resolve({ ...message.summary, stats }), fail);
            return;
          case 'error': {
            const error = new Error(message.message);
            if (message.stack) error.stack = message.stack;
            fail(error);
            return;
          }
        }
      };
      onError = fail;
      onExit = (code: number) => {
        if (!ended)
          fail(new Error(`the import worker stopped (exit code ${code}) before the end of the report`));
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      const data: ImportWorkerData = {
        files: files.map((file) => (typeof file === 'string' ? file : null)),
        kind: report.kind,
        day: report.day,
        batchRecords: options.batchRecords ?? BATCH_RECORDS,
        inFlight: options.inFlight ?? IN_FLIGHT_BATCHES,
      };
      worker.postMessage({ type: 'job', job, data } satisfies WriterMessage);
      files.forEach((file, index) => {
        if (typeof file !== 'string')
          file.then((path) => {
            if (!failed) worker.postMessage({ type: 'file', job, index, path } satisfies WriterMessage);
          }, fail);
      });
    });
    reusable = true;
    return result;
  } finally {
    if (onMessage) worker.off('message', onMessage);
    if (onError) worker.off('error', onError);
    if (onExit) worker.off('exit', onExit);
    if (!reusable || !park(worker)) await worker.terminate();
  }
}
