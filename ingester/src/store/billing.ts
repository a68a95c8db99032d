/**
 * AI-credit billing tables (011_billing.sql): each write replaces what it covers (a scope's day of
 * usage, the days of one export, a day's snapshot) and records its status, in one transaction.
 * Rows of days GitHub no longer serves are never deleted here: history is kept past its 24 months.
 */
import type { Statement } from 'better-sqlite3';
import type { DayNumber } from '../days';
import type { BillingCostCenterDayRow, BillingUsageItem, BillingUserDayRow } from '../reports/billing';
import type { DB } from './connection';
import type { BillingSnapshotRows, ReportOutcome } from './interface';
import type { References } from './references';
import type { Status } from './status';

const bool = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

export class Billing {
  private readonly deleteUsage: Statement;
  private readonly insertUsage: Statement;
  private readonly deleteUsers: Statement;
  private readonly insertUser: Statement;
  private readonly deleteCostCenterDays: Statement;
  private readonly insertCostCenterDay: Statement;
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
    this.insertUsage = db.prepare(
      `INSERT INTO billing_usage_day (scope_id, day, product, sku, model, unit_type, price_per_unit, gross_quantity,
         gross_amount, discount_quantity, discount_amount, net_quantity, net_amount)
       VALUES (@scopeId, @day, @product, @sku, @model, @unitType, @pricePerUnit, @grossQuantity, @grossAmount,
         @discountQuantity, @discountAmount, @netQuantity, @netAmount)`,
    );
    this.deleteUsers = db.prepare('DELETE FROM billing_user_day WHERE scope_id = ? AND day = ?');
    this.insertUser = db.prepare(
      `INSERT INTO billing_user_day (scope_id, day, user_ref, product, sku, model, unit_type, organization, repository,
         applied_cost_per_quantity, quantity, gross_amount, discount_amount, net_amount, total_monthly_quota,
         aic_quantity, aic_gross_amount, extra)
       VALUES (@scopeId, @day, @userRef, @product, @sku, @model, @unitType, @organization, @repository,
         @appliedCostPerQuantity, @quantity, @grossAmount, @discountAmount, @netAmount, @totalMonthlyQuota,
         @aicQuantity, @aicGrossAmount, @extra)`,
    );
    this.deleteCostCenterDays = db.prepare(
      'DELETE FROM billing_cost_center_day WHERE scope_id = ? AND day = ?',
    );
    this.insertCostCenterDay = db.prepare(
      `INSERT INTO billing_cost_center_day (scope_id, day, cost_center_name, product, sku, model, unit_type, quantity,
         gross_amount, discount_amount, net_amount)
       VALUES (@scopeId, @day, @costCenterName, @product, @sku, @model, @unitType, @quantity, @grossAmount,
         @discountAmount, @netAmount)`,
    );
    this.deleteBudgets = db.prepare('DELETE FROM billing_budgets WHERE scope_id = ? AND day = ?');
    this.insertBudget = db.prepare(
      `INSERT INTO billing_budgets (scope_id, day, budget_id, budget_type, product_sku, budget_scope, entity_name,
         user_ref, budget_amount, consumed_amount, prevent_further_usage, will_alert, alert_recipients, expires_at)
       VALUES (@scopeId, @day, @budgetId, @budgetType, @productSku, @budgetScope, @entityName, @userRef,
         @budgetAmount, @consumedAmount, @preventFurtherUsage, @willAlert, @alertRecipients, @expiresAt)`,
    );
    this.deleteUserStates = db.prepare(
      'DELETE FROM billing_budget_user_states WHERE scope_id = ? AND day = ?',
    );
    this.insertUserState = db.prepare(
      `INSERT INTO billing_budget_user_states (scope_id, day, budget_id, user_ref, consumed_amount, target_amount,
         override_budget_id)
       VALUES (@scopeId, @day, @budgetId, @userRef, @consumedAmount, @targetAmount, @overrideBudgetId)`,
    );
    this.deleteCostCenters = db.prepare('DELETE FROM billing_cost_centers WHERE scope_id = ? AND day = ?');
    this.insertCostCenter = db.prepare(
      `INSERT INTO billing_cost_centers (scope_id, day, cost_center_id, name, state, pool_enabled, pool_target_amount,
         pool_current_amount, resources, azure_subscription)
       VALUES (@scopeId, @day, @id, @name, @state, @poolEnabled, @poolTargetAmount, @poolCurrentAmount, @resources,
         @azureSubscription)`,
    );
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

  replaceUserDays(
    scopeId: number,
    days: readonly DayNumber[],
    users: readonly BillingUserDayRow[],
    costCenters: readonly BillingCostCenterDayRow[],
    outcomes: ReadonlyMap<DayNumber, ReportOutcome | 'no_data'>,
  ): void {
    this.refs.transaction(() => {
      for (const day of days) {
        this.deleteUsers.run(scopeId, day);
        this.deleteCostCenterDays.run(scopeId, day);
      }
      for (const row of users) {
        const { amounts } = row;
        this.insertUser.run({
          scopeId,
          day: row.day,
          userRef: row.userRef,
          product: row.product,
          sku: row.sku,
          model: row.model,
          unitType: row.unitType,
          organization: row.organization,
          repository: row.repository,
          appliedCostPerQuantity: row.appliedCostPerQuantity,
          quantity: amounts.quantity,
          grossAmount: amounts.gross_amount,
          discountAmount: amounts.discount_amount,
          netAmount: amounts.net_amount,
          totalMonthlyQuota: row.totalMonthlyQuota,
          aicQuantity: amounts.aic_quantity,
          aicGrossAmount: amounts.aic_gross_amount,
          extra: row.extra ? JSON.stringify(row.extra) : null,
        });
      }
      for (const row of costCenters) this.insertCostCenterDay.run({ scopeId, ...row });
      for (const day of days)
        this.status.recordOutcome(scopeId, 'billing-users', day, outcomes.get(day) ?? 'no_data');
    });
  }

  replaceSnapshot(scopeId: number, day: DayNumber, rows: BillingSnapshotRows, outcome: ReportOutcome): void {
    this.refs.transaction(() => {
      this.deleteBudgets.run(scopeId, day);
      this.deleteUserStates.run(scopeId, day);
      this.deleteCostCenters.run(scopeId, day);
      for (const budget of rows.budgets) {
        this.insertBudget.run({
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
        });
      }
      for (const state of rows.userStates) this.insertUserState.run({ scopeId, day, ...state });
      for (const center of rows.costCenters) {
        this.insertCostCenter.run({
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
        });
      }
      this.status.recordStored(scopeId, 'billing-snapshot', day, outcome);
    });
  }

  /** users.id of a login already stored (PRIVACY_MODE=off only: otherwise the table holds pseudonyms). */
  userRefByLogin(login: string): number | undefined {
    return this.userByLogin.get(login) as number | undefined;
  }
}
