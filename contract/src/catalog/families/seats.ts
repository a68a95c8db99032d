/**
 * Seats: snapshots of the seats API, and seats set against usage (the ingester's query/execute/seats.ts
 * counts them).
 */
import { type MetricInfo, metric } from '../metric';

const SEATS_SOURCE =
  'From the seats snapshot the sync takes each run (the last of each UTC day); a week or month shows its latest snapshot. An enterprise counts each user of its synced organizations once.';
const ACTIVE_DAYS = 'the N days ending on the snapshot day (N = seatActiveDays, 30 by default)';
const USAGE_WINDOW =
  'the 28 days of usage ending two days before the snapshot day (GitHub publishes a day about two days late)';

const seatMetric = (
  id: string,
  title: string,
  description: string,
  snapshot: NonNullable<MetricInfo['snapshot']>,
  extra: Partial<MetricInfo> = {},
) =>
  metric({
    id,
    title,
    family: 'Seats',
    description: `${description} ${SEATS_SOURCE}`,
    unit: snapshot.per ? 'percentunit' : 'short',
    from: ['seats'],
    snapshot,
    ...(['active', 'inactive'].includes(snapshot.count) || snapshot.per === 'active'
      ? { parameters: ['seatActiveDays' as const] }
      : {}),
    ...extra,
  });

export const SEATS: MetricInfo[] = [
  seatMetric('seats_total', 'Seats', 'Copilot seats assigned (billed), pending cancellation included.', {
    count: 'all',
  }),
  seatMetric(
    'seats_active',
    'Active seats',
    `Seats whose last Copilot activity (seats API last_activity_at) is on one of ${ACTIVE_DAYS}.`,
    { count: 'active' },
  ),
  seatMetric(
    'seats_inactive',
    'Inactive seats',
    `Seats without Copilot activity on ${ACTIVE_DAYS}, never-used seats included: seats paid for and not used.`,
    { count: 'inactive' },
  ),
  seatMetric(
    'seats_never_used',
    'Never-used seats',
    'Seats without any last activity: never used, or not used within the 90 days GitHub keeps it.',
    { count: 'never_used' },
  ),
  seatMetric(
    'seats_pending_cancellation',
    'Seats pending cancellation',
    'Seats that end at the start of the next billing cycle (seats API pending_cancellation_date).',
    { count: 'pending_cancellation' },
  ),
  seatMetric(
    'seat_utilization',
    'Seat utilization',
    `Active seats ÷ seats: the share of paid seats used on ${ACTIVE_DAYS}; null without seats.`,
    { count: 'active', per: 'all' },
  ),
  seatMetric(
    'inactive_seats',
    'Inactive seats (list)',
    `One row per inactive seat of the latest snapshot in the range (no activity on ${ACTIVE_DAYS}): login, last activity, days inactive (for a never-used seat, days since it was assigned), editor, assigning team, plan, pending cancellation and when it was assigned; the longest inactive first. Format table only; limit keeps the first N rows.`,
    { count: 'inactive', list: true },
  ),
  seatMetric(
    'assigned_seats',
    'Seats (list)',
    'One row per seat of the latest snapshot in the range: login, last activity, days since it (for a never-used seat, since it was assigned), editor, assigning team, plan, pending cancellation and when it was assigned; the longest inactive first. Filtered by user `@me`, the signed-in person’s own seat. Format table only; limit keeps the first N rows.',
    { count: 'all', list: true },
  ),

  seatMetric(
    'seats_without_recent_usage',
    'Seats without recent usage',
    `Seats whose user has no row in the users-1-day reports of ${USAGE_WINDOW}: a cross-check of the seats list against the usage reports.`,
    { count: 'without_recent_usage' },
  ),
  seatMetric(
    'users_without_seat',
    'Users without a seat',
    `Users with rows in the users-1-day reports of ${USAGE_WINDOW} and no seat in this scope's snapshot: usually licensed through another organization, or their seat was removed since.`,
    { count: 'recent_users_without_seat' },
    { from: ['seatsAgainstUsage'] },
  ),
  seatMetric(
    'active_users_per_seat',
    'Active users per seat',
    `Users with rows in the users-1-day reports of ${USAGE_WINDOW} ÷ seats of the snapshot; above 1 when people are licensed elsewhere.`,
    { count: 'recent_users', per: 'all' },
    { from: ['seatsAgainstUsage'], unit: 'short' },
  ),
];
