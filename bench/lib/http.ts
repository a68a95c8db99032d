/** The benchmark's side of the query API: one request timed, errors inside a 200 counted as errors. */
import { performance } from 'node:perf_hooks';
import { type QueryRequest, rangeOf } from './shapes';

export class QueryFailure extends Error {}

export async function timeQuery(baseUrl: string, request: QueryRequest, rangeDays: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ range: rangeOf(rangeDays), queries: request.queries }),
  });
  const body = (await response.json()) as { results?: Record<string, { error?: string }>; error?: string };
  const ms = performance.now() - started;
  const error =
    body.error ??
    Object.entries(body.results ?? {}).find(([, result]) => result.error)?.[1].error ??
    undefined;
  if (!response.ok || error) throw new QueryFailure(`${request.name}: ${response.status} ${error ?? ''}`);
  return ms;
}

export async function timeGet(baseUrl: string, path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${path}`);
  await response.arrayBuffer();
  if (!response.ok) throw new QueryFailure(`${path}: ${response.status}`);
  return performance.now() - started;
}

/** Times `run` `runs` times after the warm-ups (which fill SQLite's page cache and V8's JIT). */
export async function repeat(runs: number, run: () => Promise<number>, warmups = 2): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs + warmups; i++) {
    const ms = await run();
    if (i >= warmups) times.push(ms);
  }
  return times;
}
