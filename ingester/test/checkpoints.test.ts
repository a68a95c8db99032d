import { statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createLogger } from '../src/log';
import { PRIVACY_OFF } from '../src/privacy';
import { ReportGenerator } from '../src/simulator/generate';
import { Population } from '../src/simulator/model';
import { backgroundCheckpointsSettled, checkpointInBackground } from '../src/store/checkpoints';
import { Store } from '../src/store/writer';
import { TEST_TODAY, tempDatabase, type TestDb } from './helpers';
import { importText } from './records';

const DAY = TEST_TODAY - 2;
let t: TestDb;
beforeEach(() => {
  t = tempDatabase();
});
afterEach(() => t.close());

/** The simulator's users report for DAY, as NDJSON. */
function usersReport(users: number): string {
  const generator = new ReportGenerator(new Population({ seed: 5, users, orgs: 1 }));
  const lines: string[] = [];
  for (let u = 0; u < users; u++) {
    const record = generator.userRecord(u, DAY, { kind: 'enterprise' });
    if (record) lines.push(JSON.stringify(record));
  }
  return lines.join('\n');
}

/** Bytes of the database file itself, and the bytes its pages take (the log included). */
const sizes = () => ({
  file: statSync(t.path).size,
  pages:
    (t.db.pragma('page_count', { simple: true }) as number) *
    (t.db.pragma('page_size', { simple: true }) as number),
});

test("a report's commit is copied into the database file on the background thread, not the writer's", async () => {
  const before = await backgroundCheckpointsSettled();
  const scopeId = await t.store.scopeId({ kind: 'enterprise', slug: 'octo-ent' });
  const outcome = await importText(t.store, { scopeId, kind: 'users', day: DAY }, [usersReport(400)]);
  expect(outcome.records).toBeGreaterThan(100);
  const after = await backgroundCheckpointsSettled();
  expect(after.done).toBeGreaterThan(before.done);
  expect(after.failed).toBe(before.failed);
  // Well under the writer's own threshold: without the background checkpoint, the rows would still be
  // in the log only and the file would hold the schema alone.
  const { file, pages } = sizes();
  expect(pages).toBeGreaterThan(100 * 4096);
  expect(file).toBe(pages);
  // The log is fully copied: a checkpoint now has nothing left to move.
  const [state] = t.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
  expect(state.checkpointed).toBe(state.log);
});

test('a checkpoint that cannot run is counted with its cause, and the next one still runs', async () => {
  const before = await backgroundCheckpointsSettled();
  t.db.exec('CREATE TABLE scratch (x); INSERT INTO scratch VALUES (1)');
  // A log without its database: the worker cannot open it.
  const ghost = `${t.path}.ghost`;
  writeFileSync(`${ghost}-wal`, '');
  const heard: string[] = [];
  checkpointInBackground(ghost, (message) => heard.push(message));
  // Asked for twice while another runs: merged into one.
  checkpointInBackground(t.path);
  checkpointInBackground(t.path);
  const after = await backgroundCheckpointsSettled();
  expect(after.failed).toBe(before.failed + 1);
  expect(after.lastError).toMatch(/ghost|unable to open|not exist/i);
  expect(heard).toEqual([after.lastError]);
  expect(after.done).toBe(before.done + 1);
  expect(sizes().file).toBe(sizes().pages);
});

test("a store's failed checkpoint is logged with its cause and what to do", async () => {
  const lines: string[] = [];
  const store = new Store(
    t.db,
    PRIVACY_OFF,
    createLogger('warn', { write: (line: string) => lines.push(line) }),
  );
  // The writer keeps its open file; the checkpoint's own connection cannot open the database any more.
  unlinkSync(t.path);
  const scopeId = await store.scopeId({ kind: 'enterprise', slug: 'octo-ent' });
  await importText(store, { scopeId, kind: 'users', day: DAY }, [usersReport(50)]);
  await backgroundCheckpointsSettled();
  const warnings = lines.map((line) => JSON.parse(line) as { msg: string; err: string; database: string });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ database: t.path });
  expect(warnings[0].msg).toMatch(/background checkpoint failed.*free disk space/);
  expect(warnings[0].err).toMatch(/unable to open|not exist/i);
});
