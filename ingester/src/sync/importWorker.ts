/**
 * Worker thread of the imports (see importPipeline.ts): reads and maps a report's files with
 * `readBatches` and posts the batches to the writing thread, never more than `inFlight` of them
 * unacknowledged, so a slow writer holds the reading back and memory stays bounded. One worker serves
 * the reports of a run one after another (a thread costs tens of milliseconds to start, more from the
 * TypeScript sources): each report is a job, and its acknowledgements name it.
 */
import { parentPort } from 'node:worker_threads';
import type { DayNumber } from '../days';
import type { ReportKind } from '../reports/types';
import { readBatches } from './recordBatches';

export interface ImportWorkerData {
  /** The report's files in order; null for a file still downloading (its path comes in a 'file' message). */
  files: (string | null)[];
  kind: ReportKind;
  day: DayNumber;
  batchRecords: number;
  inFlight: number;
}

/** Writer → worker: a report to read, the path of one of its files once downloaded, or the acknowledgement of a batch. */
export type WriterMessage =
  | { type: 'job'; job: number; data: ImportWorkerData }
  | { type: 'file'; job: number; index: number; path: string }
  | { type: 'ack'; job: number };

/**
 * Worker → writer. `inFlight` is how many batches were unacknowledged once this one was sent. 'ready'
 * is sent once, when the worker has loaded (job 0: no report's).
 */
export type WorkerMessage =
  | { type: 'ready'; job: 0 }
  | { type: 'batch'; job: number; batch: import('./recordBatches').RecordBatch; inFlight: number }
  | { type: 'end'; job: number; summary: import('./recordBatches').ReadSummary; waits: number }
  | { type: 'error'; job: number; message: string; stack?: string };

/** The job being read, and its flow: at most one at a time. */
let current:
  { job: number; unacknowledged: number; wake?: () => void; arrive: ((path: string) => void)[] } | undefined;

async function read(
  port: NonNullable<typeof parentPort>,
  job: number,
  data: ImportWorkerData,
): Promise<void> {
  const state: NonNullable<typeof current> = { job, unacknowledged: 0, arrive: [] };
  current = state;
  // Files still downloading: promises the 'file' messages resolve.
  const files = data.files.map(
    (path, index) => path ?? new Promise<string>((resolve) => (state.arrive[index] = resolve)),
  );
  let waits = 0;
  try {
    const summary = await readBatches(
      files,
      data,
      async (batch) => {
        while (state.unacknowledged >= data.inFlight) {
          waits++;
          await new Promise<void>((resolve) => (state.wake = resolve));
          state.wake = undefined;
        }
        state.unacknowledged++;
        // The cells' buffers move to the writing thread (transferred, not copied).
        port.postMessage(
          { type: 'batch', job, batch, inFlight: state.unacknowledged } satisfies WorkerMessage,
          [batch.cells.buffer, batch.stringAt.buffer],
        );
      },
      data.batchRecords,
    );
    port.postMessage({ type: 'end', job, summary, waits } satisfies WorkerMessage);
  } catch (error) {
    const { message, stack } = error as Error;
    port.postMessage({ type: 'error', job, message, stack } satisfies WorkerMessage);
  } finally {
    if (current === state) current = undefined;
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (message: WriterMessage) => {
    if (message.type === 'job') void read(port, message.job, message.data);
    else if (message.type === 'file') {
      if (current?.job === message.job) current.arrive[message.index]?.(message.path);
    } else if (current?.job === message.job) {
      // An acknowledgement of an earlier job (its writer finished after the end) is not this job's.
      current.unacknowledged--;
      current.wake?.();
    }
  });
  port.postMessage({ type: 'ready', job: 0 } satisfies WorkerMessage);
}
