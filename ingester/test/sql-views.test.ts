/**
 * The SQL views (migration 013), a public interface for SQL panels and exports. The simulator is synced
 * over HTTP into SQLite in each privacy mode, each database is copied table by table into PostgreSQL (the
 * PostgreSQL engine does not sync yet), and every view is read on both engines: the same rows on both,
 * figures equal to the simulator's own records, no real login in pseudonymous mode, no per-person row in
 * aggregate mode, and the README's statements running as written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { formatDay, parseDay } from '../src/days';
import { silentLogger } from '../src/log';
import { type PrivacyConfig, type PrivacyMode, Pseudonymizer } from '../src/privacy';
import type { JsonObject } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import { copyToPostgres } from '../src/store/postgres/copy';
import { READER_TYPES } from '../src/store/postgres/reader';
import { enforcePrivacyMode } from '../src/store/privacyMode';
import { Store } from '../src/store/writer';
import { runSync } from '../src/sync/runner';
import {
  type PostgresCluster,
  SYNC_SETTINGS,
  TEST_TODAY,
  type TestDb,
  day,
  simulatedScopes,
  startPostgres,
  startSimulator,
  tempDatabase,
  testClient,
  testNow,
} from './helpers';

jest.setTimeout(60_000);

const KEY = 'sql-views-test-key-0123456789abcdef-0123456789';
const FROM = day('2026-09-20');
const TO = day('2026-09-26');
const MIN = 5;

/** Each view, and the order that makes its rows comparable. */
const VIEWS = {
  copilot_scope_daily: 'scope_kind, scope_slug, day',
  copilot_user_daily: 'scope_kind, scope_slug, day, user_id',
  copilot_team_daily: 'scope_kind, scope_slug, day, team_id',
  copilot_seat_daily: 'scope_kind, scope_slug, day, user_id',
} as const;
type View = keyof typeof VIEWS;
const VIEW_NAMES = Object.keys(VIEWS) as View[];

type Row = Record<string, unknown>;

interface Synced {
  privacy: PrivacyConfig;
  t: TestDb;
  pg: Client;
  url: string;
}

let sim: SimulatorServer;
let cluster: PostgresCluster;
const synced = {} as Record<PrivacyMode, Synced>;
const clients: Client[] = [];

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, types: READER_TYPES });
  await client.connect();
  clients.push(client);
  return client;
}

async function syncInto(privacy: PrivacyConfig): Promise<Synced> {
  const t = tempDatabase();
  enforcePrivacyMode(t.db, privacy, t.path, { write: true });
  const client = testClient(sim.url);
  try {
    const deps = { store: new Store(t.db, privacy), client, logger: silentLogger };
    const base = { scopes: simulatedScopes(sim), settings: SYNC_SETTINGS, trigger: 'test', now: testNow() };
    expect((await runSync(deps, { ...base, from: FROM, to: TO })).failed).toBe(0);
    expect((await runSync(deps, { ...base, kinds: ['seats'] })).failed).toBe(0);
  } finally {
    await client.close();
  }
  const url = await cluster.createDatabase(`views_${privacy.mode}`);
  await copyToPostgres(t.db, url);
  const pg = await connect(url);
  return { privacy, t, pg, url };
}

beforeAll(async () => {
  sim = await startSimulator({ users: 80, orgs: 2 });
  cluster = await startPostgres();
  synced.off = await syncInto({ mode: 'off', minGroupSize: MIN });
  synced.pseudonymous = await syncInto({ mode: 'pseudonymous', key: KEY, minGroupSize: MIN });
  synced.aggregate = await syncInto({ mode: 'aggregate', minGroupSize: MIN });
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  for (const mode of Object.values(synced)) mode.t.close();
  await cluster?.stop();
  await sim?.stop();
});

function sqliteRows(mode: PrivacyMode, view: View): Row[] {
  return synced[mode].t.db.prepare(`SELECT * FROM ${view} ORDER BY ${VIEWS[view]}`).all() as Row[];
}

/** A timestamptz becomes Unix seconds, as SQLite's `time` is. */
async function postgresRows(client: Client, view: View): Promise<Row[]> {
  const { rows } = await client.query<Row>(`SELECT * FROM ${view} ORDER BY ${VIEWS[view]}`);
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        value instanceof Date ? value.getTime() / 1000 : value,
      ]),
    ),
  );
}

// --- The simulator's side

function simScope(kind: string, slug: string): SimScope {
  if (kind === 'enterprise') return { kind: 'enterprise' };
  return { kind: 'organization', org: sim.population.orgs.find((org) => org.login === slug)! };
}

const scopeKeys = () => [
  { kind: 'enterprise', slug: sim.scopes.enterprise },
  ...sim.scopes.orgs.map((slug) => ({ kind: 'organization', slug })),
];

function at(record: JsonObject | undefined, path: readonly string[]): unknown {
  let node: unknown = record;
  for (const key of path) node = (node as JsonObject | undefined)?.[key];
  if (node === undefined) return null;
  return typeof node === 'boolean' ? Number(node) : node;
}

const isoInstant = (text: unknown) => (typeof text === 'string' ? new Date(text).toISOString() : null);

/** SQL's sum: null when no value is there, nulls skipped. */
function sqlSum(values: unknown[]): number | null {
  const present = values.filter((v): v is number => typeof v === 'number');
  return present.length ? present.reduce((a, b) => a + b, 0) : null;
}

/** The person a view row names, in the mode's terms (a pseudonym in pseudonymous mode). */
function identity(mode: PrivacyMode, u: number): { user_id: number; user_login: string } {
  if (mode === 'pseudonymous') {
    const pseudonym = new Pseudonymizer(KEY).user(sim.population.userId(u));
    return { user_id: pseudonym.githubId, user_login: pseudonym.login };
  }
  return { user_id: sim.population.userId(u), user_login: sim.population.userLogin(u) };
}

/** Where the aggregate report sends each column of copilot_scope_daily this test checks. */
const SCOPE_FIGURES: Record<string, readonly string[]> = {
  daily_active_users: ['daily_active_users'],
  weekly_active_users: ['weekly_active_users'],
  monthly_active_users: ['monthly_active_users'],
  monthly_active_chat_users: ['monthly_active_chat_users'],
  daily_active_cli_users: ['daily_active_cli_users'],
  weekly_passive_copilot_code_review_users: ['weekly_passive_copilot_code_review_users'],
  monthly_active_vscode_agent_users: ['monthly_active_vscode_agent_users'],
  user_initiated_interaction_count: ['user_initiated_interaction_count'],
  code_generation_activity_count: ['code_generation_activity_count'],
  code_acceptance_activity_count: ['code_acceptance_activity_count'],
  loc_suggested_to_delete_sum: ['loc_suggested_to_delete_sum'],
  loc_added_sum: ['loc_added_sum'],
  chat_panel_agent_mode: ['chat_panel_agent_mode'],
  chat_panel_ask_mode: ['chat_panel_ask_mode'],
  distinct_mcp_use_count: ['distinct_mcp_use_count'],
  cli_session_count: ['totals_by_cli', 'session_count'],
  cli_output_tokens_sum: ['totals_by_cli', 'token_usage', 'output_tokens_sum'],
  copilot_app_avg_tokens_per_request: ['totals_by_copilot_app', 'token_usage', 'avg_tokens_per_request'],
  vscode_agent_total_user_messages: ['totals_by_vscode_agent', 'total_user_messages'],
};

/** Where the users report sends each column of copilot_user_daily this test checks. */
const USER_FIGURES: Record<string, readonly string[]> = {
  user_initiated_interaction_count: ['user_initiated_interaction_count'],
  code_generation_activity_count: ['code_generation_activity_count'],
  loc_suggested_to_add_sum: ['loc_suggested_to_add_sum'],
  loc_deleted_sum: ['loc_deleted_sum'],
  chat_panel_edit_mode: ['chat_panel_edit_mode'],
  used_chat: ['used_chat'],
  used_copilot_code_review_passive: ['used_copilot_code_review_passive'],
  used_vscode_agent: ['used_vscode_agent'],
  ai_credits_used: ['ai_credits_used'],
  adoption_phase_number: ['ai_adoption_phase', 'phase_number'],
  adoption_phase: ['ai_adoption_phase', 'phase'],
  adoption_phase_version: ['ai_adoption_phase', 'version'],
  distinct_skill_use_count: ['distinct_skill_use_count'],
  cli_request_count: ['totals_by_cli', 'request_count'],
  cli_version: ['totals_by_cli', 'last_known_cli_version', 'cli_version'],
  copilot_app_prompt_tokens_sum: ['totals_by_copilot_app', 'token_usage', 'prompt_tokens_sum'],
  vscode_agent_session_count: ['totals_by_vscode_agent', 'session_count'],
};

const TEAM_SUMS = [
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_suggested_to_delete_sum',
  'loc_added_sum',
  'loc_deleted_sum',
  'ai_credits_used',
];

/** Each team-day of the simulator: membership from its user-teams records, figures from its users records. */
function simulatedTeamDays(): Row[] {
  const byId = new Map(
    Array.from({ length: sim.population.userCount }, (_, u) => [sim.population.userId(u), u]),
  );
  const rows: Row[] = [];
  for (const { kind, slug } of scopeKeys()) {
    const scope = simScope(kind, slug);
    for (let d = FROM; d <= TO; d++) {
      const teams = new Map<number, { slug: string; members: number[] }>();
      for (const member of sim.generator.teamRecords(scope, d)) {
        const team = teams.get(member.team_id as number) ?? { slug: member.slug as string, members: [] };
        team.members.push(byId.get(member.user_id as number)!);
        teams.set(member.team_id as number, team);
      }
      for (const [teamId, team] of teams) {
        const records = team.members
          .map((u) => sim.generator.userRecord(u, d, scope))
          .filter((r): r is JsonObject => r !== undefined);
        const row: Row = { scope_kind: kind, scope_slug: slug, day: formatDay(d), team_id: teamId };
        row.team_slug = team.slug;
        row.active_users = records.length;
        for (const column of TEAM_SUMS) row[column] = sqlSum(records.map((r) => r[column]));
        rows.push(row);
      }
    }
  }
  return rows;
}

/** Floating sums in another order: compared to 6 decimals. */
function rounded(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1e6) / 1e6 : value,
    ]),
  );
}

const key = (row: Row, ...columns: string[]) => columns.map((c) => String(row[c])).join('|');

// --- The tests

describe('both engines', () => {
  test.each(['off', 'pseudonymous', 'aggregate'] as const)(
    'answer the same rows from every view (PRIVACY_MODE=%s)',
    async (mode) => {
      for (const view of VIEW_NAMES) {
        const expected = sqliteRows(mode, view);
        expect({ view, rows: await postgresRows(synced[mode].pg, view) }).toEqual({ view, rows: expected });
      }
      const count = (view: View) => sqliteRows(mode, view).length;
      expect(count('copilot_scope_daily')).toBe(3 * (TO - FROM + 1));
      expect(count('copilot_team_daily')).toBeGreaterThan(0);
      expect(count('copilot_user_daily') > 0).toBe(mode !== 'aggregate');
      expect(count('copilot_seat_daily') > 0).toBe(mode !== 'aggregate');
    },
  );

  test('every column of every view carries a value somewhere, unless its source column holds none', () => {
    // Some fields GitHub documents are not sent by the simulator (and not stored): those stay empty.
    const sources: Record<View, [string, string]> = {
      copilot_scope_daily: ['usage_day', 'user_ref = 0'],
      copilot_user_daily: ['usage_day', 'user_ref > 0'],
      copilot_team_daily: ['team_day', 'true'],
      copilot_seat_daily: ['seat_snapshots', 'true'],
    };
    const db = synced.off.t.db;
    const empty: string[] = [];
    let filled = 0;
    for (const view of VIEW_NAMES) {
      const [table, where] = sources[view];
      const stored = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
      const rows = sqliteRows('off', view);
      for (const column of Object.keys(rows[0])) {
        if (rows.some((row) => row[column] !== null)) {
          filled++;
          continue;
        }
        const source = stored.includes(column)
          ? (db.prepare(`SELECT count(${column}) FROM ${table} WHERE ${where}`).pluck().get() as number)
          : undefined;
        if (source !== 0) empty.push(`${view}.${column}`);
      }
    }
    expect(empty).toEqual([]);
    expect(filled).toBeGreaterThan(100);
  });

  test('day is the UTC day and time its start: ISO text and Unix seconds in SQLite, date and timestamptz in PostgreSQL', async () => {
    const [first] = sqliteRows('off', 'copilot_scope_daily');
    const days = new Set(sqliteRows('off', 'copilot_scope_daily').map((row) => row.day));
    expect([...days].sort()).toEqual(Array.from({ length: TO - FROM + 1 }, (_, i) => formatDay(FROM + i)));
    expect(first.time).toBe(Date.parse(`${first.day as string}T00:00:00Z`) / 1000);
    const { rows } = await synced.off.pg.query<{ day: string; time: string }>(
      `SELECT pg_typeof(day)::text AS day, pg_typeof("time")::text AS time FROM copilot_scope_daily LIMIT 1`,
    );
    expect(rows[0]).toEqual({ day: 'date', time: 'timestamp with time zone' });
    // The session's time zone does not move the start of the day.
    await synced.off.pg.query("SET TIME ZONE 'America/Los_Angeles'");
    try {
      expect((await postgresRows(synced.off.pg, 'copilot_scope_daily'))[0]).toEqual(first);
    } finally {
      await synced.off.pg.query('RESET TIME ZONE');
    }
  });
});

describe('figures', () => {
  test("copilot_scope_daily holds GitHub's aggregate records, and the AI credits of the day's people", () => {
    const rows = sqliteRows('off', 'copilot_scope_daily');
    for (const row of rows) {
      const scope = simScope(row.scope_kind as string, row.scope_slug as string);
      const d = parseDay(row.day as string)!;
      const record = sim.generator.aggregateRecord(scope, d);
      const expected = Object.fromEntries(
        Object.entries(SCOPE_FIGURES).map(([c, path]) => [c, at(record, path)]),
      );
      const credits = sqlSum(
        sim.generator.members(scope).map((u) => sim.generator.userRecord(u, d, scope)?.ai_credits_used),
      );
      expected.ai_credits_used = credits;
      const actual = Object.fromEntries(Object.keys(expected).map((c) => [c, row[c]]));
      expect({ scope: key(row, 'scope_slug', 'day'), ...rounded(actual) }).toEqual({
        scope: key(row, 'scope_slug', 'day'),
        ...rounded(expected),
      });
    }
    // Aggregate mode keeps the scope's figures, the people's credits included.
    expect(sqliteRows('aggregate', 'copilot_scope_daily').map(rounded)).toEqual(rows.map(rounded));
  });

  test.each(['off', 'pseudonymous'] as const)(
    "copilot_user_daily holds each person's record of each day (PRIVACY_MODE=%s)",
    (mode) => {
      const expected: Row[] = [];
      for (const { kind, slug } of scopeKeys()) {
        const scope = simScope(kind, slug);
        for (let d = FROM; d <= TO; d++)
          for (const u of sim.generator.members(scope)) {
            const record = sim.generator.userRecord(u, d, scope);
            if (!record) continue;
            const row: Row = { scope: `${kind}:${slug}`, day: formatDay(d), ...identity(mode, u) };
            for (const [column, path] of Object.entries(USER_FIGURES)) row[column] = at(record, path);
            expected.push(row);
          }
      }
      const actual = sqliteRows(mode, 'copilot_user_daily').map((row) => {
        const picked: Row = {
          scope: `${row.scope_kind as string}:${row.scope_slug as string}`,
          day: row.day,
        };
        for (const column of ['user_id', 'user_login', ...Object.keys(USER_FIGURES)])
          picked[column] = row[column];
        return picked;
      });
      const order = (a: Row, b: Row) =>
        key(a, 'scope', 'day', 'user_id').localeCompare(key(b, 'scope', 'day', 'user_id'));
      expect(actual.sort(order)).toEqual(expected.sort(order));
      expect(expected.length).toBeGreaterThan(300);
    },
  );

  test.each(['off', 'pseudonymous', 'aggregate'] as const)(
    "copilot_team_daily sums each team's members' records of the day (PRIVACY_MODE=%s)",
    (mode) => {
      const minimum = mode === 'off' ? 1 : MIN;
      const all = simulatedTeamDays();
      const expected = all.filter((row) => (row.active_users as number) >= minimum);
      const order = (a: Row, b: Row) =>
        key(a, 'scope_kind', 'scope_slug', 'day', 'team_id').localeCompare(
          key(b, 'scope_kind', 'scope_slug', 'day', 'team_id'),
        );
      const actual = sqliteRows(mode, 'copilot_team_daily').map(({ time: _time, ...row }) => row);
      expect(actual.sort(order).map(rounded)).toEqual(expected.sort(order).map(rounded));
      if (mode !== 'off') {
        // Some team-days are under the minimum, and some are shown.
        expect(expected.length).toBeGreaterThan(0);
        expect(all.filter((row) => (row.active_users as number) > 0).length).toBeGreaterThan(expected.length);
      }
    },
  );

  test.each(['off', 'pseudonymous'] as const)(
    "copilot_seat_daily lists the snapshot day's seats, each person once in the enterprise (PRIVACY_MODE=%s)",
    (mode) => {
      const rows = sqliteRows(mode, 'copilot_seat_daily');
      expect(new Set(rows.map((row) => row.day))).toEqual(new Set([formatDay(TEST_TODAY)]));
      const enterprise = new Set<string>();
      for (const org of sim.population.orgs) {
        const expected = sim.seatHolders(org.index).map((u) => {
          const seat = sim.seat(u, org.index);
          enterprise.add(identity(mode, u).user_login);
          return {
            ...identity(mode, u),
            plan_type: seat.plan_type,
            // Stored as ISO instants in UTC (toISOString).
            created_at: isoInstant(seat.created_at),
            last_activity_at: isoInstant(seat.last_activity_at),
            last_activity_editor: seat.last_activity_editor,
            pending_cancellation_date: seat.pending_cancellation_date,
            assigning_team_slug: at(seat, ['assigning_team', 'slug']),
          };
        });
        const actual = rows
          .filter((row) => row.scope_kind === 'organization' && row.scope_slug === org.login)
          .map(({ scope_kind: _k, scope_slug: _s, day: _d, time: _t, ...seat }) => seat);
        const byLogin = (a: Row, b: Row) => String(a.user_login).localeCompare(String(b.user_login));
        expect(actual.sort(byLogin)).toEqual(expected.sort(byLogin));
      }
      const enterpriseLogins = rows
        .filter((row) => row.scope_kind === 'enterprise')
        .map((row) => row.user_login);
      expect(enterpriseLogins.length).toBe(enterprise.size);
      expect(new Set(enterpriseLogins)).toEqual(enterprise);
    },
  );
});

/** Every simulated login, and every user id as a whole number, found in the text. */
function realIdentities(text: string): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (let u = 0; u < sim.population.userCount; u++) {
    const login = sim.population.userLogin(u).toLowerCase();
    if (lower.includes(login)) found.push(`login ${login}`);
    if (new RegExp(`(?<![0-9])${sim.population.userId(u)}(?![0-9])`).test(text))
      found.push(`user id ${sim.population.userId(u)}`);
  }
  return found;
}

describe('privacy', () => {
  test('pseudonymous: no view shows a real login or user id, on either engine', async () => {
    const texts = async (mode: PrivacyMode) => {
      const out: string[] = [];
      for (const view of VIEW_NAMES)
        out.push(
          JSON.stringify(sqliteRows(mode, view)),
          JSON.stringify(await postgresRows(synced[mode].pg, view)),
        );
      return out.join('\n');
    };
    const masked = await texts('pseudonymous');
    expect(masked).toMatch(/"user_login":"user-[0-9a-f]{12}"/);
    expect(realIdentities(masked)).toEqual([]);
    // The same scan finds them where they are kept (mode off): the scan can fail.
    expect(realIdentities(await texts('off')).length).toBeGreaterThan(50);
  });

  /** A person written straight into the tables: a user, and a usage_day row and a seat in each scope. */
  const person = (p: (n: number) => string): [string, unknown[]][] => [
    [`INSERT INTO users (id, github_id, login) VALUES (9000, 9000, ${p(1)})`, ['someone']],
    [
      `INSERT INTO usage_day (scope_id, day, user_ref, code_generation_activity_count) SELECT id, ${p(1)}, 9000, 7 FROM scopes`,
      [TO],
    ],
    [`INSERT INTO seat_snapshots (scope_id, day, user_ref) SELECT id, ${p(1)}, 9000 FROM scopes`, [TO]],
  ];
  const PER_PERSON = [
    'SELECT count(*) AS count FROM copilot_user_daily',
    'SELECT count(*) AS count FROM copilot_seat_daily',
  ];
  const SHOW_OFF = "UPDATE settings SET value = 'off' WHERE key = 'privacy_mode'";

  test('aggregate: the per-person views answer nothing, even when a per-person row is in the tables', async () => {
    const scopes = scopeKeys().length;
    // SQLite, in a transaction rolled back at the end.
    const db = synced.aggregate.t.db;
    const sqliteCounts = () => PER_PERSON.map((sql) => db.prepare(sql).pluck().get());
    expect(sqliteCounts()).toEqual([0, 0]);
    db.exec('BEGIN');
    try {
      for (const [sql, params] of person(() => '?')) db.prepare(sql).run(...params);
      expect(db.prepare('SELECT count(*) FROM usage_day WHERE user_ref > 0').pluck().get()).toBe(scopes);
      expect(sqliteCounts()).toEqual([0, 0]);
      // The recorded mode is what hides them.
      db.prepare(SHOW_OFF).run();
      expect(sqliteCounts()).toEqual([scopes, scopes]);
    } finally {
      db.exec('ROLLBACK');
    }
    // PostgreSQL, likewise.
    const pg = synced.aggregate.pg;
    const pgCounts = async () =>
      Promise.all(PER_PERSON.map(async (sql) => (await pg.query(sql)).rows[0].count));
    await pg.query('BEGIN');
    try {
      for (const [sql, params] of person((n) => `$${n}`)) await pg.query(sql, params);
      expect(await pgCounts()).toEqual([0, 0]);
      await pg.query(SHOW_OFF);
      expect(await pgCounts()).toEqual([scopes, scopes]);
    } finally {
      await pg.query('ROLLBACK');
    }
  });

  test("the privacy modes' team minimum is the PRIVACY_MIN_GROUP_SIZE the sync recorded", () => {
    const { t, privacy } = synced.pseudonymous;
    const shown = () =>
      sqliteRows('pseudonymous', 'copilot_team_daily').map((row) => row.active_users as number);
    const sizes = sqliteRows('off', 'copilot_team_daily').map((row) => row.active_users as number);
    expect(Math.min(...shown())).toBeGreaterThanOrEqual(MIN);
    try {
      enforcePrivacyMode(t.db, { ...privacy, minGroupSize: 1 }, t.path, { write: true });
      expect(shown().length).toBe(sizes.length);
      enforcePrivacyMode(t.db, { ...privacy, minGroupSize: 8 }, t.path, { write: true });
      expect(shown().length).toBe(sizes.filter((n) => n >= 8).length);
    } finally {
      enforcePrivacyMode(t.db, privacy, t.path, { write: true });
    }
    expect(shown().length).toBe(sizes.filter((n) => n >= MIN).length);
  });
});

describe("the README's statements", () => {
  /** The ```sql blocks of the README's "SQL views" section. */
  function readmeSql(): string[] {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## SQL views'),
      readme.indexOf('\n## ', readme.indexOf('## SQL views')),
    );
    return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
  }

  test('the example panel query runs on PostgreSQL, Grafana macros expanded, and answers the team view', async () => {
    const panel = readmeSql().find((sql) => sql.includes('$__timeFilter'))!;
    const org = sim.scopes.orgs[0];
    // Grafana's PostgreSQL data source expands $__timeFilter(time) to a BETWEEN of RFC 3339 instants.
    const sql = panel
      .replace(
        '$__timeFilter(time)',
        `time BETWEEN '${formatDay(FROM)}T00:00:00Z' AND '${formatDay(TO)}T23:59:59Z'`,
      )
      .replace("'$org'", `'${org}'`);
    const { rows } = await synced.off.pg.query<{ time: Date; metric: string; value: number }>(sql);
    const expected = sqliteRows('off', 'copilot_team_daily')
      .filter((row) => row.scope_kind === 'organization' && row.scope_slug === org)
      .map((row) => ({ time: row.time, metric: row.team_slug, value: row.code_acceptance_activity_count }))
      .sort((a, b) => (a.time as number) - (b.time as number) || (a.metric! < b.metric! ? -1 : 1));
    expect(rows.map((row) => ({ ...row, time: row.time.getTime() / 1000 }))).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  test('a PostgreSQL role granted the views, as the README shows, reads them and no table', async () => {
    const grant = readmeSql().find((sql) => sql.includes('GRANT'))!;
    await synced.off.pg.query(grant);
    const reader = await connect(synced.off.url.replace('postgres@', 'grafana_reader@'));
    for (const view of VIEW_NAMES) {
      const { rows } = await reader.query(`SELECT count(*) AS count FROM ${view}`);
      expect([view, rows[0].count]).toEqual([view, sqliteRows('off', view).length]);
    }
    for (const table of ['users', 'usage_day', 'settings', 'seat_snapshots'])
      await expect(reader.query(`SELECT count(*) FROM ${table}`)).rejects.toThrow(/permission denied/);
  });
});
