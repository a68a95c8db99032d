/**
 * The sync lease's row (sync_lock, migration 002): who holds it and until when. When a holder counts
 * as gone is sync's policy (sync/lock.ts); taking the lease from one is atomic here.
 */
import type { Statement } from 'better-sqlite3';
import type { DB } from './connection';
import type { LeaseHolder } from './interface';

export class SyncLease {
  private readonly select: Statement;
  private readonly upsert: Statement;
  private readonly extend: Statement;
  private readonly remove: Statement;

  constructor(private readonly db: DB) {
    this.select = db.prepare('SELECT host, pid, acquired_at, expires_at FROM sync_lock WHERE id = 1');
    this.upsert = db.prepare(
      `INSERT INTO sync_lock (id, host, pid, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
    );
    this.extend = db.prepare('UPDATE sync_lock SET expires_at = ? WHERE id = 1 AND host = ? AND pid = ?');
    this.remove = db.prepare('DELETE FROM sync_lock WHERE id = 1 AND host = ? AND pid = ?');
  }

  /** Takes the lease unless its current holder `keeps` it; then returns that holder. */
  take(holder: LeaseHolder, keeps: (current: LeaseHolder) => boolean): LeaseHolder | undefined {
    return this.db
      .transaction(() => {
        const row = this.select.get() as
          { host: string; pid: number; acquired_at: string; expires_at: number } | undefined;
        const current = row && {
          host: row.host,
          pid: row.pid,
          acquiredAt: row.acquired_at,
          expiresAt: row.expires_at,
        };
        if (current && keeps(current)) return current;
        this.upsert.run(holder.host, holder.pid, holder.acquiredAt, holder.expiresAt);
        return undefined;
      })
      .immediate();
  }

  renew(holder: LeaseHolder, expiresAt: number): void {
    this.extend.run(expiresAt, holder.host, holder.pid);
  }

  release(holder: LeaseHolder): void {
    this.remove.run(holder.host, holder.pid);
  }
}
