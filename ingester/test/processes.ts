/**
 * The CLI run exactly as documented, `npm run ingester -- <command>` from the repository root, as the
 * processes a pod or an operator would see: their logs, exit, port and what they leave in the database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';

const ROOT = join(__dirname, '..', '..');

export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr as received so far. */
  output: () => string;
  /** Resolves when the process has exited, with when (ms since the epoch). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function npmCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn('npm', ['run', '--silent', 'ingester', '--', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'info',
      BILLING: 'off',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, output: () => output, exited };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The port a `serve` listens on, from its "API listening" log line. */
export function listeningPort(output: string): number | undefined {
  const line = output.split('\n').find((l) => l.includes('"msg":"API listening"'));
  return line ? (JSON.parse(line) as { port: number }).port : undefined;
}

/** Processes still running with this DATABASE_PATH (none should outlive their command). */
export function processesUsing(databasePath: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (environ.includes(`DATABASE_PATH=${databasePath}`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

/** Stored ok reports; 0 while the file or its schema does not exist yet. */
export function okReports(path: string): number {
  try {
    const db = new Database(path, { fileMustExist: true });
    try {
      return db.prepare("SELECT count(*) FROM reports WHERE status = 'ok'").pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/**
 * What a stopped process must leave: an intact file, and no half-stored report (every ok users report
 * has exactly its records' rows; no user rows on a day without one), as crash.test.ts checks after SIGKILL.
 */
export function consistency(path: string): { integrity: string; okUserDays: number; runs: string[] } {
  const db = new Database(path, { fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const stored = db
      .prepare("SELECT scope_id, day, records FROM reports WHERE kind = 'users' AND status = 'ok'")
      .all() as { scope_id: number; day: number; records: number }[];
    for (const report of stored) {
      const rows = db
        .prepare('SELECT count(*) FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0')
        .pluck()
        .get(report.scope_id, report.day);
      if (rows !== report.records)
        throw new Error(`day ${report.day}: ${String(rows)} user rows for a report of ${report.records}`);
    }
    const unreported = db
      .prepare(
        "SELECT count(*) FROM usage_day u WHERE user_ref > 0 AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.scope_id = u.scope_id AND r.day = u.day AND r.kind = 'users' AND r.status = 'ok')",
      )
      .pluck()
      .get() as number;
    if (unreported) throw new Error(`${unreported} user rows without an ok users report`);
    const runs = db.prepare('SELECT status FROM sync_runs ORDER BY id').pluck().all() as string[];
    return { integrity, okUserDays: stored.length, runs };
  } finally {
    db.close();
  }
}
