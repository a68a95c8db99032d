/**
 * The sync lease's row (sync_lock, migration 002): who holds it and until when. When a holder counts
 * as gone is sync's policy (sync/lock.ts); taking the lease from one is atomic here.
 */
import type { Statement } from 'better-sqlite3';
import type { DB } from './connection';
import type { LeaseHolder } from './interface';

export class SyncLease {
  private readonly holder: Statement;
  private readonly take: Statement;
  private readonly renew: Statement;
  private readonly release: Statement;

  constructor(private readonly db: DB) {
    this.holder = db.prepare('SELECT host, pid, acquired_at, expires_at FROM sync_lock WHERE id = 1');
    this.take = db.prepare(
      `INSERT INTO sync_lock (id, host, pid, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
    );
    this.renew = db.prepare('UPDATE sync_lock SET expires_at = ? WHERE id = 1 AND host = ? AND pid = ?');
    this.release = db.prepare('DELETE FROM sync_lock WHERE id = 1 AND host = ? AND pid = ?');
  }

  /** Takes the lease unless its current holder `keeps` it; then returns that holder. */
  takeFor(holder: LeaseHolder, keeps: (current: LeaseHolder) => boolean): LeaseHolder | undefined {
    return this.db
      .transaction(() => {
        const row = this.holder.get() as
          { host: string; pid: number; acquired_at: string; expires_at: number } | undefined;
        const current = row && {
          host: row.host,
          pid: row.pid,
          acquiredAt: row.acquired_at,
          expiresAt: row.expires_at,
        };
        if (current && keeps(current)) return current;
        this.take.run(holder.host, holder.pid, holder.acquiredAt, holder.expiresAt);
        return undefined;
      })
      .immediate();
  }

  renewFor(holder: LeaseHolder, expiresAt: number): void {
    this.renew.run(expiresAt, holder.host, holder.pid);
  }

  releaseFor(holder: LeaseHolder): void {
    this.release.run(holder.host, holder.pid);
  }
}
