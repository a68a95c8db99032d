/**
 * `ai_credit/usage` items: the rows of a period, filtered as the endpoint's query parameters say and
 * summed per product × SKU × model, in the JSON's display names. Pure: the endpoint's answer for a
 * scope and day is exactly the sum of that scope's CSV rows of the day.
 */
import type { JsonObject } from '../../../reports/types';
import { CREDIT_UNITS, PRICE_PER_CREDIT, PRODUCT, SKUS, UNIT_TYPE } from './catalog';
import type { BillingRow } from './ledger';

/** Filters of the endpoint, compared case-insensitively as GitHub does; `costCenter` '' = none. */
export interface UsageFilter {
  organization?: string;
  user?: string;
  model?: string;
  product?: string;
  costCenter?: string;
}

export function matchesFilter(row: BillingRow, filter: UsageFilter): boolean {
  const same = (value: string, wanted: string | undefined) =>
    wanted === undefined || value.toLowerCase() === wanted.toLowerCase();
  return (
    same(row.organization, filter.organization) &&
    same(row.username, filter.user) &&
    same(row.model, filter.model) &&
    (same(PRODUCT.name, filter.product) || same(PRODUCT.id, filter.product)) &&
    same(row.costCenter, filter.costCenter)
  );
}

/** The usage items of the rows that match, sorted by SKU then model. */
export function usageItems(rows: Iterable<BillingRow>, filter: UsageFilter = {}): JsonObject[] {
  const sums = new Map<string, { sku: string; model: string; units: number; discount: number }>();
  for (const row of rows) {
    if (!matchesFilter(row, filter)) continue;
    const key = `${row.sku}\n${row.model}`;
    const sum = sums.get(key) ?? { sku: row.sku, model: row.model, units: 0, discount: 0 };
    sum.units += row.units;
    sum.discount += row.discountUnits;
    sums.set(key, sum);
  }
  return [...sums.values()]
    .sort((a, b) => a.sku.localeCompare(b.sku) || a.model.localeCompare(b.model))
    .map(({ sku, model, units, discount }) => {
      const gross = units / CREDIT_UNITS;
      const discounted = discount / CREDIT_UNITS;
      const net = (units - discount) / CREDIT_UNITS;
      return {
        product: PRODUCT.name,
        sku: SKUS[sku as keyof typeof SKUS],
        model,
        unitType: UNIT_TYPE,
        pricePerUnit: PRICE_PER_CREDIT,
        grossQuantity: gross,
        grossAmount: gross * PRICE_PER_CREDIT,
        discountQuantity: discounted,
        discountAmount: discounted * PRICE_PER_CREDIT,
        netQuantity: net,
        netAmount: net * PRICE_PER_CREDIT,
      };
    });
}
