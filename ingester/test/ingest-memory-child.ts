/**
 * Child process of ingest-memory.test.ts: imports one users-1-day file into a fresh database through
 * the real importer and prints its peak RSS, so that each measurement starts from a fresh process.
 * Usage: node --import tsx ingester/test/ingest-memory-child.ts <file.ndjson.gz> <database> <YYYY-MM-DD>
 */
import { parseDay } from '../src/days';
import { openDatabase } from '../src/store/db';
import { Store } from '../src/store/writer';
import { importReport } from '../src/sync/importer';

async function main() {
  const [file, database, day] = process.argv.slice(2);
  const db = openDatabase(database);
  const store = new Store(db);
  const scopeId = store.scopeId({ kind: 'enterprise', slug: 'octodemo' });
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
