/**
 * CLI entry: `npm run ingester -- <serve|sync|status|reprocess|backup|restore|copy|simulate> [options]`.
 * Parses the command, builds config, calls one module.
 */
// First, before any other module loads: SIGTERM and SIGINT are ours from here on (see shutdown.ts).
import { shutdown } from './shutdown';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config';
import { PrivacyModeError, enforcePrivacyMode } from './store/privacyMode';
import { type DayNumber, dayOf, formatDay, parseDay } from './days';
import { createApp, keepConnections } from './http/app';
import { createMetrics } from './http/metrics';
import { createLogger, type Logger } from './log';
import { SYNC_KINDS, isSyncKind } from './reports/types';
import { type SyncRuntime, createSyncRuntime } from './runtime';
import { pseudonymousRowLogin } from './http/viewerRows';
import { SLUG_PATTERN, type Scope } from './scopes';
import { FAULT_HELP, parseFaults } from './simulator/faults';
import { SimulatorServer } from './simulator/server';
import { coverage } from './store/coverage';
import { openDatabase, openDatabaseWaiting } from './store/db';
import { ReaderProbe, SqliteProbe } from './store/probe';
import type { SqlReader } from './store/reader';
import { PostgresReader } from './store/postgres/reader';
import { PostgresStore } from './store/postgres/store';
import { openSqliteReader } from './store/sqliteReader';
import { createProgress } from './sync/progress';
import { reprocess } from './sync/reprocess';
import { runSync } from './sync/runner';
import { SyncService } from './sync/scheduler';
import { SyncBusyError, leaseIsLive } from './sync/lock';
import { BackupError, backupDatabase, restoreDatabase } from './store/backup';
import { CopyError, copyToPostgres, redactUrl } from './store/postgres/copy';

const USAGE = `Usage: npm run ingester -- <command> [options]

Commands:
  serve                       answer the API, and sync on SYNC_SCHEDULE (and once now) unless
                              SYNC_MODE=disabled (API replicas); demo data when no token is set
  sync [--enterprise SLUG]... [--org LOGIN]... [--from YYYY-MM-DD] [--to YYYY-MM-DD]
       [--report aggregate|users|user-teams|repos|seats|billing|billing-users|billing-snapshot]...
       [--force]              fetch missing, failed and recent days, and today's seats;
                              \`billing\` is all AI-credit billing (BILLING=on); exits 1 if any day failed
  status [--json]             coverage per scope and report, gaps, failures, unknown keys
  reprocess [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                              rebuild every figure from the raw archive with the current mapping
  backup FILE [--force]       copy the database at DATABASE_PATH to FILE, consistent even while
                              serve runs and syncs; --force replaces an existing FILE
  restore FILE                put a backup back at DATABASE_PATH (checked first; refused while
                              a sync runs or another process has the database open)
  copy --to postgres://…      copy the database at DATABASE_PATH, every table as stored, into an
                              empty PostgreSQL database (one snapshot; all or nothing)
  simulate [--port N] [--host H] [--seed N] [--users N] [--orgs N] [--faults LIST] [--billing-token T]
                              run the GitHub simulator (faults: ${Object.keys(FAULT_HELP).join(', ')});
                              with --billing-token, only T may read enterprise billing (manage_billing:enterprise)

Configuration comes from environment variables; see README.md and .env.example.`;

class UsageError extends Error {}

function day(option: string, value: string | undefined): DayNumber | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDay(value);
  if (parsed === undefined) throw new UsageError(`${option} must be a date as YYYY-MM-DD (got "${value}")`);
  return parsed;
}

function integer(option: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${option} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'simulate':
      return simulate(rest);
    case 'serve':
    case 'sync':
    case 'status':
    case 'reprocess':
    case 'backup':
    case 'restore':
    case 'copy':
      break;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  shutdown.bound(config.shutdownTimeoutMs, (reason) =>
    logger.error({ reason }, 'shutdown did not finish in time (SHUTDOWN_TIMEOUT_SECONDS): exiting now'),
  );
  if (command === 'serve') return serve(config, logger);
  if (command === 'backup') return backupCommand(config, rest);
  if (command === 'restore') return restoreCommand(config, rest);
  if (command === 'copy') return copyCommand(config, rest);
  if (command === 'sync') return sync(config, logger, rest);
  if (command === 'status') return status(config, logger, rest);
  return reprocessCommand(config, logger, rest);
}

/** How long requests in flight at shutdown may take to answer before their connections are closed. */
const REQUEST_GRACE_MS = 2000;

/**
 * The API, and with SYNC_MODE=integrated the scheduled sync. A signal at any moment ends it: during
 * start-up at the next step, later by closing the listener (requests in flight finish), stopping a
 * running sync after the reports being stored, then closing the database. Exits 0.
 */
async function serve(config: ReturnType<typeof loadConfig>, logger: Logger): Promise<number> {
  const integrated = config.syncMode === 'integrated';
  const cleanup: (() => Promise<void> | void)[] = [];
  try {
    let runtime: SyncRuntime | undefined;
    const postgres = config.databaseUrl;
    if (integrated) {
      runtime = await createSyncRuntime(config, logger, { signal: shutdown.signal });
      cleanup.push(() => runtime!.close());
    } else if (postgres) {
      // A replica migrates (under the advisory lock, once) and checks the privacy mode, never writing.
      const store = await PostgresStore.open(postgres, {
        privacy: config.privacy,
        recordPrivacy: false,
        onMigrated: (from, to) => logger.info({ from, to }, 'database schema migrated'),
      });
      await store.close();
    } else {
      // A replica migrates (under the lock, once) and checks the privacy mode, but never writes figures.
      const writer = await openDatabaseWaiting(config.databasePath, {
        signal: shutdown.signal,
        onMigrated: (from, to) => logger.info({ from, to }, 'database schema migrated'),
      });
      try {
        enforcePrivacyMode(writer, config.privacy, config.databasePath, { write: false });
      } finally {
        writer.close();
      }
    }
    if (await shutdown.stopping()) return 0;
    const reader: SqlReader = postgres
      ? new PostgresReader({ url: postgres })
      : openSqliteReader(config.databasePath);
    cleanup.push(() => reader.close());
    const metrics = createMetrics(reader, { logger, privacy: config.privacy, calendar: config.calendar });
    const service =
      runtime &&
      new SyncService(
        {
          store: runtime.store,
          client: runtime.client,
          logger,
          progress: createProgress(logger, { tty: false }),
        },
        { scopes: runtime.scopes, settings: { ...config.sync, billing: config.billing } },
        logger,
        { onFinished: metrics.observeSync, onError: metrics.observeSyncError },
      );
    const scopes = runtime?.scopes ?? (config.demo ? [] : config.scopes);
    const app = createApp({
      reader,
      logger,
      scopes,
      backfillDays: config.sync.backfillDays,
      refetchDays: config.sync.refetchDays,
      apiToken: config.http.apiToken,
      adminToken: config.http.adminToken,
      sync: service,
      database: postgres ? new ReaderProbe(reader) : new SqliteProbe(reader, config.databasePath),
      metrics: metrics.registry,
      privacy: config.privacy,
      calendar: config.calendar,
      access: config.access,
      ...(config.privacy.mode === 'pseudonymous' && runtime
        ? { rowLoginOf: pseudonymousRowLogin(runtime.client, config.privacy.key!, runtime.scopes[0]?.slug) }
        : {}),
    });
    const server = keepConnections(app.listen(config.http.port, config.http.host));
    const closed = once(server, 'close');
    let closing = false;
    cleanup.push(async () => {
      if (!server.listening && !closing) return; // never listened
      // Requests in flight get a moment to answer before their connections are cut.
      server.close();
      await Promise.race([closed, sleep(REQUEST_GRACE_MS, undefined, { ref: false })]);
      server.closeAllConnections();
      await closed;
    });
    await Promise.race([once(server, 'listening'), shutdown.wait()]);
    if (await shutdown.stopping()) return 0;
    logger.info(
      {
        port: (server.address() as AddressInfo).port,
        syncMode: config.syncMode,
        auth: config.http.apiToken ? 'bearer token' : 'open',
        workingDays: config.calendar.summary,
        access: config.access.policy,
        ...(config.ignoredTimedHolidayEvents
          ? {
              holidaysIgnored: `${config.ignoredTimedHolidayEvents} timed events of HOLIDAYS_FILE are not all-day: no day off`,
            }
          : {}),
      },
      'API listening',
    );
    service?.start(config.sync.schedule);
    const signal = await shutdown.wait();
    logger.info(
      { signal },
      service?.isRunning
        ? 'shutting down: the running sync stops after the reports being stored'
        : 'shutting down',
    );
    // No new connections; idle keep-alive ones close now, requests in flight get to answer.
    closing = true;
    server.close();
    server.closeIdleConnections();
    await service?.stop({ interrupt: true });
    return 0;
  } catch (error) {
    if (shutdown.requested && (error as Error).name === 'AbortError') return 0;
    throw error;
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

async function sync(config: ReturnType<typeof loadConfig>, logger: Logger, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      enterprise: { type: 'string', multiple: true },
      org: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      report: { type: 'string', multiple: true },
      force: { type: 'boolean' },
    },
  });
  const from = day('--from', values.from);
  const to = day('--to', values.to);
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError('--from must not be after --to');
  for (const slug of [...(values.enterprise ?? []), ...(values.org ?? [])]) {
    if (!SLUG_PATTERN.test(slug)) throw new UsageError(`"${slug}" is not a GitHub slug or login`);
  }
  const kinds = values.report?.map((kind) => {
    if (!isSyncKind(kind))
      throw new UsageError(`--report must be one of ${SYNC_KINDS.join(', ')} (got "${kind}")`);
    return kind;
  });
  let runtime: SyncRuntime;
  try {
    runtime = await createSyncRuntime(config, logger, { signal: shutdown.signal });
  } catch (error) {
    if (shutdown.requested && (error as Error).name === 'AbortError') return shutdown.exitCode();
    throw error;
  }
  if (await shutdown.stopping()) {
    await runtime.close();
    return shutdown.exitCode();
  }
  try {
    const requested: Scope[] = [
      ...(values.enterprise ?? []).map((slug) => ({ kind: 'enterprise' as const, slug })),
      ...(values.org ?? []).map((slug) => ({ kind: 'organization' as const, slug })),
    ];
    const summary = await runSync(
      {
        store: runtime.store,
        client: runtime.client,
        logger,
        progress: createProgress(logger, { tty: Boolean(process.stderr.isTTY) }),
        signal: shutdown.signal,
      },
      {
        scopes: requested.length ? requested : runtime.scopes,
        settings: { ...config.sync, billing: config.billing },
        trigger: 'cli',
        from,
        to,
        kinds,
        force: values.force,
      },
    );
    const outcome = summary.interrupted
      ? `interrupted (${shutdown.requested}; the reports not stored are fetched by the next sync)`
      : summary.failed
        ? 'finished with failures'
        : 'ok';
    const lines = [
      `sync ${outcome}: ${summary.planned} report(s) planned, ${summary.ok} stored, ${summary.noData} without data${summary.noData ? ' (GitHub answered 204: no report for that day)' : ''}, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}; ${summary.records} records in ${(summary.durationMs / 1000).toFixed(1)} s`,
      ...(summary.malformedLines
        ? [`${summary.malformedLines} malformed line(s) skipped and reported (see status)`]
        : []),
      ...(summary.unknownKeys.length
        ? [`unknown keys kept in the raw archive: ${summary.unknownKeys.join(', ')}`]
        : []),
      ...summary.failures.slice(0, 20).map((f) => `FAILED ${f.scope} ${f.report} ${f.day}: ${f.error}`),
      ...(summary.failures.length > 20 ? [`... and ${summary.failures.length - 20} more failures`] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (summary.interrupted) return shutdown.exitCode();
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

async function status(
  config: ReturnType<typeof loadConfig>,
  logger: Logger,
  args: string[],
): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const runtime = await createSyncRuntime(
    {
      ...config,
      github: {
        ...config.github,
        auth: config.demo ? { type: 'token', token: 'unused' } : config.github.auth,
      },
    },
    logger,
  );
  const reader = runtime.reader();
  try {
    const report = await coverage(reader, {
      scopes: config.demo ? [] : config.scopes,
      today: dayOf(new Date()),
      backfillDays: config.sync.backfillDays,
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const out: string[] = [];
    for (const scope of report.scopes) {
      out.push(`${scope.scope} (expected ${scope.expected.from} .. ${scope.expected.to})`);
      for (const r of scope.reports) {
        const gapDays = r.gaps.reduce((sum, g) => sum + g.days, 0);
        out.push(
          `  ${r.report.padEnd(16)} ${r.firstDay ?? '-'} .. ${r.lastDay ?? '-'}  ok ${r.okDays}, no data ${r.noDataDays}, failed ${r.failed.length}, missing ${gapDays}, records ${r.records}${r.malformedLines ? `, malformed lines ${r.malformedLines}` : ''}`,
        );
        for (const f of r.failed.slice(0, 5))
          out.push(`      failed ${f.day} (${f.attempts} attempts): ${f.error}`);
      }
    }
    if (report.unknownKeys.length) {
      out.push('unknown keys (kept in the raw archive):');
      for (const k of report.unknownKeys)
        out.push(`  ${k.report}: ${k.path} (${k.firstDay} .. ${k.lastDay})`);
    }
    if (report.lastRun)
      out.push(
        `last sync: #${report.lastRun.id} ${report.lastRun.status}, started ${report.lastRun.startedAt} (${report.lastRun.trigger})`,
      );
    process.stdout.write(`${out.join('\n') || 'no data yet: run `npm run ingester -- sync`'}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

/** A reader of the database a runtime writes: its SQLite connection, or a small PostgreSQL pool. */
async function reprocessCommand(
  config: ReturnType<typeof loadConfig>,
  logger: Logger,
  args: string[],
): Promise<number> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' } } });
  const runtime = await createSyncRuntime(
    { ...config, github: { ...config.github, auth: { type: 'token', token: 'unused' } } },
    logger,
  );
  const reader = runtime.reader();
  try {
    const total = Number(await reader.value("SELECT count(*) AS n FROM reports WHERE status = 'ok'"));
    const progress = createProgress(logger, { tty: Boolean(process.stderr.isTTY) });
    progress.start(total);
    const summary = await reprocess(runtime.store, {
      from: day('--from', values.from),
      to: day('--to', values.to),
      onReport: (records) => progress.advance(records),
    });
    progress.stop();
    process.stdout.write(
      `reprocessed ${summary.reports} report(s), ${summary.records} records${summary.malformedLines ? `, ${summary.malformedLines} malformed lines` : ''}\n`,
    );
    if (summary.unknownKeys.length)
      process.stdout.write(`still unknown: ${summary.unknownKeys.join(', ')}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

/** backup and restore are SQLite's: a PostgreSQL database is backed up with its own tools. */
function sqliteOnly(config: ReturnType<typeof loadConfig>, command: string): void {
  if (config.databaseUrl)
    throw new UsageError(
      `${command} copies the SQLite database at DATABASE_PATH; with DATABASE_URL (PostgreSQL) use pg_dump and pg_restore (README: "Moving to PostgreSQL, and its backups"), or unset DATABASE_URL`,
    );
}

async function backupCommand(config: ReturnType<typeof loadConfig>, args: string[]): Promise<number> {
  sqliteOnly(config, 'backup');
  const { values, positionals } = parseArgs({
    args,
    options: { force: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('backup needs one FILE to write the copy to');
  const [file] = positionals;
  let shown = -1;
  const result = await backupDatabase(config.databasePath, file, {
    force: values.force,
    signal: shutdown.signal,
    onProgress: (copied, total) => {
      const percent = total ? Math.floor((copied / total) * 100) : 100;
      if (percent >= shown + 10 || (percent === 100 && shown !== 100)) {
        shown = percent;
        process.stderr.write(`backup: ${percent}% (${copied} of ${total} pages)\n`);
      }
    },
  });
  process.stdout.write(
    `backup ok: ${config.databasePath} copied to ${file} (${(result.bytes / 1e6).toFixed(1)} MB${result.restarts ? `; restarted ${result.restarts} time(s) by writes, then copied in one step` : ''})\n`,
  );
  return 0;
}

async function restoreCommand(config: ReturnType<typeof loadConfig>, args: string[]): Promise<number> {
  sqliteOnly(config, 'restore');
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('restore needs the backup FILE to put back');
  const [file] = positionals;
  const result = restoreDatabase(file, config.databasePath, { liveLease: (holder) => leaseIsLive(holder) });
  process.stdout.write(
    `restore ok: ${file} is now ${config.databasePath} (schema version ${result.schemaVersion}, ${(result.bytes / 1e6).toFixed(1)} MB${result.replaced ? ', the previous file replaced' : ''}); start serve or sync again\n`,
  );
  return 0;
}

async function copyCommand(config: ReturnType<typeof loadConfig>, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { to: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.to || positionals.length)
    throw new UsageError('copy needs --to postgres://USER:PASSWORD@HOST:PORT/DATABASE, an empty database');
  const db = openDatabase(config.databasePath);
  try {
    const result = await copyToPostgres(db, values.to, {
      signal: shutdown.signal,
      onProgress: (table, rows, total) => {
        if (rows === total) process.stderr.write(`copy: ${table}: ${rows.toLocaleString('en')} rows\n`);
      },
    });
    const rows = result.tables.reduce((sum, t) => sum + t.rows, 0);
    process.stdout.write(
      `copy ok: ${config.databasePath} (schema version ${result.schemaVersion}) copied into ${redactUrl(values.to)}: ${result.tables.length} tables, ${rows.toLocaleString('en')} rows\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}

async function simulate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      users: { type: 'string' },
      orgs: { type: 'string' },
      faults: { type: 'string' },
      'billing-token': { type: 'string' },
    },
  });
  const billingToken = values['billing-token'];
  const simulator = new SimulatorServer({
    port: integer('--port', values.port, 0, 65535) ?? 9100,
    host: values.host ?? '127.0.0.1',
    seed: integer('--seed', values.seed, 0, 2 ** 31 - 1),
    users: integer('--users', values.users, 1, 1_000_000),
    orgs: integer('--orgs', values.orgs, 1, 100),
    faults: parseFaults(values.faults),
    billingTokens: billingToken ? [billingToken] : undefined,
  });
  const url = await simulator.start();
  const { enterprise, orgs } = simulator.scopes;
  process.stdout.write(
    [
      `GitHub simulator listening on ${url}`,
      `  enterprise: ${enterprise}`,
      `  orgs:       ${orgs.join(', ')}`,
      `  users:      ${simulator.population.userCount}, latest day ${formatDay(simulator.today() - 2)}`,
      `  faults:     ${[...simulator.faults].join(', ') || 'none'}`,
      `Try: GITHUB_API_URL=${url} GITHUB_TOKEN=test COPILOT_ORGS=${orgs[0]} npm run ingester -- sync --from ${formatDay(simulator.today() - 9)}`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await simulator.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    if (shutdown.requested) {
      // Interrupted (the abort's reason, or what closing under it caused): not a failure to explain.
      process.stderr.write(`${process.argv[2]}: ${shutdown.signal.reason.message} (${error.message})\n`);
      process.exitCode = process.argv[2] === 'serve' ? 0 : shutdown.exitCode();
      return;
    }
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (
      error instanceof PrivacyModeError ||
      error instanceof SyncBusyError ||
      error instanceof BackupError ||
      error instanceof CopyError
    )
      process.stderr.write(`error: ${error.message}\n`);
    else if (
      error instanceof UsageError ||
      (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')
    )
      process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
    else process.stderr.write(`error: ${error.stack ?? error.message}\n`);
    process.exitCode = 2;
  },
);
