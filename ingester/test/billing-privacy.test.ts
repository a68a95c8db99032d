/**
 * Privacy modes on billing: the same simulated enterprise's billing synced in modes off, pseudonymous
 * and aggregate; the database file and its WAL scanned byte by byte for every simulated login (the CSV
 * usernames, budget users, user-states, cost-center User resources); the totals the same in every mode.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type PrivacyConfig } from '../src/privacy';
import type { SimulatorServer } from '../src/simulator/server';
import { enforcePrivacyMode } from '../src/store/privacyMode';
import { Store } from '../src/store/writer';
import { runSync } from '../src/sync/runner';
import { silentLogger } from '../src/log';
import {
  SYNC_SETTINGS,
  TEST_TODAY,
  simulatedScopes,
  startSimulator,
  tempDatabase,
  testClient,
  testNow,
  type TestDb,
} from './helpers';

const KEY = 'test-privacy-key-0123456789abcdef-0123456789';
const SETTINGS = { ...SYNC_SETTINGS, billing: { enabled: true, exportPollMs: 5, exportTimeoutMs: 3000 } };

let sim: SimulatorServer;
const synced: Record<PrivacyConfig['mode'], TestDb> = {} as never;

async function syncInto(privacy: PrivacyConfig): Promise<TestDb> {
  const t = tempDatabase();
  enforcePrivacyMode(t.db, privacy, t.path, { write: true });
  const client = testClient(sim.url);
  try {
    const summary = await runSync(
      { store: new Store(t.db, privacy), client, logger: silentLogger },
      {
        scopes: simulatedScopes(sim),
        settings: SETTINGS,
        trigger: 'test',
        now: testNow(),
        kinds: ['billing'],
        from: TEST_TODAY - 6,
      },
    );
    expect(summary.failures).toEqual([]);
  } finally {
    await client.close();
  }
  return t;
}

beforeAll(async () => {
  sim = await startSimulator({ exportPolls: 1 });
  for (const mode of ['off', 'pseudonymous', 'aggregate'] as const)
    synced[mode] = await syncInto({ mode, key: mode === 'pseudonymous' ? KEY : undefined, minGroupSize: 5 });
});
afterAll(async () => {
  for (const t of Object.values(synced)) t.close();
  await sim.stop();
});

/** Every simulated login found in the database file or its WAL. */
function loginsIn(t: TestDb): string[] {
  const p = sim.population;
  const logins = Array.from({ length: p.userCount }, (_, u) => p.userLogin(u).toLowerCase());
  const found = new Set<string>();
  for (const suffix of ['', '-wal']) {
    if (!existsSync(`${t.path}${suffix}`)) continue;
    const text = readFileSync(`${t.path}${suffix}`).toString('latin1').toLowerCase();
    for (const login of logins) if (text.includes(login)) found.add(login);
  }
  return [...found];
}

const totals = (t: TestDb) =>
  t.db
    .prepare(
      `SELECT (SELECT round(sum(quantity), 6) FROM billing_user_day) AS users,
              (SELECT round(sum(quantity), 6) FROM billing_cost_center_day) AS centers,
              (SELECT round(sum(net_amount), 6) FROM billing_usage_day) AS usage,
              (SELECT count(*) FROM billing_budgets) AS budgets,
              (SELECT count(*) FROM billing_cost_centers) AS costCenters`,
    )
    .get();

test('the scan finds the logins where they are kept (mode off): it can fail', () => {
  const off = synced.off;
  expect(loginsIn(off).length).toBeGreaterThan(10);
  expect(off.db.prepare('SELECT count(*) FROM billing_budget_user_states').pluck().get()).toBeGreaterThan(0);
  expect(
    off.db
      .prepare('SELECT count(*) FROM billing_cost_centers WHERE resources LIKE \'%"User"%\'')
      .pluck()
      .get(),
  ).toBeGreaterThan(0);
});

test('PRIVACY_MODE=pseudonymous: no simulated login in the file, per-person rows under pseudonyms, same totals', () => {
  const t = synced.pseudonymous;
  expect(loginsIn(t)).toEqual([]);
  expect(
    t.db.prepare('SELECT count(DISTINCT user_ref) FROM billing_user_day WHERE user_ref > 0').pluck().get(),
  ).toBe(
    synced.off.db
      .prepare('SELECT count(DISTINCT user_ref) FROM billing_user_day WHERE user_ref > 0')
      .pluck()
      .get(),
  );
  expect(t.db.prepare('SELECT count(*) FROM billing_budget_user_states').pluck().get()).toBe(
    synced.off.db.prepare('SELECT count(*) FROM billing_budget_user_states').pluck().get(),
  );
  expect(totals(t)).toEqual(totals(synced.off));
});

test('PRIVACY_MODE=aggregate: no login, no per-person row, the same totals by model and cost center', () => {
  const t = synced.aggregate;
  expect(loginsIn(t)).toEqual([]);
  expect(t.db.prepare('SELECT count(*) FROM billing_user_day WHERE user_ref <> 0').pluck().get()).toBe(0);
  expect(
    t.db.prepare('SELECT count(*) FROM billing_budget_user_states WHERE user_ref <> 0').pluck().get(),
  ).toBe(0);
  expect(t.db.prepare('SELECT count(*) FROM billing_budgets WHERE user_ref > 0').pluck().get()).toBe(0);
  expect(totals(t)).toEqual(totals(synced.off));
  const byModel = (db: TestDb) =>
    db.db
      .prepare(
        'SELECT model, round(sum(quantity), 6) AS q FROM billing_user_day GROUP BY model ORDER BY model',
      )
      .all();
  expect(byModel(t)).toEqual(byModel(synced.off));
});
