/**
 * Every fault switch of the simulator is either recovered from (the stored data equals a clean sync)
 * or reported with an actionable message; none crashes the sync or stores a partial report.
 */
import { gunzipSync } from 'node:zlib';
import { fetchReportLinks } from '../src/github/reports';
import type { Fault } from '../src/simulator/faults';
import type { Scope } from '../src/scopes';
import { day, fingerprint, startSimulator, syncDays, tempDatabase, testClient } from './helpers';

const RANGE = { from: day('2026-09-22'), to: day('2026-09-24') };

async function syncWith(faults: Fault[], options: { orgs?: number } = {}) {
  const sim = await startSimulator({ faults, orgs: options.orgs ?? 2 });
  const client = testClient(sim.url);
  const t = tempDatabase();
  const scopes: Scope[] = [
    { kind: 'enterprise', slug: sim.scopes.enterprise },
    ...sim.scopes.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
  ];
  try {
    const summary = await syncDays(t.store, client, { scopes, ...RANGE });
    return {
      summary,
      fingerprint: fingerprint(t.db),
      db: t.db,
      sim,
      injected: sim.faultsInjected,
      requests: [...sim.requests],
      close: async () => {
        t.close();
        await client.close();
        await sim.stop();
      },
    };
  } catch (error) {
    t.close();
    await client.close();
    await sim.stop();
    throw error;
  }
}

let clean: Awaited<ReturnType<typeof syncWith>>;
beforeAll(async () => {
  clean = await syncWith([]);
  expect(clean.summary).toMatchObject({ failed: 0, malformedLines: 0 });
});
afterAll(() => clean.close());

test.each<Fault[]>([
  ['rate-limit'],
  ['secondary-rate-limit'],
  ['server-errors'],
  ['reset'],
  ['truncate'],
  ['expired-links'],
  ['shards'],
  ['pretty-aggregates'],
])('recovers from %s: every report stored, figures identical to a clean sync', async (fault) => {
  const run = await syncWith([fault]);
  try {
    expect(run.injected.get(fault)).toBeGreaterThan(0);
    expect(run.summary).toMatchObject({ failed: 0, ok: clean.summary.ok, noData: clean.summary.noData });
    expect(run.fingerprint).toEqual(clean.fingerprint);
  } finally {
    await run.close();
  }
});

test('sharded reports are stored from every file, and the archive keeps each file', async () => {
  const run = await syncWith(['shards']);
  try {
    const files = run.db
      .prepare("SELECT DISTINCT files FROM reports WHERE kind = 'users' AND status = 'ok'")
      .pluck()
      .all();
    expect(files).toEqual([3]);
    expect(
      run.db.prepare("SELECT count(DISTINCT file_index) FROM raw_chunks WHERE kind = 'users'").pluck().get(),
    ).toBe(3);
  } finally {
    await run.close();
  }
});

test('shards downloaded at once keep their places: archived file k is the file of link k', async () => {
  const run = await syncWith(['shards']);
  const client = testClient(run.sim.url);
  try {
    const scope: Scope = { kind: 'enterprise', slug: run.sim.scopes.enterprise };
    const links = await fetchReportLinks(client, scope, 'users', RANGE.to);
    if (links.type !== 'links') throw new Error('the simulator has no users report for the day');
    expect(links.links).toHaveLength(3);
    const scopeId = run.db.prepare("SELECT id FROM scopes WHERE kind = 'enterprise'").pluck().get();
    const chunks = run.db.prepare(
      "SELECT data FROM raw_chunks WHERE scope_id = ? AND kind = 'users' AND day = ? AND file_index = ? ORDER BY chunk_index",
    );
    for (const [index, link] of links.links.entries()) {
      const served = await (await client.openDownload(link)).body.text();
      const archived = gunzipSync(Buffer.concat(chunks.pluck().all(scopeId, RANGE.to, index) as Buffer[]));
      expect(archived.toString('utf8')).toBe(served);
    }
  } finally {
    await client.close();
    await run.close();
  }
});

test('the download host never receives the Authorization header', () => {
  const downloads = clean.requests.filter((r) => r.path.startsWith('/_downloads/'));
  expect(downloads.length).toBeGreaterThan(0);
  expect(downloads.every((r) => !r.authorization)).toBe(true);
  expect(clean.requests.filter((r) => !r.path.startsWith('/_downloads/')).every((r) => r.authorization)).toBe(
    true,
  );
});

test('unknown fields are stored where known, kept in the archive, and reported by path', async () => {
  const run = await syncWith(['unknown-fields']);
  try {
    expect(run.summary.failed).toBe(0);
    expect(run.summary.unknownKeys).toEqual(
      expect.arrayContaining([
        'aggregate: copilot_future_metric_count',
        'aggregate: totals_by_ide[].suggestion_latency_ms_p50',
        'users: copilot_future_metric_count',
        'users: totals_by_ide[].suggestion_latency_ms_p50',
      ]),
    );
    expect(
      run.db
        .prepare("SELECT count(*) FROM unknown_keys WHERE path = 'copilot_future_metric_count'")
        .pluck()
        .get(),
    ).toBe(4);
    expect(run.fingerprint).toEqual(clean.fingerprint);
  } finally {
    await run.close();
  }
});

test('malformed lines are counted and located; every good line is stored', async () => {
  const run = await syncWith(['malformed-lines']);
  try {
    expect(run.summary.failed).toBe(0);
    expect(run.summary.malformedLines).toBe(run.injected.get('malformed-lines'));
    const issues = run.db
      .prepare("SELECT issues FROM reports WHERE kind = 'users' AND malformed_lines > 0")
      .pluck()
      .all() as string[];
    expect(issues.length).toBeGreaterThan(0);
    for (const list of issues)
      for (const issue of JSON.parse(list) as string[]) expect(issue).toMatch(/^line \d+: not valid JSON/);
    expect(run.fingerprint).toEqual(clean.fingerprint);
  } finally {
    await run.close();
  }
});

test('a disabled "Copilot usage metrics" policy fails that scope with the fix, and the others sync', async () => {
  const run = await syncWith(['policy-disabled']);
  try {
    const blocked = `organization:${run.sim.scopes.orgs.at(-1)}`;
    expect(run.summary.failures.length).toBeGreaterThan(0);
    for (const failure of run.summary.failures) {
      expect(failure.scope).toBe(blocked);
      expect(failure.error).toMatch(/403.*"Copilot usage metrics" policy/);
    }
    const stored = run.db
      .prepare(
        "SELECT s.kind || ':' || s.slug AS scope, count(*) AS n FROM reports r JOIN scopes s ON s.id = r.scope_id WHERE r.status = 'ok' GROUP BY 1",
      )
      .all() as { scope: string; n: number }[];
    expect(stored.map((s) => s.scope)).not.toContain(blocked);
    expect(stored).toHaveLength(2);
  } finally {
    await run.close();
  }
});

test('sync status gives the HTTP status of failures, so clients need not parse messages', async () => {
  const run = await syncWith(['policy-disabled']);
  try {
    const statuses = run.db
      .prepare("SELECT DISTINCT error_status FROM reports WHERE status = 'failed'")
      .pluck()
      .all();
    expect(statuses).toEqual([403]);
    expect(run.summary.failures.every((f) => f.status === 403)).toBe(true);
  } finally {
    await run.close();
  }
});
