/**
 * Child processes of a benchmark run: the simulator (GitHub), the ingester (API + sync) and one-shot
 * file imports. Each is a TypeScript entry run through tsx, with the repository root as its directory.
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Scope, SyncSummary } from '@copilot-metrics/ingester';
import type { ImportProcessResult } from './import-process';
import type { IngesterProcessOptions, SyncMessage } from './ingester-process';

const ROOT = join(__dirname, '..', '..');
const TSX = ['--import', 'tsx'];

/** With BENCH_PROFILE=DIR, the simulator and ingester processes write V8 CPU profiles there (NODE_OPTIONS refuses --cpu-prof). */
const PROFILE = process.env.BENCH_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
  : [];

function forkTs(script: string, args: string[]): ChildProcess {
  return fork(join(__dirname, script), args, {
    cwd: ROOT,
    execArgv: [...TSX, ...PROFILE],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${what} exited with ${code} before it started`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface SimulatorProcess {
  url: string;
  scopes: Scope[];
  stop: () => Promise<void>;
}

export async function startSimulator(options: {
  users: number;
  orgs: number;
  seed: number;
}): Promise<SimulatorProcess> {
  const child = forkTs('simulator-process.ts', [JSON.stringify(options)]);
  const { url, scopes } = await firstMessage<{ url: string; scopes: { enterprise: string; orgs: string[] } }>(
    child,
    'the simulator',
  );
  return {
    url,
    scopes: [
      { kind: 'enterprise', slug: scopes.enterprise },
      ...scopes.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
    ],
    stop: () => stop(child),
  };
}

export interface IngesterProcess {
  url: string;
  sync: (request: SyncMessage['sync']) => Promise<SyncSummary>;
  stop: () => Promise<void>;
}

export async function startIngester(options: IngesterProcessOptions): Promise<IngesterProcess> {
  const child = forkTs('ingester-process.ts', [JSON.stringify(options)]);
  const { url } = await firstMessage<{ url: string }>(child, 'the ingester');
  return {
    url,
    sync: async (request) => {
      const reply = firstMessage<{ synced?: SyncSummary; error?: string }>(child, 'the ingester');
      child.send({ sync: request } satisfies SyncMessage);
      const { synced, error } = await reply;
      if (!synced) throw new Error(`sync failed: ${error}`);
      return synced;
    },
    stop: () => stop(child),
  };
}

let builtIngester = false;

/**
 * Builds the contract and the ingester (tsc, into their dist/) once per run, so that file measurements
 * import with the compiled code, as the image runs it.
 */
export function buildIngester(log: (line: string) => void): void {
  if (builtIngester) return;
  log('building the ingester (npm run build: contract, ingester)…');
  execFileSync('npm', ['run', '--silent', 'build', '--workspace', 'contract', '--workspace', 'ingester'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  builtIngester = true;
}

/** Runs one file measurement in a fresh process; see import-process.ts. */
export async function runImportProcess(
  mode: 'baseline' | 'import' | 'download',
  file: string,
  database = '',
  day = '',
  timeoutMs = 8 * 60_000,
): Promise<ImportProcessResult> {
  const child = spawn(
    process.execPath,
    [...TSX, join(__dirname, 'import-process.ts'), mode, file, database, day],
    {
      cwd: ROOT,
      // The compiled ingester when the section built it (buildIngester).
      env: { ...process.env, BENCH_COMPILED: builtIngester ? '1' : '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`import-process ${mode} ${file} exited with ${code}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ImportProcessResult;
}
