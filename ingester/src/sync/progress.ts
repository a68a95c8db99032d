import { SingleBar } from 'cli-progress';
import type { Logger } from '../log';

/** Reports long-running sync work: a bar on a terminal, periodic log lines elsewhere. */
export interface Progress {
  start(total: number): void;
  advance(records: number): void;
  stop(): void;
}

export const noProgress: Progress = { start() {}, advance() {}, stop() {} };

export function createProgress(logger: Logger, options: { tty: boolean; intervalMs?: number }): Progress {
  return options.tty ? new BarProgress() : new LogProgress(logger, options.intervalMs ?? 10_000);
}

class BarProgress implements Progress {
  private readonly bar = new SingleBar({
    format: 'sync |{bar}| {value}/{total} reports | {records} records | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 50,
  });
  private records = 0;

  start(total: number): void {
    this.bar.start(total, 0, { records: 0 });
  }
  advance(records: number): void {
    this.records += records;
    this.bar.increment(1, { records: this.records });
  }
  stop(): void {
    this.bar.stop();
  }
}

class LogProgress implements Progress {
  private total = 0;
  private done = 0;
  private records = 0;
  private startedAt = 0;
  private lastLogAt = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(total: number): void {
    this.total = total;
    this.startedAt = this.lastLogAt = Date.now();
    this.logger.info({ reports: total }, 'sync started');
  }
  advance(records: number): void {
    this.done++;
    this.records += records;
    const now = Date.now();
    if (now - this.lastLogAt < this.intervalMs || this.done === this.total) return;
    this.lastLogAt = now;
    const rate = this.done / ((now - this.startedAt) / 1000);
    this.logger.info(
      {
        done: this.done,
        total: this.total,
        records: this.records,
        etaSeconds: Math.round((this.total - this.done) / rate),
      },
      'sync progress',
    );
  }
  stop(): void {}
}
