import { hostname } from 'node:os';
import type { Store } from '../store/writer';

/**
 * How long a lease lasts without renewal. The holder renews it every minute between reports, so a
 * single report may take up to about four minutes to store without losing the lease.
 */
export const LEASE_MS = 5 * 60_000;
const RENEW_MS = 60_000;

export class SyncBusyError extends Error {
  constructor(holder: string, since: string) {
    super(
      `another sync is already running on this database (${holder}, since ${since}); wait for it to finish`,
    );
    this.name = 'SyncBusyError';
  }
}

export interface Lease {
  release(): void;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Databases this process holds the lease of (a lease with our own pid that is not here is from an earlier life). */
const heldHere = new WeakSet<object>();

/** A lease left by a dead process of this host, or by this pid in an earlier life (as in a restarted container). */
function isStale(held: { host: string; pid: number; expires_at: number }, now: number, db: object): boolean {
  if (held.expires_at <= now) return true;
  if (held.host !== hostname()) return false;
  return held.pid === process.pid ? !heldHere.has(db) : !processExists(held.pid);
}

/** Takes the database's sync lease or throws SyncBusyError. Call inside `store.exclusive`. */
export function acquireSyncLease(store: Store, now = () => Date.now()): Lease {
  const db = store.db;
  const host = hostname();
  db.transaction(() => {
    const held = db.prepare('SELECT host, pid, acquired_at, expires_at FROM sync_lock WHERE id = 1').get() as
      { host: string; pid: number; acquired_at: string; expires_at: number } | undefined;
    if (held && !isStale(held, now(), db))
      throw new SyncBusyError(`pid ${held.pid} on ${held.host}`, held.acquired_at);
    db.prepare(
      `INSERT INTO sync_lock (id, host, pid, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
    ).run(host, process.pid, new Date(now()).toISOString(), now() + LEASE_MS);
  }).immediate();
  heldHere.add(db);
  const renew = db.prepare('UPDATE sync_lock SET expires_at = ? WHERE id = 1 AND host = ? AND pid = ?');
  const timer = setInterval(() => {
    void store.exclusive(() => renew.run(now() + LEASE_MS, host, process.pid));
  }, RENEW_MS);
  timer.unref();
  return {
    release() {
      clearInterval(timer);
      heldHere.delete(db);
      db.prepare('DELETE FROM sync_lock WHERE id = 1 AND host = ? AND pid = ?').run(host, process.pid);
    },
  };
}
