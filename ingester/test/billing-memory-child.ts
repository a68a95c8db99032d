/**
 * Child process of billing-memory.test.ts: syncs one enterprise's `ai_credit` export (one 31-day
 * window, from the test's small HTTP server) into a fresh database through the real runner, and prints
 * its peak RSS, so that each measurement starts from a fresh process.
 * Usage: node [--max-old-space-size=MB] --import tsx ingester/test/billing-memory-child.ts <api url> <enterprise> <database>
 */
import { StaticToken } from '../src/github/auth';
import { GitHubClient } from '../src/github/client';
import { silentLogger } from '../src/log';
import type { Scope } from '../src/scopes';
import { openDatabase } from '../src/store/db';
import { Store } from '../src/store/writer';
import { runSync } from '../src/sync/runner';
import { parseDay } from '../src/days';

/** The export's 31 days (the CSV the test serves has rows on each), synced as of 2026-10-01. */
const WINDOW = { from: parseDay('2026-08-01')!, to: parseDay('2026-08-31')! };
const NOW = new Date('2026-10-01T12:00:00Z');

async function main() {
  const [apiUrl, slug, database] = process.argv.slice(2);
  const client = new GitHubClient({ apiUrl, auth: new StaticToken('test'), logger: silentLogger });
  const enterprise: Scope = { kind: 'enterprise', slug };
  const db = openDatabase(database);
  const store = new Store(db);
  const summary = await runSync(
    { store, client, logger: silentLogger },
    {
      scopes: [enterprise],
      settings: {
        backfillDays: 365,
        refetchDays: 3,
        concurrency: 4,
        billing: { enabled: true, exportPollMs: 1, exportTimeoutMs: 60_000 },
      },
      kinds: ['billing-users'],
      ...WINDOW,
      trigger: 'test',
      now: NOW,
    },
  );
  if (summary.failed) throw new Error(summary.failures[0].error);
  const result = {
    records: summary.records,
    storedRows: db.prepare('SELECT count(*) FROM billing_user_day').pluck().get() as number,
  };
  db.close();
  await client.close();
  process.stdout.write(`${JSON.stringify({ ...result, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
