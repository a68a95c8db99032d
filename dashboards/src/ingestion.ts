/** 8. Ingestion health: is the data fresh and complete, is the sync working, is GitHub sending fields we drop. */
import { FieldColorModeId, MappingType, type ThresholdsConfig, ThresholdsMode } from '@grafana/schema';
import { dashboard, panel, variables } from './grafana';

const DAY = 86_400;
const PUBLISHING_DELAY =
  'GitHub publishes each day within about two UTC days, so the newest day is normally 2 to 3 days old; the alert "Copilot data is stale" fires past 5 days (no new day for more than 3 days).';

/** Green while the newest day is as recent as GitHub allows, orange a day later, red when the alert fires. */
const AGE_THRESHOLDS: ThresholdsConfig = {
  mode: ThresholdsMode.Absolute,
  steps: [
    { color: 'green', value: null },
    { color: 'orange', value: 4 * DAY },
    { color: 'red', value: 5 * DAY },
  ],
};

const ZERO_IS_GOOD: ThresholdsConfig = {
  mode: ThresholdsMode.Absolute,
  steps: [
    { color: 'green', value: null },
    { color: 'red', value: 1 },
  ],
};

export default dashboard({
  uid: 'copilot-ingestion',
  title: 'Copilot ingestion health',
  description:
    "Whether the data is fresh and complete: the newest day per scope, gaps and failed days, the sync's runs, and fields GitHub sends that are not stored yet.",
  variables: [variables.scope()],
  from: 'now-30d',
  rows: [
    {
      title: 'Freshness (Prometheus)',
      panels: [
        panel({
          type: 'stat',
          // Linked by the alert rule copilot-data-stale (__panelId__): keep this id.
          id: 2,
          title: 'Age of the newest day',
          description: `Time since the start of the newest complete day stored for each scope (its last successful aggregate report). ${PUBLISHING_DELAY}`,
          prometheus: [
            { expr: 'time() - copilot_latest_day_timestamp_seconds', legend: '{{scope}}', instant: true },
          ],
          defaults: {
            unit: 's',
            decimals: 1,
            color: { mode: FieldColorModeId.Thresholds },
            thresholds: AGE_THRESHOLDS,
          },
          options: { colorMode: 'background', textMode: 'value_and_name' },
          w: 12,
          h: 5,
        }),
        panel({
          type: 'stat',
          title: 'Since the last successful sync',
          description:
            'Time since a sync run last finished without failures (any process on the database: `serve` or a manual `sync`). `serve` syncs on SYNC_SCHEDULE, every 6 hours by default.',
          prometheus: [
            {
              expr: 'time() - max(copilot_metrics_ingester_sync_run_last_finished_timestamp_seconds{status="ok"})',
              legend: 'Last ok sync',
              instant: true,
            },
          ],
          defaults: {
            unit: 's',
            decimals: 1,
            color: { mode: FieldColorModeId.Thresholds },
            thresholds: {
              mode: ThresholdsMode.Absolute,
              steps: [
                { color: 'green', value: null },
                { color: 'orange', value: 7 * 3600 },
                { color: 'red', value: DAY },
              ],
            },
          },
          options: { colorMode: 'background' },
          w: 6,
          h: 5,
        }),
        panel({
          type: 'stat',
          // Linked by the alert rule copilot-ingester-down (__panelId__): keep this id.
          id: 4,
          title: 'Ingester and database up',
          description:
            "Up: Prometheus reached the ingester's /metrics on its last scrape. Database: the ingester could read its SQLite database during that scrape.",
          prometheus: [
            { expr: 'up{job="copilot-ingester"}', legend: 'Ingester', instant: true },
            { expr: 'copilot_metrics_ingester_database_up', legend: 'Database', instant: true },
          ],
          defaults: {
            color: { mode: FieldColorModeId.Thresholds },
            thresholds: {
              mode: ThresholdsMode.Absolute,
              steps: [
                { color: 'red', value: null },
                { color: 'green', value: 1 },
              ],
            },
            mappings: [
              {
                type: MappingType.ValueToText,
                options: { '0': { text: 'Down', index: 0 }, '1': { text: 'Up', index: 1 } },
              },
            ],
          },
          options: { colorMode: 'background', textMode: 'value_and_name' },
          w: 6,
          h: 5,
        }),
        panel({
          type: 'table',
          title: 'Newest day per report',
          description: `For each scope and report (aggregate, users, user-teams, repos, and seats): how old the newest stored day is. The per-user and team reports can lag the aggregate one; a report GitHub does not send for a scope has no row. Seats are a snapshot of each sync's own day, so theirs is normally today. ${PUBLISHING_DELAY}`,
          prometheus: [
            {
              expr: 'time() - copilot_metrics_ingester_report_latest_day_timestamp_seconds',
              instant: true,
              format: 'table',
            },
          ],
          transformations: [
            {
              id: 'organize',
              options: {
                excludeByName: { Time: true, __name__: true, instance: true, job: true },
                renameByName: { Value: 'Age of the newest day' },
              },
            },
          ],
          defaults: { unit: 's', decimals: 1 },
          w: 12,
          h: 9,
        }),
        panel({
          type: 'table',
          // Linked by the alert rule copilot-sync-failing (__panelId__): keep this id.
          id: 6,
          title: 'Failing report days',
          description:
            'Report days whose latest download failed, by scope and report. The next sync retries them; days that keep failing raise the "Copilot sync is failing" alert. The reason is in the ingester log and in `status`; for seats, a 403 means the token cannot list Copilot seats (an organization owner\'s, with manage_billing:copilot or read:org, can).',
          prometheus: [
            {
              expr: 'sum by (scope, report) (copilot_metrics_ingester_reports_failed)',
              instant: true,
              format: 'table',
            },
          ],
          transformations: [
            {
              id: 'organize',
              options: { excludeByName: { Time: true }, renameByName: { Value: 'Failed days' } },
            },
          ],
          overrides: [
            {
              matcher: { id: 'byName', options: 'Failed days' },
              properties: [
                { id: 'thresholds', value: ZERO_IS_GOOD },
                { id: 'custom.cellOptions', value: { type: 'color-background' } },
              ],
            },
          ],
          w: 12,
          h: 9,
        }),
      ],
    },
    {
      title: 'Sync activity and drift (Prometheus)',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Report days synced, by outcome',
          description:
            'Report days this ingester process fetched in the last hour, by outcome: stored (ok), no report from GitHub (no_data), failed, or skipped because the scope was refused earlier in the run. Counters restart with the process.',
          prometheus: [
            {
              expr: 'sum by (status) (increase(copilot_metrics_ingester_reports_synced_total[1h]))',
              legend: '{{status}}',
            },
          ],
          defaults: { decimals: 0 },
          w: 12,
        }),
        panel({
          type: 'timeseries',
          title: 'Records stored, by report',
          description:
            'Report lines (one per scope, user or repository and day) this ingester process stored in the last hour, by report. Counters restart with the process.',
          prometheus: [
            {
              expr: 'sum by (report) (increase(copilot_metrics_ingester_records_ingested_total[1h]))',
              legend: '{{report}}',
            },
          ],
          defaults: { decimals: 0 },
          w: 12,
        }),
        panel({
          type: 'stat',
          title: 'Unknown keys from GitHub (drift)',
          description:
            'Distinct JSON keys GitHub sent that no table stores yet, by report. They are kept in the raw archive: after an ingester upgrade that maps them, `reprocess` fills them in. Non-zero means GitHub added fields.',
          prometheus: [
            {
              expr: 'sum by (report) (copilot_metrics_ingester_unknown_keys)',
              legend: '{{report}}',
              instant: true,
            },
          ],
          defaults: { color: { mode: FieldColorModeId.Thresholds }, thresholds: ZERO_IS_GOOD },
          options: { colorMode: 'background', textMode: 'value_and_name' },
          w: 12,
          h: 5,
        }),
        panel({
          type: 'stat',
          title: 'Malformed lines skipped',
          description:
            'Report lines this ingester process could not parse and skipped, by report (since the process started). `status` lists the days they came from.',
          prometheus: [
            {
              expr: 'sum by (report) (copilot_metrics_ingester_malformed_lines_total)',
              legend: '{{report}}',
              instant: true,
            },
          ],
          defaults: { color: { mode: FieldColorModeId.Thresholds }, thresholds: ZERO_IS_GOOD },
          options: { colorMode: 'background', textMode: 'value_and_name' },
          w: 12,
          h: 5,
        }),
      ],
    },
    {
      title: 'Gaps and failures (Copilot data source)',
      panels: [
        panel({
          type: 'table',
          title: 'Days without final data',
          description:
            'From the ingester itself: days with no stored report (gap), days GitHub answered without a report (no-data), failed downloads (sync-failed), and recent days GitHub may still revise (provisional). The same periods are shaded on the time series of every Copilot dashboard.',
          annotationsTable: true,
          transformations: [
            {
              id: 'organize',
              options: {
                excludeByName: { tags: true },
                renameByName: { time: 'From', timeEnd: 'To', title: 'What', text: 'Details' },
              },
            },
          ],
          w: 24,
          h: 10,
        }),
        panel({
          type: 'timeseries',
          title: 'Daily active users, with gaps shaded',
          description:
            "Daily active users as stored. A missing day shows as a break in the line; the shaded regions are the data source's annotations for gaps, failures and provisional days.",
          queries: [{ metric: 'daily_active_users', interval: 'day', legend: 'Daily active users' }],
          defaults: { custom: { drawStyle: 'line', lineWidth: 2, showPoints: 'always', spanNulls: false } },
          w: 24,
        }),
      ],
    },
  ],
});
