/**
 * Upgrades keep every figure. Each fixture in test/fixtures/upgrades/ is a database written by an earlier
 * version of the ingester, with that version's own code, from a sync against that version's own
 * simulator (scripts/make-upgrade-fixture.sh; the .json beside it says which commit and how). Opening it
 * with today's code migrates it, and it must then answer every question exactly like a fresh sync, by
 * today's code, of the same data.
 *
 * "The same data" is the bytes the old version downloaded: its raw archive. The fresh sync reads them
 * over real HTTP from a small stand-in for GitHub's report endpoints and download host that serves the
 * archived files, so the comparison does not depend on today's simulator still generating what the old
 * one did. A database from a newer version is refused, and not a byte of it is written.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { DIMENSIONS, groupingsOf } from '@copilot-metrics/contract';
import { type DayNumber, dayToMs, parseDay } from '../src/days';
import { silentLogger } from '../src/log';
import { METRICS } from '../src/query/catalog';
import { type SyncKind, isSyncKind } from '../src/reports/types';
import type { Scope } from '../src/scopes';
import { openDatabase } from '../src/store/db';
import { loadMigrations } from '../src/store/migrate';
import { runSync } from '../src/sync/runner';
import { SYNC_SETTINGS, type TestApi, startApi, tempDatabase, tempDir, testClient } from './helpers';

const FIXTURES = join(__dirname, 'fixtures', 'upgrades');
const LATEST = loadMigrations().at(-1)!.version;

interface FixtureInfo {
  schemaVersion: number;
  commit: string;
  enterprises: string[];
  orgs: string[];
  from: string;
  to: string;
  syncedOn: string;
}

const fixtures = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    name: file.replace(/\.json$/, ''),
    info: JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as FixtureInfo,
  }));

const dirs: { cleanup: () => void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

/** A fixture, uncompressed into a fresh temporary directory. */
function unpack(name: string): string {
  const dir = tempDir('cm-upgrade-');
  dirs.push(dir);
  const path = join(dir.path, 'metrics.db');
  writeFileSync(path, gunzipSync(readFileSync(join(FIXTURES, `${name}.sqlite.gz`))));
  return path;
}

/**
 * GitHub's report endpoints and signed download host, answering from a database's raw archive: a day
 * with an archived report gets links to its files (each served as it was downloaded), any other day 204.
 */
async function archiveServer(path: string): Promise<{ url: string; close: () => Promise<void> }> {
  const db = new Database(path, { readonly: true });
  const scopeIds = new Map(
    (
      db.prepare('SELECT id, kind, slug FROM scopes').all() as { id: number; kind: string; slug: string }[]
    ).map((s) => [`${s.kind}:${s.slug.toLowerCase()}`, s.id]),
  );
  const chunks = db.prepare(
    'SELECT file_index, data FROM raw_chunks WHERE scope_id = ? AND kind = ? AND day = ? ORDER BY file_index, chunk_index',
  );
  const files = (scopeId: number, kind: string, day: DayNumber): Buffer[] => {
    const byFile = new Map<number, Buffer[]>();
    for (const row of chunks.all(scopeId, kind, day) as { file_index: number; data: Buffer }[]) {
      byFile.set(row.file_index, [...(byFile.get(row.file_index) ?? []), row.data]);
    }
    return [...byFile.values()].map((parts) => gunzipSync(Buffer.concat(parts)));
  };
  const KIND_OF: Record<string, string> = {
    'enterprise-1-day': 'aggregate',
    'organization-1-day': 'aggregate',
    'users-1-day': 'users',
    'user-teams-1-day': 'user-teams',
    'repos-1-day': 'repos',
  };
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, base);
    const report = /^\/(enterprises|orgs)\/([^/]+)\/copilot\/metrics\/reports\/([a-z0-9-]+)$/.exec(
      url.pathname,
    );
    const download = /^\/_archive\/(\d+)\/([a-z-]+)\/(\d+)\/(\d+)$/.exec(url.pathname);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (report && KIND_OF[report[3]]) {
      const scopeKind = report[1] === 'enterprises' ? 'enterprise' : 'organization';
      const scopeId = scopeIds.get(`${scopeKind}:${decodeURIComponent(report[2]).toLowerCase()}`);
      const dayText = url.searchParams.get('day') ?? '';
      const day = parseDay(dayText);
      const kind = KIND_OF[report[3]];
      const count = scopeId === undefined || day === undefined ? 0 : files(scopeId, kind, day).length;
      if (count === 0) {
        res.writeHead(204);
        return res.end();
      }
      return json(200, {
        download_links: Array.from(
          { length: count },
          (_, i) => `${base}/_archive/${scopeId}/${kind}/${day}/${i}`,
        ),
        report_day: dayText,
      });
    }
    if (download) {
      const file = files(Number(download[1]), download[2], Number(download[3]))[Number(download[4])];
      if (file) {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        return res.end(file);
      }
    }
    json(404, { message: 'Not Found' });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      db.close();
    },
  };
}

const noonOf = (day: DayNumber) => new Date(dayToMs(day) + 12 * 3_600_000);

/** Every answer the API gives over the fixture's days, keyed by what was asked. */
async function everyAnswer(api: TestApi, info: FixtureInfo): Promise<Map<string, unknown>> {
  const from = parseDay(info.from)!;
  const to = parseDay(info.to)!;
  const range = {
    from: new Date(dayToMs(from)).toISOString(),
    to: new Date(dayToMs(to) + 86_399_000).toISOString(),
  };
  // The enterprise and one organization: each kind of scope (the other organization is stored alike).
  const scopes = [...info.enterprises.map((s) => `enterprise:${s}`), `organization:${info.orgs[0]}`];
  const answers = new Map<string, unknown>();
  for (const scope of scopes) {
    const queries: Record<string, unknown>[] = [];
    for (const metric of METRICS.values()) {
      for (const groupBy of groupingsOf(metric)) {
        queries.push({ scope, metric: metric.id, groupBy, format: 'table' });
        // Weeks matter where days are not simply added: distinct people (unions of active sets).
        for (const interval of metric.aggregation === 'distinct' ? ['day', 'week'] : ['day'])
          queries.push({ scope, metric: metric.id, groupBy, interval, format: 'timeseries' });
      }
    }
    for (let i = 0; i < queries.length; i += 50) {
      const batch = queries.slice(i, i + 50).map((q, j) => ({ refId: `Q${i + j}`, ...q }));
      const response = await api.post('/api/v1/query', { range, queries: batch });
      expect([response.status, response.body.error]).toEqual([200, undefined]);
      batch.forEach((q) => {
        const { refId, ...asked } = q;
        answers.set(JSON.stringify(asked), response.body.results[refId]);
      });
    }
    for (const dimension of DIMENSIONS) {
      if (dimension === 'none') continue;
      const path = `/api/v1/dimensions/${dimension}/values?scope=${scope}&from=${info.from}&to=${info.to}`;
      answers.set(path, (await api.get(path)).body);
    }
    const path = `/api/v1/annotations?scope=${scope}&from=${range.from}&to=${range.to}`;
    answers.set(path, (await api.get(path)).body);
  }
  return answers;
}

/** Answers with frames that hold at least one value: the comparison is not one of empty answers. */
const withFigures = (answers: Map<string, unknown>) =>
  [...answers.values()].filter((a: any) =>
    a?.frames?.some((f: any) => f.data.values.some((column: unknown[]) => column.length > 0)),
  ).length;

test('fixtures exist for the oldest schema and the newest before the current one', () => {
  const versions = fixtures.map((f) => f.info.schemaVersion);
  expect(versions[0]).toBe(1);
  expect(Math.max(...versions)).toBe(LATEST - 1);
});

describe.each(fixtures)('a database written by schema $info.schemaVersion ($name)', ({ name, info }) => {
  let migrated: TestApi;
  let fresh: TestApi;
  let closeFresh: () => void;
  const paths = { migrated: '', fresh: '' };

  beforeAll(async () => {
    const original = unpack(name);
    const path = join(original, '..', 'upgraded.db');
    copyFileSync(original, path);

    // Today's code opens it: the migrations run, every backfill included.
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    db.close();

    // A fresh sync, by today's code, of the bytes the old version downloaded.
    const archive = await archiveServer(original);
    const kinds = (
      new Database(original, { readonly: true })
        .prepare("SELECT DISTINCT kind FROM reports WHERE status = 'ok'")
        .pluck()
        .all() as string[]
    ).filter(isSyncKind) as SyncKind[];
    const scopes: Scope[] = [
      ...info.enterprises.map((slug) => ({ kind: 'enterprise' as const, slug })),
      ...info.orgs.map((slug) => ({ kind: 'organization' as const, slug })),
    ];
    const t = tempDatabase();
    closeFresh = t.close;
    const client = testClient(archive.url);
    const summary = await runSync(
      { store: t.store, client, logger: silentLogger },
      {
        settings: SYNC_SETTINGS,
        trigger: 'test',
        now: noonOf(parseDay(info.syncedOn)!),
        scopes,
        kinds,
        from: parseDay(info.from),
        to: parseDay(info.to),
      },
    );
    await client.close();
    await archive.close();
    expect(summary.failed).toBe(0);
    t.db.close();

    paths.migrated = path;
    paths.fresh = t.path;
    const now = () => noonOf(parseDay(info.syncedOn)!);
    migrated = await startApi(path, { now });
    fresh = await startApi(t.path, { now });
  });
  afterAll(async () => {
    await migrated?.close();
    await fresh?.close();
    closeFresh?.();
  });

  test('answers every query, dimension list and annotation exactly like a fresh sync of the same data', async () => {
    const expected = await everyAnswer(fresh, info);
    const actual = await everyAnswer(migrated, info);
    expect(withFigures(expected)).toBeGreaterThan(500);
    const differing = [...expected.keys()].filter(
      (key) => JSON.stringify(actual.get(key)) !== JSON.stringify(expected.get(key)),
    );
    // Name the first few questions answered differently, with both answers.
    expect(
      differing
        .slice(0, 3)
        .map((key) => ({ asked: key, upgraded: actual.get(key), fresh: expected.get(key) })),
    ).toEqual([]);
  });

  test('answers every SQL view (migration 013) with the rows of a fresh sync', () => {
    const views = {
      copilot_scope_daily: 'scope_kind, scope_slug, day',
      copilot_user_daily: 'scope_kind, scope_slug, day, user_id',
      copilot_team_daily: 'scope_kind, scope_slug, day, team_id',
      copilot_seat_daily: 'scope_kind, scope_slug, day, user_id',
    };
    const rows = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return Object.fromEntries(
          Object.entries(views).map(([view, order]) => [
            view,
            db.prepare(`SELECT * FROM ${view} ORDER BY ${order}`).all(),
          ]),
        );
      } finally {
        db.close();
      }
    };
    const expected = rows(paths.fresh);
    expect(rows(paths.migrated)).toEqual(expected);
    expect(expected.copilot_user_daily.length).toBeGreaterThan(50);
    expect(expected.copilot_team_daily.length).toBeGreaterThan(0);
  });
});

describe('a database from a newer version', () => {
  test('is refused, naming both versions and the fix, and not a byte of it is written', () => {
    const path = unpack(fixtures.at(-1)!.name);
    const setup = new Database(path);
    setup.pragma(`user_version = ${LATEST + 1}`);
    setup.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const before = { bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs };

    expect(() => openDatabase(path)).toThrow(
      new RegExp(
        `${path}.*version ${LATEST + 1}, newer than this ingester knows \\(${LATEST}\\).*Upgrade the ingester, or point DATABASE_PATH at another file`,
      ),
    );

    expect(readFileSync(path).equals(before.bytes)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
    expect(existsSync(`${path}-journal`)).toBe(false);
  });
});
