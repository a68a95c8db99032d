import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CellValue, mapRecord, newIssues } from '../src/reports/mapping';
import type { TableSpec } from '../src/reports/schema';
import type { JsonObject } from '../src/reports/types';
import { ActiveSetWriter, decodeUsers } from '../src/store/activeSets';
import { day, tempDatabase, type TestDb } from './helpers';
import { importText, normalize, rebuildRecord } from './records';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const ndjson = (name: string) =>
  fixture(name)
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as JsonObject);

const IDENTITY = [
  'day',
  'enterprise_id',
  'organization_id',
  'etl_id',
  'day_partition',
  'entity_id_partition',
  'user_id',
  'user_login',
  'repo_id',
  'repo_name',
  'repo_owner_name',
  'repo_visibility',
];

let t: TestDb;
beforeEach(() => {
  t = tempDatabase();
});
afterEach(() => t.close());

const org = () => t.store.scopeId({ kind: 'organization', slug: 'octo-org' });
const enterprise = () => t.store.scopeId({ kind: 'enterprise', slug: 'octo-ent' });
const userRef = (githubId: number) =>
  t.db.prepare('SELECT id FROM users WHERE github_id = ?').pluck().get(githubId) as number;

describe('GitHub example records are stored field by field', () => {
  test('an organization aggregate (viewer mock of a real org): every figure comes back', async () => {
    const record = JSON.parse(fixture('organization-1-day.viewer-mock.json')) as JsonObject;
    const scopeId = await org();
    const outcome = await importText(t.store, { scopeId, kind: 'aggregate', day: day('2026-04-25') }, [
      JSON.stringify(record),
    ]);
    expect(outcome).toMatchObject({ records: 1, malformedLines: 0, unknownKeys: [] });
    expect(normalize(rebuildRecord(t.db, scopeId, day('2026-04-25'), { user_ref: 0, repo_ref: 0 }))).toEqual(
      normalize(record, IDENTITY),
    );

    const row = t.db
      .prepare('SELECT * FROM usage_day WHERE scope_id = ? AND user_ref = 0')
      .get(scopeId) as Record<string, number>;
    expect(row.daily_active_users).toBe(2);
    expect(row.monthly_active_copilot_cloud_agent_users).toBe(1);
    expect(row.cli_avg_tokens_per_request).toBe(112815.16);
    expect(row.cli_prompt_tokens_sum).toBe(23845646);
    expect(t.db.prepare('SELECT github_id FROM scopes WHERE id = ?').pluck().get(scopeId)).toBe('100000001');
  });

  test('a pretty-printed 28-day wrapper entry (docs example) loads as an aggregate day', async () => {
    const wrappers = JSON.parse(fixture('enterprise-28-day.docs-example.json')) as JsonObject[];
    const dayTotals = wrappers[0].day_totals as JsonObject[];
    const scopeId = await enterprise();
    const outcome = await importText(t.store, { scopeId, kind: 'aggregate', day: day('2025-10-01') }, [
      JSON.stringify(dayTotals[0], null, 2),
    ]);
    expect(outcome).toMatchObject({ records: 1, malformedLines: 0, unknownKeys: [] });
    expect(normalize(rebuildRecord(t.db, scopeId, day('2025-10-01'), { user_ref: 0, repo_ref: 0 }))).toEqual(
      normalize(dayTotals[0], IDENTITY),
    );
  });

  test.each([
    ['users-1-day.viewer-mock.ndjson', '2026-04-25'],
    ['users-1-day.docs-example.ndjson', '2025-10-01'],
    ['users-1-day.latest-docs-example.reconstructed.ndjson', '2025-10-01'],
  ])('per-user records in %s: every figure of every user comes back', async (name, reportDay) => {
    const records = ndjson(name);
    const scopeId = await enterprise();
    const outcome = await importText(t.store, { scopeId, kind: 'users', day: day(reportDay) }, [
      fixture(name),
    ]);
    expect(outcome).toMatchObject({ records: records.length, malformedLines: 0, unknownKeys: [] });
    for (const record of records) {
      const ref = userRef(record.user_id as number);
      expect(t.db.prepare('SELECT login FROM users WHERE id = ?').pluck().get(ref)).toBe(record.user_login);
      expect(normalize(rebuildRecord(t.db, scopeId, day(reportDay), { user_ref: ref }))).toEqual(
        normalize(record, IDENTITY),
      );
    }
  });

  test('user-teams rows become per-day memberships (a user in two teams is in both)', async () => {
    const scopeId = await org();
    const outcome = await importText(t.store, { scopeId, kind: 'user-teams', day: day('2026-05-07') }, [
      fixture('user-teams-1-day.docs-example.ndjson'),
    ]);
    expect(outcome).toMatchObject({ records: 3, malformedLines: 0, unknownKeys: [] });
    const members = t.db
      .prepare(
        `SELECT u.login, t.slug, t.github_id FROM team_members m JOIN users u ON u.id = m.user_ref JOIN teams t ON t.id = m.team_ref
         WHERE m.scope_id = ? AND m.day = ? ORDER BY t.slug, u.login`,
      )
      .all(scopeId, day('2026-05-07'));
    expect(members).toEqual([
      { login: 'alice', slug: 'backend', github_id: 43 },
      { login: 'alice', slug: 'frontend', github_id: 42 },
      { login: 'bob', slug: 'frontend', github_id: 42 },
    ]);
  });

  test('repository rows keep their pull-request figures and identity', async () => {
    const records = ndjson('repos-1-day.reconstructed.ndjson');
    const scopeId = await org();
    const outcome = await importText(t.store, { scopeId, kind: 'repos', day: day('2026-07-14') }, [
      fixture('repos-1-day.reconstructed.ndjson'),
    ]);
    expect(outcome).toMatchObject({ records: 3, malformedLines: 0, unknownKeys: [] });
    for (const record of records) {
      const repo = t.db
        .prepare('SELECT id, owner, name, visibility FROM repos WHERE github_id = ?')
        .get(record.repo_id) as Record<string, unknown>;
      expect(repo).toMatchObject({
        owner: record.repo_owner_name,
        name: record.repo_name,
        visibility: record.repo_visibility,
      });
      expect(
        normalize(rebuildRecord(t.db, scopeId, day('2026-07-14'), { repo_ref: repo.id as number })),
      ).toEqual(normalize(record, IDENTITY));
    }
  });
});

describe('odd input is kept, reported, and never silently lost', () => {
  const base = { user_id: 7, user_login: 'mona', day: '2026-09-01', code_generation_activity_count: 5 };

  test('unknown keys are reported with their paths, and known figures are still stored', async () => {
    const record = {
      ...base,
      brand_new_metric: 3,
      totals_by_ide: [{ ide: 'vscode', loc_added_sum: 4, latency_ms: 9 }],
    };
    const outcome = await importText(
      t.store,
      { scopeId: await org(), kind: 'users', day: day('2026-09-01') },
      [JSON.stringify(record)],
    );
    expect(outcome.unknownKeys).toEqual(['brand_new_metric', 'totals_by_ide[].latency_ms']);
    const stored = t.db.prepare('SELECT path, first_day FROM unknown_keys ORDER BY path').all();
    expect(stored).toEqual([
      { path: 'brand_new_metric', first_day: day('2026-09-01') },
      { path: 'totals_by_ide[].latency_ms', first_day: day('2026-09-01') },
    ]);
    expect(t.db.prepare('SELECT loc_added_sum FROM by_ide').pluck().get()).toBe(4);
  });

  test('malformed lines are counted with line numbers and the rest of the file is kept', async () => {
    const lines = [
      JSON.stringify(base),
      '{"user_id": 8, "user_lo',
      'not json',
      JSON.stringify([1, 2]),
      JSON.stringify({ ...base, user_id: 9, user_login: 'hubot' }),
      JSON.stringify({ day: '2026-09-01' }),
    ];
    const outcome = await importText(
      t.store,
      { scopeId: await org(), kind: 'users', day: day('2026-09-01') },
      [lines.join('\n')],
    );
    expect(outcome.records).toBe(2);
    expect(outcome.malformedLines).toBe(4);
    expect(outcome.issues.map((issue) => issue.split(':')[0])).toEqual([
      'line 2',
      'line 3',
      'line 4',
      'line 6',
    ]);
    expect(outcome.issues[3]).toContain('user_id');
    expect(t.db.prepare('SELECT count(*) FROM usage_day WHERE user_ref > 0').pluck().get()).toBe(2);
    const status = t.db.prepare('SELECT status, malformed_lines, issues FROM reports').get() as {
      status: string;
      malformed_lines: number;
      issues: string;
    };
    expect(status.status).toBe('ok');
    expect(status.malformed_lines).toBe(4);
    expect(JSON.parse(status.issues)).toHaveLength(4);
  });

  test('a value of the wrong type is reported and stored as missing, not as zero', async () => {
    const record = { ...base, loc_added_sum: 'twelve', used_chat: 'yes' };
    const outcome = await importText(
      t.store,
      { scopeId: await org(), kind: 'users', day: day('2026-09-01') },
      [JSON.stringify(record)],
    );
    expect(outcome.issues.join('\n')).toMatch(/loc_added_sum: expected an integer, got string/);
    expect(outcome.issues.join('\n')).toMatch(/used_chat: expected true or false/);
    const row = t.db
      .prepare('SELECT loc_added_sum, used_chat, code_generation_activity_count FROM usage_day')
      .get();
    expect(row).toEqual({ loc_added_sum: null, used_chat: null, code_generation_activity_count: 5 });
  });

  test('a record filed under another day is refused, so it cannot escape replacement', async () => {
    const outcome = await importText(
      t.store,
      { scopeId: await org(), kind: 'users', day: day('2026-09-01') },
      [JSON.stringify({ ...base, day: '2026-09-02' })],
    );
    expect(outcome).toMatchObject({ records: 0, malformedLines: 1 });
    expect(outcome.issues[0]).toMatch(/does not belong to the report of 2026-09-01/);
  });

  test('a user listed twice in one report adds up, counts once, and is reported', async () => {
    const target = { scopeId: await org(), kind: 'users' as const, day: day('2026-09-01') };
    const twice = (count: number, ide: string) =>
      JSON.stringify({
        ...base,
        code_generation_activity_count: count,
        totals_by_ide: [{ ide, loc_added_sum: count }],
      });
    const outcome = await importText(t.store, target, [
      [
        twice(5, 'vscode'),
        JSON.stringify({ ...base, user_id: 9, user_login: 'hubot' }),
        twice(2, 'vscode'),
      ].join('\n'),
    ]);
    expect(outcome.records).toBe(3);
    expect(outcome.issues).toEqual(['line 3: user 7 appears twice; counters were added together']);
    const rows = t.db
      .prepare('SELECT user_ref, code_generation_activity_count AS n FROM usage_day ORDER BY n')
      .all();
    expect(rows).toEqual([
      { user_ref: userRef(9), n: 5 },
      { user_ref: userRef(7), n: 7 },
    ]);
    expect(
      t.db.prepare('SELECT loc_added_sum FROM by_ide WHERE user_ref = ?').pluck().all(userRef(7)),
    ).toEqual([7]);
  });

  /** A day's stored active-user sets, kind → key → users. */
  const storedSets = (scopeId: number, d: number) =>
    (
      t.db
        .prepare('SELECT kind, key, users FROM active_sets WHERE scope_id = ? AND day = ? ORDER BY kind, key')
        .all(scopeId, d) as { kind: string; key: number; users: Buffer }[]
    ).map((row) => ({ kind: row.kind, key: row.key, users: [...decodeUsers(row.users)] }));
  /** The same sets rebuilt by reading every kind back from the stored rows (then rolled back). */
  const readBackSets = (scopeId: number, d: number) => {
    t.db.exec('BEGIN');
    try {
      new ActiveSetWriter(t.db, { periods: false }).rebuild(scopeId, d);
      return storedSets(scopeId, d);
    } finally {
      t.db.exec('ROLLBACK');
    }
  };

  test("a users report's active sets, taken from its rows as written, equal the sets read back; users in any order", async () => {
    const record = (userId: number, login: string, ide: string, chat: boolean) =>
      JSON.stringify({
        ...base,
        user_id: userId,
        user_login: login,
        used_chat: chat,
        totals_by_ide: [
          { ide, last_known_plugin_version: { plugin: 'copilot', plugin_version: `${userId}.0` } },
        ],
        totals_by_feature: [{ feature: 'code_completion', code_generation_activity_count: 1 }],
      });
    // The first day gives hubot the smaller ref; the second lists mona (the larger ref) first.
    await importText(t.store, { scopeId: await org(), kind: 'users', day: day('2026-09-01') }, [
      [record(9, 'hubot', 'vscode', true), record(7, 'mona', 'vscode', false)].join('\n'),
    ]);
    const second = day('2026-09-02');
    await importText(t.store, { scopeId: await org(), kind: 'users', day: second }, [
      [
        JSON.stringify({ ...JSON.parse(record(7, 'mona', 'jetbrains', true)), day: '2026-09-02' }),
        JSON.stringify({ ...JSON.parse(record(9, 'hubot', 'vscode', true)), day: '2026-09-02' }),
        JSON.stringify({ ...JSON.parse(record(11, 'octocat', 'jetbrains', false)), day: '2026-09-02' }),
      ].join('\n'),
    ]);
    const sets = storedSets(await org(), second);
    const usersOf = (kind: string) => sets.filter((s) => s.kind === kind).map((s) => s.users);
    expect(usersOf('all')).toEqual([[userRef(9), userRef(7), userRef(11)].sort((a, b) => a - b)]);
    expect(usersOf('used_chat')).toEqual([[userRef(9), userRef(7)].sort((a, b) => a - b)]);
    expect(
      usersOf('ide')
        .map((users) => users.length)
        .sort(),
    ).toEqual([1, 2]);
    expect(usersOf('plugin_version')).toHaveLength(3);
    expect(sets).toEqual(readBackSets(await org(), second));
    expect(storedSets(await org(), day('2026-09-01'))).toEqual(readBackSets(await org(), day('2026-09-01')));
  });

  test('a user listed twice, the flags of the two listings differing, is in the sets as stored (the latest flag)', async () => {
    const target = { scopeId: await org(), kind: 'users' as const, day: day('2026-09-01') };
    await importText(t.store, target, [
      [
        JSON.stringify({ ...base, used_chat: true, used_cli: true }),
        JSON.stringify({ ...base, user_id: 9, user_login: 'hubot', used_chat: true }),
        JSON.stringify({ ...base, used_chat: false }),
      ].join('\n'),
    ]);
    const sets = storedSets(await org(), target.day);
    expect(sets.filter((s) => s.kind === 'used_chat').map((s) => s.users)).toEqual([[userRef(9)]]);
    expect(sets.filter((s) => s.kind === 'used_cli').map((s) => s.users)).toEqual([[userRef(7)]]);
    expect(sets).toEqual(readBackSets(await org(), target.day));
  });

  test('importing a report again replaces it: no duplicates, no leftovers', async () => {
    const target = { scopeId: await org(), kind: 'users' as const, day: day('2026-09-01') };
    await importText(t.store, target, [
      [JSON.stringify(base), JSON.stringify({ ...base, user_id: 9, user_login: 'hubot' })].join('\n'),
    ]);
    await importText(t.store, target, [JSON.stringify({ ...base, code_generation_activity_count: 6 })]);
    expect(t.db.prepare('SELECT count(*) FROM usage_day').pluck().get()).toBe(1);
    expect(t.db.prepare('SELECT code_generation_activity_count FROM usage_day').pluck().get()).toBe(6);
    expect(t.db.prepare('SELECT attempts FROM reports').pluck().get()).toBe(2);
  });
});

describe('the mapper compiled for each table spec', () => {
  const things: TableSpec = {
    table: 'things',
    subject: 'user_ref',
    source: ['things'],
    many: true,
    fixed: { column: 'feature', dict: 'feature', value: 'fixed' },
    keys: [{ column: 'name', path: ['name'], kind: { dict: 'ide' } }],
    values: [
      { column: 'n', path: ['n'], kind: 'int' },
      { column: 'r', path: ['r'], kind: 'real' },
      { column: 'b', path: ['b'], kind: 'bool' },
      { column: 't', path: ['deep', 't'], kind: 'text' },
      { column: 'd', path: ['d'], kind: { dict: 'model' } },
    ],
  };
  const one: TableSpec = {
    table: 'one',
    subject: 'user_ref',
    source: ['one', 'inner'],
    many: false,
    keys: [{ column: 'k', path: ['k'], kind: 'int' }],
    values: [],
  };

  /** Rows as arrays, dictionary ids shown as "kind:label", and the issues, of one record. */
  const map = (record: JsonObject) => {
    const labels: string[] = [];
    const resolve = (kind: string, value: string) => labels.push(`${kind}:${value}`) - 1;
    const rows: { table: string; cells: CellValue[] }[] = [];
    const issues = newIssues();
    mapRecord(
      record,
      [things, one],
      resolve,
      (spec) => {
        const row = { table: spec.table, cells: [] as CellValue[] };
        rows.push(row);
        return row.cells;
      },
      issues,
    );
    const show = (spec: TableSpec, cells: CellValue[]) => {
      const dictionary = new Set<number>();
      let at = 0;
      if (spec.fixed) dictionary.add(at++);
      for (const column of [...spec.keys, ...spec.values]) {
        if (typeof column.kind === 'object') dictionary.add(at);
        at++;
      }
      return cells.map((cell, index) =>
        dictionary.has(index) && typeof cell === 'number' ? labels[cell] : cell,
      );
    };
    return {
      rows: rows.map((row) => show(row.table === 'things' ? things : one, row.cells)),
      issues: issues.invalidValues,
    };
  };

  test('values of the expected type are stored as they are, every odd one is reported and stored as missing', () => {
    const mapped = map({
      things: [
        { name: 'vscode', n: 3, r: 1.5, b: true, deep: { t: 'hi' }, d: 'gpt' },
        { n: '3', b: 'yes', deep: 'flat', d: 7 },
        'oops',
        { name: 5, n: null, r: 2, b: false, deep: { t: 3 }, d: null },
      ],
      one: { inner: { k: 9 } },
    });
    expect(mapped.rows).toEqual([
      ['feature:fixed', 'ide:vscode', 3, 1.5, 1, 'hi', 'model:gpt'],
      ['feature:fixed', 'ide:', null, null, null, null, 'model:7'],
      ['feature:fixed', 'ide:5', null, 2, 0, null, null],
      [9],
    ]);
    expect(mapped.issues).toEqual([
      'things[].name: key field is missing',
      'things[].n: expected an integer, got string "3"',
      'things[].b: expected true or false, got string "yes"',
      'things[]: expected an object, got string "oops"',
      'things[].deep.t: expected a string, got number 3',
    ]);
  });

  test('sources of the wrong shape are reported; absent ones are gaps, with no rows and no issues', () => {
    expect(map({ things: { name: 'vscode' }, one: { inner: 4 } })).toEqual({
      rows: [],
      issues: ['things: expected an array, got an object', 'one.inner: expected an object, got number 4'],
    });
    expect(map({ things: null, one: { other: 1 } })).toEqual({ rows: [], issues: [] });
    expect(map({ one: { inner: {} } })).toEqual({
      rows: [[-1]],
      issues: ['one.inner.k: key field is missing'],
    });
  });
});
