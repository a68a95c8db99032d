/** The reports a sync fetches, by the names the sync status and the annotations give them. */

/**
 * The daily report families. The aggregate report is named after the scope kind in GitHub's URL
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

/**
 * AI-credit billing (BILLING=on): `billing` is GitHub's `ai_credit/usage` per scope and UTC day,
 * `billing-users` an enterprise's `ai_credit` usage-report export (per person, per day),
 * `billing-snapshot` today's budgets, multi-user budget user-states and cost centers.
 */
export const BILLING_KINDS = ['billing', 'billing-users', 'billing-snapshot'] as const;
export type BillingKind = (typeof BILLING_KINDS)[number];

/** Everything a sync fetches and records: the daily reports, then the snapshots, then billing. */
export const SYNC_KINDS = [...REPORT_KINDS, ...SNAPSHOT_KINDS, ...BILLING_KINDS] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];
