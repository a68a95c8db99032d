/**
 * SIGTERM and SIGINT, from the first moment of the process. main.ts imports this module before any
 * other, so a signal that arrives while the rest is still loading (or the database migrating) is
 * caught and ends the command cleanly, instead of being lost.
 *
 * Why it must come first: without a listener of ours, a signal either kills the process outright, or
 * is lost. As PID 1 in a container, a process without a listener ignores SIGTERM altogether. Under the
 * `tsx` CLI, tsx's preflight puts its own hidden listener on SIGINT and SIGTERM in the child process
 * that runs our code; it exits only when it sees no other listener, and the tsx parent kills the child
 * with SIGKILL when the child does not acknowledge a relayed signal within 30 ms (as happens while the
 * child is busy loading modules or storing a report). And `npm run` sends the signal to the `sh -c` it
 * started, which dies without passing it on, leaving tsx and the ingester running. So the root
 * package.json's `ingester` script `exec`s node with tsx as a loader: one process, no relay, no shell.
 *
 * Imports only Node's built-ins, so that it loads at once.
 */
import { constants } from 'node:os';

export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

const SIGNALS: readonly ShutdownSignal[] = ['SIGINT', 'SIGTERM'];

/** A second signal this soon after the first is the same request (npm relays what a terminal also sends). */
const REPEAT_WINDOW_MS = 1000;

export class Shutdown {
  private readonly controller = new AbortController();
  private received: { signal: ShutdownSignal; at: number } | undefined;
  private force: ((reason: string) => void) | undefined;
  private timeoutMs: number | undefined;

  /** Aborted on the first SIGINT or SIGTERM, with `interrupted by SIGTERM` as its reason. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The signal received, if any. */
  get requested(): ShutdownSignal | undefined {
    return this.received?.signal;
  }

  /** The conventional exit code of a command a signal interrupted: 128 + the signal's number. */
  exitCode(): number {
    return this.received ? 128 + constants.signals[this.received.signal] : 1;
  }

  install(): void {
    for (const name of SIGNALS) process.on(name, () => this.receive(name));
  }

  /**
   * Whether a signal has arrived, after letting the event loop deliver one: start-up is mostly
   * synchronous (loading modules, migrating), and a signal waits for the loop's next turn to be seen.
   */
  async stopping(): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.received !== undefined;
  }

  /** Resolves with the signal once one has arrived. */
  wait(): Promise<ShutdownSignal> {
    if (this.received) return Promise.resolve(this.received.signal);
    return new Promise((resolve) =>
      this.signal.addEventListener('abort', () => resolve(this.received!.signal), { once: true }),
    );
  }

  /**
   * Bounds the clean-up: `ms` after the signal (or at once on another signal, a second Ctrl-C),
   * `onForce` runs and the process exits with `exitCode()`, whatever is still running. The timer does
   * not keep the process alive. Call once the timeout is known; a signal received before counts.
   */
  bound(ms: number, onForce: (reason: string) => void): void {
    this.force = (reason: string) => {
      onForce(reason);
      process.exit(this.exitCode());
    };
    this.timeoutMs = ms;
    if (this.received) this.startTimer();
  }

  private startTimer(): void {
    const { force, timeoutMs } = this;
    if (!force || timeoutMs === undefined) return;
    setTimeout(() => force(`the clean-up took longer than ${timeoutMs / 1000} s`), timeoutMs).unref();
  }

  private receive(name: ShutdownSignal): void {
    const now = Date.now();
    if (!this.received) {
      this.received = { signal: name, at: now };
      this.controller.abort(new Error(`interrupted by ${name}`));
      this.startTimer();
      return;
    }
    if (now - this.received.at >= REPEAT_WINDOW_MS) this.force?.(`a second ${name}`);
  }
}

/** The process's one instance, listening from the moment this module loads. */
export const shutdown = new Shutdown();
shutdown.install();
