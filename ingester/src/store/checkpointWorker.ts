/**
 * Worker thread of the background checkpoints (see checkpoints.ts): for each path it is sent, opens a
 * connection of its own, copies what it can of the write-ahead log into the database file (a PASSIVE
 * checkpoint: it waits for no reader and no writer), closes it and answers.
 */
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';

export type CheckpointRequest = { path: string };
export type CheckpointAnswer =
  { type: 'done'; log: number; checkpointed: number } | { type: 'failed'; message: string };

function checkpoint(path: string): CheckpointAnswer {
  // No log: the writer has closed the database (its close checkpointed it); opening it would make one.
  if (!existsSync(`${path}-wal`)) return { type: 'done', log: 0, checkpointed: 0 };
  try {
    const db = new Database(path, { fileMustExist: true });
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      return { type: 'done', log: result.log, checkpointed: result.checkpointed };
    } finally {
      db.close();
    }
  } catch (error) {
    return { type: 'failed', message: (error as Error).message };
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', ({ path }: CheckpointRequest) => port.postMessage(checkpoint(path)));
}
