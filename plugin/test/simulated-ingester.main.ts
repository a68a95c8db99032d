/**
 * Child process started by simulated-ingester.ts: syncs the GitHub simulator into a temporary SQLite
 * file with the ingester's own sync, serves the real query API and /metrics on loopback, prints one
 * JSON line ({ url, now, scopes, identityUrl }) and runs until SIGTERM. A separate Node process, because
 * the ingester (better-sqlite3, undici) belongs in Node, not in the jsdom environment of the plugin tests.
 * With GRAFANA_URL (and GRAFANA_ROOT_URL, as the ingester reads them), `url` is ACCESS_POLICY=open
 * resolving `@me` from a valid ID token, and `identityUrl` the same database with ACCESS_POLICY=identity.
 * Its working days are the ingester's default week, Monday to Friday, less the days of HOLIDAYS
 * (comma-separated YYYY-MM-DD), as HOLIDAYS_FILE would give them.
 */
import {
  type ApiOptions,
  type DayNumber,
  type WorkCalendar,
  createMetrics,
  formatDay,
  openSqliteReader,
  parseDay,
  parseWorkweek,
  workCalendar,
} from '@copilot-metrics/ingester';
import {
  SYNC_SETTINGS,
  TEST_TODAY,
  day,
  simulatedScopes,
  startApi,
  startSimulator,
  syncDays,
  tempDatabase,
  testClient,
  testNow,
} from '@copilot-metrics/ingester/testing';

/** WORKWEEK=mon-fri (the ingester's default) less the given holidays, built by the ingester's own code. */
function mondayToFriday(holidayList: string | undefined): WorkCalendar {
  const holidays = new Map<DayNumber, string>();
  for (const text of (holidayList ?? '').split(',').filter(Boolean)) {
    const day = parseDay(text.trim());
    if (day === undefined) throw new Error(`HOLIDAYS: "${text}" is not a YYYY-MM-DD day`);
    holidays.set(day, `Test holiday ${formatDay(day)}`);
  }
  return workCalendar(parseWorkweek('mon-fri'), holidays);
}

async function main(): Promise<void> {
  const calendar = mondayToFriday(process.env.HOLIDAYS);
  // The simulator's "today" moves for the seats snapshots below; the reports are synced at TEST_TODAY.
  let simToday = TEST_TODAY;
  const sim = await startSimulator({
    users: Number(process.env.SIM_USERS ?? 80),
    orgs: 2,
    today: () => simToday,
  });
  const client = testClient(sim.url);
  const t = tempDatabase();
  const scopes = simulatedScopes(sim);
  const summary = await syncDays(t.store, client, {
    scopes,
    from: day(process.env.SYNC_FROM ?? '2026-06-01'),
    to: day(process.env.SYNC_TO ?? '2026-09-29'),
  });
  if (summary.failed) throw new Error(`${summary.failed} report days failed to sync`);
  // Seats are a snapshot of the sync's day: one a week for ten weeks, as a weekly sync would have taken them.
  for (let week = 9; week >= 0; week--) {
    simToday = TEST_TODAY - 7 * week;
    const seats = await syncDays(t.store, client, {
      scopes,
      kinds: ['seats'],
      now: new Date(simToday * 86_400_000 + 12 * 3_600_000),
    });
    if (seats.failed) throw new Error(`${seats.failed} seats snapshots failed to sync`);
  }
  simToday = TEST_TODAY;
  // AI-credit billing (off in the shared sync settings): usage by model, the enterprise's export per
  // person, budgets and cost centers, so the AI-credits dashboard has figures to show.
  const billing = await syncDays(t.store, client, {
    scopes,
    // Planned as the billing sync plans it (from 2026-06-01 to yesterday), and today's budgets snapshot.
    kinds: ['billing'],
    settings: { ...SYNC_SETTINGS, billing: { enabled: true, exportPollMs: 20, exportTimeoutMs: 60_000 } },
  });
  if (billing.failed)
    throw new Error(`${billing.failed} billing days failed to sync: ${billing.failures[0]?.error}`);
  const reader = openSqliteReader(t.path);
  const metrics = createMetrics(reader, { defaultMetrics: false, calendar });
  metrics.observeSync(summary, 'startup');
  const options: Partial<ApiOptions> = {
    scopes,
    backfillDays: SYNC_SETTINGS.backfillDays,
    refetchDays: SYNC_SETTINGS.refetchDays,
    apiToken: process.env.INGESTER_API_TOKEN || undefined,
    calendar,
    now: testNow,
  };
  const grafanaUrl = process.env.GRAFANA_URL || undefined;
  const access = (policy: 'open' | 'identity'): ApiOptions['access'] => ({
    policy,
    grafanaUrl,
    issuer: process.env.GRAFANA_ROOT_URL || grafanaUrl,
    orgId: 1,
    allRole: 'Admin',
    allLogins: new Set(),
  });
  const api = await startApi(t.path, {
    ...options,
    metrics: metrics.registry,
    ...(grafanaUrl ? { access: access('open') } : {}),
  });
  const identity = grafanaUrl
    ? await startApi(t.path, { ...options, access: access('identity') })
    : undefined;
  process.stdout.write(
    `${JSON.stringify({ url: api.url, identityUrl: identity?.url, now: testNow().toISOString(), scopes: scopes.map((s) => `${s.kind}:${s.slug}`) })}\n`,
  );
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await identity?.close();
  await api.close();
  await reader.close();
  t.close();
  await client.close();
  await sim.stop();
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
