/**
 * Cost centers as `GET …/settings/billing/cost-centers` lists them on a day: resources, and for those
 * drawing from the AI credit pool, its state in AI credits (https://docs.github.com/enterprise-cloud@latest/rest/billing/cost-centers):
 *   target_amount  = Σ over its licensed users of their plan's included credits (1,900 or 3,900);
 *   current_amount = the month's credits so far (through "today") of the CSV rows charged to it;
 * null while the cap budget is not materialized.
 */
import { type DayNumber, monthStart } from '../../../days';
import type { JsonObject } from '../../../reports/types';
import { planOf } from '../seats';
import { CREDIT_UNITS, INCLUDED_CREDITS } from './catalog';
import { type CostCenterDef, costCenterDefs, directUsers } from './costCenters';
import type { BillingLedger } from './ledger';

export function costCentersOn(ledger: BillingLedger, today: DayNumber): JsonObject[] {
  const p = ledger.population;
  const month = new Map<string, number>();
  for (const row of ledger.rows(monthStart(today), today))
    month.set(row.costCenter, (month.get(row.costCenter) ?? 0) + row.units);
  return costCenterDefs(p).map((def) => {
    const users = directUsers(p, def.name, today);
    return {
      id: def.id,
      name: def.name,
      state: def.state,
      azure_subscription: null,
      resources: [
        ...def.orgs.map((o) => ({ type: 'Org', name: p.orgs[o].login })),
        ...users.map((u) => ({ type: 'User', name: p.userLogin(u) })),
        ...def.teams.map((name) => ({ type: 'Team', name })),
      ],
      ai_credit_pool_enabled: def.poolEnabled,
      ...(def.poolEnabled ? { ai_credit_pool_state: poolState(def, users) } : {}),
    };
    function poolState(c: CostCenterDef, members: number[]): JsonObject | null {
      if (!c.materialized) return null;
      const licensed = members.filter((u) => p.seatDay[u] <= today);
      return {
        target_amount: licensed.reduce((sum, u) => sum + INCLUDED_CREDITS[planOf(p, u)], 0),
        current_amount: (month.get(c.name) ?? 0) / CREDIT_UNITS,
      };
    }
  });
}
