/**
 * A metrics query as the ingester's strict request schema wants it: variables replaced, values
 * checked, no extra keys. A value checked here is reported on its own query, so the panel's other
 * queries still run; a value sent unchecked would fail the whole request.
 */
import {
  ALL_VALUES,
  DAYS,
  FORMATS,
  INTERVALS,
  LIMIT,
  type QueryItemInput,
  SEAT_ACTIVE_DAYS,
} from '@copilot-metrics/contract';
import type { ScopedVars } from '@grafana/data';
import { InvalidQueryError, interpolateFilters, interpolateOne } from './templating';
import type { MetricsQuery } from './types';

/** Whether a number is whole and within one of the API's ranges; the editor checks typed numbers with it too. */
export function isWholeNumberIn(value: number, range: { min: number; max: number }): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** @param defaultScope the data source's, for a query that leaves its scope empty. */
export function toQueryItem(
  query: MetricsQuery,
  scopedVars?: ScopedVars,
  defaultScope?: string,
): QueryItemInput {
  const one = (field: string, value: string | number | undefined) =>
    interpolateOne(field, value === undefined ? undefined : String(value), scopedVars);
  const metric = one('metric', query.metric);
  if (!metric) throw new InvalidQueryError('choose a metric');
  const interval = oneOf(
    'interval',
    one('interval', query.interval) ?? 'day',
    INTERVALS,
    INTERVALS.join(', '),
  );
  const format = oneOf('format', one('format', query.format) ?? 'time_series', FORMATS, FORMATS.join(' or '));
  // A limit variable's All (`*`) keeps every group.
  const limitText = one('limit', query.limit);
  const limit = limitText === ALL_VALUES ? undefined : wholeNumber('limit', limitText, LIMIT);
  const rankBy = one('rank by', query.rankBy);
  // A search variable left empty (a text box nobody typed in) searches for nothing.
  const search = one('search', query.search);
  const seatActiveDays = wholeNumber(
    'seat active days',
    one('seat active days', query.seatActiveDays),
    SEAT_ACTIVE_DAYS,
  );
  const days = oneOf('days', one('days', query.days) ?? 'all', DAYS, DAYS.join(' or '));
  const scope = one('scope', query.scope) ?? defaultScope;
  const groupBy = one('group by', query.groupBy) ?? 'none';
  const filters = interpolateFilters(query.filters, scopedVars);
  return {
    refId: query.refId,
    ...(scope ? { scope } : {}),
    metric,
    groupBy,
    filters,
    interval,
    format,
    ...(limit !== undefined ? { limit, others: !!query.others } : {}),
    // Ingesters older than these options refuse the keys: they are sent only when set.
    ...(rankBy ? { rankBy } : {}),
    ...(search ? { search } : {}),
    // The ingester refuses it on metrics that do not take it: only a value the query sets is sent.
    ...(seatActiveDays !== undefined ? { seatActiveDays } : {}),
    // Ingesters older than the option refuse the key: it is sent only when it changes the answer.
    ...(days !== 'all' ? { days } : {}),
  };
}

/** @param listed the allowed values as the message names them. */
function oneOf<T extends string>(field: string, text: string, allowed: readonly T[], listed: string): T {
  if (!(allowed as readonly string[]).includes(text))
    throw new InvalidQueryError(`${field} must be ${listed} (got "${text}")`);
  return text as T;
}

function wholeNumber(
  field: string,
  text: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!isWholeNumberIn(value, range)) {
    throw new InvalidQueryError(
      `${field} must be a whole number from ${range.min} to ${range.max} (got "${text}")`,
    );
  }
  return value;
}
