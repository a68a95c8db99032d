/**
 * A real ingester for the integration and browser tests: `serve` in demo mode syncs the built-in
 * GitHub simulator into a fresh SQLite file, then answers the query API, as in production.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');
const MAIN = join(REPO, 'ingester', 'src', 'main.ts');

export interface RunningIngester {
  url: string;
  token: string;
  /** GET or POST straight to the ingester (no proxy), for the answers to compare with. */
  api<T>(path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** @param env more of the ingester's settings, e.g. `{ PRIVACY_MODE: 'aggregate' }`. */
export async function startIngester(
  token = 'integration-token',
  env: Record<string, string> = {},
): Promise<RunningIngester> {
  const dir = mkdtempSync(join(tmpdir(), 'copilot-plugin-'));
  const port = await freePort();
  // `node --import tsx` keeps it one process, so stopping it stops the sync too (as ingester/test/cli.ts does).
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DEMO: 'true',
      DATABASE_PATH: join(dir, 'x.db'),
      SYNC_BACKFILL_DAYS: '10',
      PORT: String(port),
      HOST: '127.0.0.1',
      INGESTER_API_TOKEN: token,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let logs = '';
  child.stderr!.on('data', (chunk) => (logs += chunk));
  const exited = once(child, 'exit');
  const ready = (async () => {
    for (let i = 0; i < 1200 && !logs.includes('"msg":"sync finished"'); i++) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  await ready;
  if (!logs.includes('"msg":"sync finished"')) {
    child.kill('SIGKILL');
    throw new Error(`the ingester did not finish its first sync:\n${logs.slice(-3000)}`);
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    token,
    async api<T>(path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
