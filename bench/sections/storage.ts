/**
 * 4 Storage: database bytes per user-day against the NDJSON bytes GitHub sent for the same reports,
 * with the raw archive (gzip copies of every download) counted separately. Read from a built database.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ensureDatabase } from '../lib/database';
import { MB, round } from '../lib/stats';
import type { SectionContext } from './context';

export interface StorageResult {
  users: number;
  days: number;
  /** User rows stored, summed over every scope's users reports (a user in an org counts in both). */
  userDays: number;
  ndjsonMB: number;
  ndjsonBytesPerUserDay: number;
  /** Figures, rollups, active sets, dictionaries and bookkeeping: everything but the archive. */
  databaseMB: number;
  databaseBytesPerUserDay: number;
  archiveMB: number;
  archiveBytesPerUserDay: number;
  fileMB: number;
  freeMB: number;
  /** database ÷ NDJSON. */
  ratio: number;
  /** The largest tables with their indexes, in MB. */
  largest: { name: string; mb: number }[];
}

export async function storage(ctx: SectionContext, users: number): Promise<StorageResult> {
  const built = await ensureDatabase(users, ctx.options.orgs, ctx.options.days, ctx.log);
  const db = new Database(built.path, { readonly: true, fileMustExist: true });
  try {
    const one = <T>(sql: string) => db.prepare(sql).get() as T;
    const { userDays } = one<{ userDays: number }>(
      "SELECT sum(records) AS userDays FROM reports WHERE kind = 'users' AND status = 'ok'",
    );
    const { ndjson } = one<{ ndjson: number }>(
      "SELECT sum(bytes) AS ndjson FROM reports WHERE status = 'ok'",
    );
    const objects = db
      .prepare(
        `SELECT coalesce(m.tbl_name, s.name) AS owner, sum(s.pgsize) AS bytes
         FROM dbstat s LEFT JOIN sqlite_schema m ON m.name = s.name GROUP BY owner ORDER BY bytes DESC`,
      )
      .all() as { owner: string; bytes: number }[];
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const free = (db.pragma('freelist_count', { simple: true }) as number) * pageSize;
    const archive = objects.find((o) => o.owner === 'raw_chunks')?.bytes ?? 0;
    const database = objects.reduce((sum, o) => sum + o.bytes, 0) - archive;
    const result: StorageResult = {
      users,
      days: built.days,
      userDays,
      ndjsonMB: round(ndjson / MB),
      ndjsonBytesPerUserDay: Math.round(ndjson / userDays),
      databaseMB: round(database / MB),
      databaseBytesPerUserDay: Math.round(database / userDays),
      archiveMB: round(archive / MB),
      archiveBytesPerUserDay: Math.round(archive / userDays),
      fileMB: round(statSync(built.path).size / MB),
      freeMB: round(free / MB),
      ratio: round(database / ndjson, 3),
      largest: objects
        .filter((o) => o.owner !== 'raw_chunks')
        .slice(0, 8)
        .map((o) => ({ name: o.owner, mb: round(o.bytes / MB) })),
    };
    ctx.log(
      `${userDays} user-days: NDJSON ${result.ndjsonBytesPerUserDay} B, database ${result.databaseBytesPerUserDay} B (${Math.round(result.ratio * 100)}%), archive ${result.archiveBytesPerUserDay} B per user-day`,
    );
    return result;
  } finally {
    db.close();
  }
}
