/**
 * `GET /enterprises/{enterprise}/settings/billing/ai_credit/usage` and
 * `GET /organizations/{org}/settings/billing/ai_credit/usage` (note: /organizations/, not /orgs/):
 * one object for the whole filtered period (a day, or a month), no pagination. The numbers are sums of
 * the ledger's rows, the same rows the usage-report CSV lists. Billing data covers 2026-06-01 through
 * "today".
 */
import { type DayNumber, dayToMs, monthEnd, parseDay } from '../../../days';
import type { JsonObject } from '../../../reports/types';
import { type BillingLedger, type UsageFilter, costCenterDefs, usageItems } from '../../generate/billing';
import { findScope } from '../../generate/scope';
import type { SimContext } from '../context';
import type { Exchange } from '../exchange';
import type { BillingAccess } from './access';
import { badRequest, notFound } from './paging';

const DOCS = 'https://docs.github.com/rest/billing/usage';

export class AiCreditUsageApi {
  constructor(
    private readonly ctx: SimContext,
    private readonly ledger: BillingLedger,
    private readonly access: BillingAccess,
  ) {}

  usage(x: Exchange, kind: 'enterprise' | 'organization'): void {
    const { population: p, faults } = this.ctx;
    const scope = findScope(p, kind, decodeURIComponent(x.params.slug));
    if (!scope) return notFound(x, DOCS);
    const params = x.url.searchParams;
    const text = (name: string) => params.get(name) ?? undefined;
    if (scope.kind === 'enterprise') {
      if (this.access.refused(x)) return;
    } else {
      if (faults.fires('billing-consolidated', scope.org.index === p.orgs.length - 1))
        return notFound(x, DOCS);
      if (text('user') !== undefined && faults.fires('billing-org-user-filter', true))
        return x.json(403, {
          message: 'Organization admins for enterprise owned organizations cannot filter usage by user',
          documentation_url: DOCS,
          status: '403',
        });
    }
    const period = this.period(x);
    if (typeof period === 'string') return badRequest(x, DOCS, period);
    const filter: UsageFilter = {
      user: text('user'),
      model: text('model'),
      product: text('product'),
      organization: scope.kind === 'organization' ? scope.org.login : text('organization'),
    };
    const echo: JsonObject = {};
    for (const name of ['user', 'product', 'model'] as const)
      if (filter[name] !== undefined) echo[name] = filter[name];
    if (scope.kind === 'enterprise') {
      if (filter.organization !== undefined) echo.organization = filter.organization;
      const costCenterId = text('cost_center_id');
      if (costCenterId !== undefined) {
        const center = costCenterDefs(p).find((c) => c.id === costCenterId);
        if (costCenterId !== 'none' && !center) return notFound(x, DOCS);
        filter.costCenter = center?.name ?? '';
        if (center) echo.costCenter = { id: center.id, name: center.name };
      }
    }
    const to = Math.min(period.to, this.ctx.today());
    x.json(200, {
      timePeriod: period.timePeriod,
      ...(scope.kind === 'enterprise'
        ? { enterprise: p.enterprise.slug }
        : { organization: scope.org.login }),
      ...echo,
      usageItems: usageItems(this.ledger.rows(period.from, to), filter),
    });
  }

  /** The period of `year`, `month` (default: the current month) and `day`, or what is wrong with them. */
  private period(x: Exchange): { from: DayNumber; to: DayNumber; timePeriod: JsonObject } | string {
    const today = new Date(dayToMs(this.ctx.today()));
    const number = (name: string, fallback: number | undefined, low: number, high: number) => {
      const raw = x.url.searchParams.get(name);
      if (raw === null) return fallback;
      const value = Number(raw);
      return Number.isInteger(value) && value >= low && value <= high ? value : NaN;
    };
    const year = number('year', today.getUTCFullYear(), 2000, 2100)!;
    const month = number('month', today.getUTCMonth() + 1, 1, 12)!;
    const day = number('day', undefined, 1, 31);
    if (Number.isNaN(year)) return 'Invalid value for "year": use a four-digit year.';
    if (Number.isNaN(month)) return 'Invalid value for "month": use 1 to 12.';
    const first = parseDay(`${year}-${String(month).padStart(2, '0')}-01`)!;
    if (day === undefined) return { from: first, to: monthEnd(first), timePeriod: { year, month } };
    if (Number.isNaN(day) || first + day - 1 > monthEnd(first))
      return `Invalid value for "day": ${year}-${month} has no day ${x.url.searchParams.get('day')}.`;
    return { from: first + day - 1, to: first + day - 1, timePeriod: { year, month, day } };
  }
}
