/**
 * The simulated enterprise's AI-credit billing: pure, seeded functions over the same user-days as the
 * usage reports, so that each person's billed credits of a day equal their `ai_credits_used`.
 */
export * from './catalog';
export { type CreditItem, type CreditedDay, creditItems, totalUnits, usageGrowth } from './credits';
export {
  ARCHIVED,
  CHAMPIONS,
  type CostCenterDef,
  SANDBOX,
  costCenterDefs,
  costCenterShares,
  directUsers,
  moveDay,
  orgCenterName,
} from './costCenters';
export { type BillingRow, BillingLedger, drawPool, grossRows, includedCredits } from './ledger';
export { type UsageFilter, matchesFilter, usageItems } from './usage';
export { CSV_COLUMNS, csvFile, csvLine, csvValues } from './csv';
export { type SimBudget, budgetsOn } from './budgets';
export { costCentersOn } from './costCenterState';
export { planOf } from '../seats';
