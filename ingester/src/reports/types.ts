import {
  BILLING_KINDS,
  type BillingKind,
  REPORT_KINDS,
  type ReportKind,
  SYNC_KINDS,
  type SyncKind,
} from '@copilot-metrics/contract';
import type { ScopeKind } from '../scopes';

/** The report kinds a sync fetches are the API's vocabulary too (the status and annotations name them). */
export {
  BILLING_KINDS,
  type BillingKind,
  REPORT_KINDS,
  type ReportKind,
  SNAPSHOT_KINDS,
  type SnapshotKind,
  SYNC_KINDS,
  type SyncKind,
} from '@copilot-metrics/contract';

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
  if (kind === 'billing') return 'settings/billing/ai_credit/usage';
  if (kind === 'billing-users') return 'settings/billing/reports (ai_credit export)';
  if (kind === 'billing-snapshot') return 'settings/billing/budgets and cost-centers';
  return isReportKind(kind) ? reportEndpointName(kind, scopeKind) : kind;
}

export function isReportKind(value: string): value is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(value);
}

export function isBillingKind(value: string): value is BillingKind {
  return (BILLING_KINDS as readonly string[]).includes(value);
}

export function isSyncKind(value: string): value is SyncKind {
  return (SYNC_KINDS as readonly string[]).includes(value);
}

/** A JSON object as parsed from one report line. */
export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
