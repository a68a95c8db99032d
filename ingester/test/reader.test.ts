/**
 * The report reader splits decompressed text into lines itself (not with readline's per-line events):
 * its lines and line numbers must be readline's, whatever the line endings, and wherever a line, a
 * \r\n or a multi-byte character falls across the chunks the gunzip stream hands over.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { type ReadItem, readRecords } from '../src/reports/reader';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'reader-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What readline makes of the text, read the way the reader reads lines: skipping blanks, numbering all. */
async function readlineItems(text: string): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  let line = 0;
  for await (const content of createInterface({ input: Readable.from([text]), crlfDelay: Infinity })) {
    line++;
    if (content.trim().length === 0) continue;
    try {
      items.push({ line, record: JSON.parse(content) });
    } catch {
      items.push({ line, error: 'not valid JSON' });
    }
  }
  return items;
}

async function readerItems(text: string): Promise<ReadItem[]> {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.ndjson.gz`);
  writeFileSync(file, gzipSync(text));
  const items: ReadItem[] = [];
  for await (const item of readRecords(file, { allowDocument: false }))
    items.push('error' in item ? { line: item.line, error: 'not valid JSON' } : item);
  return items;
}

const record = (n: number, padding = 0) =>
  JSON.stringify({ n, login: `user-${n}-é€😀`, pad: 'x'.repeat(padding) });

test.each([
  ['\\n', '\n'],
  ['\\r\\n', '\r\n'],
  ['a lone \\r', '\r'],
])('lines ended by %s are read as readline reads them', async (_name, end) => {
  const text = [record(1), record(2), '', record(3), 'not json', record(4)].join(end) + end;
  const items = await readerItems(text);
  expect(items).toEqual(await readlineItems(text));
  expect(items.filter((item) => 'record' in item)).toHaveLength(4);
});

test('a last line without an end, blank lines and mixed endings keep their numbers', async () => {
  const text = `${record(1)}\r\n\n${record(2)}\r${record(3)}\n\r\n${record(4)}`;
  const items = await readerItems(text);
  expect(items).toEqual(await readlineItems(text));
  expect(items.map((item) => item.line)).toEqual([1, 3, 4, 6]);
});

test('lines longer than a chunk, and \\r\\n and characters split across chunks, come out whole', async () => {
  // Lines of 100 KB to 700 KB: the 256 KB chunks of decompressed text cut lines, endings and the
  // multi-byte characters of each record wherever they fall.
  const lines = Array.from({ length: 40 }, (_, n) => record(n, 100_000 + ((n * 37_813) % 600_000)));
  const text = lines.map((line, n) => line + (n % 3 === 0 ? '\r\n' : '\n')).join('');
  const items = await readerItems(text);
  expect(items).toEqual(await readlineItems(text));
  expect(items).toHaveLength(40);
  expect(items.every((item) => 'record' in item)).toBe(true);
});
