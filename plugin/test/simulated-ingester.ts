/** Starts a real ingester filled with simulator data in a child process (see simulated-ingester.main.ts). */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export interface SimulatedIngester {
  /** Loopback URL of the ingester's HTTP API. */
  url: string;
  /** With GRAFANA_URL: the same database behind ACCESS_POLICY=identity (see simulated-ingester.main.ts). */
  identityUrl?: string;
  /** The instant the simulator calls now: dashboards' relative time ranges are resolved against it. */
  now: Date;
  scopes: string[];
  stop(): Promise<void>;
}

export async function startSimulatedIngester(env: Record<string, string> = {}): Promise<SimulatedIngester> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'simulated-ingester.main.ts')],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const line = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`the simulated ingester did not start in time: ${stderr}`)),
      120_000,
    );
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, end));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulated ingester exited with ${code}: ${stderr}`));
    });
  });
  const started = JSON.parse(line) as { url: string; identityUrl?: string; now: string; scopes: string[] };
  return {
    url: started.url,
    identityUrl: started.identityUrl,
    now: new Date(started.now),
    scopes: started.scopes,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
