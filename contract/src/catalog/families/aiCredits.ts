/**
 * AI credits: what Copilot costs since GitHub bills it in AI credits (2026-06-01; 1 credit = $0.01),
 * the month's included pool, and the forecast. Computed by the ingester's query/billing/ (its own
 * executor, like the seats), from the tables of migration 011 and the seats snapshots.
 */
import type { BreakdownId } from '../breakdowns';
import type { BillingFigure, MetricInfo } from '../metric';

/** How many recent days the forecast's run rate reads (query/billing/forecast.ts uses the same). */
export const FORECAST_RUN_RATE_DAYS = 14;

const BILLED =
  'Billed in AI credits: Copilot Chat, Copilot CLI, the cloud agent, Spaces, Spark and third-party coding agents; not billed: code completions and next edit suggestions.';
const USAGE_SOURCE =
  'GitHub billing, not a usage signal: …/settings/billing/ai_credit/usage per scope and UTC day (billing_usage_day); by organization or person, the enterprise’s ai_credit usage-report export (billing_user_day); by cost center, the export summed per cost center (billing_cost_center_day).';
const POOL =
  "The pool is the month's licensed seats × the plan's included credits per licence (Business 1,900, Enterprise 3,900 since 2026-06-01), counted in the month's seats snapshots at their largest (adding licences grows the pool at once, removals shrink it only next cycle); seats of an unknown plan are left out. It resets at 00:00 UTC on the 1st. Grouped by cost center: each cost center whose AI-credit pool is enabled, against its cap (cost centers API ai_credit_pool_state.target_amount).";
const CONSUMED =
  "Consumption is the gross AI credits of the scope's billing rows (ai_credit/usage), or per cost center the export's rows of that cost center; a day without a stored billing report is a gap, not zero.";
const METHOD = `Forecast: the run rate of the last ${FORECAST_RUN_RATE_DAYS} days with billing data up to the latest billed day, split by the working-day calendar (WORKWEEK, HOLIDAYS_FILE) into an average per working day and one per day off, applied to each remaining day of the month by its kind; the projection is month to date + those days. The pool runs out on the first day the cumulative consumption (actual, then projected) reaches it; metered = max(0, month end − pool), at $0.01 per credit. A finished month shows its actual figures. One point per month (table: the month of the range's end).`;
const PER = (what: string, metric: string) =>
  `Gross AI-credit dollars ÷ ${what}: Σ gross_amount of the scope's billing rows (ai_credit/usage) over the bucket ÷ Σ ${what} (the catalog metric ${metric}, same scope and bucket): the value of the credits consumed, pool-covered or not. Null without ${what}.`;

const entry = (
  id: string,
  title: string,
  figure: BillingFigure,
  description: string,
  from: BreakdownId[],
  options: {
    unit?: string;
    aggregation?: MetricInfo['aggregation'];
    list?: boolean;
    namesPeople?: boolean;
    source: string;
  },
): MetricInfo => ({
  id,
  title,
  family: 'AI credits',
  description,
  unit: options.unit ?? 'short',
  aggregation: options.aggregation ?? 'sum',
  from,
  billing: {
    figure,
    source: options.source,
    ...(options.list ? { list: true } : {}),
    ...(options.namesPeople ? { namesPeople: true } : {}),
  },
});

const SPEND: BreakdownId[] = ['billingUsage', 'billingUsers', 'billingCostCenters'];
const spend = (id: string, title: string, figure: BillingFigure, what: string, unit: string) =>
  entry(id, title, figure, `${what} ${USAGE_SOURCE} ${BILLED}`, SPEND, {
    unit,
    source:
      'AI-credit billing (ai_credit/usage; the enterprise usage-report export by organization, person or cost center)',
  });

const MONTH_SOURCE = 'seats snapshots × plan allowances, and AI-credit billing rows';
const month = (id: string, title: string, figure: BillingFigure, what: string, unit = 'short') =>
  entry(
    id,
    title,
    figure,
    `${what} ${POOL} ${CONSUMED} ${figure.startsWith('forecast') ? METHOD : ''} ${BILLED}`
      .replace(/\s+/g, ' ')
      .trim(),
    ['billingMonth'],
    {
      unit,
      aggregation: 'month',
      source: MONTH_SOURCE,
    },
  );

export const AI_CREDITS: MetricInfo[] = [
  spend(
    'ai_credits_gross',
    'AI credits (gross)',
    'credits_gross',
    'AI credits consumed (grossQuantity; the export’s quantity), pool-covered and metered, over rows whose unit is AI credits.',
    'short',
  ),
  spend(
    'ai_credits_discount',
    'AI credits covered (discount)',
    'credits_discount',
    'AI credits covered by the included pool or discounts (discountQuantity; from the export, quantity × discount_amount ÷ gross_amount).',
    'short',
  ),
  spend(
    'ai_credits_net',
    'AI credits billed (net)',
    'credits_net',
    'AI credits billed beyond the pool (netQuantity; from the export, quantity × net_amount ÷ gross_amount).',
    'short',
  ),
  spend(
    'ai_dollars_gross',
    'AI credit dollars (gross)',
    'dollars_gross',
    'US dollars of the AI credits consumed (grossAmount), every billing row.',
    'currencyUSD',
  ),
  spend(
    'ai_dollars_discount',
    'AI credit dollars covered (discount)',
    'dollars_discount',
    'US dollars covered by the included pool or discounts (discountAmount).',
    'currencyUSD',
  ),
  spend(
    'ai_dollars_net',
    'AI credit dollars billed (net)',
    'dollars_net',
    'US dollars billed (netAmount = gross − discount): what the invoice adds to the licences.',
    'currencyUSD',
  ),
  month('ai_credits_pool', 'Included AI-credit pool', 'pool', 'The month’s included AI credits.'),
  month(
    'ai_credits_month_to_date',
    'AI credits, month to date',
    'month_to_date',
    'AI credits consumed from the 1st of the month to the latest billed day (a time series by day shows the running total).',
  ),
  month(
    'ai_credits_pool_used',
    'Pool used',
    'pool_used',
    'AI credits month to date ÷ the month’s pool (above 1: metered usage). Null without a pool.',
    'percentunit',
  ),
  month(
    'ai_credits_forecast_month_end',
    'Projected AI credits at month end',
    'forecast_month_end',
    'The projected consumption of the whole month.',
  ),
  month(
    'ai_credits_forecast_pool_runs_out',
    'Projected day the pool runs out',
    'forecast_pool_runs_out',
    'The day (00:00 UTC) the pool is projected to run out, or has run out; null when it lasts the month.',
    'dateTimeAsIso',
  ),
  month(
    'ai_credits_forecast_days_left',
    'Days of pool left',
    'forecast_days_left',
    'Days from the latest billed day to the day the pool is projected to run out (0 once it has); null when it lasts the month.',
  ),
  month(
    'ai_credits_forecast_metered',
    'Projected metered AI credits',
    'forecast_metered_credits',
    'The projected credits beyond the pool this month: max(0, projected month end − pool).',
  ),
  month(
    'ai_dollars_forecast_metered',
    'Projected metered dollars',
    'forecast_metered_dollars',
    'The projected metered credits × $0.01: what the month is projected to add to the licences, before budgets stop usage.',
    'currencyUSD',
  ),
  entry(
    'ai_dollars_per_merged_pull_request',
    'AI credit dollars per merged pull request',
    'dollars_per_merged_pull_request',
    `${PER('merged pull requests', 'pull_requests.total_merged')} ${BILLED}`,
    ['billingScope'],
    { unit: 'currencyUSD', aggregation: 'ratio', source: 'AI-credit billing and the aggregate report' },
  ),
  entry(
    'ai_dollars_per_active_user',
    'AI credit dollars per active user',
    'dollars_per_active_user',
    `${PER('active users', 'active_users')} ${BILLED}`,
    ['billingScope'],
    { unit: 'currencyUSD', aggregation: 'ratio', source: 'AI-credit billing and per-user rows' },
  ),
  entry(
    'ai_credits_reconciliation',
    'AI credits: usage signal against billing',
    'reconciliation',
    "One row per UTC day of the range: the per-person usage signal (Σ ai_credits_used of the users-1-day reports: GitHub's 'metrics signal for analyzing consumption, not a billed total'), the billed AI credits (Σ grossQuantity of AI-credit rows of ai_credit/usage, billing_usage_day), the billed AI credits of the usage-report export (Σ quantity of its per-person AI-credit rows, billing_user_day; enterprises only), and the differences signal − billed. Grouped or filtered by user: per person and day, the signal against the export. A figure whose source has no stored report that day is empty, not zero. Format table only.",
    ['billingScope', 'billingPeople'],
    {
      list: true,
      source: 'per-user rows (ai_credits_used) and AI-credit billing, per day',
    },
  ),
  entry(
    'ai_budgets',
    'Budgets',
    'budgets',
    'One row per budget of the latest budgets snapshot in the range (GET …/settings/billing/budgets; budgets of one person are in ai_budget_users): scope, entity, SKU, budget_amount (whole dollars), consumed_amount and consumed ÷ budget, whether usage stops at the limit; the nearest to their limit first. Format table only.',
    ['billingScope'],
    { list: true, aggregation: 'snapshot', source: 'budgets snapshots' },
  ),
  entry(
    'ai_budget_users',
    'Budgets of people',
    'budget_users',
    'One row per person and budget of the latest snapshot in the range: user-scope budgets (GET …/budgets) and the user-states of multi-user budgets (GET …/budgets/{id}/user-states, enterprises only): consumed, target and consumed ÷ target; the nearest to their limit first. Units are those of budget_amount (US dollars; for user-states, assumed so: GitHub leaves it unconfirmed). Format table only.',
    ['billingPeople'],
    { list: true, aggregation: 'snapshot', source: 'budgets snapshots (per person)', namesPeople: true },
  ),
];
