import type { Health } from '@copilot-metrics/contract';
import { formatDay } from '../days';
import type { DB } from '../store/db';

/** Liveness and readiness: the database answers, how old the last sync is, the latest day per scope. No user data. */
export function health(db: DB, now: Date): Health {
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
    return {
      status: 'unavailable',
      database: { ok: false, error: (error as Error).message },
      lastSync: null,
      scopes: [],
    };
  }
}
