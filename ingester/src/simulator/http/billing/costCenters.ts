/**
 * Cost centers (https://docs.github.com/enterprise-cloud@latest/rest/billing/cost-centers): `GET /enterprises/{enterprise}/settings/billing/cost-centers` (filter
 * `state`, no pagination, list under `costCenters`) and one by id, whose `resources` are paginated
 * (`page`, `per_page` default 30, max 100, `has_next_page`). With 'billing-not-enabled' both answer
 * 404, GitHub's answer when cost centers are not enabled.
 */
import type { JsonObject } from '../../../reports/types';
import { type BillingLedger, costCentersOn } from '../../generate/billing';
import type { SimContext } from '../context';
import type { Exchange } from '../exchange';
import type { BillingAccess } from './access';
import { badRequest, notFound, pageOf } from './paging';

const DOCS = 'https://docs.github.com/enterprise-cloud@latest/rest/billing/cost-centers';

export class CostCentersApi {
  constructor(
    private readonly ctx: SimContext,
    private readonly ledger: BillingLedger,
    private readonly access: BillingAccess,
    /** At most this many resources of each cost center in the list (all when undefined). */
    private readonly listResources?: number,
  ) {}

  list(x: Exchange): void {
    const centers = this.centers(x);
    if (!centers) return;
    const state = x.url.searchParams.get('state');
    if (state !== null && state !== 'active' && state !== 'deleted')
      return badRequest(x, DOCS, 'Invalid state: use active or deleted.');
    const listed = centers.filter((c) => state === null || c.state === state);
    const limit = this.listResources;
    x.json(200, {
      costCenters:
        limit === undefined
          ? listed
          : listed.map((c) => ({ ...c, resources: (c.resources as JsonObject[]).slice(0, limit) })),
    });
  }

  get(x: Exchange): void {
    const centers = this.centers(x);
    if (!centers) return;
    const found = centers.find((c) => c.id === decodeURIComponent(x.params.id).toLowerCase());
    if (!found) return notFound(x, DOCS);
    const page = pageOf(x, found.resources as JsonObject[], 30);
    x.json(200, { ...found, resources: page.items, has_next_page: page.has_next_page });
  }

  private centers(x: Exchange): JsonObject[] | undefined {
    const { population: p } = this.ctx;
    if (decodeURIComponent(x.params.slug).toLowerCase() !== p.enterprise.slug.toLowerCase())
      return void notFound(x, DOCS);
    if (this.access.refused(x)) return undefined;
    if (this.ctx.faults.fires('billing-not-enabled', true)) return void notFound(x, DOCS);
    return costCentersOn(this.ledger, this.ctx.today());
  }
}
