/**
 * Worker thread entry of an import (see importPipeline.ts): reads and maps a report's files with
 * `readBatches` and posts the batches to the writing thread, never more than `inFlight` of them
 * unacknowledged, so a slow writer holds the reading back and memory stays bounded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DayNumber } from '../days';
import type { ReportKind } from '../reports/types';
import { readBatches } from './recordBatches';

export interface ImportWorkerData {
  files: string[];
  kind: ReportKind;
  day: DayNumber;
  batchRecords: number;
  inFlight: number;
}

/** Worker → writer. `inFlight` is how many batches were unacknowledged once this one was sent. */
export type WorkerMessage =
  | { type: 'batch'; batch: import('./recordBatches').RecordBatch; inFlight: number }
  | { type: 'end'; summary: import('./recordBatches').ReadSummary; waits: number }
  | { type: 'error'; message: string; stack?: string };

async function main(port: NonNullable<typeof parentPort>, data: ImportWorkerData): Promise<void> {
  let unacknowledged = 0;
  let waits = 0;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    unacknowledged--;
    wake?.();
  });
  const summary = await readBatches(
    data.files,
    data,
    async (batch) => {
      while (unacknowledged >= data.inFlight) {
        waits++;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      unacknowledged++;
      port.postMessage({ type: 'batch', batch, inFlight: unacknowledged } satisfies WorkerMessage);
    },
    data.batchRecords,
  );
  port.postMessage({ type: 'end', summary, waits } satisfies WorkerMessage);
  port.removeAllListeners('message');
}

if (parentPort) {
  const port = parentPort;
  main(port, workerData as ImportWorkerData).catch((error: Error) => {
    port.postMessage({ type: 'error', message: error.message, stack: error.stack } satisfies WorkerMessage);
    port.removeAllListeners('message');
  });
}
