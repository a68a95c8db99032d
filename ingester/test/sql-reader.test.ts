/**
 * The query side's SqlReader on SQLite (store/sqliteReader.ts), on a real WAL file with a writer
 * connection beside it as a sync has: each read method, the bounded statement cache, and snapshots
 * that keep one state of the database while the writer commits.
 */
import { join } from 'node:path';
import { type DB, openConnection } from '../src/store/connection';
import type { SqlReader } from '../src/store/reader';
import { SqliteReader, openSqliteReader } from '../src/store/sqliteReader';
import { tempDir } from './helpers';

const PEOPLE = 2500;

let dir: ReturnType<typeof tempDir>;
let path: string;
let writer: DB;
let reader: SqliteReader;

beforeEach(() => {
  dir = tempDir();
  path = join(dir.path, 'reader.db');
  writer = openConnection(path);
  writer.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, login TEXT NOT NULL, active INTEGER)');
  const insert = writer.prepare('INSERT INTO people (id, login, active) VALUES (?, ?, ?)');
  writer.transaction(() => {
    for (let id = 1; id <= PEOPLE; id++) insert.run(id, `user${id}`, id % 3 === 0 ? null : id % 2);
  })();
  reader = openSqliteReader(path);
});

afterEach(async () => {
  if (reader) await reader.close().catch(() => undefined);
  writer?.close();
  dir?.cleanup();
});

const count = (r: SqlReader = reader) => r.value<number>('SELECT count(*) FROM people');
const addPerson = (id: number) => writer.prepare("INSERT INTO people VALUES (?, 'late', 1)").run(id);

describe('reads', () => {
  test('all: every row as an object keyed by column, positional parameters bound in order', async () => {
    expect(
      await reader.all('SELECT id, login, active FROM people WHERE id BETWEEN ? AND ? ORDER BY id', [2, 4]),
    ).toEqual([
      { id: 2, login: 'user2', active: 0 },
      { id: 3, login: 'user3', active: null },
      { id: 4, login: 'user4', active: 0 },
    ]);
    expect(await reader.all('SELECT id FROM people WHERE id > ?', [PEOPLE])).toEqual([]);
  });

  test('first: the first row, undefined when there is none', async () => {
    expect(await reader.first('SELECT id, login FROM people WHERE id >= ? ORDER BY id', [7])).toEqual({
      id: 7,
      login: 'user7',
    });
    expect(await reader.first('SELECT id, login FROM people WHERE id >= ? ORDER BY id', [PEOPLE + 1])).toBe(
      undefined,
    );
  });

  test('raw: rows as arrays of values, in column order', async () => {
    expect(await reader.raw('SELECT login, id FROM people WHERE id IN (?, ?) ORDER BY id', [5, 9])).toEqual([
      ['user5', 5],
      ['user9', 9],
    ]);
  });

  test('pluck and value: the first column of every row, and of the first row', async () => {
    expect(await reader.pluck('SELECT id, login FROM people WHERE id <= ? ORDER BY id DESC', [3])).toEqual([
      3, 2, 1,
    ]);
    expect(await count()).toBe(PEOPLE);
    expect(await reader.value('SELECT max(id) FROM people WHERE id < ?', [0])).toBe(null);
    expect(await reader.value('SELECT id FROM people WHERE id < ?', [0])).toBe(undefined);
  });

  test('one SQL text read in each row mode answers each in its own shape', async () => {
    const sql = 'SELECT id, login FROM people WHERE id = ?';
    expect(await reader.all(sql, [1])).toEqual([{ id: 1, login: 'user1' }]);
    expect(await reader.raw(sql, [1])).toEqual([[1, 'user1']]);
    expect(await reader.pluck(sql, [1])).toEqual([1]);
    expect(await reader.first(sql, [1])).toEqual({ id: 1, login: 'user1' });
    expect(await reader.value(sql, [1])).toBe(1);
  });

  test('stream: every row once, in order, in batches', async () => {
    const sql = 'SELECT id, login FROM people WHERE id > ? ORDER BY id';
    const batches: unknown[][][] = [];
    for await (const batch of reader.stream(sql, [10])) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, PEOPLE - 10 - 2000]);
    expect(batches.flat()).toEqual(await reader.raw(sql, [10]));
    const none: unknown[] = [];
    for await (const batch of reader.stream(sql, [PEOPLE])) none.push(batch);
    expect(none).toEqual([]);
  });

  test('a text read again while its stream is being read gets a statement of its own', async () => {
    const sql = 'SELECT id FROM people WHERE id <= ? ORDER BY id';
    const seen: number[] = [];
    for await (const batch of reader.stream<[number]>(sql, [1500])) {
      seen.push(...batch.map(([id]) => id));
      expect(await reader.pluck(sql, [3])).toEqual([1, 2, 3]);
    }
    expect(seen).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
  });

  test('a failing statement rejects, naming the cause, and the reader keeps answering', async () => {
    const read = reader.all('SELECT nickname FROM people');
    await expect(read).rejects.toMatchObject({ message: expect.stringMatching(/no such column: nickname/) });
    expect(await count()).toBe(PEOPLE);
  });

  test('schemaVersion is the file’s user_version; changeToken moves with every commit, only then', async () => {
    expect(await reader.schemaVersion()).toBe(0);
    writer.pragma('user_version = 13');
    expect(await reader.schemaVersion()).toBe(13);
    const before = await reader.changeToken();
    expect(await reader.changeToken()).toBe(before);
    await count();
    expect(await reader.changeToken()).toBe(before);
    addPerson(PEOPLE + 1);
    const after = await reader.changeToken();
    expect(after).not.toBe(before);
    expect(await reader.changeToken()).toBe(after);
  });

  test('after close, reads reject', async () => {
    await reader.close();
    await expect(count()).rejects.toThrow(/not open/);
  });
});

test('statements are kept per SQL text up to the bound, the least recently used going first', async () => {
  const db = openConnection(path, { readonly: true });
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as DB['prepare'];
  const small = new SqliteReader(db, 3);
  try {
    prepared.length = 0; // the reader's own BEGIN, COMMIT and total_changes()
    const text = (n: number) => `SELECT ${n} + id FROM people WHERE id = ?`;
    for (const n of [1, 2, 3, 1, 4, 1, 2]) expect(await small.value(text(n), [1])).toBe(n + 1);
    // 1, 2, 3 prepared; 1 kept; 4 pushes out 2 (the least recently used); 1 kept; 2 prepared again.
    expect(prepared).toEqual([text(1), text(2), text(3), text(4), text(2)]);
    expect(small.cachedStatements).toBe(3);
    for (let n = 10; n < 20; n++) await small.value(text(n), [1]);
    expect(small.cachedStatements).toBe(3);
  } finally {
    await small.close();
  }
});

describe('snapshots', () => {
  test('reads inside one see the state of its first read, though the writer commits; reads after see the commit', async () => {
    const seen = await reader.snapshot(async (r) => {
      const first = await count(r);
      addPerson(PEOPLE + 1);
      const second = await count(r);
      const rows = (await r.pluck('SELECT id FROM people WHERE id > ?', [PEOPLE - 1])) as number[];
      return { first, second, rows };
    });
    expect(seen).toEqual({ first: PEOPLE, second: PEOPLE, rows: [PEOPLE] });
    expect(await count()).toBe(PEOPLE + 1);
  });

  test('a snapshot inside another joins it: the outer stays on its state until it ends', async () => {
    const seen = await reader.snapshot(async (outer) => {
      const before = await count(outer);
      addPerson(PEOPLE + 1);
      const inner = await outer.snapshot(async (r) => {
        addPerson(PEOPLE + 2);
        return count(r);
      });
      addPerson(PEOPLE + 3);
      return { before, inner, after: await count(outer) };
    });
    expect(seen).toEqual({ before: PEOPLE, inner: PEOPLE, after: PEOPLE });
    expect(await count()).toBe(PEOPLE + 3);
  });

  test('snapshots that overlap share one state, and the last to end ends it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = reader.snapshot(async (r) => {
      const n = await count(r);
      await gate;
      return [n, await count(r)];
    });
    addPerson(PEOPLE + 1);
    const second = reader.snapshot(async (r) => count(r));
    expect(await second).toBe(PEOPLE);
    release();
    expect(await first).toEqual([PEOPLE, PEOPLE]);
    expect(await count()).toBe(PEOPLE + 1);
  });

  test('an error inside one rejects with it and ends the snapshot', async () => {
    const failing = reader.snapshot(async (r) => {
      await count(r);
      addPerson(PEOPLE + 1);
      await r.all('SELECT nickname FROM people');
    });
    await expect(failing).rejects.toMatchObject({
      message: expect.stringMatching(/no such column: nickname/),
    });
    expect(await count()).toBe(PEOPLE + 1);
    addPerson(PEOPLE + 2);
    expect(await reader.snapshot((r) => count(r))).toBe(PEOPLE + 2);
  });

  test('a stream left unfinished inside one ends the snapshot when it is finished', async () => {
    const rows = await reader.snapshot(async (r) => {
      await count(r);
      const stream = r.stream('SELECT id FROM people ORDER BY id')[Symbol.asyncIterator]();
      await stream.next();
      return stream;
    });
    addPerson(PEOPLE + 1);
    // The connection is still on the snapshot's state while its stream is open.
    expect(await count()).toBe(PEOPLE);
    await rows.return!();
    expect(await count()).toBe(PEOPLE + 1);
  });

  test('inside a transaction the reader did not begin, the work just runs in it', async () => {
    const own = new SqliteReader(writer);
    writer.exec('BEGIN');
    addPerson(PEOPLE + 1);
    expect(await own.snapshot((r) => count(r))).toBe(PEOPLE + 1);
    expect(writer.inTransaction).toBe(true);
    writer.exec('ROLLBACK');
    expect(await count(own)).toBe(PEOPLE);
  });
});
