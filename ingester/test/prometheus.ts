/**
 * A real Prometheus (Debian's `prometheus` package; scripts/test.sh installs it) on a free loopback
 * port, scraping given targets every second, for tests that evaluate our PromQL the way Grafana's
 * alerting and panels will.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { tempDir } from './helpers';

/** A binary of Debian's `prometheus` package, found on PATH. */
export function prometheusBinary(name: 'prometheus' | 'promtool'): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `${name} is not on PATH: install it (Debian: \`apt-get install -y prometheus\`; scripts/test.sh does this)`,
  );
}

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface PromAnswer {
  status: string;
  error?: string;
  data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

export interface RunningPrometheus {
  url: string;
  /** An instant query at the current time. */
  query(expr: string): Promise<PromAnswer>;
  /** Waits (at most 60 s) until every target of the job has been scraped `scrapes` more times. */
  scraped(job: string, scrapes?: number): Promise<void>;
  /** The directory its config and data live in. */
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with `config` (scrape_configs etc.; the global scrape interval is set to 1 s) and
 * waits until every job was scraped three times, so `increase()` has samples to compare.
 */
export async function startPrometheus(config: Record<string, unknown>): Promise<RunningPrometheus> {
  const dir = tempDir('cm-prometheus-');
  writeFileSync(
    join(dir.path, 'prometheus.yml'),
    stringify({ ...config, global: { ...(config.global as object), scrape_interval: '1s' } }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let logs = '';
  const child: ChildProcess = spawn(
    prometheusBinary('prometheus'),
    [
      `--config.file=${join(dir.path, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (chunk) => (logs += chunk));
  const query = async (expr: string): Promise<PromAnswer> => {
    const response = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    return response.json() as Promise<PromAnswer>;
  };
  const samples = async (job: string) => {
    const answer = await query(`count_over_time(up{job="${job}"}[10m])`).catch(() => undefined);
    const values = answer?.data?.result.map((r) => Number(r.value[1])) ?? [];
    return values.length ? Math.min(...values) : 0;
  };
  const scraped = async (job: string, scrapes = 1) => {
    const target = (await samples(job)) + scrapes;
    const deadline = Date.now() + 60_000;
    while ((await samples(job)) < target) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`Prometheus did not scrape ${job}:\n${logs}`);
      await sleep(250);
    }
  };
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    dir.cleanup();
  };
  try {
    const jobs = ((config.scrape_configs as { job_name: string }[] | undefined) ?? []).map((j) => j.job_name);
    for (const job of jobs) await scraped(job, 3);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, query, scraped, dir: dir.path, stop };
}
