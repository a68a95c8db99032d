/** Command-line flags of `npm run bench`, with the full and --quick defaults next to each other. */
import { parseArgs } from 'node:util';
import type { Engine } from './engine';

export const SECTIONS = ['ingest', 'memory', 'backfill', 'storage', 'queries', 'load'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  sections: Section[];
  /** Enterprise sizes (users) the database-backed sections run at. */
  sizes: number[];
  orgs: number;
  /** Days of history in the query databases; query ranges longer than this are skipped. */
  days: number;
  /** Query ranges, in days. */
  ranges: number[];
  /** Timed repetitions per query shape (after two warm-ups). */
  runs: number;
  /** Users-report sizes for the peak-RSS test, in NDJSON bytes. */
  memoryBytes: number[];
  /** Seconds each autocannon run lasts. */
  loadSeconds: number;
  connections: number;
  /** Trailing days the under-load section re-syncs while it queries. */
  loadDays: number;
  /** Write bench/results/<date>.json and the table in BENCHMARKS.md. */
  write: boolean;
  /** Where the ingester stores: SQLite (the default) or a throwaway PostgreSQL cluster. */
  engine: Engine;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--users 10000,100000]
       [--days 365] [--ranges 90,365] [--runs 20] [--memory-mb 100,1100] [--load-seconds 20]
       [--connections 32] [--engine sqlite|postgres] [--no-write]
       npm run bench -- --render   (rewrites the BENCHMARKS.md table from bench/results/*.json)`;

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      users: { type: 'string' },
      orgs: { type: 'string' },
      days: { type: 'string' },
      ranges: { type: 'string' },
      runs: { type: 'string' },
      'memory-mb': { type: 'string' },
      'load-seconds': { type: 'string' },
      connections: { type: 'string' },
      'load-days': { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      engine: { type: 'string', default: 'sqlite' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick!;
  const sections = (list(values.only) ?? [...SECTIONS]) as Section[];
  for (const section of sections)
    if (!SECTIONS.includes(section)) throw new Error(`unknown section "${section}"; ${USAGE}`);
  const numbers = (text: string | undefined, fallback: number[]) => {
    const parsed = list(text)?.map(Number) ?? fallback;
    if (parsed.some((n) => !Number.isFinite(n) || n <= 0))
      throw new Error(`"${text}" is not a list of positive numbers`);
    return parsed;
  };
  const days = numbers(values.days, [quick ? 14 : 365])[0];
  return {
    quick,
    sections,
    sizes: numbers(values.users, quick ? [1000] : [10_000, 100_000]),
    orgs: numbers(values.orgs, [4])[0],
    days,
    ranges: numbers(values.ranges, quick ? [7, 14] : [90, 365]).filter((range) => range <= days),
    runs: numbers(values.runs, [quick ? 5 : 20])[0],
    memoryBytes: numbers(values['memory-mb'], quick ? [4, 16] : [100, 1100]).map((mb) => mb * 1024 * 1024),
    loadSeconds: numbers(values['load-seconds'], [quick ? 2 : 20])[0],
    connections: numbers(values.connections, [quick ? 8 : 32])[0],
    loadDays: numbers(values['load-days'], [quick ? 1 : 3])[0],
    write: !values['no-write'],
    engine: engineOf(values.engine!),
  };
}

function engineOf(text: string): Engine {
  if (text !== 'sqlite' && text !== 'postgres')
    throw new Error(`--engine is sqlite or postgres (got "${text}")`);
  return text;
}
