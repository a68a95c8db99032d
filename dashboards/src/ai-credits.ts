/**
 * 11. AI credits and budgets: what Copilot costs since GitHub bills it in AI credits, where the pooled
 * allowance goes, and when it runs out. From the ingester's query family "AI credits".
 */
import { FieldColorModeId, type ThresholdsConfig, ThresholdsMode } from '@grafana/schema';
import { PERCENT, STACKED_BARS, dashboard, keyedTable, note, panel, variables } from './grafana';

/** What every caption says about what is billed. */
const BILLED =
  'Billed in AI credits ($0.01 each): Copilot Chat, Copilot CLI, the cloud agent, Copilot Spaces, Spark and third-party coding agents. Not billed: code completions and next edit suggestions.';
const A_BILL = "A bill: GitHub's billing data (ai_credit/usage, or the enterprise's usage-report export).";
const FORECAST =
  'Forecast: the run rate of the last 14 billed days, per working day and per day off (WORKWEEK, HOLIDAYS_FILE), over the rest of the month. The pool is the month’s seats × included credits (Business 1,900, Enterprise 3,900 per licence), at the month’s largest seats snapshot; it resets at 00:00 UTC on the 1st.';

const NOTES = `**What is billed.** Since 2026-06-01 GitHub bills Copilot in **AI credits** (1 credit = $0.01). Each Business licence adds 1,900 credits a month to a pool the billing entity shares, each Enterprise licence 3,900; the pool resets at 00:00 UTC on the 1st, with no carry-over. Copilot Chat, CLI, the cloud agent, Spaces, Spark and third-party coding agents draw on it; **code completions and next edit suggestions are not billed**. Past the pool, usage is metered (on by default) until a budget stops it.

**A bill or a signal?** Spend, the pool, the forecast and budgets come from GitHub's billing data (the billing sync; README, "AI credits and budgets"). The per-person *ai_credits_used* of the usage reports is a usage signal, "not a billed total" in GitHub's words: the reconciliation at the bottom sets one against the other, day by day. The forecast is ours, not GitHub's: the recent run rate, weekdays and weekends apart, over the rest of the month.`;

/** Red once a budget passes the alert's 90%. */
const BUDGET_SHARE: ThresholdsConfig = {
  mode: ThresholdsMode.Absolute,
  steps: [
    { color: 'green', value: null },
    { color: 'orange', value: 0.75 },
    { color: 'red', value: 0.9 },
  ],
};

/** No day the pool runs out: it lasts the month, or the pool is unknown (the panel's notice says which). */
const LASTS_OR_UNKNOWN =
  'Lasts the month, or no pool is known (no seats snapshot, or aggregate privacy mode)';

const monthStat = (title: string, description: string, metric: string, defaults = {}) =>
  panel({
    type: 'stat',
    title,
    description: `${description} The month of the time range's latest billed day.`,
    caveats: [FORECAST, BILLED],
    queries: [{ metric, format: 'table' }],
    defaults: { decimals: 0, ...defaults },
    w: 4,
    h: 5,
  });

export default dashboard({
  uid: 'copilot-ai-credits',
  title: 'Copilot AI credits and budgets',
  description:
    "What Copilot costs in AI credits: the month's included pool, month to date and the forecast (month end, the day the pool runs out, metered spend), spend by model, organization and cost center, top consumers, budgets near their limit, and the per-person usage signal reconciled with billing.",
  variables: [variables.scope(), variables.interval()],
  rows: [
    { panels: [note('About AI credits', NOTES, 24, 7)] },
    {
      title: 'This month at a glance',
      panels: [
        monthStat('Included pool', "The month's included AI credits.", 'ai_credits_pool'),
        monthStat('Month to date', 'AI credits consumed since the 1st (gross).', 'ai_credits_month_to_date'),
        monthStat('Pool used', 'Month to date ÷ pool; past 100% usage is metered.', 'ai_credits_pool_used', {
          ...PERCENT,
          max: undefined,
        }),
        monthStat(
          'Projected month end',
          'The projected AI credits of the whole month.',
          'ai_credits_forecast_month_end',
        ),
        monthStat(
          'Days of pool left',
          'Days from the latest billed day to the projected day the pool runs out (0: it has). "No value": it lasts the month.',
          'ai_credits_forecast_days_left',
          { noValue: LASTS_OR_UNKNOWN },
        ),
        monthStat(
          'Projected metered spend',
          'Projected credits beyond the pool × $0.01: what the month adds to the licences, before budgets stop usage.',
          'ai_dollars_forecast_metered',
          { unit: 'currencyUSD', decimals: 2 },
        ),
        panel({
          type: 'stat',
          // Linked by the alert rule copilot-ai-credits-pool-runs-out (__panelId__): keep this id.
          id: 20,
          title: 'Pool runs out, days before month end (as the alert sees it)',
          description:
            'Days between the projected day the pool runs out and the end of the month, per scope, from Prometheus (copilot_ai_credits_pool_runs_out_days_before_month_end): the alert fires past 5. No value: every pool lasts the month. Every scope, whatever the Scope selection.',
          caveats: [FORECAST, BILLED],
          prometheus: [
            {
              expr: 'max by (scope) (copilot_ai_credits_pool_runs_out_days_before_month_end)',
              legend: '{{scope}}',
              instant: true,
            },
          ],
          defaults: { decimals: 0, noValue: 'Every pool lasts the month' },
          options: { textMode: 'value_and_name' },
          w: 12,
          h: 5,
        }),
        panel({
          type: 'stat',
          title: 'Projected day the pool runs out',
          description:
            "The day (UTC) the month's pool is projected to run out, or ran out. No value: it lasts the month. The month of the time range's latest billed day.",
          caveats: [FORECAST, BILLED],
          queries: [{ metric: 'ai_credits_forecast_pool_runs_out', format: 'table' }],
          defaults: { unit: 'dateTimeAsLocalNoDateIfToday', noValue: LASTS_OR_UNKNOWN },
          w: 12,
          h: 5,
        }),
      ],
    },
    {
      title: 'Month to date against the pool',
      panels: [
        panel({
          type: 'timeseries',
          title: 'AI credits month to date, and the pool',
          description:
            "The running total of AI credits since the 1st, one point per billed day, and each month's included pool (one point on the 1st). Where the line crosses the pool, usage becomes metered.",
          caveats: [A_BILL, FORECAST, BILLED],
          queries: [
            { metric: 'ai_credits_month_to_date', interval: 'day', legend: 'Month to date' },
            { metric: 'ai_credits_pool', interval: 'month', legend: 'Pool' },
          ],
          defaults: { custom: { showPoints: 'always', spanNulls: false } },
          w: 16,
        }),
        panel({
          type: 'table',
          title: 'Cost centers with a pool',
          description:
            "Each cost center whose AI-credit pool is enabled, this month: its cap (GitHub's figure: licences in it × included credits), the credits its people consumed (the usage-report export), the projected month end and the day the cap is projected to be reached.",
          caveats: [FORECAST, BILLED],
          ...keyedTable('cost_center', [
            { metric: 'ai_credits_pool', name: 'Cap' },
            { metric: 'ai_credits_month_to_date', name: 'Month to date' },
            { metric: 'ai_credits_forecast_month_end', name: 'Projected month end' },
            { metric: 'ai_credits_forecast_pool_runs_out', name: 'Cap reached' },
          ]),
          overrides: [
            {
              matcher: { id: 'byName', options: 'Cap reached' },
              properties: [{ id: 'unit', value: 'dateTimeAsIsoNoDateIfToday' }],
            },
          ],
          w: 8,
        }),
      ],
    },
    {
      title: 'Where the credits go',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Spend by model',
          description:
            'Gross US dollars of the AI credits consumed, per model, per bucket: pool-covered and metered alike.',
          caveats: [A_BILL, BILLED],
          queries: [{ metric: 'ai_dollars_gross', groupBy: 'model', limit: 8, others: true }],
          defaults: { ...STACKED_BARS, unit: 'currencyUSD' },
          w: 12,
        }),
        panel({
          type: 'bargauge',
          title: 'Spend by cost center',
          description:
            "Gross and net (billed) US dollars per cost center over the time range, from the enterprise's usage-report export; (none) is usage without a cost center.",
          caveats: [A_BILL, BILLED],
          queries: [
            {
              metric: 'ai_dollars_gross',
              groupBy: 'cost_center',
              format: 'table',
              limit: 15,
              legend: 'Gross',
            },
          ],
          defaults: { unit: 'currencyUSD', decimals: 2 },
          w: 6,
        }),
        panel({
          type: 'bargauge',
          title: 'Spend by organization',
          description:
            "Gross US dollars per organization over the time range, from the enterprise's usage-report export.",
          caveats: [A_BILL, BILLED],
          queries: [{ metric: 'ai_dollars_gross', groupBy: 'organization', format: 'table', limit: 15 }],
          defaults: { unit: 'currencyUSD', decimals: 2 },
          w: 6,
        }),
        panel({
          type: 'bargauge',
          title: 'Top consumers',
          description:
            "The 15 people who consumed the most AI credits over the time range, from the enterprise's usage-report export (a bill, per person).",
          caveats: [A_BILL, BILLED],
          queries: [{ metric: 'ai_credits_gross', groupBy: 'user', format: 'table', limit: 15 }],
          defaults: { decimals: 0 },
          w: 8,
        }),
        panel({
          type: 'stat',
          title: 'Cost per merged pull request and per active user',
          description:
            'Gross AI-credit dollars ÷ merged pull requests, and ÷ active users, over the billed days of the time range (ratios of sums).',
          caveats: [A_BILL, BILLED],
          queries: [
            {
              metric: 'ai_dollars_per_merged_pull_request',
              format: 'table',
              legend: 'Per merged pull request',
            },
            { metric: 'ai_dollars_per_active_user', format: 'table', legend: 'Per active user' },
          ],
          defaults: { unit: 'currencyUSD', decimals: 2 },
          options: { textMode: 'value_and_name' },
          w: 8,
        }),
        panel({
          type: 'timeseries',
          title: 'Credits covered and billed',
          description:
            'AI credits covered by the included pool (discount) and billed beyond it (net), per bucket.',
          caveats: [A_BILL, BILLED],
          queries: [
            { metric: 'ai_credits_discount', legend: 'Covered by the pool' },
            { metric: 'ai_credits_net', legend: 'Metered' },
          ],
          defaults: { ...STACKED_BARS, decimals: 0 },
          w: 8,
        }),
      ],
    },
    {
      title: 'Budgets',
      panels: [
        panel({
          type: 'table',
          title: 'Budgets near their limit',
          description:
            'Every budget of the latest budgets snapshot: what it covers, its amount, what it consumed this billing cycle and the share, the nearest to its limit first. The alert fires past 90%.',
          caveats: [BILLED],
          queries: [{ metric: 'ai_budgets', format: 'table' }],
          overrides: [
            {
              matcher: { id: 'byName', options: 'ratio' },
              properties: [
                { id: 'unit', value: 'percentunit' },
                { id: 'color', value: { mode: FieldColorModeId.Thresholds } },
                { id: 'thresholds', value: BUDGET_SHARE },
                { id: 'custom.cellOptions', value: { type: 'color-background' } },
              ],
            },
          ],
          w: 12,
        }),
        panel({
          type: 'table',
          title: 'Budgets of people',
          description:
            'Budgets of one person and the per-person states of multi-user budgets, the nearest to their limit first: a person over their budget cannot use metered Copilot features.',
          caveats: [BILLED],
          queries: [{ metric: 'ai_budget_users', format: 'table', limit: 50 }],
          overrides: [
            {
              matcher: { id: 'byName', options: 'ratio' },
              properties: [
                { id: 'unit', value: 'percentunit' },
                { id: 'color', value: { mode: FieldColorModeId.Thresholds } },
                { id: 'thresholds', value: BUDGET_SHARE },
                { id: 'custom.cellOptions', value: { type: 'color-background' } },
              ],
            },
          ],
          w: 12,
        }),
        panel({
          type: 'bargauge',
          // Linked by the alert rule copilot-ai-credits-budget-near-limit (__panelId__): keep this id.
          id: 21,
          title: 'Budget consumption, as the alert sees it',
          description:
            'consumed ÷ budget of each budget (not those of one person), per scope, from Prometheus (copilot_ai_credits_budget_consumed_ratio): orange from 75%, red past the alert’s 90%. Every scope, whatever the Scope selection.',
          caveats: [BILLED],
          prometheus: [
            {
              expr: 'max by (scope, budget, budget_scope, entity) (copilot_ai_credits_budget_consumed_ratio)',
              legend: '{{scope}} {{budget_scope}} {{entity}} {{budget}}',
              instant: true,
            },
          ],
          defaults: {
            ...PERCENT,
            max: 1,
            color: { mode: FieldColorModeId.Thresholds },
            thresholds: BUDGET_SHARE,
          },
          w: 12,
          h: 6,
        }),
        panel({
          type: 'stat',
          // Linked by the alert rule copilot-billing-sync-failing (__panelId__): keep this id.
          id: 22,
          title: 'Billing days failing to sync',
          description:
            'Days of the billing reports (billing: ai_credit/usage; billing-users: the usage-report export; billing-snapshot: budgets and cost centers) whose latest fetch failed, per scope and report, from Prometheus. 0 everywhere: billing is in sync. The alert fires when some keep failing for 12 hours.',
          caveats: [BILLED],
          prometheus: [
            {
              expr: 'sum by (scope, report) (copilot_metrics_ingester_reports_failed{report=~"billing.*"})',
              legend: '{{scope}} {{report}}',
              instant: true,
            },
          ],
          defaults: {
            decimals: 0,
            color: { mode: FieldColorModeId.Thresholds },
            thresholds: {
              mode: ThresholdsMode.Absolute,
              steps: [
                { color: 'green', value: null },
                { color: 'red', value: 1 },
              ],
            },
          },
          options: { colorMode: 'background', textMode: 'value_and_name' },
          w: 12,
          h: 6,
        }),
      ],
    },
    {
      title: 'Usage signal against billing',
      panels: [
        panel({
          type: 'table',
          title: 'Reconciliation: ai_credits_used against billing, per day',
          description:
            "Per UTC day: the per-person usage signal (Σ ai_credits_used of the users-1-day report, a signal and not a bill), the billed AI credits (ai_credit/usage), the billed credits of the enterprise's usage-report export, and the differences. An empty cell: that source has no stored report that day, a gap, not zero.",
          caveats: [BILLED],
          queries: [{ metric: 'ai_credits_reconciliation', format: 'table', limit: 62 }],
          defaults: { decimals: 1 },
          w: 24,
          h: 10,
        }),
      ],
    },
  ],
});
