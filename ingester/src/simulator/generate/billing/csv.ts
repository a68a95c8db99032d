/**
 * The `ai_credit` usage-report CSV, as a real export writes it (https://docs.github.com/billing/reference/billing-reports; the header as observed in a real export of 2026-06-26):
 * UTF-8 BOM, every value double-quoted, product and SKU as snake_case ids, numbers as JavaScript prints
 * them (so amounts carry float noise, like GitHub's "1.1442185999999999").
 */
import { formatDay } from '../../../days';
import { CREDIT_UNITS, PRICE_PER_CREDIT, PRODUCT, UNIT_TYPE } from './catalog';
import type { BillingRow } from './ledger';

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

const BOM = '\uFEFF';

/** One row's values in CSV_COLUMNS order. */
export function csvValues(row: BillingRow): string[] {
  const quantity = row.units / CREDIT_UNITS;
  return [
    formatDay(row.day),
    row.username,
    PRODUCT.id,
    row.sku,
    row.model,
    String(quantity),
    UNIT_TYPE,
    String(PRICE_PER_CREDIT),
    String(quantity * PRICE_PER_CREDIT),
    String((row.discountUnits / CREDIT_UNITS) * PRICE_PER_CREDIT),
    String(((row.units - row.discountUnits) / CREDIT_UNITS) * PRICE_PER_CREDIT),
    String(row.quota),
    row.organization,
    row.repository,
    row.costCenter,
    // AI-credit equivalents of premium-request rows; AI-credit rows carry 0 (as observed).
    '0',
    '0',
  ];
}

export function csvLine(values: readonly string[]): string {
  return `${values.map((v) => `"${v.replace(/"/g, '""')}"`).join(',')}\n`;
}

/** A file's lines: the header (after the BOM), then the rows. */
export function* csvFile(rows: Iterable<BillingRow>): Generator<string> {
  yield BOM + csvLine(CSV_COLUMNS);
  for (const row of rows) yield csvLine(csvValues(row));
}
