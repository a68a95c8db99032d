/**
 * A report that runs alone is stored as its files arrive: the import reads the first shards while the
 * last one is still downloading. Shown without timing: the simulator holds the last shard back until
 * the import has stored records of the others, which only an import that does not wait for every file
 * can do (otherwise the test deadlocks and fails on its timeout). A download that fails meanwhile rolls
 * the report back; it is downloaded again and stored whole.
 */
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { fetchReportLinks } from '../src/github/reports';
import { createLogger } from '../src/log';
import type { SimulatorServer } from '../src/simulator/server';
import type { Scope } from '../src/scopes';
import { runSync } from '../src/sync/runner';
import type { Fault } from '../src/simulator/faults';
import {
  SYNC_SETTINGS,
  day,
  startSimulator,
  tempDatabase,
  testClient,
  testNow,
  type TestDb,
} from './helpers';

const DAY = day('2026-09-24');
// 2,400 people in files of 800: three shards of a few hundred records each, more than a batch (256).
const POPULATION = { users: 2400, usersPerShard: 800 };

interface Run {
  sim: SimulatorServer;
  t: TestDb;
  scope: Scope;
  warnings: string[];
  summary: Awaited<ReturnType<typeof runSync>>;
}

async function syncOneReport(
  options: { faults?: Fault[]; beforeDownload?: (path: string) => Promise<void> | void },
  t: TestDb,
): Promise<Run> {
  const sim = await startSimulator({ ...POPULATION, ...options });
  const client = testClient(sim.url);
  const warnings: string[] = [];
  const logger = createLogger(
    'warn',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        warnings.push(JSON.parse(chunk.toString()).msg as string);
        done();
      },
    }),
  );
  const scope: Scope = { kind: 'enterprise', slug: sim.scopes.enterprise };
  try {
    const summary = await runSync(
      { store: t.store, client, logger },
      {
        settings: SYNC_SETTINGS,
        trigger: 'test',
        now: testNow(),
        scopes: [scope],
        kinds: ['users'],
        from: DAY,
        to: DAY,
      },
    );
    return { sim, t, scope, warnings, summary };
  } finally {
    await client.close();
  }
}

/** Archived file k, decompressed, is the file of link k as the simulator serves it. */
async function expectArchiveAsServed(run: Run): Promise<void> {
  const client = testClient(run.sim.url);
  try {
    const links = await fetchReportLinks(client, run.scope, 'users', DAY);
    if (links.type !== 'links') throw new Error('the simulator has no users report for the day');
    expect(links.links).toHaveLength(3);
    const chunks = run.t.db.prepare(
      "SELECT data FROM raw_chunks WHERE kind = 'users' AND day = ? AND file_index = ? ORDER BY chunk_index",
    );
    let served = 0;
    for (const [index, link] of links.links.entries()) {
      const text = await (await client.openDownload(link)).body.text();
      served += text.split('\n').filter((line) => line.trim()).length;
      const archived = gunzipSync(Buffer.concat(chunks.pluck().all(DAY, index) as Buffer[]));
      expect(archived.toString('utf8')).toBe(text);
    }
    // Every served record is stored: the report's count and the day's rows.
    expect(run.summary.records).toBe(served);
    expect(
      run.t.db.prepare('SELECT count(DISTINCT user_ref) FROM usage_day WHERE day = ?').pluck().get(DAY),
    ).toBe(served);
  } finally {
    await client.close();
  }
}

test('a report alone is stored as its files arrive: the last shard is held until records of the first are stored', async () => {
  const t = tempDatabase();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const preload = t.store.preloadUsers.bind(t.store);
  let batches = 0;
  let held = 0;
  // The writing side's first step for each batch of records (called through, only counted).
  t.store.preloadUsers = async (users) => {
    batches++;
    release();
    return preload(users);
  };
  const run = await syncOneReport(
    {
      // Files are numbered from 0: the last of three is 2-of-3.
      beforeDownload: (path) => {
        if (!path.endsWith('/2-of-3.ndjson')) return undefined;
        held++;
        return released;
      },
    },
    t,
  );
  try {
    expect(run.summary).toMatchObject({ ok: 1, failed: 0 });
    expect(held).toBe(1);
    expect(batches).toBeGreaterThan(1);
    await expectArchiveAsServed(run);
  } finally {
    t.close();
    await run.sim.stop();
  }
}, 30_000);

test('a file that fails while the report is stored rolls it back; it is downloaded again and stored whole', async () => {
  const t = tempDatabase();
  // Every file's first download answers 403 (an expired signature): the import under way fails.
  const run = await syncOneReport({ faults: ['expired-links'] }, t);
  try {
    expect(run.summary).toMatchObject({ ok: 1, failed: 0 });
    expect(run.warnings).toContain(
      'a file failed while the report was being stored; downloading it again before storing',
    );
    await expectArchiveAsServed(run);
  } finally {
    t.close();
    await run.sim.stop();
  }
}, 30_000);
