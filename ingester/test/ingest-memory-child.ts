/**
 * Child process of ingest-memory.test.ts: imports one users-1-day file into a fresh database through
 * the real importer and prints its peak RSS, so that each measurement starts from a fresh process.
 * Usage: node --import tsx ingester/test/ingest-memory-child.ts <file.ndjson.gz> <database> <YYYY-MM-DD>
 *        node --import tsx ingester/test/ingest-memory-child.ts <file.ndjson.gz> --parse-only
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parseDay } from '../src/days';
import { openDatabase } from '../src/store/db';
import { Store } from '../src/store/writer';
import { importReport } from '../src/sync/importer';

/** The floor: gunzip, split and JSON.parse the same file, storing nothing. */
async function parseOnly(file: string): Promise<number> {
  let records = 0;
  for await (const line of createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  }))
    if (line.length > 0 && JSON.parse(line)) records++;
  return records;
}

async function main() {
  const [file, database, day] = process.argv.slice(2);
  if (database === '--parse-only') {
    const records = await parseOnly(file);
    process.stdout.write(`${JSON.stringify({ records, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
    return;
  }
  const db = openDatabase(database);
  const store = new Store(db);
  const scopeId = await store.scopeId({ kind: 'enterprise', slug: 'octodemo' });
  const outcome = await importReport(store, { scopeId, kind: 'users', day: parseDay(day)! }, [
    { path: file },
  ]);
  db.close();
  process.stdout.write(
    `${JSON.stringify({ records: outcome.records, malformedLines: outcome.malformedLines, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
