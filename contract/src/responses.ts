/**
 * What the ingester's HTTP API answers, route by route. The catalog's answer is in catalog/wire.ts,
 * next to the function that builds it. Days are `YYYY-MM-DD` (UTC), instants ISO 8601 or epoch ms.
 */
import type { SyncKind } from './reports';

/** Any refused or failed request: the reason, in words a user can act on. */
export interface ErrorResponse {
  error: string;
}

//#region POST /api/v1/query

/** A message on a frame (`meta.notices`), which Grafana shows on the panel. */
export interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

export interface FieldJSON {
  name: string;
  type: 'time' | 'number' | 'string';
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
}

/** A data frame in the DataFrameJSON shape that `dataFrameFromJSON` (@grafana/data) reads: columnar values. */
export interface FrameJSON {
  schema: {
    refId: string;
    name?: string;
    meta?: Record<string, unknown>;
    fields: FieldJSON[];
  };
  data: { values: unknown[][] };
}

/** One query's answer: its frames, or why it was refused (the other queries still run). */
export type QueryResult<Frame = FrameJSON> = { frames: Frame[] } | { error: string; status: number };

/**
 * The answer, by refId. `Frame` lets a client read the frames as its own type (the plugin reads
 * @grafana/data's DataFrameJSON, the same JSON).
 */
export interface QueryResponse<Frame = FrameJSON> {
  results: Record<string, QueryResult<Frame>>;
}

//#endregion

//#region GET /api/v1/dimensions/{dimension}/values

export interface DimensionValue {
  value: string;
  /** What a picker shows: the name of an agent app, the login of a user, ... */
  label: string;
}

export interface DimensionValuesResponse {
  values: DimensionValue[];
}

//#endregion

//#region GET /api/v1/annotations

/**
 * The kinds of day the ingester marks, each the second tag of its annotations: days without final
 * figures, and the holidays of HOLIDAYS_FILE (left out of working-day figures).
 */
export const ANNOTATION_KINDS = ['sync-failed', 'gap', 'no-data', 'provisional', 'holiday'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** A span of days the store has no final figures for, in Grafana's annotation terms. */
export interface Annotation {
  time: number;
  timeEnd: number;
  title: string;
  text: string;
  /** `copilot-metrics`, the kind, and the report when one is concerned. */
  tags: ['copilot-metrics', AnnotationKind] | ['copilot-metrics', AnnotationKind, SyncKind];
  /** `all` for a holiday, which is one for every scope. */
  scope: string;
  /** `all` when every report of the days is concerned (not final yet, a holiday). */
  report: SyncKind | 'all';
}

export interface AnnotationsResponse {
  annotations: Annotation[];
}

//#endregion

//#region GET /api/v1/sync/status (and `status --json`)

export interface DayRange {
  from: string;
  to: string;
  days: number;
}

export interface ReportCoverage {
  report: SyncKind;
  firstDay: string | null;
  lastDay: string | null;
  okDays: number;
  noDataDays: number;
  records: number;
  malformedLines: number;
  /** Days whose last attempt failed; `status` is GitHub's HTTP answer when there was one (403: permission or policy). */
  failed: { day: string; attempts: number; error: string | null; status: number | null }[];
  /** Days in the expected range with no stored attempt at all; none for seats, whose past cannot be fetched. */
  gaps: DayRange[];
  lastFetchedAt: string | null;
}

export interface ScopeCoverage {
  scope: string;
  expected: { from: string; to: string };
  reports: ReportCoverage[];
}

/** What the database holds, per scope and report, and the last sync run: the CLI's `status --json`. */
export interface StatusReport {
  scopes: ScopeCoverage[];
  unknownKeys: { report: string; path: string; firstDay: string; lastDay: string; lastSeenAt: string }[];
  lastRun: {
    id: number;
    trigger: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    planned: number;
    ok: number;
    noData: number;
    failed: number;
    records: number;
    error: string | null;
  } | null;
}

export interface SyncStatus extends StatusReport {
  /** Whether this process is syncing now. */
  running: boolean;
}

//#endregion

//#region GET /api/v1/access

/**
 * The access policy in force and who this request came from, as the ingester sees it: the plugin's
 * Save & test reports it. With ACCESS_POLICY=identity a request without a valid ID token never gets
 * here (401 or 403 with the reason).
 */
export interface AccessStatus {
  policy: 'open' | 'identity';
  /** Whether the request carried an X-Grafana-Id ID token. */
  idToken: boolean;
  /** The verified viewer (login as stored: a pseudonym in PRIVACY_MODE=pseudonymous), or null. */
  viewer: { login: string; role?: string; seesEveryone: boolean } | null;
}

//#endregion

//#region GET /api/health

/** Liveness and readiness: 503 with status `unavailable` when the database does not answer. No user data. */
export interface Health {
  status: 'ok' | 'degraded' | 'unavailable';
  database: { ok: boolean; schemaVersion?: number; error?: string };
  lastSync: { status: string; finishedAt: string | null; ageSeconds: number | null } | null;
  scopes: { scope: string; latestDay: string | null }[];
}

/** GET /api/health/ready: 200 when the database answers and its schema is current, 503 (with `reason`) when not. */
export interface Readiness {
  ready: boolean;
  reason?: string;
  database: { ok: true; schemaVersion: number; latestVersion: number } | { ok: false; error: string };
}

//#endregion
