/** The billing endpoints' handlers, built together around one ledger and one access check. */
import type { BillingLedger } from '../../generate/billing';
import type { AppAuth } from '../appAuth';
import type { SimContext } from '../context';
import type { DownloadHost } from '../downloads';
import { BillingAccess } from './access';
import { BudgetsApi } from './budgets';
import { CostCentersApi } from './costCenters';
import { type ExportOptions, UsageReportExports } from './exports';
import { AiCreditUsageApi } from './usage';

export { BILLING_SCOPE } from './access';
export type { ExportOptions } from './exports';

export interface BillingOptions extends ExportOptions {
  /** Classic tokens with the manage_billing:enterprise scope; when set, only they may read enterprise billing. */
  billingTokens?: readonly string[];
  /**
   * Resources each cost center shows in the cost-center list (default all): GitHub's list may not show
   * them all; GET …/cost-centers/{id} pages every one.
   */
  costCenterListResources?: number;
}

export interface BillingApi {
  usage: AiCreditUsageApi;
  exports: UsageReportExports;
  budgets: BudgetsApi;
  costCenters: CostCentersApi;
}

export function billingApi(
  ctx: SimContext,
  ledger: BillingLedger,
  appAuth: AppAuth,
  downloads: DownloadHost,
  options: BillingOptions,
): BillingApi {
  const access = new BillingAccess(ctx.faults, appAuth, options.billingTokens);
  return {
    usage: new AiCreditUsageApi(ctx, ledger, access),
    exports: new UsageReportExports(ctx, ledger, access, downloads, options),
    budgets: new BudgetsApi(ctx, ledger, access),
    costCenters: new CostCentersApi(ctx, ledger, access, options.costCenterListResources),
  };
}
