/**
 * AI-credit billing tables (011_billing.sql): each write replaces what it covers (a scope's day of
 * usage, the days of one export, a day's snapshot) and records its status, in one transaction.
 * Rows of days GitHub no longer serves are never deleted here: history is kept past its 24 months.
 */
import type { Statement } from 'better-sqlite3';
import type { DayNumber } from '../days';
import { CSV_AMOUNTS, type BillingCsvRow, type BillingUsageItem } from '../reports/billing';
import type { DB } from './connection';
import { type Dialect, SQLITE } from './dialect';
import type { BillingExportWriter, BillingSnapshotRows, ReportOutcome } from './interface';
import type { References } from './references';
import type { Status } from './status';

const bool = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

/** A budget of a billing snapshot as bound to BUDGET_INSERT_SQL (both engines). */
export function budgetRow(scopeId: number, day: DayNumber, budget: BillingSnapshotRows['budgets'][number]) {
  return {
    scopeId,
    day,
    budgetId: budget.budgetId,
    budgetType: budget.budgetType,
    productSku: budget.productSku,
    budgetScope: budget.budgetScope,
    entityName: budget.entityName,
    userRef: budget.userRef,
    budgetAmount: budget.budgetAmount,
    consumedAmount: budget.consumedAmount,
    preventFurtherUsage: bool(budget.preventFurtherUsage),
    willAlert: bool(budget.willAlert),
    alertRecipients: budget.alertRecipients ? JSON.stringify(budget.alertRecipients) : null,
    expiresAt: budget.expiresAt,
  };
}

/** A cost center of a billing snapshot as bound to COST_CENTER_INSERT_SQL (both engines). */
export function costCenterRow(
  scopeId: number,
  day: DayNumber,
  center: BillingSnapshotRows['costCenters'][number],
) {
  return {
    scopeId,
    day,
    id: center.id,
    name: center.name,
    state: center.state,
    poolEnabled: bool(center.poolEnabled),
    poolTargetAmount: center.poolTargetAmount,
    poolCurrentAmount: center.poolCurrentAmount,
    resources: JSON.stringify(center.resources),
    azureSubscription: center.azureSubscription,
  };
}

/** `column` plus the new row's, where NULL + x is x and NULL + NULL stays NULL (as SQL's sum). */
export const added = (column: string, dialect: Dialect = SQLITE, table = '') => {
  const stored = dialect.stored(table, column);
  return `${column} = coalesce(${stored} + excluded.${column}, ${stored}, excluded.${column})`;
};

/**
 * One export's rows folded as they stream in: an upsert per CSV row into the stored tables, so the
 * only memory used is SQLite's page cache, whatever the export's size (a TEMP staging table would live
 * in memory: the writer runs with temp_store = MEMORY). Amounts are added in the CSV's order; the
 * first row of a person's key gives applied_cost_per_quantity and total_monthly_quota, and its unknown
 * columns win over later rows'.
 */
const FOLD_USER_SQL = `INSERT INTO billing_user_day (scope_id, day, user_ref, product, sku, model, unit_type, organization,
    repository, applied_cost_per_quantity, quantity, gross_amount, discount_amount, net_amount, total_monthly_quota,
    aic_quantity, aic_gross_amount, extra)
  VALUES (@scopeId, @day, @userRef, @product, @sku, @model, @unitType, @organization, @repository,
    @appliedCostPerQuantity, @quantity, @gross_amount, @discount_amount, @net_amount, @totalMonthlyQuota,
    @aic_quantity, @aic_gross_amount, @extra)
  ON CONFLICT (scope_id, day, user_ref, product, sku, model, unit_type, organization, repository) DO UPDATE SET
    ${CSV_AMOUNTS.map((column) => added(column)).join(', ')},
    extra = CASE WHEN extra IS NULL THEN excluded.extra WHEN excluded.extra IS NULL THEN extra
      ELSE json_patch(excluded.extra, extra) END`;

/** What the per-cost-center rows add up. */
export const COST_CENTER_AMOUNTS = ['quantity', 'gross_amount', 'discount_amount', 'net_amount'] as const;

const FOLD_COST_CENTER_SQL = `INSERT INTO billing_cost_center_day (scope_id, day, cost_center_name, product, sku, model,
    unit_type, quantity, gross_amount, discount_amount, net_amount)
  VALUES (@scopeId, @day, @costCenterName, @product, @sku, @model, @unitType, @quantity, @gross_amount,
    @discount_amount, @net_amount)
  ON CONFLICT (scope_id, day, cost_center_name, product, sku, model, unit_type) DO UPDATE SET
    ${COST_CENTER_AMOUNTS.map((column) => added(column)).join(', ')}`;

/** The snapshot's and the usage endpoint's rows (`@name` parameters; both engines run these texts). */
export const USAGE_INSERT_SQL = `INSERT INTO billing_usage_day (scope_id, day, product, sku, model, unit_type, price_per_unit, gross_quantity,
         gross_amount, discount_quantity, discount_amount, net_quantity, net_amount)
       VALUES (@scopeId, @day, @product, @sku, @model, @unitType, @pricePerUnit, @grossQuantity, @grossAmount,
         @discountQuantity, @discountAmount, @netQuantity, @netAmount)`;
export const BUDGET_INSERT_SQL = `INSERT INTO billing_budgets (scope_id, day, budget_id, budget_type, product_sku, budget_scope, entity_name,
         user_ref, budget_amount, consumed_amount, prevent_further_usage, will_alert, alert_recipients, expires_at)
       VALUES (@scopeId, @day, @budgetId, @budgetType, @productSku, @budgetScope, @entityName, @userRef,
         @budgetAmount, @consumedAmount, @preventFurtherUsage, @willAlert, @alertRecipients, @expiresAt)`;
export const USER_STATE_INSERT_SQL = `INSERT INTO billing_budget_user_states (scope_id, day, budget_id, user_ref, consumed_amount, target_amount,
         override_budget_id)
       VALUES (@scopeId, @day, @budgetId, @userRef, @consumedAmount, @targetAmount, @overrideBudgetId)`;
export const COST_CENTER_INSERT_SQL = `INSERT INTO billing_cost_centers (scope_id, day, cost_center_id, name, state, pool_enabled, pool_target_amount,
         pool_current_amount, resources, azure_subscription)
       VALUES (@scopeId, @day, @id, @name, @state, @poolEnabled, @poolTargetAmount, @poolCurrentAmount, @resources,
         @azureSubscription)`;

export class Billing {
  private readonly deleteUsage: Statement;
  private readonly insertUsage: Statement;
  private readonly exportStatements: ExportStatements;
  private readonly deleteBudgets: Statement;
  private readonly insertBudget: Statement;
  private readonly deleteUserStates: Statement;
  private readonly insertUserState: Statement;
  private readonly deleteCostCenters: Statement;
  private readonly insertCostCenter: Statement;
  private readonly userByLogin: Statement;

  constructor(
    db: DB,
    private readonly refs: References,
    private readonly status: Status,
  ) {
    this.deleteUsage = db.prepare('DELETE FROM billing_usage_day WHERE scope_id = ? AND day = ?');
    this.insertUsage = db.prepare(USAGE_INSERT_SQL);
    this.exportStatements = {
      db,
      deleteUsers: db.prepare('DELETE FROM billing_user_day WHERE scope_id = ? AND day = ?'),
      deleteCostCenterDays: db.prepare('DELETE FROM billing_cost_center_day WHERE scope_id = ? AND day = ?'),
      foldUser: db.prepare(FOLD_USER_SQL),
      foldCostCenter: db.prepare(FOLD_COST_CENTER_SQL),
      refs,
      status,
    };
    this.deleteBudgets = db.prepare('DELETE FROM billing_budgets WHERE scope_id = ? AND day = ?');
    this.insertBudget = db.prepare(BUDGET_INSERT_SQL);
    this.deleteUserStates = db.prepare(
      'DELETE FROM billing_budget_user_states WHERE scope_id = ? AND day = ?',
    );
    this.insertUserState = db.prepare(USER_STATE_INSERT_SQL);
    this.deleteCostCenters = db.prepare('DELETE FROM billing_cost_centers WHERE scope_id = ? AND day = ?');
    this.insertCostCenter = db.prepare(COST_CENTER_INSERT_SQL);
    this.userByLogin = db
      .prepare('SELECT id FROM users WHERE login = ? COLLATE NOCASE ORDER BY id LIMIT 1')
      .pluck();
  }

  replaceUsage(
    scopeId: number,
    day: DayNumber,
    items: readonly BillingUsageItem[],
    outcome: ReportOutcome,
  ): void {
    this.refs.transaction(() => {
      this.deleteUsage.run(scopeId, day);
      for (const item of items) this.insertUsage.run({ scopeId, day, ...item });
      this.status.recordStored(scopeId, 'billing', day, outcome);
    });
  }

  /** Opens the transaction that replaces the days of one export (see BillingExportWriter). */
  beginExport(scopeId: number, days: readonly DayNumber[]): BillingExportWriter {
    return new ExportTransaction(this.exportStatements, scopeId, days);
  }

  replaceSnapshot(
    scopeId: number,
    day: DayNumber,
    rows: BillingSnapshotRows,
    outcome: ReportOutcome | { noData: string },
  ): void {
    this.refs.transaction(() => {
      this.deleteBudgets.run(scopeId, day);
      this.deleteUserStates.run(scopeId, day);
      this.deleteCostCenters.run(scopeId, day);
      for (const budget of rows.budgets) {
        this.insertBudget.run(budgetRow(scopeId, day, budget));
      }
      for (const state of rows.userStates) this.insertUserState.run({ scopeId, day, ...state });
      for (const center of rows.costCenters) {
        this.insertCostCenter.run(costCenterRow(scopeId, day, center));
      }
      if ('noData' in outcome)
        this.status.recordAttempt(scopeId, 'billing-snapshot', day, 'no_data', outcome.noData);
      else this.status.recordStored(scopeId, 'billing-snapshot', day, outcome);
    });
  }

  /** users.id of a login already stored (PRIVACY_MODE=off only: otherwise the table holds pseudonyms). */
  userRefByLogin(login: string): number | undefined {
    return this.userByLogin.get(login) as number | undefined;
  }
}

interface ExportStatements {
  db: DB;
  deleteUsers: Statement;
  deleteCostCenterDays: Statement;
  foldUser: Statement;
  foldCostCenter: Statement;
  refs: References;
  status: Status;
}

class ExportTransaction implements BillingExportWriter {
  private finished = false;

  constructor(
    private readonly statements: ExportStatements,
    private readonly scopeId: number,
    private readonly days: readonly DayNumber[],
  ) {
    const { db, deleteUsers, deleteCostCenterDays } = statements;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const day of days) {
        deleteUsers.run(scopeId, day);
        deleteCostCenterDays.run(scopeId, day);
      }
    } catch (error) {
      void this.rollback();
      throw error;
    }
  }

  addRow(row: BillingCsvRow, userRef: number): void {
    const { scopeId } = this;
    const { day, product, sku, model, unitType, amounts } = row;
    this.statements.foldUser.run({
      scopeId,
      day,
      userRef,
      product,
      sku,
      model,
      unitType,
      organization: row.organization,
      repository: row.repository,
      appliedCostPerQuantity: row.appliedCostPerQuantity,
      totalMonthlyQuota: row.totalMonthlyQuota,
      ...amounts,
      extra: row.extra ? JSON.stringify(row.extra) : null,
    });
    this.statements.foldCostCenter.run({
      scopeId,
      day,
      costCenterName: row.costCenterName,
      product,
      sku,
      model,
      unitType,
      quantity: amounts.quantity,
      gross_amount: amounts.gross_amount,
      discount_amount: amounts.discount_amount,
      net_amount: amounts.net_amount,
    });
  }

  async commit(outcomes: ReadonlyMap<DayNumber, ReportOutcome | 'no_data'>): Promise<void> {
    const { db, status } = this.statements;
    for (const day of this.days)
      status.recordOutcome(this.scopeId, 'billing-users', day, outcomes.get(day) ?? 'no_data');
    db.exec('COMMIT');
    this.finished = true;
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.statements.db.inTransaction) this.statements.db.exec('ROLLBACK');
    this.statements.refs.forget();
  }
}
