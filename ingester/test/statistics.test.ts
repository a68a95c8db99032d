/**
 * The planner's statistics during a long sync: the SQLite writer runs PRAGMA optimize between reports
 * now and then, so the tables are analyzed as they grow (while their pages are cached), not only when
 * the run finishes (reading a year at 100,000 people cold took 108 s).
 */
import { ReportGenerator, type SimScope } from '../src/simulator/generate';
import { Population } from '../src/simulator/model';
import { OPTIMIZE_EVERY_REPORTS } from '../src/store/writer';
import { day, tempDatabase, type TestDb } from './helpers';
import { importText } from './records';

let t: TestDb;
beforeAll(() => {
  t = tempDatabase();
});
afterAll(() => t.close());

test('the figure tables have statistics before the run ends, from the reports’ own pace', async () => {
  const generator = new ReportGenerator(new Population({ seed: 5, users: 30, orgs: 1 }));
  const enterprise: SimScope = { kind: 'enterprise' };
  const scopeId = await t.store.scopeId({ kind: 'enterprise', slug: generator.population.enterprise.slug });
  const analyzed = () =>
    t.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").pluck().get() === 1 &&
    (t.db.prepare("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'usage_day'").pluck().get() as number) > 0;
  const first = day('2026-05-01');
  for (let i = 0; i < OPTIMIZE_EVERY_REPORTS; i++) {
    // Reports begun before the check: no statistics yet (no run finished, nothing analyzed).
    expect(analyzed()).toBe(false);
    const lines = generator
      .members(enterprise)
      .map((u) => generator.userLine(u, first + i, enterprise))
      .filter((line) => line !== undefined);
    await importText(t.store, { scopeId, kind: 'users', day: first + i }, [`${lines.join('\n')}\n`]);
  }
  // The 100th report began after the check: usage_day (grown from nothing) was analyzed.
  expect(analyzed()).toBe(true);
  // The primary key's entry: its first figure is the table's row count when analyzed.
  const rows = t.db
    .prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = 'usage_day' AND idx = 'usage_day'")
    .pluck()
    .get() as string;
  const stored = t.db.prepare('SELECT count(*) FROM usage_day').pluck().get() as number;
  expect(Number(rows.split(' ')[0])).toBeGreaterThan(0);
  expect(Number(rows.split(' ')[0])).toBeLessThanOrEqual(stored);
});
