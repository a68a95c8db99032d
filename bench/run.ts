/**
 * `npm run bench`: Copilot usage metrics at enterprise scale, on the simulator. Sections (see
 * BENCHMARKS.md for the targets): ingest, memory, backfill, storage, queries, load.
 *   npm run bench -- --quick                       small sizes, under a minute, results in bench/results/tmp
 *   npm run bench                                  the full run: 10,000 and 100,000 users, 365 days
 *   npm run bench -- --only queries --users 10000 --days 90 --ranges 90
 *   npm run bench -- --render                     rewrite the BENCHMARKS.md table from bench/results/*.json
 * A full (non --quick) run merges its figures into bench/results/<date>.json and rewrites the table in
 * BENCHMARKS.md. Databases and generated files are cached in bench/results/tmp (git-ignored).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { resultKey, stopPostgres } from './lib/engine';
import { describeMachine } from './lib/machine';
import { type Section, parseOptions } from './lib/options';
import {
  type Entry,
  latestEntries,
  renderTable,
  resultsPath,
  saveResults,
  updateBenchmarksMd,
} from './lib/results';
import { backfill } from './sections/backfill';
import type { SectionContext } from './sections/context';
import { ingest } from './sections/ingest';
import { load } from './sections/load';
import { memory } from './sections/memory';
import { queries } from './sections/queries';
import { storage } from './sections/storage';

const SIZED: Record<Exclude<Section, 'memory'>, (ctx: SectionContext, users: number) => Promise<unknown>> = {
  ingest,
  backfill,
  storage,
  queries,
  load,
};

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((arg) => arg !== '--');
  if (argv.includes('--render')) {
    // Re-renders the BENCHMARKS.md table from the committed results files, measuring nothing.
    updateBenchmarksMd(renderTable(latestEntries()));
    return 0;
  }
  const options = parseOptions(argv);
  const machine = describeMachine();
  const started = performance.now();
  const log = (line: string) =>
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  log(
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, SQLite ${machine.sqlite}`,
  );
  const command = `npm run bench -- ${argv.join(' ')}`.trim();
  const entries: Record<string, Entry> = {};
  let failed = 0;
  const record = (key: string, result: unknown) =>
    (entries[key] = {
      measuredAt: new Date().toISOString(),
      command,
      machine,
      load: loadavg().map((l) => Math.round(l * 100) / 100),
      result,
    });

  for (const section of options.sections) {
    if (options.engine === 'postgres' && (section === 'memory' || section === 'storage')) {
      log(`${section}: SQLite's measure, skipped with --engine postgres`);
      continue;
    }
    const keys =
      section === 'memory'
        ? [{ key: 'memory', run: (ctx: SectionContext) => memory(ctx) }]
        : options.sizes.map((users) => ({
            key: resultKey(
              options.engine,
              `${section}@${users}u${section === 'ingest' ? '' : `-${options.days}d`}`,
            ),
            run: (ctx: SectionContext) => SIZED[section](ctx, users),
          }));
    for (const { key, run } of keys) {
      const ctx: SectionContext = { options, log: (line) => log(`${key}: ${line}`) };
      ctx.log(
        `start (load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(', ')})`,
      );
      try {
        record(key, await run(ctx));
      } catch (error) {
        failed++;
        ctx.log(`FAILED: ${(error as Error).stack ?? error}`);
      }
    }
  }

  await stopPostgres();
  const date = new Date().toISOString().slice(0, 10);
  if (options.write && Object.keys(entries).length) {
    const path = resultsPath(date, options.quick);
    saveResults(path, date, entries);
    log(`results: ${path}`);
    if (!options.quick) {
      updateBenchmarksMd(renderTable(latestEntries()));
      log('BENCHMARKS.md table updated');
    }
  }
  process.stdout.write(`${renderTable(new Map(Object.entries(entries)), false)}\n`);
  log(
    `done in ${((performance.now() - started) / 1000).toFixed(1)} s${failed ? `, ${failed} section(s) failed` : ''}`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  },
);
