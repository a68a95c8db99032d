/**
 * Checkpoints on another thread. SQLite's writer copies the write-ahead log into the database file
 * itself when a commit leaves the log over `wal_autocheckpoint` pages: for a 100,000-person users
 * report, ~12,000 pages and their fsync on the thread that stores the next report (and serves the API).
 * The writer connection instead leaves that to one shared worker thread (checkpointWorker.ts), asked
 * after each report's commit, and checkpoints itself only past `WRITER_CHECKPOINT_PAGES` (if the
 * worker falls that far behind, or cannot run). A command that wrote waits for the worker
 * (`backgroundCheckpointsSettled`) before it closes the database.
 *
 * Requests for the same database while one runs are merged into one more checkpoint after it. The
 * worker never keeps the process alive; a checkpoint cut short by an exit is safe (SQLite's log stays
 * valid, and the next checkpoint or the last connection's close completes it).
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../threads';
import type { CheckpointAnswer, CheckpointRequest } from './checkpointWorker';

/** Log pages past which the writer checkpoints on its own thread anyway (~200 MB with 4 KB pages). */
export const WRITER_CHECKPOINT_PAGES = 50_000;

/** What the background checkpoints did, for tests and diagnostics. */
export interface CheckpointStats {
  done: number;
  failed: number;
  lastError?: string;
}

const stats: CheckpointStats = { done: 0, failed: 0 };
let worker: Worker | undefined;
/** A checkpoint asked for: the database, and who hears why it could not run (the Store's logger). */
interface Request {
  path: string;
  onFailure?: (message: string) => void;
}
/** The checkpoint running, and those asked for meanwhile: one per database (the latest request). */
let running: Request | undefined;
const waiting = new Map<string, Request>();
/** Called when nothing runs and nothing waits. */
const settled: (() => void)[] = [];

/**
 * Asks for a checkpoint of the database at `path` on the background thread; `onFailure` hears why it
 * could not run. Asked for while one of the same database runs, it runs once more after it.
 */
export function checkpointInBackground(path: string, onFailure?: (message: string) => void): void {
  waiting.set(path, { path, onFailure });
  if (!running) next();
}

/** What the background checkpoints of this process did so far. */
export function checkpointStats(): CheckpointStats {
  return { ...stats };
}

/**
 * Resolves once no background checkpoint runs or waits. Meanwhile the worker keeps the process alive
 * (it does not otherwise): a command waits for this before it closes the database, so that it leaves
 * the file checkpointed.
 */
export function backgroundCheckpointsSettled(): Promise<CheckpointStats> {
  if (!running) return Promise.resolve({ ...stats });
  worker?.ref();
  return new Promise((resolve) => settled.push(() => resolve({ ...stats })));
}

function next(): void {
  const [request] = waiting.values();
  if (request === undefined) {
    running = undefined;
    worker?.unref();
    for (const resolve of settled.splice(0)) resolve();
    return;
  }
  waiting.delete(request.path);
  running = request;
  (worker ??= start()).postMessage({ path: request.path } satisfies CheckpointRequest);
}

function start(): Worker {
  const thread = startModuleWorker(__dirname, 'checkpointWorker');
  thread.unref();
  thread.on('message', (answer: CheckpointAnswer) => {
    if (answer.type === 'done') stats.done++;
    else if (running) failed(running, answer.message);
    next();
  });
  // A worker that fails or exits is dropped; the request it was running counts as failed, and the
  // next request starts a new one.
  const lost = (reason: string) => {
    if (worker !== thread) return;
    worker = undefined;
    if (running) {
      failed(running, reason);
      next();
    }
  };
  thread.on('error', (error) => lost(error.message));
  thread.on('exit', (code) => lost(`the checkpoint worker exited (code ${code})`));
  return thread;
}

function failed(request: Request, message: string): void {
  stats.failed++;
  stats.lastError = message;
  request.onFailure?.(message);
}
