/**
 * Storing an `ai_credit` export streams it: an enterprise's month of per-person rows is folded into the
 * stored tables as the CSV comes in, never in memory. A small HTTP server here plays GitHub (the export
 * request, its CSV link, the login lookups) and writes the CSV as it is read; exports ten times apart
 * are synced in fresh child processes through the real runner, and the larger once more with the JS
 * heap capped, which an importer holding the rows cannot survive. Nothing is timed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CSV_COLUMNS } from '../src/reports/billing';
import { tempDir } from './helpers';

const ROOT = join(__dirname, '..', '..');
const PEOPLE = 500;
/** The JS heap's cap in the last run: the importer needs about 20 MB; holding 90,000 rows, over 120. */
const HEAP_CAP_MB = 48;
const MODELS = ['Claude Sonnet 4.6', 'GPT-5', 'Auto: GPT-5.3-Codex', 'Gemini 2.5 Pro'];

/**
 * CSV line `i` of an export: dates over 2026-08-01..31, 500 people; nearly every line its own
 * person-row (its own repository), and every tenth one the previous line's usage in another cost
 * center, which the fold adds to it.
 */
function csvLine(i: number): string {
  const n = i % 10 === 9 ? i - 1 : i;
  const values: Record<(typeof CSV_COLUMNS)[number], string> = {
    date: `2026-08-${String(1 + (n % 31)).padStart(2, '0')}`,
    username: `person-${n % PEOPLE}`,
    product: 'copilot',
    sku: 'copilot_ai_credit',
    model: MODELS[n % MODELS.length],
    quantity: String(((n * 7919) % 1000) / 7),
    unit_type: 'ai-credits',
    applied_cost_per_quantity: '0.01',
    gross_amount: String(((n * 7919) % 1000) / 700),
    discount_amount: String(((n * 104729) % 100) / 700),
    net_amount: String(((n * 7919) % 1000) / 700 - ((n * 104729) % 100) / 700),
    total_monthly_quota: '3900',
    organization: 'octo-org',
    repository: `octo-org/service-${n}`,
    cost_center_name: i === n ? 'Platform Engineering' : 'AI Champions',
    aic_quantity: '0',
    aic_gross_amount: '0',
  };
  return `${CSV_COLUMNS.map((c) => `"${values[c]}"`).join(',')}\n`;
}

function* csvFile(lines: number): Generator<string> {
  yield `\uFEFF${CSV_COLUMNS.map((c) => `"${c}"`).join(',')}\n`;
  for (let i = 0; i < lines; i++) yield csvLine(i);
}

let bytesServed = 0;

/** The enterprise `lines-<n>` has an export of n CSV lines, completed at once, in one file. */
function fakeGitHub(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const base = `http://localhost:${(req.socket.address() as AddressInfo).port}`;
    const exportOf = /^\/enterprises\/lines-(\d+)\/settings\/billing\/reports$/.exec(url.pathname);
    const file = /^\/files\/(\d+)\.csv$/.exec(url.pathname);
    const user = /^\/users\/person-(\d+)$/.exec(url.pathname);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    if (exportOf && req.method === 'POST')
      return json(202, {
        id: `export-${exportOf[1]}`,
        status: 'completed',
        download_urls: [`${base}/files/${exportOf[1]}.csv`],
      });
    if (file) {
      res.writeHead(200, { 'content-type': 'text/csv' });
      const stream = Readable.from(csvFile(Number(file[1])));
      stream.on('data', (chunk: string) => (bytesServed += Buffer.byteLength(chunk)));
      return void stream.pipe(res);
    }
    if (user) return json(200, { login: `person-${user[1]}`, id: 9_000_000 + Number(user[1]) });
    json(404, { message: 'Not Found' });
  });
}

/** Runs the child while this process serves it (so not execFileSync, which would stop the server). */
async function measure(apiUrl: string, lines: number, database: string, nodeOptions: string[] = []) {
  bytesServed = 0;
  const child = join(__dirname, 'billing-memory-child.ts');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeOptions, '--import', 'tsx', child, apiUrl, `lines-${lines}`, database],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    records: number;
    storedRows: number;
    maxRss: number;
  };
  expect(result.records).toBe(lines);
  // Every tenth line is folded into the line before it: the others are rows of their own.
  expect(result.storedRows).toBe(lines - Math.floor(lines / 10));
  return { ...result, bytes: bytesServed };
}

type Measure = Awaited<ReturnType<typeof measure>>;
let small: Measure;
let large: Measure;
let capped: Measure;
let server: Server;

beforeAll(async () => {
  server = fakeGitHub();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = tempDir('cm-billing-memory-');
  try {
    const database = (name: string) => join(dir.path, `${name}.db`);
    await measure(apiUrl, 200, database('warm')); // warms tsx's compile cache, which would count in the next child's RSS
    small = await measure(apiUrl, 10_000, database('small'));
    large = await measure(apiUrl, 100_000, database('large'));
    capped = await measure(apiUrl, 100_000, database('capped'), [`--max-old-space-size=${HEAP_CAP_MB}`]);
  } finally {
    dir.cleanup();
  }
}, 600_000);

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('100,000 CSV lines are stored with the JS heap capped at 48 MB: no row is held in memory', () => {
  // Keeping the folded rows in a Map (as before) ran out of this heap: the process aborted.
  expect(capped.records).toBe(100_000);
  expect(capped.maxRss).toBeLessThan(300 * 1024 * 1024);
});

test('peak RSS grows by less than three times the extra input (a regression bound), and stays below 300 MB', () => {
  // Measured: 0.2 to 0.9 bytes per byte of CSV on a quiet machine, up to 2.2 while other processes kept
  // both cores busy (V8 grows its heap with the work and collects later under load); keeping the
  // folded rows grew it by about 5 bytes per byte (386 MB peak for 200,000 lines).
  expect(large.bytes).toBeGreaterThan(20_000_000);
  expect((large.maxRss - small.maxRss) / (large.bytes - small.bytes)).toBeLessThan(3);
  expect(large.maxRss).toBeLessThan(300 * 1024 * 1024);
});
