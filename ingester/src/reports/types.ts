import type { ScopeKind } from '../scopes';

/**
 * The daily report families we sync. The aggregate report is named after the scope kind in the URL
 * (`enterprise-1-day` / `organization-1-day`); everything else about it is the same.
 */
export const REPORT_KINDS = ['aggregate', 'users', 'user-teams', 'repos'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * Snapshots are not daily reports: GitHub only tells the state of now, so each sync records today's
 * (UTC) snapshot, and past days can never be fetched. `seats` is the Copilot seats list.
 */
export const SNAPSHOT_KINDS = ['seats'] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/** Everything a sync fetches and records in the `reports` table: the daily reports, then the snapshots. */
export const SYNC_KINDS = [...REPORT_KINDS, ...SNAPSHOT_KINDS] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** The path segment GitHub uses for a report kind in a scope. */
export function reportEndpointName(kind: ReportKind, scopeKind: ScopeKind): string {
  switch (kind) {
    case 'aggregate':
      return scopeKind === 'enterprise' ? 'enterprise-1-day' : 'organization-1-day';
    case 'users':
      return 'users-1-day';
    case 'user-teams':
      return 'user-teams-1-day';
    case 'repos':
      return 'repos-1-day';
  }
}

/** The GitHub endpoint name of a stored report kind, for messages. */
export function endpointLabel(kind: string, scopeKind: ScopeKind): string {
  if (kind === 'seats') return 'copilot/billing/seats';
  return isReportKind(kind) ? reportEndpointName(kind, scopeKind) : kind;
}

export function isReportKind(value: string): value is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(value);
}

export function isSyncKind(value: string): value is SyncKind {
  return (SYNC_KINDS as readonly string[]).includes(value);
}

/** A JSON object as parsed from one report line. */
export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
