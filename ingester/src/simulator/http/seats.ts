/**
 * `GET /orgs/{org}/copilot/billing/seats`: the organization's seats in pages with Link headers, and the
 * 'seats-forbidden' fault (a token that is not an owner's).
 */
import type { JsonObject } from '../../reports/types';
import { findScope } from '../generate/scope';
import { seatHolders, seatRecord } from '../generate/seats';
import type { SimContext } from './context';
import type { Exchange } from './exchange';

export class SeatsApi {
  /** Today's holders of one organization, kept while a client walks through the pages. */
  private holders: { key: string; users: number[] } | undefined;

  constructor(private readonly ctx: SimContext) {}

  /** The users holding a seat in the organization today, in member order. */
  seatHolders(orgIndex: number): number[] {
    const today = this.ctx.today();
    const key = `${orgIndex}:${today}`;
    if (this.holders?.key !== key)
      this.holders = { key, users: seatHolders(this.ctx.population, orgIndex, today) };
    return this.holders.users;
  }

  seat(u: number, orgIndex: number): JsonObject {
    return seatRecord(this.ctx.population, u, orgIndex, this.ctx.today());
  }

  list(x: Exchange): void {
    const { population, faults } = this.ctx;
    const scope = findScope(population, 'organization', decodeURIComponent(x.params.org));
    if (!scope || scope.kind !== 'organization') return x.json(404, { message: 'Not Found' });
    if (faults.fires('seats-forbidden', scope.org.index === population.orgs.length - 1)) {
      return x.json(403, {
        message: 'You must be an organization owner to view Copilot seat assignments.',
        documentation_url: 'https://docs.github.com/rest/copilot/copilot-user-management',
      });
    }
    const perPage = Math.min(100, Math.max(1, Number(x.url.searchParams.get('per_page') ?? 50) || 50));
    const page = Math.max(1, Number(x.url.searchParams.get('page') ?? 1) || 1);
    const holders = this.seatHolders(scope.org.index);
    const pages = Math.max(1, Math.ceil(holders.length / perPage));
    const seats = holders
      .slice((page - 1) * perPage, page * perPage)
      .map((u) => this.seat(u, scope.org.index));
    const link = (p: number, rel: string) =>
      `<${this.ctx.baseUrl()}${x.url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links = [
      ...(page < pages ? [link(page + 1, 'next'), link(pages, 'last')] : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
    ];
    x.json(200, { total_seats: holders.length, seats }, links.length ? { link: links.join(', ') } : {});
  }
}
