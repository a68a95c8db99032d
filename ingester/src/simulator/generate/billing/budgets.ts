/**
 * The enterprise's budgets as they stand on a day, with what each has consumed in the current month
 * (budgets reset with the monthly cycle and count the month through "today"), and the user-states of
 * its multi-user budgets. Amounts are dollars. What counts toward a budget (GitHub's budget order,
 * https://docs.github.com/copilot/concepts/billing-and-usage/organizations-and-enterprises/budgets): a user or multi-user budget counts the person's whole usage (pool and metered), every other
 * budget only the metered part (net).
 */
import { type DayNumber, formatDay, monthEnd, monthStart } from '../../../days';
import type { JsonObject } from '../../../reports/types';
import { CREDIT_UNITS, PRICE_PER_CREDIT } from './catalog';
import { CHAMPIONS, costCenterDefs, uuid } from './costCenters';
import type { BillingLedger } from './ledger';

export interface SimBudget {
  /** The budget as GET …/budgets/{id} answers it, consumed_amount included. */
  budget: JsonObject;
  /** Organizations whose own budget list shows it. */
  orgs: number[];
  /** People a user or multi-user budget covers, with what each consumed (dollars). */
  userStates?: JsonObject[];
}

const SALT = 640;
const USER_BUDGETS = 6;
const PER_USER_LIMIT = 40;
const CHAMPION_LIMIT = 60;

const dollars = (units: number) => Math.round((units / CREDIT_UNITS) * PRICE_PER_CREDIT * 100) / 100;

/** Month-to-date consumption through `today`, in credit units. */
function monthToDate(ledger: BillingLedger, today: DayNumber) {
  const gross = new Map<number, number>();
  const champions = new Map<number, number>();
  const net = { all: 0, org: new Map<string, number>(), center: new Map<string, number>() };
  for (const row of ledger.rows(monthStart(today), today)) {
    const metered = row.units - row.discountUnits;
    gross.set(row.user, (gross.get(row.user) ?? 0) + row.units);
    if (row.costCenter === CHAMPIONS) champions.set(row.user, (champions.get(row.user) ?? 0) + row.units);
    net.all += metered;
    net.org.set(row.organization, (net.org.get(row.organization) ?? 0) + metered);
    net.center.set(row.costCenter, (net.center.get(row.costCenter) ?? 0) + metered);
  }
  return { gross, champions, net };
}

/** Every budget of the enterprise on `today`, in creation order. */
export function budgetsOn(ledger: BillingLedger, today: DayNumber): SimBudget[] {
  const p = ledger.population;
  const used = monthToDate(ledger, today);
  let n = 0;
  const make = (
    fields: JsonObject,
    consumed: number,
    orgs: number[] = [],
    id = uuid(p.seed, SALT, n++),
  ): SimBudget => ({
    budget: {
      id,
      budget_alerting: { will_alert: true, alert_recipients: [`${p.enterprise.slug}-billing-admin`] },
      prevent_further_usage: false,
      budget_entity_name: '',
      ...fields,
      consumed_amount: consumed,
    },
    orgs,
  });
  const aiCredits = { budget_type: 'BundlePricing', budget_product_sku: 'ai_credits' };
  const budgets: SimBudget[] = [
    make(
      {
        budget_type: 'ProductPricing',
        budget_product_sku: 'copilot',
        budget_scope: 'enterprise',
        budget_amount: 5000,
      },
      dollars(used.net.all),
    ),
    make({ ...aiCredits, budget_scope: 'enterprise', budget_amount: 3000 }, dollars(used.net.all)),
    ...p.orgs.slice(0, 3).map((org) =>
      make(
        {
          budget_type: 'SkuPricing',
          budget_product_sku: 'copilot_ai_credits',
          budget_scope: 'organization',
          budget_entity_name: org.login,
          budget_amount: 500 + 250 * org.index,
          prevent_further_usage: org.index === 0,
        },
        dollars(used.net.org.get(org.login) ?? 0),
        [org.index],
      ),
    ),
    ...costCenterDefs(p)
      .filter((c) => c.state === 'active')
      .map((c) =>
        make(
          { ...aiCredits, budget_scope: 'cost_center', budget_entity_name: c.name, budget_amount: 300 },
          dollars(used.net.center.get(c.name) ?? 0),
        ),
      ),
    make(
      {
        budget_type: 'ProductPricing',
        budget_product_sku: 'actions',
        budget_scope: 'repository',
        budget_entity_name: `${p.orgs[0].repos[0].owner}/${p.orgs[0].repos[0].name}`,
        budget_amount: 50,
      },
      12.5,
      [0],
    ),
  ];
  const userBudgets = topConsumers(used.gross, USER_BUDGETS).map(([u, units], i) => {
    const spent = dollars(units);
    // The first is near its limit, the second past it, the others comfortable.
    const amount =
      i === 0
        ? Math.max(1, Math.ceil(spent / 0.93))
        : i === 1
          ? Math.max(1, Math.floor(spent / 1.05))
          : Math.ceil(spent * 2) + 10;
    const budget = make(
      {
        ...aiCredits,
        budget_scope: 'user',
        user: p.userLogin(u),
        budget_amount: amount,
        prevent_further_usage: true,
        budget_alerting: { will_alert: false, alert_recipients: [] },
        expires_at: i % 2 === 0 ? formatDay(monthEnd(monthEnd(today) + 1)) : null,
      },
      spent,
      [p.primaryOrg[u]],
      uuid(p.seed, SALT + 1, u),
    );
    return { u, budget };
  });
  const overrides = new Map(userBudgets.map(({ u, budget }) => [u, budget.budget]));
  const states = (consumed: Map<number, number>, limit: number) =>
    [...consumed.entries()]
      .filter(([, units]) => units > 0)
      .sort(([a], [b]) => a - b)
      .map(([u, units]) => {
        const override = overrides.get(u);
        return {
          user: p.userLogin(u),
          consumed_amount: dollars(units),
          target_amount: (override?.budget_amount as number | undefined) ?? limit,
          ...(override ? { override_budget_id: override.id } : {}),
        };
      });
  const multiUser = (fields: JsonObject, userStates: JsonObject[]): SimBudget => ({
    ...make(
      { ...aiCredits, prevent_further_usage: true, ...fields },
      Math.round(userStates.reduce((sum, s) => sum + (s.consumed_amount as number), 0) * 100) / 100,
    ),
    userStates,
  });
  budgets.push(
    multiUser(
      { budget_scope: 'multi_user_customer', budget_amount: PER_USER_LIMIT },
      states(used.gross, PER_USER_LIMIT),
    ),
    multiUser(
      {
        budget_scope: 'multi_user_cost_center',
        budget_entity_name: CHAMPIONS,
        budget_amount: CHAMPION_LIMIT,
      },
      states(used.champions, CHAMPION_LIMIT),
    ),
    ...userBudgets.map(({ budget }) => budget),
  );
  return budgets;
}

/** The `count` people with the most usage, most first (ties by population order). */
function topConsumers(gross: Map<number, number>, count: number): [number, number][] {
  return [...gross.entries()].sort(([ua, a], [ub, b]) => b - a || ua - ub).slice(0, count);
}
