/** `page` / `per_page` of the billing lists, answered with `has_next_page` and `total_count` (no Link header). */
import type { Exchange } from '../exchange';

export function pageOf<T>(
  x: Exchange,
  items: readonly T[],
  defaultPerPage: number,
): { items: T[]; has_next_page: boolean; total_count: number } {
  const params = x.url.searchParams;
  const perPage = Math.min(
    100,
    Math.max(1, Number(params.get('per_page') ?? defaultPerPage) || defaultPerPage),
  );
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    has_next_page: page * perPage < items.length,
    total_count: items.length,
  };
}

export const notFound = (x: Exchange, docs: string, message = 'Not Found') =>
  x.json(404, { message, documentation_url: docs, status: '404' });

export const badRequest = (x: Exchange, docs: string, message: string) =>
  x.json(400, { message, documentation_url: docs, status: '400' });
