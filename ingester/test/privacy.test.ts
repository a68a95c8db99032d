/**
 * Privacy modes end to end, on both engines (SQLite, and PostgreSQL on a throwaway cluster): the real
 * sync from the simulator over HTTP into real databases, the real API served from them, and the bytes on
 * disk. The same simulated enterprise is synced three times into each engine (off, pseudonymous,
 * aggregate) and the modes are checked against each other and against the simulator's own list of
 * people. Scrubbing a record involves no database and runs once.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { groupingsOf } from '@copilot-metrics/contract';
import { dayToMs } from '../src/days';
import { createMetrics } from '../src/http/metrics';
import { createLogger } from '../src/log';
import { type PrivacyConfig, Pseudonymizer, WITHHELD_LINE } from '../src/privacy';
import { METRICS } from '../src/query/catalog';
import { ALL_TABLE_SPECS } from '../src/reports/schema';
import type { Scope } from '../src/scopes';
import type { SimulatorServer } from '../src/simulator/server';
import { PrivacyModeError } from '../src/store/privacyMode';
import { reprocess } from '../src/sync/reprocess';
import { runSync } from '../src/sync/runner';
import {
  SYNC_SETTINGS,
  type TestApi,
  day,
  postgresBinDir,
  simulatedScopes,
  startSimulator,
  testClient,
  testNow,
} from './helpers';
import {
  ENGINES,
  type Engine,
  type EngineDatabase,
  type EngineName,
  startEngine,
  storedFingerprint,
  summedAlike,
} from './engines';

// Three syncs into each engine, on a machine that may be busy: PostgreSQL's take longer than SQLite's.
jest.setTimeout(120_000);

const KEY = 'test-privacy-key-0123456789abcdef-0123456789';
const FROM = day('2026-08-20');
const TO = day('2026-09-02');
const MIN = 5;

/**
 * What holds a database's bytes, by engine: SQLite's file and its WAL; PostgreSQL's dump (every table's
 * content) and the database's relation files (which also keep rows since deleted or updated).
 */
const STORED: Record<EngineName, string[]> = {
  sqlite: ['database', 'database-wal'],
  postgres: ['database', 'database-files'],
};
/** How each engine says to start over in another mode. */
const START_OVER: Record<EngineName, RegExp> = {
  sqlite: /DATABASE_PATH at a new file/,
  postgres: /DATABASE_URL at a new database/,
};

interface Synced {
  db: EngineDatabase;
  logs: string[];
  privacy: PrivacyConfig;
}

let sim: SimulatorServer;
let scopes: Scope[];
/** The engine under test, and its three databases (set by the engine's beforeAll). */
let engine: Engine;
let off: Synced;
let pseudo: Synced;
let aggregate: Synced;

async function syncInto(privacy: PrivacyConfig, into?: Synced): Promise<Synced> {
  const db = into?.db ?? (await engine.database(privacy));
  const logs = into?.logs ?? [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const client = testClient(sim.url);
  try {
    const deps = { store: db.store, client, logger };
    const base = { scopes, settings: SYNC_SETTINGS, trigger: 'test', now: testNow() };
    const reports = await runSync(deps, { ...base, from: FROM, to: TO });
    expect(reports.failed).toBe(0);
    const seats = await runSync(deps, { ...base, kinds: ['seats'] });
    expect(seats.failed).toBe(0);
  } finally {
    await client.close();
  }
  return { db, logs, privacy };
}

beforeAll(async () => {
  // Broken lines (one carries a real user id) and fields no table knows, as GitHub may send them.
  sim = await startSimulator({
    users: 120,
    orgs: 2,
    faults: ['malformed-lines', 'unknown-fields', 'shards'],
  });
  scopes = simulatedScopes(sim);
});

afterAll(async () => {
  await sim.stop();
});

const apis = new WeakMap<EngineDatabase, Map<string, Promise<TestApi>>>();

/**
 * The API served from a database (closed with it), its privacy settings overridden by `privacy`: one
 * per database and settings, as a PostgreSQL database's API holds a pool of connections.
 */
function api(synced: Synced, privacy: Partial<PrivacyConfig> = {}): Promise<TestApi> {
  const settings = { ...synced.privacy, ...privacy };
  const served = apis.get(synced.db) ?? new Map<string, Promise<TestApi>>();
  apis.set(synced.db, served);
  const key = JSON.stringify(settings);
  if (!served.has(key)) served.set(key, synced.db.startApi({ privacy: settings }));
  return served.get(key)!;
}

const range = {
  from: new Date(dayToMs(FROM)).toISOString(),
  to: new Date(dayToMs(TO) + 86_399_000).toISOString(),
};

/** From FROM to the simulator's today, which holds the seats snapshot. */
const toToday = { from: range.from, to: testNow().toISOString() };

async function query(on: TestApi, q: Record<string, unknown>, over = range) {
  const response = await on.post('/api/v1/query', { range: over, queries: [{ refId: 'A', ...q }] });
  expect(response.status).toBe(200);
  return response.body.results.A as { frames?: any[]; error?: string };
}

/** label → value of a table frame. */
function table(result: { frames?: any[]; error?: string }): Map<string, number | null> {
  if (result.error) throw new Error(result.error);
  const [frame] = result.frames!;
  return new Map(frame.data.values[0].map((label: string, i: number) => [label, frame.data.values[1][i]]));
}

/** Every real login and user id the simulator sent, as the strings that would betray them. */
function identities(): { logins: string[]; ids: string[] } {
  const population = sim.population;
  const logins: string[] = [];
  const ids: string[] = [];
  for (let u = 0; u < population.userCount; u++) {
    logins.push(population.userLogin(u).toLowerCase());
    ids.push(String(population.userId(u)));
  }
  return { logins, ids };
}

/** The raw archive of a database, every file decompressed. */
async function archiveTexts(synced: Synced): Promise<{ name: string; text: string }[]> {
  const rows = await synced.db.reader.all<{
    scope_id: number;
    kind: string;
    day: number;
    file_index: number;
    data: Buffer;
  }>(
    'SELECT scope_id, kind, day, file_index, data FROM raw_chunks ORDER BY scope_id, kind, day, file_index, chunk_index',
  );
  const files = new Map<string, Buffer[]>();
  for (const row of rows) {
    const key = `${row.scope_id}/${row.kind}/${row.day}/${row.file_index}`;
    files.set(key, [...(files.get(key) ?? []), row.data]);
  }
  return [...files].map(([name, chunks]) => ({
    name: `archive ${name}`,
    text: gunzipSync(Buffer.concat(chunks)).toString('utf8'),
  }));
}

/** The database's bytes on disk (SQLite's file and WAL; PostgreSQL's relation files), and PostgreSQL's dump. */
async function databaseBytes(synced: Synced): Promise<{ name: string; text: string }[]> {
  const files = (await synced.db.storedFiles()).map(({ name, path }) => ({
    name,
    text: readFileSync(path).toString('latin1'),
  }));
  if (synced.db.url === undefined) return files;
  const dump = execFileSync(join(postgresBinDir(), 'pg_dump'), ['--no-owner', synced.db.url], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return [{ name: 'database dump', text: dump }, ...files];
}

/** The kinds of haystack present (the name up to its first space or colon), sorted. */
const kindsOf = (haystacks: { name: string }[]) =>
  [...new Set(haystacks.map((h) => h.name.split(/[ :]/)[0]))].sort();

/** Everything the API shows about people: user tables, user values, seat lists, status. */
async function apiTexts(on: TestApi, scope: string): Promise<{ name: string; text: string }[]> {
  const texts: { name: string; text: string }[] = [];
  const add = (name: string, body: unknown) => texts.push({ name, text: JSON.stringify(body) });
  add('top users', await query(on, { scope, metric: 'active_users', groupBy: 'user', format: 'table' }));
  add(
    'user series',
    await query(on, { scope, metric: 'user_initiated_interaction_count', groupBy: 'user', limit: 5 }),
  );
  const seats = await query(on, { scope, metric: 'inactive_seats', format: 'table' }, toToday);
  expect(seats.frames![0].data.values[0].length).toBeGreaterThan(0);
  add('inactive seats', seats);
  add('user values', (await on.get(`/api/v1/dimensions/user/values?scope=${scope}`)).body);
  add('sync status', (await on.get('/api/v1/sync/status')).body);
  return texts;
}

/**
 * Every login and user id found in the haystacks, each once a haystack. One pass a haystack over all
 * of them at once (the longest first, so a login is not reported as a shorter one it starts with): the
 * haystacks hold megabytes (a PostgreSQL database's files).
 */
function leaks(haystacks: { name: string; text: string }[]): string[] {
  const { logins, ids } = identities();
  const longestFirst = (words: string[]) =>
    [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const anyLogin = new RegExp(longestFirst(logins).join('|'), 'g');
  // Ids as whole numbers: 10000000 is also the tail of many epoch milliseconds.
  const anyId = new RegExp(`(?<![0-9])(?:${longestFirst(ids).join('|')})(?![0-9])`, 'g');
  const found: string[] = [];
  for (const { name, text } of haystacks) {
    for (const login of new Set(text.toLowerCase().match(anyLogin))) found.push(`${name}: login ${login}`);
    const seen = new Set<string>();
    for (const { 0: id, index: at } of text.matchAll(anyId)) {
      if (seen.has(id)) continue;
      seen.add(id);
      found.push(`${name}: user id ${id} in …${text.slice(Math.max(0, at - 30), at + 30)}…`);
    }
  }
  return found;
}

describe('PRIVACY_MODE=pseudonymous, without a database', () => {
  test('a user id inside URLs and nested fields is scrubbed too', () => {
    const pseudonyms = new Pseudonymizer(KEY);
    const scrubbed = pseudonyms.scrubRecord({
      user_id: 123456789,
      user_login: 'Octo-Cat',
      profile: { html_url: 'https://github.com/octo-cat', owner_id: 123456789, count_id: 3 },
      mentions: ['octo-cat', 'someone-else'],
      loc_added_sum: 123456789,
    });
    const text = JSON.stringify(scrubbed).toLowerCase();
    expect(text).not.toContain('octo-cat');
    expect((scrubbed.profile as any).owner_id).toBe(pseudonyms.user(123456789).githubId);
    expect(scrubbed.loc_added_sum).toBe(123456789);
    expect((scrubbed.mentions as string[])[1]).toBe('someone-else');
  });
});

describe.each(ENGINES)('on %s', (engineName) => {
  beforeAll(async () => {
    engine = await startEngine(engineName);
    off = await syncInto({ mode: 'off', minGroupSize: MIN });
    pseudo = await syncInto({ mode: 'pseudonymous', key: KEY, minGroupSize: MIN });
    aggregate = await syncInto({ mode: 'aggregate', minGroupSize: MIN });
  }, 600_000);

  afterAll(async () => {
    await engine?.stop();
  });

  describe('PRIVACY_MODE=pseudonymous', () => {
    test('no simulated login or user id is in the database’s bytes on disk, the archive, the API or the logs', async () => {
      const scope = `enterprise:${sim.scopes.enterprise}`;
      const orgScope = `organization:${sim.scopes.orgs[0]}`;
      const on = await api(pseudo);
      const stored = await databaseBytes(pseudo);
      const haystacks = [
        ...stored,
        ...(await archiveTexts(pseudo)),
        ...(await apiTexts(on, scope)),
        ...(await apiTexts(on, orgScope)),
        { name: 'logs', text: pseudo.logs.join('') },
      ];
      expect(kindsOf(stored)).toEqual(STORED[engine.name]);
      expect(await pseudo.db.reader.value('SELECT count(*) FROM raw_chunks')).toBeGreaterThan(0);
      expect(pseudo.logs.length).toBeGreaterThan(0);
      expect(leaks(haystacks)).toEqual([]);

      // The same scan finds them where they are kept (mode off): the scan can fail.
      const plain = await api(off);
      const plainLeaks = leaks([
        ...(await databaseBytes(off)),
        ...(await archiveTexts(off)),
        ...(await apiTexts(plain, scope)),
      ]);
      const where = new Set(plainLeaks.map((leak) => leak.split(/[ :]/)[0]));
      expect([...where].sort()).toEqual(
        ['archive', ...STORED[engine.name], 'inactive', 'top', 'user'].sort(),
      );
    });

    test('a person search matches pseudonyms only: never a real login, in tables or in the user variable', async () => {
      const scope = `enterprise:${sim.scopes.enterprise}`;
      const q = { scope, metric: 'user_initiated_interaction_count', groupBy: 'user', format: 'table' };
      const on = await api(pseudo);
      const everyone = table(await query(on, q));
      const pseudonyms = new Pseudonymizer(KEY);
      // A real login of someone in the table, whole: no pseudonym contains it.
      const u = [...Array(sim.population.userCount).keys()].find((i) =>
        everyone.has(pseudonyms.user(sim.population.userId(i)).login),
      )!;
      const real = sim.population.userLogin(u);
      expect(table(await query(on, { ...q, search: real }))).toEqual(new Map());
      const values = await on.get(
        `/api/v1/dimensions/user/values?scope=${scope}&search=${encodeURIComponent(real)}`,
      );
      expect(values.body.values).toEqual([]);
      // A piece of their pseudonym, in capitals, finds them, with their figures, and only pseudonyms containing it.
      const pseudonym = pseudonyms.user(sim.population.userId(u)).login;
      const piece = pseudonym.slice(-5).toUpperCase();
      const found = table(await query(on, { ...q, search: piece }));
      expect(found.get(pseudonym)).toBe(everyone.get(pseudonym));
      expect([...found.keys()]).toEqual(
        [...found.keys()].filter((login) => login.includes(piece.toLowerCase())),
      );
      expect([...found.keys()].sort()).toEqual(
        [...everyone.keys()].filter((login) => login.includes(piece.toLowerCase())).sort(),
      );
    });

    test('the API shows the same people under pseudonyms, with the same figures', async () => {
      const scope = `enterprise:${sim.scopes.enterprise}`;
      const q = { scope, metric: 'user_initiated_interaction_count', groupBy: 'user', format: 'table' };
      const real = table(await query(await api(off), q));
      const masked = table(await query(await api(pseudo), q));
      expect(masked.size).toBe(real.size);
      const pseudonyms = new Pseudonymizer(KEY);
      for (let u = 0; u < sim.population.userCount; u++) {
        const login = sim.population.userLogin(u);
        if (!real.has(login)) continue;
        expect(masked.get(pseudonyms.user(sim.population.userId(u)).login)).toBe(real.get(login));
      }
    });

    test('malformed lines are counted with their line numbers, and withheld from the archive', async () => {
      const issues = async (synced: Synced) => {
        const reports = await synced.db.reader.all<{ malformed_lines: number; issues: string | null }>(
          `SELECT r.malformed_lines, r.issues FROM reports r JOIN scopes s ON s.id = r.scope_id
           WHERE r.kind = 'users' ORDER BY s.kind, s.slug, r.day`,
        );
        return {
          lines: reports.reduce((sum, r) => sum + r.malformed_lines, 0),
          text: reports.map((r) => r.issues ?? '').join(''),
        };
      };
      const real = await issues(off);
      const masked = await issues(pseudo);
      expect(real.lines).toBeGreaterThan(0);
      expect(masked.lines).toBe(real.lines);
      const lineNumbers = (text: string) => [...text.matchAll(/line (\d+)/g)].map((m) => m[1]);
      expect(lineNumbers(masked.text)).toEqual(lineNumbers(real.text));
      expect((await archiveTexts(pseudo)).some((file) => file.text.includes(WITHHELD_LINE))).toBe(true);
    });

    test('unknown fields are still reported and kept (scrubbed) in the archive', async () => {
      const keys = (synced: Synced) =>
        synced.db.reader.all('SELECT report_kind, path FROM unknown_keys ORDER BY 1, 2');
      const known = await keys(off);
      expect(known.length).toBeGreaterThan(0);
      expect(await keys(pseudo)).toEqual(known);
      expect(
        (await archiveTexts(pseudo)).some((file) => file.text.includes('copilot_future_metric_count')),
      ).toBe(true);
    });

    test('pseudonyms are stable across syncs and databases, and depend on the key', async () => {
      const people = (synced: Synced) =>
        synced.db.reader.all<{ github_id: number; login: string }>(
          'SELECT github_id, login FROM users ORDER BY github_id',
        );
      const before = await people(pseudo);
      expect(before.length).toBe((await people(off)).length);
      // A second sync (re-fetching the trailing days) into the same database adds nobody.
      await syncInto(pseudo.privacy, pseudo);
      expect(await people(pseudo)).toEqual(before);
      // The same key into another database gives the same pseudonyms; another key, other ones.
      const again = await syncInto({ mode: 'pseudonymous', key: KEY, minGroupSize: MIN });
      const otherKey = await syncInto({ mode: 'pseudonymous', key: `${KEY}-rotated`, minGroupSize: MIN });
      try {
        expect(await people(again)).toEqual(before);
        const rotated = new Set((await people(otherKey)).map((p) => p.login));
        expect(before.filter((p) => rotated.has(p.login))).toEqual([]);
      } finally {
        await again.db.close();
        await otherKey.db.close();
      }
    }, 300_000);

    test('reprocess rebuilds from the scrubbed archive: the same pseudonyms and figures, still no real identity', async () => {
      const before = await storedFingerprint(pseudo.db.reader);
      const people = () => pseudo.db.reader.all('SELECT github_id, login FROM users ORDER BY github_id');
      const known = await people();
      const summary = await reprocess(pseudo.db.store);
      expect(summary.reports).toBeGreaterThan(0);
      expect(await storedFingerprint(pseudo.db.reader)).toEqual(before);
      expect(await people()).toEqual(known);
      expect(leaks([...(await databaseBytes(pseudo)), ...(await archiveTexts(pseudo))])).toEqual([]);
    });
  });

  describe('PRIVACY_MODE=aggregate', () => {
    test('no per-user row, login, membership, active set, seat or user archive is stored', async () => {
      const count = (sql: string) => aggregate.db.reader.value<number>(sql);
      for (const spec of ALL_TABLE_SPECS.filter((s) => s.subject === 'user_ref'))
        expect([spec.table, await count(`SELECT count(*) FROM ${spec.table} WHERE user_ref > 0`)]).toEqual([
          spec.table,
          0,
        ]);
      expect(await count('SELECT count(*) FROM users')).toBe(0);
      expect(await count('SELECT count(*) FROM team_members')).toBe(0);
      expect(await count('SELECT count(*) FROM active_sets')).toBe(0);
      expect(await count('SELECT count(*) FROM active_period_sets')).toBe(0);
      expect(await count('SELECT count(*) FROM seat_snapshots')).toBe(0);
      expect(await count("SELECT count(*) FROM raw_chunks WHERE kind IN ('users', 'user-teams')")).toBe(0);
      // The reports themselves were read: their days are recorded as synced, with their record counts.
      const recorded = (synced: Synced) =>
        synced.db.reader.all(
          `SELECT s.kind AS scope_kind, s.slug, r.kind, r.day, r.status, r.records
           FROM reports r JOIN scopes s ON s.id = r.scope_id
           WHERE r.kind IN ('users', 'user-teams') ORDER BY 1, 2, 3, 4`,
        );
      const expected = await recorded(off);
      expect(expected.length).toBeGreaterThan(0);
      expect(await recorded(aggregate)).toEqual(expected);
      expect(
        leaks([
          ...(await databaseBytes(aggregate)),
          ...(await archiveTexts(aggregate)),
          { name: 'logs', text: aggregate.logs.join('') },
        ]),
      ).toEqual([]);
    });

    // Aggregate mode also stores teams whose members were all inactive, as zeros; mode off has no row
    // for them (its queries fill such days with zeros, and its team gauges count them).
    test('the team figures equal those computed in mode off', async () => {
      // Credits are rounded here, not in SQL: PostgreSQL has no round() of a double to 6 places.
      const teamDays = async (synced: Synced) =>
        (
          await synced.db.reader.all<{ credits: number | null }>(
            `SELECT s.kind || ':' || s.slug AS scope, t.github_id, t.slug, x.day, x.active_users,
               x.user_initiated_interaction_count, x.code_generation_activity_count, x.code_acceptance_activity_count,
               x.loc_suggested_to_add_sum, x.loc_suggested_to_delete_sum, x.loc_added_sum, x.loc_deleted_sum,
               x.ai_credits_used AS credits
             FROM team_day x JOIN teams t ON t.id = x.team_ref JOIN scopes s ON s.id = x.scope_id
             WHERE x.active_users > 0 ORDER BY 1, 2, 4`,
          )
        ).map((row) => ({
          ...row,
          credits: row.credits === null ? null : Math.round(row.credits * 1e6) / 1e6,
        }));
      const expected = await teamDays(off);
      expect(expected.length).toBeGreaterThan(50);
      expect(await teamDays(aggregate)).toEqual(expected);
    });

    test('team queries through the API answer as in mode off; per-user queries explain why they cannot', async () => {
      const scope = `enterprise:${sim.scopes.enterprise}`;
      const plain = await api(off);
      const teamsOnly = await api(aggregate, { minGroupSize: 1 });
      for (const q of [
        { metric: 'active_users', groupBy: 'team', interval: 'day' },
        { metric: 'code_generation_activity_count', groupBy: 'team', interval: 'week' },
        { metric: 'acceptance_rate', groupBy: 'team', format: 'table' },
        { metric: 'code_generation_activity_count', groupBy: 'none' },
        { metric: 'code_generation_activity_count', groupBy: 'ide', format: 'table' },
        // Everyone's totals of the per-user rows, computed while importing in aggregate mode.
        { metric: 'ai_credits_used', groupBy: 'none', interval: 'day' },
        { metric: 'ai_credits_used', groupBy: 'none', interval: 'week' },
      ]) {
        const expected = await query(plain, { scope, ...q });
        const actual = await query(teamsOnly, { scope, ...q });
        expect([q, actual.frames!.map((f) => f.data)]).toEqual([
          q,
          summedAlike(expected.frames!.map((f) => f.data)),
        ]);
      }
      for (const q of [
        { metric: 'active_users', groupBy: 'user', format: 'table' },
        { metric: 'active_users', groupBy: 'team', interval: 'week' },
        { metric: 'active_users', groupBy: 'ide', format: 'table' },
        { metric: 'seats_total' },
      ]) {
        const result = await query(teamsOnly, { scope, ...q });
        expect(result.error).toBeUndefined();
        const [frame] = result.frames!;
        expect(frame.schema.fields).toEqual([]);
        expect(frame.schema.meta.custom.unavailable).toMatchObject({ reason: 'privacy', mode: 'aggregate' });
        expect(frame.schema.meta.notices[0].text).toMatch(/PRIVACY_MODE=(aggregate|pseudonymous)/);
      }
    });
  });

  describe('PRIVACY_MIN_GROUP_SIZE', () => {
    /**
     * Every grouping the catalog offers over per-user rows, as a table: a group's value is shown exactly
     * when mode off counts at least MIN distinct users in it, and then equals mode off's value. Groups
     * from the aggregate report, and scope totals, are never restricted.
     */
    test('is enforced in every grouping computed from user rows, and nowhere else', async () => {
      const scope = `organization:${sim.scopes.orgs[0]}`;
      const plain = await api(off);
      const masked = await api(pseudo);
      let restricted = 0;
      let hidden = 0;
      for (const metric of METRICS.values()) {
        if (metric.snapshot) continue;
        for (const groupBy of groupingsOf(metric)) {
          if (groupBy === 'user' || groupBy === 'repository') continue;
          const q = { scope, metric: metric.id, groupBy, format: 'table' };
          const expected = await query(plain, q);
          if (expected.error) continue;
          const source = expected.frames![0].schema.meta.custom.source;
          const userDerived =
            groupBy !== 'none' && (source === 'per-user rows' || metric.aggregation === 'distinct');
          // Where distinct users cannot be counted for a grouping, every group is hidden.
          const counted = userDerived ? await query(plain, { ...q, metric: 'active_users' }) : undefined;
          const sizes = counted && !counted.error ? table(counted) : new Map<string, number | null>();
          const actual = table(await query(masked, q));
          for (const [label, value] of table(expected)) {
            if (!userDerived) {
              expect([metric.id, groupBy, label, actual.get(label)]).toEqual([
                metric.id,
                groupBy,
                label,
                summedAlike(value),
              ]);
              continue;
            }
            restricted++;
            const size = sizes.get(label) ?? 0;
            if (size < MIN) hidden++;
            expect([metric.id, groupBy, label, size, actual.get(label)]).toEqual([
              metric.id,
              groupBy,
              label,
              size,
              size < MIN ? null : summedAlike(value),
            ]);
          }
        }
      }
      expect(restricted).toBeGreaterThan(20);
      expect(hidden).toBeGreaterThan(0);
    }, 120_000);

    test('applies per bucket in time series, and hidden groups never reach Others', async () => {
      const scope = `enterprise:${sim.scopes.enterprise}`;
      const plain = await api(off);
      const masked = await api(pseudo);
      const q = { scope, metric: 'code_generation_activity_count', groupBy: 'team', interval: 'day' };
      const bySeries = (result: { frames?: any[] }) =>
        new Map(result.frames!.map((f) => [f.schema.name, f.data.values[1] as (number | null)[]]));
      const values = bySeries(await query(plain, q));
      const sizes = bySeries(await query(plain, { ...q, metric: 'active_users' }));
      const actual = await query(masked, q);
      expect(actual.frames![0].schema.meta.notices.map((n: any) => n.text).join(' ')).toMatch(
        /PRIVACY_MIN_GROUP_SIZE/,
      );
      let hidden = 0;
      for (const [team, points] of bySeries(actual)) {
        points.forEach((value, i) => {
          const size = sizes.get(team)?.[i] ?? 0;
          if (size < MIN) hidden++;
          expect([team, i, value]).toEqual([team, i, size < MIN ? null : values.get(team)![i]]);
        });
      }
      expect(hidden).toBeGreaterThan(0);

      // Top 2 teams and Others: Others is the sum of the other teams big enough to show. GitHub leaves
      // out teams under 5 seats, so the minimum is raised until the two smallest teams are hidden.
      const totals = table(await query(plain, { ...q, format: 'table' }));
      const teamSizes = table(await query(plain, { ...q, metric: 'active_users', format: 'table' }));
      const ascending = [...teamSizes.values()].map((n) => n ?? 0).sort((a, b) => a - b);
      expect(ascending.length).toBeGreaterThan(4);
      const minimum = ascending[2];
      const raised = await api(pseudo, { minGroupSize: minimum });
      const top = table(await query(raised, { ...q, format: 'table', limit: 2, others: true }));
      const shown = [...top.keys()].filter((label) => label !== 'Others');
      expect(shown).toHaveLength(2);
      const small = [...teamSizes].filter(([, n]) => (n ?? 0) < minimum).map(([label]) => label);
      expect(small.length).toBeGreaterThanOrEqual(2);
      const expectedOthers = [...totals]
        .filter(([label]) => !shown.includes(label) && !small.includes(label))
        .reduce((sum, [, v]) => sum + (v ?? 0), 0);
      expect(top.get('Others')).toBe(expectedOthers);
    });

    test('leaves scope totals alone: aggregate tiles are computed before any restriction', async () => {
      const scope = `enterprise:${sim.scopes.enterprise}`;
      for (const metric of ['active_users', 'code_generation_activity_count', 'acceptance_rate']) {
        const q = { scope, metric, groupBy: 'none', interval: 'week' };
        const expected = await query(await api(off), q);
        const actual = await query(await api(pseudo, { minGroupSize: 1000 }), q);
        expect(actual.frames!.map((f) => f.data)).toEqual(summedAlike(expected.frames!.map((f) => f.data)));
      }
    });
  });

  describe('Prometheus team gauges', () => {
    async function teamLines(synced: Synced, privacy: PrivacyConfig): Promise<string[]> {
      const reader = synced.db.openReader();
      try {
        const metrics = createMetrics(reader, { privacy, defaultMetrics: false });
        return (await metrics.registry.metrics())
          .split('\n')
          .filter((line) => line.startsWith('copilot_team_'));
      } finally {
        await reader.close();
      }
    }

    test('aggregate mode exports the team gauges of mode off, from the rollup alone', async () => {
      const plain = await teamLines(off, off.privacy);
      expect(plain.length).toBeGreaterThan(20);
      expect(await teamLines(aggregate, { ...aggregate.privacy, minGroupSize: 1 })).toEqual(plain);
    });

    test('the privacy modes leave out teams under the minimum group size', async () => {
      const plain = await teamLines(off, off.privacy);
      const latest = plain
        .filter((line) => line.startsWith('copilot_team_active_users{') && line.includes('window="1d"'))
        .map((line) => ({
          key: line.replace(/^[^{]*\{([^}]*)\}.*$/, '$1'),
          value: Number(line.split(' ').at(-1)),
        }));
      const sizes = latest.map((t) => t.value).sort((a, b) => a - b);
      const minimum = sizes[Math.floor(sizes.length / 2)];
      const keys = (lines: string[]) =>
        new Set(
          lines
            .filter((line) => line.startsWith('copilot_team_active_users{') && line.includes('window="1d"'))
            .map((line) => line.replace(/^[^{]*\{([^}]*)\}.*$/, '$1')),
        );
      const expected = new Set(latest.filter((t) => t.value >= minimum).map((t) => t.key));
      expect(expected.size).toBeGreaterThan(0);
      expect(expected.size).toBeLessThan(latest.length);
      expect(keys(await teamLines(pseudo, { ...pseudo.privacy, minGroupSize: minimum }))).toEqual(expected);
      expect(keys(await teamLines(aggregate, { ...aggregate.privacy, minGroupSize: minimum }))).toEqual(
        expected,
      );
    });
  });

  describe('switching modes', () => {
    test('is refused with instructions, in both directions and for another key', async () => {
      const reopen = (synced: Synced, privacy: PrivacyConfig) => synced.db.reopen(privacy);
      await expect(reopen(off, { mode: 'pseudonymous', key: KEY, minGroupSize: MIN })).rejects.toThrow(
        PrivacyModeError,
      );
      await expect(reopen(off, { mode: 'aggregate', minGroupSize: MIN })).rejects.toThrow(
        START_OVER[engine.name],
      );
      await expect(reopen(pseudo, { mode: 'off', minGroupSize: MIN })).rejects.toThrow(
        /PRIVACY_MODE=pseudonymous/,
      );
      await expect(
        reopen(pseudo, { mode: 'pseudonymous', key: `${KEY}-other`, minGroupSize: MIN }),
      ).rejects.toThrow(/another PRIVACY_KEY/);
      await expect(reopen(aggregate, { mode: 'pseudonymous', key: KEY, minGroupSize: MIN })).rejects.toThrow(
        /PRIVACY_MODE=aggregate/,
      );
      // The same mode (and key) opens.
      await expect(reopen(pseudo, pseudo.privacy)).resolves.toBeUndefined();
      await expect(reopen(aggregate, aggregate.privacy)).resolves.toBeUndefined();
    });
  });
});
