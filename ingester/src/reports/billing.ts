/**
 * AI-credit billing answers → rows. Pure: no I/O, no ids. Field names are GitHub's (camelCase in the
 * usage JSON, snake_case in budgets, cost centers and the export's CSV); `sku`, `model`, `product` and
 * `unitType` are opaque strings, kept as sent. Shapes: https://docs.github.com/rest/billing/usage
 * (ai_credit/usage), https://docs.github.com/billing/reference/billing-reports (the export's CSV),
 * https://docs.github.com/rest/billing/budgets (budgets, user-states),
 * https://docs.github.com/enterprise-cloud@latest/rest/billing/cost-centers (cost centers).
 */
import { parseDay, type DayNumber } from '../days';
import { isJsonObject, type JsonObject } from './types';

/** How many problem descriptions one answer keeps; the counts stay exact. */
export const MAX_BILLING_ISSUES = 50;

/** One `usageItems[]` element of `…/settings/billing/ai_credit/usage`: all six quantities and amounts. */
export interface BillingUsageItem {
  product: string;
  sku: string;
  model: string;
  unitType: string;
  pricePerUnit: number | null;
  grossQuantity: number | null;
  grossAmount: number | null;
  discountQuantity: number | null;
  discountAmount: number | null;
  netQuantity: number | null;
  netAmount: number | null;
}

export interface ParsedAnswer<T> {
  rows: T[];
  /** Paths of keys this version does not store (e.g. `usageItems[].tokens`). */
  unknownKeys: string[];
  /** Line- or item-numbered problems, capped; `malformed` is exact. */
  issues: string[];
  malformed: number;
}

const USAGE_TOP_KEYS = new Set([
  'timePeriod',
  'enterprise',
  'organization',
  'user',
  'product',
  'model',
  'costCenter',
  'usageItems',
]);
const USAGE_TEXT = ['product', 'sku', 'model', 'unitType'] as const;
const USAGE_NUMBERS = [
  'pricePerUnit',
  'grossQuantity',
  'grossAmount',
  'discountQuantity',
  'discountAmount',
  'netQuantity',
  'netAmount',
] as const;
const USAGE_ITEM_KEYS = new Set<string>([...USAGE_TEXT, ...USAGE_NUMBERS]);
/** The amounts summed when two items (or CSV rows) share a key. */
const SUMMED_USAGE = USAGE_NUMBERS.filter((k) => k !== 'pricePerUnit');

export class BillingShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BillingShapeError';
  }
}

/** A JSON number, or null when absent; anything else is a problem. */
function numberOf(value: unknown, where: string, issues: string[]): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  pushIssue(issues, `${where}: expected a number, got ${JSON.stringify(value).slice(0, 40)}`);
  return null;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function pushIssue(issues: string[], issue: string): void {
  if (issues.length < MAX_BILLING_ISSUES) issues.push(issue);
}

function addNullable(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

/**
 * The usage items of one day's `ai_credit/usage` answer. Items with the same product, SKU, model and
 * unit type are summed (the table's key), so nothing GitHub sent is dropped. `timePeriod` must name
 * the day asked for.
 */
export function parseUsageAnswer(body: unknown, day: DayNumber): ParsedAnswer<BillingUsageItem> {
  if (!isJsonObject(body) || !Array.isArray(body.usageItems))
    throw new BillingShapeError(
      'the answer is not the documented {timePeriod, usageItems[]} object; check GITHUB_API_URL points at the GitHub API',
    );
  const issues: string[] = [];
  const unknownKeys = new Set<string>();
  for (const key of Object.keys(body)) if (!USAGE_TOP_KEYS.has(key)) unknownKeys.add(key);
  const asked = new Date(day * 86_400_000);
  const period = isJsonObject(body.timePeriod) ? body.timePeriod : {};
  if (
    (period.year !== undefined && period.year !== asked.getUTCFullYear()) ||
    (period.month !== undefined && period.month !== asked.getUTCMonth() + 1) ||
    (period.day !== undefined && period.day !== asked.getUTCDate())
  )
    throw new BillingShapeError(
      `the answer's timePeriod ${JSON.stringify(period)} is not the day asked for (${asked.toISOString().slice(0, 10)})`,
    );
  const byKey = new Map<string, BillingUsageItem>();
  let malformed = 0;
  for (const [index, value] of body.usageItems.entries()) {
    const where = `usageItems[${index}]`;
    if (!isJsonObject(value)) {
      malformed++;
      pushIssue(issues, `${where}: not an object`);
      continue;
    }
    for (const key of Object.keys(value))
      if (!USAGE_ITEM_KEYS.has(key)) unknownKeys.add(`usageItems[].${key}`);
    const missing = USAGE_TEXT.filter((key) => textOf(value[key]) === null);
    if (missing.length) {
      malformed++;
      pushIssue(issues, `${where}: ${missing.join(', ')} missing or not a string`);
      continue;
    }
    const item = {} as BillingUsageItem;
    for (const key of USAGE_TEXT) item[key] = value[key] as string;
    for (const key of USAGE_NUMBERS) item[key] = numberOf(value[key], `${where}.${key}`, issues);
    const key = USAGE_TEXT.map((k) => item[k]).join('\u0000');
    const earlier = byKey.get(key);
    if (!earlier) {
      byKey.set(key, item);
      continue;
    }
    pushIssue(issues, `${where}: a second item for ${item.model} / ${item.sku}; its figures were added`);
    for (const k of SUMMED_USAGE) earlier[k] = addNullable(earlier[k], item[k]);
  }
  return { rows: [...byKey.values()], unknownKeys: [...unknownKeys].sort(), issues, malformed };
}

// ---------------------------------------------------------------------------------------------------
// The `ai_credit` usage-report export (CSV)

/** The columns of the observed `ai_credit` export header (2026-06-26); any others go to `extra`. */
export const CSV_COLUMNS = [
  'date',
  'username',
  'product',
  'sku',
  'model',
  'quantity',
  'unit_type',
  'applied_cost_per_quantity',
  'gross_amount',
  'discount_amount',
  'net_amount',
  'total_monthly_quota',
  'organization',
  'repository',
  'cost_center_name',
  'aic_quantity',
  'aic_gross_amount',
] as const;
const CSV_KNOWN = new Set<string>(CSV_COLUMNS);
/** Without these a row cannot be placed: the CSV is not an AI-credit usage report. */
const CSV_REQUIRED = ['date', 'product', 'sku', 'quantity'] as const;

/** The amounts of a CSV row, in the order rows are summed. */
export const CSV_AMOUNTS = [
  'quantity',
  'gross_amount',
  'discount_amount',
  'net_amount',
  'aic_quantity',
  'aic_gross_amount',
] as const;
export type CsvAmount = (typeof CSV_AMOUNTS)[number];

/** One CSV line, by header name. */
export interface BillingCsvRow {
  day: DayNumber;
  /** GitHub login as sent ('' when the row has none). */
  username: string;
  product: string;
  sku: string;
  model: string;
  unitType: string;
  organization: string;
  repository: string;
  costCenterName: string;
  appliedCostPerQuantity: number | null;
  totalMonthlyQuota: number | null;
  amounts: Record<CsvAmount, number | null>;
  /** Columns this version does not know, name → value; null when none. */
  extra: Record<string, string> | null;
}

/** Checks a CSV header; returns the columns no table knows (kept per row in `extra`). */
export function checkCsvHeader(columns: readonly string[]): string[] {
  const missing = CSV_REQUIRED.filter((name) => !columns.includes(name));
  if (missing.length)
    throw new BillingShapeError(
      `the export's CSV has no ${missing.join(', ')} column (header: ${columns.slice(0, 20).join(',')}); it is not the ai_credit usage report this version reads`,
    );
  return columns.filter((name) => !CSV_KNOWN.has(name));
}

function csvNumber(value: string | undefined): number | null | 'bad' {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : 'bad';
}

/** A CSV record (header name → text) as a row, or why it cannot be one. */
export function csvRow(record: Record<string, string>): { row: BillingCsvRow } | { error: string } {
  const day = parseDay(record.date ?? '');
  if (day === undefined) return { error: `date "${(record.date ?? '').slice(0, 20)}" is not YYYY-MM-DD` };
  const numbers: Record<string, number | null> = {};
  for (const name of [...CSV_AMOUNTS, 'applied_cost_per_quantity', 'total_monthly_quota']) {
    const value = csvNumber(record[name]);
    if (value === 'bad') return { error: `${name} "${String(record[name]).slice(0, 20)}" is not a number` };
    numbers[name] = value;
  }
  let extra: Record<string, string> | null = null;
  for (const [name, value] of Object.entries(record)) {
    if (CSV_KNOWN.has(name)) continue;
    extra ??= {};
    extra[name] = value;
  }
  return {
    row: {
      day,
      username: (record.username ?? '').trim(),
      product: record.product ?? '',
      sku: record.sku ?? '',
      model: record.model ?? '',
      unitType: record.unit_type ?? '',
      organization: record.organization ?? '',
      repository: record.repository ?? '',
      costCenterName: record.cost_center_name ?? '',
      appliedCostPerQuantity: numbers.applied_cost_per_quantity,
      totalMonthlyQuota: numbers.total_monthly_quota,
      amounts: Object.fromEntries(CSV_AMOUNTS.map((k) => [k, numbers[k]])) as Record<
        CsvAmount,
        number | null
      >,
      extra,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Budgets, user-states, cost centers: today's state

export interface BillingBudget {
  budgetId: string;
  budgetType: string | null;
  /** budget_product_sku, or budget_product_skus joined with ','. */
  productSku: string | null;
  budgetScope: string | null;
  entityName: string | null;
  /** The login of a user-scope budget, as sent. */
  user: string | null;
  budgetAmount: number | null;
  consumedAmount: number | null;
  preventFurtherUsage: boolean | null;
  willAlert: boolean | null;
  alertRecipients: string[] | null;
  expiresAt: string | null;
}

export interface BillingUserState {
  /** Login as sent; GitHub sends it "when the user record is available". */
  user: string | null;
  consumedAmount: number | null;
  targetAmount: number | null;
  overrideBudgetId: string | null;
}

export interface BillingCostCenter {
  id: string;
  name: string;
  state: string | null;
  azureSubscription: string | null;
  poolEnabled: boolean | null;
  poolTargetAmount: number | null;
  poolCurrentAmount: number | null;
  resources: { type: string; name: string }[];
}

const BUDGET_KEYS = new Set([
  'id',
  'budget_type',
  'budget_product_sku',
  'budget_product_skus',
  'budget_scope',
  'budget_entity_name',
  'user',
  'budget_amount',
  'consumed_amount',
  'prevent_further_usage',
  'budget_alerting',
  'expires_at',
]);
const BUDGET_PAGE_KEYS = new Set(['budgets', 'user', 'effective_budget', 'has_next_page', 'total_count']);
const USER_STATE_KEYS = new Set(['user', 'consumed_amount', 'target_amount', 'override_budget_id']);
const USER_STATE_PAGE_KEYS = new Set(['user_states', 'has_next_page', 'total_count']);
const COST_CENTER_KEYS = new Set([
  'id',
  'name',
  'state',
  'azure_subscription',
  'resources',
  'ai_credit_pool_enabled',
  'ai_credit_pool_state',
]);

function boolOf(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function unknownOf(object: JsonObject, known: Set<string>, prefix: string, out: Set<string>): void {
  for (const key of Object.keys(object)) if (!known.has(key)) out.add(`${prefix}${key}`);
}

/** One page of a paginated listing: its elements under `listKey`, and whether another page follows. */
export interface Page<T> extends ParsedAnswer<T> {
  hasNextPage: boolean;
  totalCount: number | null;
}

function pageOf(body: unknown, listKey: string, what: string): { list: unknown[]; object: JsonObject } {
  if (!isJsonObject(body) || !Array.isArray(body[listKey]))
    throw new BillingShapeError(`the answer for ${what} is not the documented {${listKey}: [...]} object`);
  return { list: body[listKey] as unknown[], object: body };
}

/** Whether another page follows, and the total GitHub counts, as a paginated answer says them. */
function pagingOf(object: JsonObject): Pick<Page<unknown>, 'hasNextPage' | 'totalCount'> {
  return {
    hasNextPage: object.has_next_page === true,
    totalCount: typeof object.total_count === 'number' ? object.total_count : null,
  };
}

/**
 * A listing's elements as rows: an element that is not an object `placed` accepts is counted as
 * malformed, with `where(index): problem` among the issues; the others' keys outside `known` are
 * noted (prefixed) in `unknownKeys`, and `row` reads them.
 */
function readElements<T>(
  list: readonly unknown[],
  element: {
    where: (index: number) => string;
    placed: (value: JsonObject) => boolean;
    problem: string;
    known?: { keys: Set<string>; prefix: string };
    row: (value: JsonObject, where: string) => T;
  },
  found: { issues: string[]; unknownKeys: Set<string> },
): { rows: T[]; malformed: number } {
  const rows: T[] = [];
  let malformed = 0;
  for (const [index, value] of list.entries()) {
    const where = element.where(index);
    if (!isJsonObject(value) || !element.placed(value)) {
      malformed++;
      pushIssue(found.issues, `${where}: ${element.problem}`);
      continue;
    }
    if (element.known) unknownOf(value, element.known.keys, element.known.prefix, found.unknownKeys);
    rows.push(element.row(value, where));
  }
  return { rows, malformed };
}

export function parseBudgetsPage(body: unknown, page: number): Page<BillingBudget> {
  const { list, object } = pageOf(body, 'budgets', 'budgets');
  const found = { issues: [] as string[], unknownKeys: new Set<string>() };
  unknownOf(object, BUDGET_PAGE_KEYS, '', found.unknownKeys);
  const { issues } = found;
  const { rows, malformed } = readElements(
    list,
    {
      where: (index) => `page ${page}, budgets[${index}]`,
      placed: (value) => typeof value.id === 'string' && value.id !== '',
      problem: 'no id',
      known: { keys: BUDGET_KEYS, prefix: 'budgets[].' },
      row: (value, where): BillingBudget => {
        const skus = Array.isArray(value.budget_product_skus)
          ? value.budget_product_skus.filter((s): s is string => typeof s === 'string').join(',')
          : null;
        const alerting = isJsonObject(value.budget_alerting) ? value.budget_alerting : {};
        return {
          budgetId: value.id as string,
          budgetType: textOf(value.budget_type),
          productSku: textOf(value.budget_product_sku) ?? skus,
          budgetScope: textOf(value.budget_scope),
          entityName: textOf(value.budget_entity_name),
          user: textOf(value.user),
          budgetAmount: numberOf(value.budget_amount, `${where}.budget_amount`, issues),
          consumedAmount: numberOf(value.consumed_amount, `${where}.consumed_amount`, issues),
          preventFurtherUsage: boolOf(value.prevent_further_usage),
          willAlert: boolOf(alerting.will_alert),
          alertRecipients: Array.isArray(alerting.alert_recipients)
            ? alerting.alert_recipients.filter((r): r is string => typeof r === 'string')
            : null,
          expiresAt: textOf(value.expires_at),
        };
      },
    },
    found,
  );
  return { rows, unknownKeys: [...found.unknownKeys].sort(), issues, malformed, ...pagingOf(object) };
}

export function parseUserStatesPage(body: unknown, page: number): Page<BillingUserState> {
  const { list, object } = pageOf(body, 'user_states', 'budget user-states');
  const found = { issues: [] as string[], unknownKeys: new Set<string>() };
  unknownOf(object, USER_STATE_PAGE_KEYS, 'user_states.', found.unknownKeys);
  const { issues } = found;
  const { rows, malformed } = readElements(
    list,
    {
      where: (index) => `page ${page}, user_states[${index}]`,
      placed: () => true,
      problem: 'not an object',
      known: { keys: USER_STATE_KEYS, prefix: 'user_states[].' },
      row: (value, where): BillingUserState => ({
        user: textOf(value.user),
        consumedAmount: numberOf(value.consumed_amount, `${where}.consumed_amount`, issues),
        targetAmount: numberOf(value.target_amount, `${where}.target_amount`, issues),
        overrideBudgetId: textOf(value.override_budget_id),
      }),
    },
    found,
  );
  return { rows, unknownKeys: [...found.unknownKeys].sort(), issues, malformed, ...pagingOf(object) };
}

export function parseCostCenters(body: unknown): ParsedAnswer<BillingCostCenter> {
  const { list, object } = pageOf(body, 'costCenters', 'cost centers');
  const found = { issues: [] as string[], unknownKeys: new Set<string>() };
  unknownOf(object, new Set(['costCenters']), 'cost_centers.', found.unknownKeys);
  const { issues } = found;
  const { rows, malformed } = readElements(
    list,
    {
      where: (index) => `costCenters[${index}]`,
      placed: (value) => typeof value.id === 'string' && typeof value.name === 'string',
      problem: 'no id or name',
      known: { keys: COST_CENTER_KEYS, prefix: 'costCenters[].' },
      row: (value, where): BillingCostCenter => {
        const pool = isJsonObject(value.ai_credit_pool_state) ? value.ai_credit_pool_state : {};
        return {
          id: value.id as string,
          name: value.name as string,
          state: textOf(value.state),
          azureSubscription: textOf(value.azure_subscription),
          poolEnabled: boolOf(value.ai_credit_pool_enabled),
          poolTargetAmount: numberOf(
            pool.target_amount,
            `${where}.ai_credit_pool_state.target_amount`,
            issues,
          ),
          poolCurrentAmount: numberOf(
            pool.current_amount,
            `${where}.ai_credit_pool_state.current_amount`,
            issues,
          ),
          resources: (Array.isArray(value.resources) ? value.resources : [])
            .filter(isJsonObject)
            .map((r) => ({ type: String(r.type ?? ''), name: String(r.name ?? '') })),
        };
      },
    },
    found,
  );
  return { rows, unknownKeys: [...found.unknownKeys].sort(), issues, malformed };
}

/**
 * One page of `GET …/cost-centers/{id}`: the cost center with a page of its `resources` (`page`,
 * `per_page`, `has_next_page`); its other fields are the list's, read there.
 */
export function parseCostCenterResourcesPage(
  body: unknown,
  page: number,
): Page<BillingCostCenter['resources'][number]> {
  if (!isJsonObject(body) || (body.resources !== undefined && !Array.isArray(body.resources)))
    throw new BillingShapeError(
      'the answer for a cost center is not the documented {id, name, resources: [...]} object',
    );
  const unknownKeys = new Set<string>();
  unknownOf(
    body,
    new Set([...COST_CENTER_KEYS, 'has_next_page', 'total_count']),
    'costCenters[].',
    unknownKeys,
  );
  const issues: string[] = [];
  const { rows, malformed } = readElements(
    (body.resources as unknown[] | undefined) ?? [],
    {
      where: (index) => `cost center ${String(body.id)}, page ${page}, resources[${index}]`,
      placed: (value) => typeof value.type === 'string' && typeof value.name === 'string',
      problem: 'no type or name',
      row: (value) => ({ type: value.type as string, name: value.name as string }),
    },
    { issues, unknownKeys },
  );
  return { rows, unknownKeys: [...unknownKeys].sort(), issues, malformed, ...pagingOf(body) };
}

/** Budget scopes whose per-person state GitHub lists under `…/budgets/{id}/user-states`. */
export const MULTI_USER_SCOPES = new Set(['multi_user_customer', 'multi_user_cost_center']);
