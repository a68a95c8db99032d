import { hostname } from 'node:os';
import type { LeaseHolder, SyncStore } from '../store/interface';

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
  release(): Promise<void>;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stores this process holds the lease through (a lease with our own pid that is not here is from an earlier life). */
const heldHere = new WeakSet<SyncStore>();

/** A lease left by a dead process of this host, or by this pid in an earlier life (as in a restarted container). */
function isStale(held: LeaseHolder, now: number, store: SyncStore): boolean {
  if (held.expiresAt <= now) return true;
  if (held.host !== hostname()) return false;
  return held.pid === process.pid ? !heldHere.has(store) : !processExists(held.pid);
}

/** Whether a lease seen from another process (a `restore`) is held by a sync that is still running. */
export function leaseIsLive(held: LeaseHolder, now = Date.now()): boolean {
  if (held.expiresAt <= now) return false;
  if (held.host !== hostname()) return true;
  return held.pid !== process.pid && processExists(held.pid);
}

/** Takes the database's sync lease or throws SyncBusyError. Call inside `store.exclusive`. */
export async function acquireSyncLease(store: SyncStore, now = () => Date.now()): Promise<Lease> {
  const holder: LeaseHolder = {
    host: hostname(),
    pid: process.pid,
    acquiredAt: new Date(now()).toISOString(),
    expiresAt: now() + LEASE_MS,
  };
  const busy = await store.takeLease(holder, (current) => !isStale(current, now(), store));
  if (busy) throw new SyncBusyError(`pid ${busy.pid} on ${busy.host}`, busy.acquiredAt);
  heldHere.add(store);
  const timer = setInterval(() => {
    void store.exclusive(() => store.renewLease(holder, now() + LEASE_MS));
  }, RENEW_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      heldHere.delete(store);
      await store.releaseLease(holder);
    },
  };
}
