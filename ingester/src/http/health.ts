import type { Health, Readiness } from '@copilot-metrics/contract';
import { formatDay } from '../days';
import type { DB } from '../store/db';
import type { DatabaseProbe } from '../store/probe';

/**
 * Liveness: the database answers, how old the last sync is, the latest day per scope. No user data.
 * `probe` also checks that the database is still there (the file not deleted or replaced).
 */
export function health(db: DB, now: Date, probe?: DatabaseProbe): Health {
  const state = probe?.check();
  if (state && !state.ok) return unavailable(state.error);
  try {
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const run = db
      .prepare("SELECT status, finished_at FROM sync_runs WHERE status != 'running' ORDER BY id DESC LIMIT 1")
      .get() as { status: string; finished_at: string | null } | undefined;
    const scopes = db
      .prepare(
        `SELECT s.kind || ':' || s.slug AS scope, (SELECT max(day) FROM reports r WHERE r.scope_id = s.id AND r.kind = 'aggregate' AND r.status = 'ok') AS latest
         FROM scopes s ORDER BY scope`,
      )
      .all() as { scope: string; latest: number | null }[];
    const ageSeconds = run?.finished_at
      ? Math.round((now.getTime() - Date.parse(run.finished_at)) / 1000)
      : null;
    return {
      status: run && run.status !== 'ok' ? 'degraded' : 'ok',
      database: { ok: true, schemaVersion },
      lastSync: run ? { status: run.status, finishedAt: run.finished_at, ageSeconds } : null,
      scopes: scopes.map((s) => ({
        scope: s.scope,
        latestDay: s.latest === null ? null : formatDay(s.latest),
      })),
    };
  } catch (error) {
    return unavailable((error as Error).message);
  }
}

function unavailable(error: string): Health {
  return { status: 'unavailable', database: { ok: false, error }, lastSync: null, scopes: [] };
}

/** Readiness: the database answers and its schema is the one this code knows (no migration pending). */
export function readiness(probe: DatabaseProbe): Readiness {
  const state = probe.check();
  if (!state.ok) return { ready: false, reason: state.error, database: state };
  if (state.schemaVersion !== state.latestVersion)
    return {
      ready: false,
      reason: `the database schema is version ${state.schemaVersion}, this code needs ${state.latestVersion}: a migration is pending (the first process to open the database for writing runs it)`,
      database: state,
    };
  return { ready: true, database: state };
}
