import type { Health, Readiness } from '@copilot-metrics/contract';
import { formatDay } from '../days';
import type { DatabaseProbe } from '../store/probe';
import type { SqlReader } from '../store/reader';

/**
 * Liveness: the database answers, how old the last sync is, the latest day per scope. No user data.
 * `probe` also checks that the database is still there (the file not deleted or replaced).
 */
export async function health(reader: SqlReader, now: Date, probe?: DatabaseProbe): Promise<Health> {
  const state = await probe?.check();
  if (state && !state.ok) return unavailable(state.error);
  try {
    const schemaVersion = await reader.schemaVersion();
    const run = await reader.first<{ status: string; finished_at: string | null }>(
      "SELECT status, finished_at FROM sync_runs WHERE status != 'running' ORDER BY id DESC LIMIT 1",
    );
    const scopes = await reader.all<{ scope: string; latest: number | null }>(
      `SELECT s.kind || ':' || s.slug AS scope, (SELECT max(day) FROM reports r WHERE r.scope_id = s.id AND r.kind = 'aggregate' AND r.status = 'ok') AS latest
         FROM scopes s ORDER BY scope`,
    );
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
export async function readiness(probe: DatabaseProbe): Promise<Readiness> {
  const state = await probe.check();
  if (!state.ok) return { ready: false, reason: state.error, database: state };
  if (state.schemaVersion !== state.latestVersion)
    return {
      ready: false,
      reason: `the database schema is version ${state.schemaVersion}, this code needs ${state.latestVersion}: a migration is pending (the first process to open the database for writing runs it)`,
      database: state,
    };
  return { ready: true, database: state };
}
