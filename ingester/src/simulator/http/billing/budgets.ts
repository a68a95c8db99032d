/**
 * Budgets (https://docs.github.com/rest/billing/budgets): `GET /enterprises/{enterprise}/settings/billing/budgets` and
 * `/organizations/{org}/settings/billing/budgets` (paginated: `page`, `per_page` default 10, max 100;
 * `has_next_page`, `total_count`; filters `scope` and `user`), one budget by id, and
 * `GET /enterprises/{enterprise}/settings/billing/budgets/{budget_id}/user-states` for multi-user
 * budgets. As documented, a listed budget carries consumed_amount only for user scope or with `user`;
 * GET by id always does.
 */
import type { DayNumber } from '../../../days';
import type { JsonObject } from '../../../reports/types';
import { type BillingLedger, type SimBudget, budgetsOn } from '../../generate/billing';
import { findScope } from '../../generate/scope';
import type { SimContext } from '../context';
import type { Exchange } from '../exchange';
import type { BillingAccess } from './access';
import { badRequest, notFound, pageOf } from './paging';

const DOCS = 'https://docs.github.com/enterprise-cloud@latest/rest/billing/budgets';
const SCOPES = {
  enterprise: [
    'enterprise',
    'organization',
    'repository',
    'cost_center',
    'multi_user_customer',
    'multi_user_cost_center',
    'user',
  ],
  organization: ['enterprise', 'organization', 'repository', 'cost_center', 'multi_user_customer', 'user'],
};
const MULTI_USER = ['multi_user_customer', 'multi_user_cost_center'];

export class BudgetsApi {
  private cache: { today: DayNumber; budgets: SimBudget[] } | undefined;

  constructor(
    private readonly ctx: SimContext,
    private readonly ledger: BillingLedger,
    private readonly access: BillingAccess,
  ) {}

  /** Every budget of the enterprise today, kept while clients walk the pages. */
  budgets(): SimBudget[] {
    const today = this.ctx.today();
    if (this.cache?.today !== today) this.cache = { today, budgets: budgetsOn(this.ledger, today) };
    return this.cache.budgets;
  }

  list(x: Exchange, kind: 'enterprise' | 'organization'): void {
    const visible = this.visible(x, kind);
    if (!visible) return;
    const params = x.url.searchParams;
    const scope = params.get('scope');
    if (scope !== null && !SCOPES[kind].includes(scope))
      return badRequest(x, DOCS, `Invalid scope: use one of ${SCOPES[kind].join(', ')}.`);
    const login = params.get('user')?.toLowerCase();
    let budgets = visible.filter((b) => scope === null || b.budget.budget_scope === scope);
    let userFields: JsonObject = {};
    if (login !== undefined) {
      const stateOf = (b: SimBudget) => b.userStates?.find((s) => (s.user as string).toLowerCase() === login);
      budgets = budgets.filter(
        (b) => (b.budget.user as string | undefined)?.toLowerCase() === login || stateOf(b) !== undefined,
      );
      const own = budgets.find((b) => b.budget.budget_scope === 'user');
      const effective =
        own ?? budgets.find((b) => b.budget.budget_scope === 'multi_user_customer') ?? budgets[0];
      userFields = {
        user: params.get('user'),
        ...(effective && {
          effective_budget: {
            id: effective.budget.id,
            budget_amount: effective.budget.budget_amount,
            consumed_amount: own ? own.budget.consumed_amount : (stateOf(effective)?.consumed_amount ?? 0),
          },
        }),
      };
    }
    const page = pageOf(x, budgets, 10);
    x.json(200, {
      budgets: page.items.map((b) => listed(b, login !== undefined)),
      ...userFields,
      has_next_page: page.has_next_page,
      total_count: page.total_count,
    });
  }

  get(x: Exchange, kind: 'enterprise' | 'organization'): void {
    const visible = this.visible(x, kind);
    if (!visible) return;
    const found = visible.find((b) => b.budget.id === decodeURIComponent(x.params.id).toLowerCase());
    if (!found) return notFound(x, DOCS, `Budget with ID ${decodeURIComponent(x.params.id)} not found.`);
    x.json(200, found.budget);
  }

  userStates(x: Exchange): void {
    const visible = this.visible(x, 'enterprise');
    if (!visible) return;
    const id = decodeURIComponent(x.params.id);
    const found = visible.find((b) => b.budget.id === id.toLowerCase());
    if (!found) return notFound(x, DOCS, `Budget with ID ${id} not found.`);
    if (!MULTI_USER.includes(found.budget.budget_scope as string))
      return badRequest(x, DOCS, 'User states are only available for multi-user budgets.');
    const params = x.url.searchParams;
    const login = params.get('user')?.toLowerCase();
    const lower = Number(params.get('threshold_lower_bound') ?? -Infinity);
    const upper = Number(params.get('threshold_upper_bound') ?? Infinity);
    const ascending = params.get('sort_order') === '1';
    const percent = (s: JsonObject) => (100 * (s.consumed_amount as number)) / (s.target_amount as number);
    const states = found
      .userStates!.filter((s) => login === undefined || (s.user as string).toLowerCase() === login)
      .filter((s) => percent(s) >= lower && percent(s) <= upper)
      .sort((a, b) => {
        const order = (a.consumed_amount as number) - (b.consumed_amount as number);
        return (ascending ? order : -order) || (a.user as string).localeCompare(b.user as string);
      });
    const page = pageOf(x, states, 10);
    x.json(200, {
      user_states: page.items,
      has_next_page: page.has_next_page,
      total_count: page.total_count,
    });
  }

  /** The budgets the scope's list shows, or undefined after answering 404 or 403. */
  private visible(x: Exchange, kind: 'enterprise' | 'organization'): SimBudget[] | undefined {
    const scope = findScope(this.ctx.population, kind, decodeURIComponent(x.params.slug));
    if (!scope) return void notFound(x, DOCS);
    if (scope.kind === 'enterprise' && this.access.refused(x)) return undefined;
    // GitHub documents 404 as "feature not enabled" for budgets.
    if (this.ctx.faults.fires('billing-not-enabled', true)) return void notFound(x, DOCS);
    if (scope.kind === 'enterprise') return this.budgets();
    return this.budgets().filter((b) => b.orgs.includes(scope.org.index));
  }
}

/** A budget as the list shows it: consumed_amount only for user scope, or when filtered by user. */
function listed(b: SimBudget, byUser: boolean): JsonObject {
  if (byUser || b.budget.budget_scope === 'user') return b.budget;
  const rest = { ...b.budget };
  delete rest.consumed_amount;
  return rest;
}
