import { type Job, scheduleJob } from 'node-schedule';
import type { Logger } from '../log';
import { type SyncDeps, type SyncRequest, type SyncSummary, runSync } from './runner';

/** Observers of finished runs (metrics); a throwing hook is logged and never affects the sync. */
export interface SyncHooks {
  /** After every run that completed, with or without failed days. */
  onFinished?: (summary: SyncSummary, trigger: string) => void;
  /** When a run could not run at all (say, another process holds the sync lease). */
  onError?: (error: Error, trigger: string) => void;
}

/**
 * Owns "a sync is running": the schedule, the start-up sync and manual triggers all go through
 * `trigger`, so two syncs never overlap in this process.
 */
export class SyncService {
  private running: { id: number; promise: Promise<SyncSummary>; runId: Promise<number> } | undefined;
  private job: Job | undefined;
  private nextId = 1;
  /** Aborted by `stop`: a running sync stops after the reports being stored. */
  private readonly stopping = new AbortController();
  lastSummary: SyncSummary | undefined;

  constructor(
    private readonly deps: SyncDeps,
    private readonly request: Omit<SyncRequest, 'trigger'>,
    private readonly logger: Logger,
    private readonly hooks: SyncHooks = {},
  ) {}

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /**
   * Starts a sync unless one is running; returns the running one either way. `runId` resolves once
   * the run is recorded (and rejects if it could not start, e.g. another process holds the lease).
   */
  trigger(trigger: string): { started: boolean; promise: Promise<SyncSummary>; runId: Promise<number> } {
    if (this.running) return { started: false, promise: this.running.promise, runId: this.running.runId };
    const id = this.nextId++;
    let announce: (runId: number) => void = () => undefined;
    const runId = new Promise<number>((resolve) => (announce = resolve));
    const promise = runSync(
      { ...this.deps, onStart: announce, signal: this.stopping.signal },
      { ...this.request, trigger },
    )
      .then((summary) => {
        this.lastSummary = summary;
        const level = summary.failed > 0 ? 'warn' : 'info';
        this.logger[level]({ trigger, ...summary, failures: summary.failures.slice(0, 5) }, 'sync finished');
        this.notify(() => this.hooks.onFinished?.(summary, trigger));
        return summary;
      })
      .finally(() => {
        if (this.running?.id === id) this.running = undefined;
      });
    const started = Promise.race([
      runId,
      promise.then(() => Promise.reject(new Error('the sync ended before it started'))),
    ]);
    started.catch(() => undefined);
    this.running = { id, promise, runId: started };
    promise.catch((error: Error) => {
      this.logger.error({ err: error.message, trigger }, 'sync did not run');
      this.notify(() => this.hooks.onError?.(error, trigger));
    });
    return { started: true, promise, runId: started };
  }

  private notify(hook: () => void): void {
    try {
      hook();
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'sync hook failed');
    }
  }

  /** The cron schedule plus one sync now. */
  start(cron: string): void {
    this.job = scheduleJob(cron, () => {
      const { started } = this.trigger('schedule');
      if (!started) this.logger.info('scheduled sync skipped: the previous one is still running');
    });
    this.logger.info({ schedule: cron, next: this.job?.nextInvocation()?.toISOString() }, 'sync scheduled');
    this.trigger('startup');
  }

  /**
   * Cancels the schedule and waits for a running sync; with `interrupt` (a shutdown) the sync ends early,
   * after the reports being stored, and is recorded as interrupted.
   */
  async stop(options: { interrupt?: boolean } = {}): Promise<void> {
    this.job?.cancel();
    this.job = undefined;
    if (options.interrupt) this.stopping.abort(new Error('interrupted: the server is shutting down'));
    await this.running?.promise.catch(() => undefined);
  }
}
