/**
 * 2 Backfill: wall time of syncing `days` of every report kind for the enterprise and its orgs through
 * the real sync code against the simulator over HTTP, then of the re-sync that follows (the trailing
 * re-fetch only). The database it builds is the one the query sections use.
 */
import { buildDatabase, type SyncTiming } from '../lib/database';
import type { SectionContext } from './context';

export interface BackfillResult {
  users: number;
  orgs: number;
  days: number;
  backfill: SyncTiming & { recordsPerSecond: number };
  resync: SyncTiming;
}

export async function backfill(ctx: SectionContext, users: number): Promise<BackfillResult> {
  const built = await buildDatabase(users, ctx.options.orgs, ctx.options.days, ctx.log, ctx.options.engine);
  return {
    users,
    orgs: built.orgs,
    days: built.days,
    backfill: {
      ...built.backfill,
      recordsPerSecond: Math.round(built.backfill.records / built.backfill.seconds),
    },
    resync: built.resync,
  };
}
