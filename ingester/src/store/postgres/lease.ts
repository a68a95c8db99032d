/**
 * The sync lock on PostgreSQL: a session advisory lock (`ADVISORY_LOCKS.sync`) on the writer's
 * connection, held until released or until the session ends, so a sync that dies (a pod killed) frees
 * it at once, across pods. The holder is still written to sync_lock, as on SQLite, so `status` can say
 * who syncs; but whether the lock is free is the server's answer, not the row's: `keeps`, SQLite's
 * test of a stale lease, has nothing to decide here.
 */
import type { LeaseHolder } from '../interface';
import { ADVISORY_LOCKS } from './locks';
import type { WriterConnection } from './writerConnection';

export class PostgresSyncLock {
  private held = false;

  constructor(private readonly connection: WriterConnection) {}

  /** Takes the lock for `holder`; when another session (or this store already) holds it, returns the holder. */
  async take(holder: LeaseHolder): Promise<LeaseHolder | undefined> {
    if (!this.held) {
      const { rows } = await this.connection.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(?::bigint) AS locked',
        [ADVISORY_LOCKS.sync],
      );
      if (rows[0].locked) {
        this.held = true;
        await this.connection.query(
          `INSERT INTO sync_lock (id, host, pid, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
          [holder.host, holder.pid, holder.acquiredAt, holder.expiresAt],
        );
        return undefined;
      }
    }
    const { rows } = await this.connection.query<{
      host: string;
      pid: number;
      acquired_at: string;
      expires_at: number;
    }>('SELECT host, pid, acquired_at, expires_at FROM sync_lock WHERE id = 1');
    const row = rows[0];
    // The holder took the lock and has not written its row yet.
    if (!row) return { host: 'another session', pid: 0, acquiredAt: new Date().toISOString(), expiresAt: 0 };
    return { host: row.host, pid: row.pid, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
  }

  async renew(holder: LeaseHolder, expiresAt: number): Promise<void> {
    await this.connection.query('UPDATE sync_lock SET expires_at = ? WHERE id = 1 AND host = ? AND pid = ?', [
      expiresAt,
      holder.host,
      holder.pid,
    ]);
  }

  async release(holder: LeaseHolder): Promise<void> {
    if (!this.held) return;
    await this.connection.query('DELETE FROM sync_lock WHERE id = 1 AND host = ? AND pid = ?', [
      holder.host,
      holder.pid,
    ]);
    await this.connection.query('SELECT pg_advisory_unlock(?::bigint)', [ADVISORY_LOCKS.sync]);
    this.held = false;
  }
}
