/**
 * The structure behind the benchmark figures (BENCHMARKS.md), checked without timing anything: the
 * SQL the engine builds for the dashboards' hot queries reads the index or rollup meant for it, and no
 * dashboard query scans a whole figure table. The statements are captured as the engine runs them
 * (with their bound values) and put through EXPLAIN QUERY PLAN on a database the real sync filled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIGNED_IN_USER } from '@copilot-metrics/contract';
import { monthStart } from '../src/days';
import { dimensionValues } from '../src/query/dimensionValues';
import { QueryEngine } from '../src/query/engine';
import { ActiveSetWriter, SET_SCANS, SET_SOURCES, encodeUsers } from '../src/store/activeSets';
import { queryItemSchema } from '../src/query/requestSchema';
import type { SimulatorServer } from '../src/simulator/server';
import { openDatabase, type DB } from '../src/store/db';
import type { SqlReader } from '../src/store/reader';
import { type SqliteReader, openSqliteReader } from '../src/store/sqliteReader';
import { type TestDb, day, startSimulator, syncDays, tempDatabase, testClient } from './helpers';

/** Tables whose size grows with users × days: reading one whole is what the indexes are there to avoid. */
const FIGURE_TABLES =
  /^(usage_day|by_\w+|pull_requests_day|pr_comment_types|pr_review_times|team_day|team_members|active_sets|active_period_sets|user_month|user_totals_day)$/;
const RANGE = { fromDay: day('2026-09-10'), toDay: day('2026-09-29') };

interface Read {
  table: string;
  /** SEARCH (an index range) or SCAN (every row, or every entry of an index). */
  op: 'SEARCH' | 'SCAN';
  /** What EXPLAIN QUERY PLAN says after USING: the index or key followed. */
  using: string;
  sql: string;
}

let simulator: SimulatorServer;
let database: TestDb;
let reader: SqliteReader;
let explainer: DB;
let scope: string;

beforeAll(async () => {
  simulator = await startSimulator({ users: 80, orgs: 2 });
  database = tempDatabase();
  const client = testClient(simulator.url);
  await syncDays(database.store, client, {
    scopes: [{ kind: 'enterprise', slug: simulator.scopes.enterprise }],
    from: RANGE.fromDay,
    to: RANGE.toDay,
  });
  await client.close();
  scope = `enterprise:${simulator.scopes.enterprise}`;
  reader = openSqliteReader(database.path);
  explainer = openDatabase(database.path, { readonly: true });
});

afterAll(async () => {
  await reader?.close();
  explainer?.close();
  database?.close();
  await simulator?.stop();
});

type Statement = { sql: string; args: unknown[] };

/** `inner`, recording each statement it is asked to read (in a snapshot too) with its bound values. */
function capturing(inner: SqlReader, statements: Statement[]): SqlReader {
  const reads = new Set(['all', 'first', 'raw', 'pluck', 'value', 'stream']);
  return new Proxy(inner, {
    get(target, name) {
      const method = Reflect.get(target, name, target) as (...args: unknown[]) => unknown;
      if (name === 'snapshot')
        return (work: (r: SqlReader) => Promise<unknown>) =>
          target.snapshot((r) => work(capturing(r, statements)));
      if (typeof name === 'string' && reads.has(name))
        return (sql: string, params: unknown[] = []) => {
          statements.push({ sql, args: [...params] });
          return method.call(target, sql, params);
        };
      return typeof method === 'function' ? method.bind(target) : method;
    },
  });
}

/** The statements `work` has a fresh engine run, with their bound values. */
async function statementsOf(work: (engine: QueryEngine) => Promise<unknown>): Promise<Statement[]> {
  const statements: Statement[] = [];
  await work(new QueryEngine(capturing(reader, statements)));
  return statements;
}

/** Runs one panel query through the engine and returns its statements with their bound values. */
function captured(
  query: Record<string, unknown>,
  range: { fromDay: number; toDay: number } = RANGE,
): Promise<Statement[]> {
  return statementsOf((engine) => engine.run(queryItemSchema.parse({ refId: 'A', scope, ...query }), range));
}

/** Runs one panel query through the engine and returns what each of its statements reads. */
async function readsOf(query: Record<string, unknown>, range = RANGE): Promise<Read[]> {
  return (await captured(query, range)).flatMap(({ sql, args }) => {
    const aliases = new Map<string, string>();
    for (const [, table, alias] of sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?/gi)) {
      aliases.set(table, table);
      if (alias && !/^(WHERE|JOIN|ON|GROUP|ORDER|LEFT|INNER|CROSS|INDEXED|LIMIT)$/i.test(alias))
        aliases.set(alias, table);
    }
    const plan = explainer.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
    return plan.flatMap(({ detail }) => {
      const match = /^(SEARCH|SCAN) (\w+)(?: USING (.*))?$/.exec(detail);
      const table = match && aliases.get(match[2]);
      return table ? [{ table, op: match[1] as Read['op'], using: match[3] ?? '', sql }] : [];
    });
  });
}

const figureReads = async (query: Record<string, unknown>, range = RANGE) =>
  (await readsOf(query, range)).filter((r) => FIGURE_TABLES.test(r.table));
const describeReads = (reads: Read[]) =>
  reads.map((r) => `${r.op} ${r.table} USING ${r.using || '(nothing)'}`);

describe('scope totals and breakdowns read only the scope rows, through the partial *_scope_rows indexes', () => {
  test.each([
    ['org totals', { metric: 'code_generation_activity_count' }, 'usage_day', 'usage_day_scope_rows'],
    ['weekly buckets', { metric: 'loc_added_sum', interval: 'week' }, 'usage_day', 'usage_day_scope_rows'],
    [
      'monthly buckets',
      { metric: 'daily_active_users', interval: 'month' },
      'usage_day',
      'usage_day_scope_rows',
    ],
    ['by IDE', { metric: 'acceptance_rate', groupBy: 'ide' }, 'by_ide', 'by_ide_scope_rows'],
    [
      'by feature',
      { metric: 'user_initiated_interaction_count', groupBy: 'feature' },
      'by_feature',
      'by_feature_scope_rows',
    ],
    [
      'by model, filtered by feature',
      {
        metric: 'user_initiated_interaction_count',
        groupBy: 'model',
        filters: { feature: ['chat_panel_agent_mode'] },
      },
      'by_model_feature',
      'by_model_feature_scope_rows',
    ],
  ])('%s', async (_name, query, table, index) => {
    const reads = await figureReads(query);
    expect(describeReads(reads)).toEqual([
      expect.stringMatching(new RegExp(`^SEARCH ${table} USING .*\\b${index}\\b`)),
    ]);
  });

  // Statistics sampled with analysis_limit mislead SQLite into the primary key here (48 ms against 7 ms at
  // 10,000 users over 90 days), so the engine names the partial index itself.
  test('by language', async () => {
    const reads = await figureReads({
      metric: 'code_generation_activity_count',
      groupBy: 'language',
      interval: 'week',
    });
    expect(describeReads(reads)).toEqual([
      expect.stringMatching(/^SEARCH by_language_feature USING .*\bby_language_feature_scope_rows\b/),
    ]);
  });
});

describe('per-user rankings read their rollups, and the top people by primary key seeks', () => {
  // No index orders every user-day row by person (migration 014: a backfill would rewrite a page of it
  // per person and report): each shown person's rows are sought day by day through the primary key.
  test('the series of the top users seek each day of each of them', async () => {
    const reads = await figureReads({ metric: 'loc_added_sum', groupBy: 'user', limit: 5, interval: 'week' });
    const series = reads.filter((r) => /user_ref = sp\.value/.test(r.sql));
    expect(series.length).toBeGreaterThan(0);
    for (const read of series) {
      expect(read.using).toBe('PRIMARY KEY (scope_id=? AND day=? AND user_ref=?)');
      expect(read.op).toBe('SEARCH');
    }
  });

  // A ranking over a range reads user_month (migration 009) for its whole months, and the day rows of
  // its ends through the primary key: never every user-day row of the range.
  test('the ranking of every user over 90 days reads the monthly totals, and day rows only at the ends', async () => {
    const reads = await figureReads(
      { metric: 'code_generation_activity_count', groupBy: 'user', format: 'table', limit: 10 },
      { fromDay: RANGE.toDay - 89, toDay: RANGE.toDay },
    );
    expect(
      reads.some((r) => r.table === 'user_month' && /PRIMARY KEY \(scope_id=\? AND month/.test(r.using)),
    ).toBe(true);
    const days = reads.filter((r) => r.table === 'usage_day');
    for (const read of days)
      expect(read.using).toMatch(/^PRIMARY KEY \(scope_id=\? AND day>\? AND day<\?\)$/);
  });

  test("everyone's total per day, and Others of a ranking of people, read the per-day totals", async () => {
    const credits = await figureReads({ metric: 'ai_credits_used', interval: 'week' });
    expect(describeReads(credits)).toEqual([
      expect.stringMatching(/^SEARCH user_totals_day USING PRIMARY KEY/),
    ]);
    const others = await figureReads({
      metric: 'loc_added_sum',
      groupBy: 'user',
      limit: 5,
      others: true,
      interval: 'week',
    });
    expect(others.some((r) => r.table === 'user_totals_day')).toBe(true);
  });
});

describe('a per-person table, top N by its sorted column: one pass over the rollup for every column', () => {
  const COLUMNS = [
    'user_initiated_interaction_count',
    'code_generation_activity_count',
    'code_acceptance_activity_count',
    'acceptance_rate',
    'loc_added_sum',
    'ai_credits_used',
  ];
  const table = (search?: string) =>
    COLUMNS.map((metric, i) =>
      queryItemSchema.parse({
        refId: String.fromCharCode(65 + i),
        scope,
        metric,
        groupBy: 'user',
        format: 'table',
        limit: 100,
        rankBy: COLUMNS[0],
        ...(search ? { search } : {}),
      }),
    );
  const NINETY_DAYS = { fromDay: RANGE.toDay - 89, toDay: RANGE.toDay };

  /** The statements of a whole request, run as the HTTP layer runs one (shared passes first). */
  function request(search?: string) {
    return statementsOf(async (engine) => {
      const queries = table(search);
      const shared = await engine.shareTotals(queries, NINETY_DAYS);
      for (const query of queries) await engine.run(query, NINETY_DAYS, new Map(), shared);
    });
  }

  test.each([
    ['everyone', undefined],
    ['a person search', 'a_%'],
  ])(
    '%s: everyone’s totals of the sorted column once, the other five for the people shown only',
    async (_name, search) => {
      const statements = await request(search);
      const figures = statements.filter((s) =>
        /\b(FROM|JOIN) (usage_day|user_month|user_totals_day)\b/.test(s.sql),
      );
      const summed = (sql: string) => [...sql.matchAll(/sum\(x\.(\w+)\)/gi)].map((m) => m[1]).sort();
      // The ranking: the whole months once, each end of the range at most once, the sorted column only.
      const forShown = (sql: string) => /x\.user_ref (IN \((\?|NULL)|= sp\.value)/.test(sql);
      const ranking = figures.filter((s) => !forShown(s.sql));
      expect(ranking.filter((s) => /FROM user_month/.test(s.sql))).toHaveLength(1);
      expect(ranking.filter((s) => /FROM usage_day/.test(s.sql)).length).toBeLessThanOrEqual(2);
      for (const { sql } of ranking) expect(summed(sql)).toEqual([COLUMNS[0]]);
      // The other columns for the people shown only: the same months and ends, each person sought.
      const shown = figures.filter((s) => forShown(s.sql));
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.filter((s) => /JOIN user_month/.test(s.sql)).length).toBeLessThanOrEqual(1);
      expect(shown.filter((s) => /(FROM|JOIN) usage_day/.test(s.sql)).length).toBeLessThanOrEqual(2);
      const people = new Set<string>();
      for (const { sql, args } of shown) {
        expect(summed(sql)).toEqual(
          [
            'code_acceptance_activity_count',
            'code_generation_activity_count',
            'loc_added_sum',
            'ai_credits_used',
          ].sort(),
        );
        // Bound as one JSON list, each person sought by primary key; or no one (`IN (NULL)`).
        people.add(/sp\.value/.test(sql) ? (args[1] as string) : '[]');
        if (/sp\.value/.test(sql)) {
          const plan = explainer.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
          expect(plan.map((row) => row.detail)).toContainEqual(
            expect.stringMatching(
              /^SEARCH x USING PRIMARY KEY \(scope_id=\? AND (month|day)=\? AND user_ref=\?\)$/,
            ),
          );
        }
      }
      // The same people in every read: at most the top 100 (a search may match fewer, or no one).
      expect(people.size).toBe(1);
      const count = (JSON.parse([...people][0]) as number[]).length;
      if (!search) expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(100);
      for (const { sql, args } of figures) {
        const plan = (
          explainer.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]
        ).map((row) => row.detail);
        // The rollup by primary key, day rows by primary key within the range's ends, no full scan.
        expect(plan.filter((d) => /^SCAN (x|usage_day|user_month)\b/.test(d))).toEqual([]);
        if (search) expect(plan.join('\n')).toMatch(/users_by_login|SCAN u\b/);
      }
    },
  );

  /** Logins in order, each sought in the monthly rollup by primary key, month by month. */
  const MONTH_SEEKS = [
    'SCAN u USING COVERING INDEX users_by_login',
    expect.stringMatching(/^CORRELATED SCALAR SUBQUERY \d+$/),
    'SEARCH m USING PRIMARY KEY (scope_id=? AND month=? AND user_ref=?)',
    expect.stringMatching(/^LIST SUBQUERY \d+$/),
    expect.stringMatching(/^SCAN json_each VIRTUAL TABLE INDEX/),
  ];

  /** The user variable's statement for a range, with its plan. */
  async function userValues(fromDay: number, toDay: number) {
    const scopeId = (await new QueryEngine(reader).resolveScope(scope)).id;
    const statements: Statement[] = [];
    await dimensionValues(capturing(reader, statements), 'user', {
      scopeIds: [scopeId],
      fromDay,
      toDay,
      search: 'A',
    });
    const [statement] = statements.filter((s) => /FROM users u/.test(s.sql));
    expect(statement.sql).toMatch(/LIMIT \d+/);
    const plan = (
      explainer.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.args) as { detail: string }[]
    ).map((row) => row.detail);
    return { scopeId, args: statement.args, plan };
  }

  test('the user variable over the stored days: logins in order, each sought in the monthly rollup only', async () => {
    const { scopeId, args, plan } = await userValues(RANGE.fromDay, RANGE.toDay);
    // Every stored day of the month is in the range: the month answers whole.
    expect(args).toEqual(['%A%', scopeId, JSON.stringify([monthStart(RANGE.fromDay)])]);
    expect(plan).toEqual(MONTH_SEEKS);
  });

  test('the user variable over part of a month: the rollup drops the inactive, the day rows sought day by day', async () => {
    const fromDay = RANGE.fromDay + 5;
    const toDay = RANGE.toDay - 5;
    const { scopeId, args, plan } = await userValues(fromDay, toDay);
    const days = Array.from({ length: toDay - fromDay + 1 }, (_, i) => fromDay + i);
    expect(args).toEqual([
      '%A%',
      scopeId,
      JSON.stringify([monthStart(fromDay)]),
      scopeId,
      JSON.stringify(days),
    ]);
    // Logins in order; for each, the monthly rollup sought, then the range's day rows day by day (both by
    // primary key) until one is found. No scan of a figure table.
    expect(plan).toEqual([
      ...MONTH_SEEKS,
      'SEARCH x EXISTS USING PRIMARY KEY (scope_id=? AND day=? AND user_ref=?)',
      expect.stringMatching(/^LIST SUBQUERY \d+$/),
      expect.stringMatching(/^SCAN json_each VIRTUAL TABLE INDEX/),
    ]);
  });
});

test.each([
  ['generations by team', { metric: 'code_generation_activity_count', groupBy: 'team' }],
  ['team comparison table', { metric: 'acceptance_rate', groupBy: 'team', format: 'table' }],
  ['daily active users by team', { metric: 'active_users', groupBy: 'team' }],
])('team series read the team_day rollup, not users × memberships: %s', async (_name, query) => {
  const tables = (await figureReads(query)).map((r) => r.table);
  expect(tables).toContain('team_day');
  expect(tables).not.toContain('usage_day');
  expect(tables).not.toContain('team_members');
});

test.each([
  ['active users, monthly', { metric: 'active_users', interval: 'month' }],
  ['active users by IDE, weekly', { metric: 'active_users', groupBy: 'ide', interval: 'week' }],
  ['chat users', { metric: 'used_chat', interval: 'week' }],
  [
    'chat users by adoption phase (intersected day by day)',
    { metric: 'used_chat', groupBy: 'adoption_phase', interval: 'week' },
  ],
])('distinct users are unions of the active sets, by primary key: %s', async (_name, query) => {
  const reads = await figureReads(query);
  expect(reads.length).toBeGreaterThan(0);
  for (const read of reads)
    expect(`${read.op} ${read.table}`).toMatch(/^SEARCH (active_sets|active_period_sets)$/);
});

describe('distinct people over long ranges read the weekly and monthly sets, and day sets only at the ends', () => {
  /** How many days of day sets a query reads (the bound day range of each read of them). */
  const daysRead = async (query: Record<string, unknown>, range: { fromDay: number; toDay: number }) =>
    (await captured(query, range))
      .filter((s) => /FROM active_sets WHERE .* day BETWEEN/.test(s.sql))
      .reduce((sum, s) => sum + (Number(s.args[3]) - Number(s.args[2]) + 1), 0);

  test.each([
    [
      'people per extension version, ranked over the range',
      { metric: 'active_users', groupBy: 'plugin_version', format: 'table' },
    ],
    ['people per IDE, weekly', { metric: 'active_users', groupBy: 'ide', interval: 'week' }],
    ['active users, monthly', { metric: 'active_users', interval: 'month' }],
  ])('%s', async (_name, query) => {
    // The range holds the stored days but its ends (Saturday 12 to Saturday 26 September, days stored on
    // either side): the whole week of 14 to 20 September comes from its weekly set.
    const range = { fromDay: day('2026-09-12'), toDay: day('2026-09-26') };
    const reads = await figureReads(query, range);
    expect(reads.some((r) => r.table === 'active_period_sets' && /period = 'week'/.test(r.sql))).toBe(true);
    // At most the days outside whole weeks: 12-13 and 21-26 September.
    expect(await daysRead(query, range)).toBeLessThanOrEqual(8);
    expect(await daysRead(query, range)).toBeGreaterThan(0);
  });

  test('a range wider than the stored days reads one monthly set per month, and no day set', async () => {
    const range = { fromDay: day('2026-09-01'), toDay: day('2026-09-30') };
    const statements = await captured(
      { metric: 'active_users', groupBy: 'plugin_version', format: 'table' },
      range,
    );
    expect(statements.filter((s) => /FROM active_sets WHERE .* day BETWEEN/.test(s.sql))).toEqual([]);
    expect(statements.some((s) => /FROM active_period_sets .*period = 'month'/.test(s.sql))).toBe(true);
  });
});

interface Panel {
  title?: string;
  panels?: Panel[];
  targets?: Record<string, unknown>[];
}

/** A login with rows in the test's database. */
const someone = () =>
  explainer.prepare('SELECT login FROM users ORDER BY id LIMIT 1').pluck().get() as string;

/** Every Copilot query of the provisioned dashboards, with template variables at "All". */
function dashboardQueries(): [string, Record<string, unknown>][] {
  const dir = join(__dirname, '..', '..', 'dashboards', 'json', 'Copilot');
  const out: [string, Record<string, unknown>][] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const walk = (panels: Panel[]) => {
      for (const panel of panels) {
        walk(panel.panels ?? []);
        for (const target of panel.targets ?? []) {
          if (typeof target.metric !== 'string') continue;
          // The scope variable becomes the test's scope; refId and datasource are Grafana's.
          const query = Object.fromEntries(
            Object.entries(target).filter(([key]) => !['refId', 'datasource', 'scope'].includes(key)),
          );
          // `@me` is the signed-in person, whose login the HTTP layer puts in (My Copilot): someone synced.
          const filters = Object.entries((query.filters ?? {}) as Record<string, string[]>)
            .map(
              ([dim, values]) =>
                [
                  dim,
                  values.filter((v) => !v.startsWith('$')).map((v) => (v === SIGNED_IN_USER ? someone() : v)),
                ] as const,
            )
            .filter(([, values]) => values.length > 0);
          // People tables: $top at its default (100); $person empty (no search) and typed.
          if (query.limit === '$top') query.limit = 100;
          const searches = query.search === '$person' ? [undefined, 'a_%'] : [query.search];
          delete query.search;
          // The Days variable: the plans of both values (working days add a NOT IN of the days off).
          for (const days of query.days === '$days' ? ['all', 'workdays'] : [query.days])
            for (const search of searches) {
              out.push([
                `${file} / ${panel.title} / ${String(query.metric)}${days ? ` (days=${String(days)})` : ''}${search ? ` (search=${search})` : ''}`,
                {
                  ...query,
                  ...(days ? { days } : {}),
                  ...(search ? { search } : {}),
                  interval: query.interval === '$interval' ? 'week' : query.interval,
                  filters: Object.fromEntries(filters),
                },
              ]);
            }
        }
      }
    };
    walk((JSON.parse(readFileSync(join(dir, file), 'utf8')) as Panel).panels ?? []);
  }
  return out;
}

/** The agent label lookup: the latest agent_name of an agent id. */
const AGENT_LABEL = /FROM by_agent a JOIN dictionary d ON d\.id = a\.agent_name WHERE a\.agent = \?/;

test('no dashboard query scans a whole figure table', async () => {
  const queries = dashboardQueries();
  expect(queries.length).toBeGreaterThan(50);
  const scans: string[] = [];
  for (const [name, query] of queries)
    for (const r of await figureReads(query))
      if (r.op === 'SCAN') scans.push(`${name}: SCAN ${r.table} ${r.using}`);
  expect(scans).toEqual([]);
});

// Labelling a series grouped by agent finds the agent's latest name through by_agent_by_agent (migration 007).
test('agent labels are looked up without scanning by_agent', async () => {
  const reads = await figureReads({
    metric: 'totals_by_3rd_party_agent.user_initiated_interaction_count',
    groupBy: 'agent',
  });
  expect(reads.filter((r) => AGENT_LABEL.test(r.sql)).length).toBeGreaterThan(0);
  expect(reads.filter((r) => r.op === 'SCAN')).toEqual([]);
});

// The active-user sets are encoded as their rows go by (store/activeSets.ts): each source must come
// users-ascending within a key straight from a primary key, with no sort and no collected rows.
test.each(Object.entries(SET_SOURCES))(
  'the %s set source reads a primary key in order, without sorting',
  (kind, sql) => {
    const plan = explainer.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1, RANGE.toDay) as { detail: string }[];
    const details = plan.map((row) => row.detail);
    expect([kind, details.filter((d) => /TEMP B-TREE/.test(d))]).toEqual([kind, []]);
    expect([kind, details.some((d) => /USING PRIMARY KEY/.test(d))]).toEqual([kind, true]);
  },
);

test("a day's sets, encoded as the rows stream by, equal each kind read on its own and sorted, with no fallback", () => {
  const writer = openDatabase(database.path);
  try {
    const sets = new ActiveSetWriter(writer);
    const fallback = jest.spyOn(sets as any, 'rebuildUnordered');
    const scopeId = writer.prepare("SELECT id FROM scopes WHERE kind = 'enterprise'").pluck().get() as number;
    writer.transaction(() => sets.rebuild(scopeId, RANGE.toDay))();
    expect(fallback).not.toHaveBeenCalled();
    const stored = writer
      .prepare('SELECT kind, key, users FROM active_sets WHERE scope_id = ? AND day = ? ORDER BY kind, key')
      .all(scopeId, RANGE.toDay) as { kind: string; key: number; users: Buffer }[];
    // The reference: every kind's own query, its rows collected per key and sorted (encodeUsers).
    const expected: { kind: string; key: number; users: Buffer }[] = [];
    for (const [kind, sql] of Object.entries(SET_SOURCES)) {
      const byKey = new Map<number, number[]>();
      for (const [user, key] of writer.prepare(sql).raw().all(scopeId, RANGE.toDay) as [number, number][])
        byKey.set(key, [...(byKey.get(key) ?? []), user]);
      for (const [key, users] of byKey) expected.push({ kind, key, users: encodeUsers(users) });
    }
    expected.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.key - b.key));
    expect(stored.length).toBeGreaterThan(20);
    expect(stored).toEqual(expected);
  } finally {
    writer.close();
  }
});

test.each(SET_SCANS.map((scan) => [scan.sets.map((s) => s.kind).join(', '), scan.sql]))(
  'the scan for %s reads the primary key in order, without sorting',
  (_kinds, sql) => {
    const details = (
      explainer.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1, RANGE.toDay) as { detail: string }[]
    ).map((row) => row.detail);
    expect(details.filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
    expect(details.some((d) => /USING PRIMARY KEY/.test(d))).toBe(true);
  },
);
