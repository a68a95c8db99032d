/** 9. Seats and licences: which paid seats are unused, where they are, and how seats compare with usage. */
import { FieldColorModeId, type ThresholdsConfig, ThresholdsMode } from '@grafana/schema';
import { type FieldDefaults, PERCENT, dashboard, note, panel, variables } from './grafana';
import { ENTERPRISE_SEATS, SEAT_ACTIVITY, SEAT_NOTES, SEAT_SNAPSHOTS } from './notes';

const USAGE_WINDOW =
  'Usage is read from the users-1-day reports of the 28 days ending two days before each snapshot (GitHub publishes a day about two days late).';

/** Red past the alert's threshold: more than 20% of the seats unused for 30 days. */
const INACTIVE_SHARE: ThresholdsConfig = {
  mode: ThresholdsMode.Absolute,
  steps: [
    { color: 'green', value: null },
    { color: 'orange', value: 0.1 },
    { color: 'red', value: 0.2 },
  ],
};

const DAYS_INACTIVE: ThresholdsConfig = {
  mode: ThresholdsMode.Absolute,
  steps: [
    { color: 'text', value: null },
    { color: 'orange', value: 30 },
    { color: 'red', value: 60 },
  ],
};

/** The latest snapshot of the range, as one big number. */
const seatStat = (title: string, description: string, metric: string, extra: Record<string, unknown> = {}) =>
  panel({
    type: 'stat',
    title,
    description: `${description} In the latest snapshot of the time range.`,
    caveats: [SEAT_SNAPSHOTS],
    queries: [{ metric, interval: 'day', ...extra }],
    w: 4,
    h: 5,
  });

/** One point per snapshot, so points are drawn; days between snapshots are not gaps. */
const SNAPSHOT_LINES: FieldDefaults<'timeseries'> = {
  custom: {
    drawStyle: 'line',
    lineWidth: 2,
    fillOpacity: 10,
    showPoints: 'always',
    spanNulls: false,
    stacking: { mode: 'none', group: 'A' },
  },
};

const drillDown = {
  title: 'Usage of ${__value.text}',
  // The Users dashboard, same scope and time range, with this person selected.
  url: '/d/copilot-users?${scope:queryparam}&var-user=${__value.raw}&${__url_time_range}',
};

export default dashboard({
  uid: 'copilot-seats',
  title: 'Copilot seats and licences',
  description:
    "Which paid Copilot seats are unused: seats, active and inactive, never used and pending cancellation; by plan, assigning team and editor; the list of inactive seats to act on; and seats set against the usage reports. From GitHub's seats API, one snapshot per day.",
  variables: [variables.scope(), variables.interval()],
  rows: [
    {
      panels: [note('About seat figures', SEAT_NOTES, 24, 7)],
    },
    {
      title: 'Seats now',
      panels: [
        seatStat('Seats', 'Copilot seats assigned and billed, pending cancellation included.', 'seats_total'),
        seatStat(
          'Active seats',
          'Seats whose last Copilot activity is on one of the 30 days ending on the snapshot day.',
          'seats_active',
        ),
        seatStat(
          'Inactive seats',
          'Seats without Copilot activity in the 30 days ending on the snapshot day, never-used seats included: seats paid for and not used.',
          'seats_inactive',
        ),
        seatStat(
          'Never used',
          'Seats with no Copilot activity GitHub knows of (it keeps the last activity for 90 days).',
          'seats_never_used',
        ),
        seatStat(
          'Pending cancellation',
          'Seats that end at the start of the next billing cycle.',
          'seats_pending_cancellation',
        ),
        panel({
          type: 'stat',
          title: 'Seat utilization',
          description:
            'Active seats ÷ seats: the share of paid seats used in the 30 days ending on the snapshot day. In the latest snapshot of the time range.',
          caveats: [SEAT_ACTIVITY, SEAT_SNAPSHOTS],
          queries: [{ metric: 'seat_utilization', interval: 'day' }],
          defaults: { ...PERCENT, color: { mode: FieldColorModeId.Fixed, fixedColor: 'text' } },
          w: 4,
          h: 5,
        }),
        panel({
          type: 'stat',
          title: 'Inactive for 90 days',
          description:
            'Seats without Copilot activity in the 90 days ending on the snapshot day (never-used seats included): the strongest candidates for unassigning. In the latest snapshot of the time range.',
          caveats: [SEAT_SNAPSHOTS],
          queries: [{ metric: 'seats_inactive', interval: 'day', seatActiveDays: 90 }],
          w: 8,
          h: 5,
        }),
        panel({
          type: 'stat',
          // Linked by the alert rule copilot-seats-inactive (__panelId__): keep this id.
          id: 10,
          title: 'Inactive share, as the alert sees it',
          description:
            'Seats without activity in 30 days ÷ seats, per scope, from Prometheus: the figure the alert "Copilot seats inactive for 30 days" checks (orange from 10%, red past its 20% threshold). Every scope, whatever the Scope selection.',
          caveats: [ENTERPRISE_SEATS],
          prometheus: [
            {
              expr: 'sum by (scope) (copilot_seats_inactive{window="30d"}) / sum by (scope) (copilot_seats_assigned > 0)',
              legend: '{{scope}}',
              instant: true,
            },
          ],
          defaults: { ...PERCENT, color: { mode: FieldColorModeId.Thresholds }, thresholds: INACTIVE_SHARE },
          options: { colorMode: 'background', textMode: 'value_and_name' },
          w: 16,
          h: 5,
        }),
      ],
    },
    {
      title: 'Seats over time',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Seats, active and inactive',
          description:
            'Seats assigned, active and inactive (30 days), and pending cancellation, one point per snapshot: how many licences are paid for and how many are used.',
          caveats: [SEAT_ACTIVITY, SEAT_SNAPSHOTS],
          queries: [
            { metric: 'seats_total', legend: 'Seats' },
            { metric: 'seats_active', legend: 'Active' },
            { metric: 'seats_inactive', legend: 'Inactive' },
            { metric: 'seats_pending_cancellation', legend: 'Pending cancellation' },
          ],
          defaults: SNAPSHOT_LINES,
        }),
        panel({
          type: 'timeseries',
          title: 'Seat utilization by plan',
          description:
            'Active seats ÷ seats for each Copilot plan (business, enterprise), one point per snapshot.',
          caveats: [SEAT_ACTIVITY, SEAT_SNAPSHOTS],
          queries: [{ metric: 'seat_utilization', groupBy: 'plan_type' }],
          defaults: { ...SNAPSHOT_LINES, ...PERCENT },
        }),
      ],
    },
    {
      title: 'Where the seats are',
      panels: [
        panel({
          type: 'piechart',
          title: 'Seats by plan',
          description:
            'Seats per Copilot plan (business, enterprise), in the latest snapshot of the time range.',
          caveats: [SEAT_SNAPSHOTS],
          queries: [{ metric: 'seats_total', groupBy: 'plan_type', format: 'table' }],
          w: 8,
        }),
        panel({
          type: 'bargauge',
          title: 'Inactive seats by assigning team',
          description:
            'Inactive seats (no activity in 30 days, never-used included) per team that grants them; "(assigned directly)" are seats given to people one by one. The 15 teams with the most, in the latest snapshot of the time range.',
          caveats: [SEAT_SNAPSHOTS],
          queries: [{ metric: 'seats_inactive', groupBy: 'team', format: 'table', limit: 15 }],
          w: 8,
        }),
        panel({
          type: 'bargauge',
          title: 'Seats by editor',
          description:
            'Seats per client of their last Copilot activity (VS Code, JetBrains, the CLI, ...), versions left out; "(no activity)" are never-used seats. In the latest snapshot of the time range.',
          caveats: [SEAT_SNAPSHOTS],
          queries: [{ metric: 'seats_total', groupBy: 'editor', format: 'table' }],
          w: 8,
        }),
      ],
    },
    {
      title: 'Inactive seats',
      panels: [
        panel({
          type: 'table',
          title: 'Inactive seats to act on',
          description:
            "Every seat without Copilot activity in the 30 days ending on the latest snapshot of the time range, the longest unused first: login, last activity and its editor, days inactive (for a never-used seat, days since it was assigned), the assigning team, the plan, and whether it is already pending cancellation. Click a login for that person's usage.",
          caveats: [SEAT_ACTIVITY, ENTERPRISE_SEATS],
          queries: [{ metric: 'inactive_seats', format: 'table' }],
          overrides: [
            {
              matcher: { id: 'byName', options: 'Login' },
              properties: [{ id: 'links', value: [drillDown] }],
            },
            {
              matcher: { id: 'byName', options: 'Days inactive' },
              properties: [
                { id: 'color', value: { mode: FieldColorModeId.Thresholds } },
                { id: 'thresholds', value: DAYS_INACTIVE },
                { id: 'custom.cellOptions', value: { type: 'color-text' } },
              ],
            },
            {
              matcher: { id: 'byType', options: 'time' },
              properties: [{ id: 'unit', value: 'dateTimeAsIsoNoDateIfToday' }],
            },
          ],
          options: { sortBy: [{ displayName: 'Days inactive', desc: true }] },
          w: 24,
          h: 12,
        }),
      ],
    },
    {
      title: 'Seats against usage',
      panels: [
        panel({
          type: 'stat',
          title: 'Seats without recent usage',
          description:
            'Seats whose person has no row in the usage reports of the last 28 published days: the seats list and the usage reports agree that these licences are idle. In the latest snapshot of the time range.',
          caveats: [USAGE_WINDOW],
          queries: [{ metric: 'seats_without_recent_usage', interval: 'day' }],
          w: 6,
          h: 5,
        }),
        panel({
          type: 'stat',
          title: 'Users without a seat here',
          description:
            "People with rows in this scope's usage reports of the last 28 published days but no seat in its latest snapshot: usually licensed through another organization, or their seat was removed since.",
          caveats: [USAGE_WINDOW, ENTERPRISE_SEATS],
          queries: [{ metric: 'users_without_seat', interval: 'day' }],
          w: 6,
          h: 5,
        }),
        panel({
          type: 'stat',
          title: 'Active users per seat',
          description:
            'People with usage rows in the last 28 published days ÷ seats, in the latest snapshot of the time range: below 1, seats go unused; above 1, people are licensed elsewhere.',
          caveats: [USAGE_WINDOW],
          queries: [{ metric: 'active_users_per_seat', interval: 'day' }],
          defaults: { decimals: 2, color: { mode: FieldColorModeId.Fixed, fixedColor: 'text' } },
          w: 6,
          h: 5,
        }),
        panel({
          type: 'bargauge',
          title: 'Seats without recent usage by team',
          description:
            'Seats without usage rows in the last 28 published days, per assigning team, in the latest snapshot of the time range. The 10 teams with the most.',
          caveats: [USAGE_WINDOW],
          queries: [{ metric: 'seats_without_recent_usage', groupBy: 'team', format: 'table', limit: 10 }],
          w: 6,
          h: 5,
        }),
        panel({
          type: 'timeseries',
          title: 'Seats and usage over time',
          description:
            'Per snapshot: seats whose person has no usage rows in the last 28 published days, and people with usage rows but no seat in this scope.',
          caveats: [USAGE_WINDOW, SEAT_SNAPSHOTS],
          queries: [
            { metric: 'seats_without_recent_usage', legend: 'Seats without recent usage' },
            { metric: 'users_without_seat', legend: 'Users without a seat' },
          ],
          defaults: SNAPSHOT_LINES,
          w: 24,
        }),
      ],
    },
  ],
});
