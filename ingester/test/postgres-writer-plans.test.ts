/**
 * How the PostgreSQL writer's statements are planned and bound (issue 13), on a throwaway cluster:
 *
 * - A report's commit joins the day it has just written to the memberships (team_day's rebuild, the
 *   team sets' scan). The statistics cannot know that day: the planner estimates one row and, left to
 *   itself, picks a nested loop that rereads the day's usage rows for every membership (seconds a
 *   commit at 10,000 users). The writer runs them with nested loops off (a hash or merge join reads
 *   each side once); here each is caught as the writer sends it, on an analyzed database and a day
 *   new to its statistics, and explained.
 * - A report's rows are bound as one array per column (rowBatch.ts): each array's type must be the
 *   column's, or the INSERT would cast the values (a real into a bigint column rounds).
 */
import { Client } from 'pg';
import { RECORD_TABLES } from '../src/reports/schema';
import type { SimulatorServer } from '../src/simulator/server';
import { keyColumnsOf } from '../src/store/reportSql';
import { PostgresActiveSets } from '../src/store/postgres/activeSets';
import { unnestTypes } from '../src/store/postgres/rowBatch';
import { PostgresRollups } from '../src/store/postgres/rollups';
import { PostgresStore } from '../src/store/postgres/store';
import { type Query, WriterConnection } from '../src/store/postgres/writerConnection';
import {
  type PostgresCluster,
  day,
  simulatedScopes,
  startPostgres,
  startSimulator,
  syncDays,
  testClient,
} from './helpers';

jest.setTimeout(120_000);

const FROM = day('2026-09-25');
const TO = day('2026-09-28');
/** A day no report has stored: the day a backfill writes next, as far as the statistics know. */
const NEW_DAY = FROM - 30;

const TEAM_DAY_ROWS =
  'SELECT team_ref, active_users, code_generation_activity_count, loc_added_sum, ai_credits_used FROM team_day WHERE scope_id = $1 AND day = $2 ORDER BY team_ref';

const TEAM_SETS =
  "SELECT key, users FROM active_sets WHERE scope_id = $1 AND kind = 'team' AND day = $2 ORDER BY key";

interface PlanNode {
  'Node Type': string;
  Plans?: PlanNode[];
}

const nodeTypes = (node: PlanNode): string[] => [node['Node Type'], ...(node.Plans ?? []).flatMap(nodeTypes)];

let sim: SimulatorServer;
let cluster: PostgresCluster;
let url: string;
let pg: Client;

beforeAll(async () => {
  [sim, cluster] = await Promise.all([startSimulator({ users: 300, orgs: 1 }), startPostgres()]);
  url = await cluster.createDatabase('plans');
  const store = await PostgresStore.open(url);
  const client = testClient(sim.url);
  try {
    // The run ends with ANALYZE of the tables it wrote (status.ts), as every sync does.
    const summary = await syncDays(store, client, {
      scopes: simulatedScopes(sim),
      from: FROM,
      to: TO,
      kinds: ['users', 'user-teams'],
    });
    expect(summary.failures).toEqual([]);
  } finally {
    await client.close();
    await store.close();
  }
  pg = new Client({ connectionString: url });
  await pg.connect();
  // The memberships too, which the run does not analyze: the statistics know every stored day.
  await pg.query('ANALYZE team_members');
}, 60_000);

afterAll(async () => {
  await pg?.end();
  await cluster?.stop();
  await sim?.stop();
});

interface Explained {
  sql: string;
  params: readonly unknown[];
  plan: PlanNode;
}

/**
 * A query function that runs each statement as the writer's does, and first explains the ones
 * `explained` matches (in the same transaction, with the same parameters and settings).
 */
function explaining(connection: WriterConnection, explained: RegExp, into: Explained[]): Query {
  return async (sql, params = [], options) => {
    if (explained.test(sql)) into.push({ sql, params, plan: await planOf(connection, sql, params) });
    return connection.query(sql, params, options);
  };
}

async function planOf(
  connection: WriterConnection,
  sql: string,
  params: readonly unknown[],
): Promise<PlanNode> {
  const { rows } = await connection.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    params,
  );
  return rows[0]['QUERY PLAN'][0].Plan;
}

describe("a report's commit, on a day new to the statistics", () => {
  let connection: WriterConnection;
  let scopeId: number;

  beforeAll(async () => {
    connection = await WriterConnection.open(url);
    const { rows } = await pg.query<{ scope_id: number }>(
      'SELECT scope_id FROM team_day GROUP BY scope_id ORDER BY count(*) DESC LIMIT 1',
    );
    scopeId = rows[0].scope_id;
  });

  afterAll(async () => {
    await connection?.close();
  });

  /**
   * Runs `work` inside a transaction that has just written NEW_DAY as a report does (the stored
   * FROM's user rows and memberships, again under the new day), then rolls it back.
   */
  async function onNewDay(work: () => Promise<void>): Promise<void> {
    await connection.query('BEGIN');
    try {
      for (const table of ['usage_day', 'team_members'])
        await connection.query(
          `INSERT INTO ${table} SELECT (jsonb_populate_record(t, jsonb_build_object('day', ?::integer))).* FROM ${table} t WHERE scope_id = ? AND day = ?`,
          [NEW_DAY, scopeId, FROM],
        );
      await work();
    } finally {
      await connection.query('ROLLBACK');
    }
  }

  test("team_day's rebuild reads each side of its join once, where the planner alone would loop; and sums as for the stored day", async () => {
    const explained: Explained[] = [];
    let control: PlanNode | undefined;
    let rebuilt: unknown[] = [];
    await onNewDay(async () => {
      await new PostgresRollups().rebuildTeamDay(
        explaining(connection, /^INSERT INTO team_day\s+SELECT/, explained),
        scopeId,
        NEW_DAY,
      );
      // The control: the same statement planned on the statistics alone is a nested loop (why the writer steps in).
      if (explained[0]) control = await planOf(connection, explained[0].sql, explained[0].params);
      rebuilt = (await connection.query(TEAM_DAY_ROWS, [scopeId, NEW_DAY])).rows;
    });
    expect(explained).toHaveLength(1);
    expect(nodeTypes(control!)).toContain('Nested Loop');
    expect(nodeTypes(explained[0].plan)).not.toContain('Nested Loop');
    expect(nodeTypes(explained[0].plan)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(Hash|Merge) Join$/)]),
    );
    const stored = await connection.query(TEAM_DAY_ROWS, [scopeId, FROM]);
    expect(stored.rows.length).toBeGreaterThan(1);
    expect(rebuilt).toEqual(stored.rows);
  });

  test("the team sets' scan loops over neither side either, and finds the stored day's members", async () => {
    const explained: Explained[] = [];
    let members: unknown[] = [];
    await onNewDay(async () => {
      await new PostgresActiveSets().rebuild(
        explaining(connection, /FROM team_members m JOIN usage_day x/, explained),
        scopeId,
        NEW_DAY,
        { kinds: ['team'] },
      );
      members = (await connection.query(TEAM_SETS, [scopeId, NEW_DAY])).rows;
    });
    expect(explained).toHaveLength(1);
    expect(nodeTypes(explained[0].plan)).not.toContain('Nested Loop');
    const stored = await connection.query(TEAM_SETS, [scopeId, FROM]);
    expect(stored.rows.length).toBeGreaterThan(1);
    expect(members).toEqual(stored.rows);
  });

  test('the setting ends with the statements that need it', async () => {
    await connection.query('BEGIN');
    try {
      await new PostgresRollups().rebuildTeamDay(connection.query, scopeId, NEW_DAY);
      const { rows } = await connection.query<{ enable_nestloop: string }>('SHOW enable_nestloop');
      expect(rows[0].enable_nestloop).toBe('on');
    } finally {
      await connection.query('ROLLBACK');
    }
  });
});

test("every column of a report's rows is bound as an array of the column's own type", async () => {
  const { rows } = await pg.query<{ table_name: string; column_name: string; data_type: string }>(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const typeOf = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row.data_type]));
  // integer columns take a bigint array (assigned back without loss); the others their own type.
  const bound = {
    integer: 'bigint[]',
    bigint: 'bigint[]',
    'double precision': 'double precision[]',
    text: 'text[]',
  };
  const specs = new Set([...RECORD_TABLES.aggregate, ...RECORD_TABLES.user, ...RECORD_TABLES.repo]);
  let columns = 0;
  for (const spec of specs) {
    const names = [...keyColumnsOf(spec), ...spec.values.map((value) => value.column)];
    const types = unnestTypes(spec);
    expect(types).toHaveLength(names.length);
    names.forEach((name, i) => {
      const type = typeOf.get(`${spec.table}.${name}`);
      expect({ column: `${spec.table}.${name}`, bound: types[i] }).toEqual({
        column: `${spec.table}.${name}`,
        bound: bound[type as keyof typeof bound] ?? `(no array type for ${type})`,
      });
      columns++;
    });
  }
  expect(columns).toBeGreaterThan(100);
});
