/**
 * Template variables in queries. Every text field of a query may hold `$variables`; they are replaced
 * before the query leaves Grafana. Multi-value variables become lists in filters, and are refused in
 * fields that take one value (a query reads one scope and one metric).
 */
import { ALL_VALUES } from '@copilot-metrics/contract';
import type { ScopedVars } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { type CopilotQuery, isAnnotationsQuery } from './types';

/** Joins the values of a multi-value variable; no real value contains it, so splitting is exact. */
const SEPARATOR = '\u001f';

const joinValues = (value: unknown) => (Array.isArray(value) ? value.join(SEPARATOR) : String(value));

/** Whether a text refers to a template variable (`$name`, `${name}` or `[[name]]`). */
export function hasVariable(text: string | undefined): boolean {
  return !!text && /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/.test(text);
}

/** Every value a text stands for once variables are replaced: several for a multi-value variable. */
export function interpolateValues(text: string, scopedVars?: ScopedVars): string[] {
  return getTemplateSrv()
    .replace(text, scopedVars, joinValues)
    .split(SEPARATOR)
    .filter((value) => value !== '');
}

/** A query that cannot be sent as it stands; it is reported on that query, the others still run. */
export class InvalidQueryError extends Error {}

/** The one value of a single-value field; a variable with several values selected is an error. */
export function interpolateOne(
  field: string,
  text: string | undefined,
  scopedVars?: ScopedVars,
): string | undefined {
  if (text === undefined || text === '') return undefined;
  const values = interpolateValues(text, scopedVars);
  if (values.length > 1) {
    throw new InvalidQueryError(
      `${field} takes one value, but ${text} has ${values.length} selected (${values.slice(0, 3).join(', ')}${values.length > 3 ? ', ...' : ''}); make the variable single-value or repeat the panel by it`,
    );
  }
  return values[0];
}

/**
 * Filters with variables replaced. A multi-value variable adds each of its values; a filter that ends
 * up empty, or that contains `*` (a variable's "All"), is dropped: it would not restrict anything.
 */
export function interpolateFilters(
  filters: Record<string, string[]> | undefined,
  scopedVars?: ScopedVars,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [dimension, values] of Object.entries(filters ?? {})) {
    const list = [...new Set(values.flatMap((value) => interpolateValues(value, scopedVars)))];
    if (list.length && !list.includes(ALL_VALUES)) out[dimension] = list;
  }
  return out;
}

/**
 * The query with every variable replaced, for Explore and the query inspector. Single-value fields
 * with several values keep them comma-separated here; running the query reports them as an error.
 */
export function interpolateQuery(query: CopilotQuery, scopedVars?: ScopedVars): CopilotQuery {
  const text = (value: string | undefined) =>
    value === undefined ? undefined : interpolateValues(value, scopedVars).join(',');
  if (isAnnotationsQuery(query)) return { ...query, scope: text(query.scope) };
  return {
    ...query,
    scope: text(query.scope),
    metric: text(query.metric),
    groupBy: text(query.groupBy),
    interval: text(query.interval),
    format: text(query.format),
    limit: typeof query.limit === 'string' ? text(query.limit) : query.limit,
    rankBy: text(query.rankBy),
    search: text(query.search),
    seatActiveDays:
      typeof query.seatActiveDays === 'string' ? text(query.seatActiveDays) : query.seatActiveDays,
    days: text(query.days),
    filters: interpolateFilters(query.filters, scopedVars),
  };
}
