/**
 * @copilot-metrics/ingester as a library: the pieces main.ts assembles (database, store, sync, HTTP app,
 * metrics, GitHub client), for the benchmarks to run them in their own processes without reaching into
 * src/. The image runs dist/main.js; nothing imports this in production.
 */
export { type WorkCalendar, parseWorkweek, workCalendar } from './calendar/workCalendar';
export { type DayNumber, dayToMs, formatDay, parseDay } from './days';
export { StaticToken } from './github/auth';
export { GitHubClient } from './github/client';
export { ARCHIVE_GZIP_LEVEL } from './github/reports';
export { type ApiOptions, createApp, keepConnections } from './http/app';
export { createMetrics } from './http/metrics';
export { type Logger, silentLogger } from './log';
export type { ReportKind } from './reports/types';
export type { Scope } from './scopes';
export { type DB, openDatabase } from './store/db';
export type { SqlReader } from './store/reader';
export { openSqliteReader } from './store/sqliteReader';
export { PostgresReader } from './store/postgres/reader';
export { PostgresStore } from './store/postgres/store';
export { Store } from './store/writer';
export { importReport } from './sync/importer';
export { type SyncSettings, type SyncSummary, runSync } from './sync/runner';
