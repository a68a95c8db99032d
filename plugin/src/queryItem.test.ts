/** A metrics query → the ingester's QueryItem, without a data source: the checks are pure functions. */
import { LIMIT, SEAT_ACTIVE_DAYS } from '@copilot-metrics/contract';
import { aQuery } from '../test/builders';
import { installVariables } from '../test/grafana';
import { isWholeNumberIn, toQueryItem } from './queryItem';
import { InvalidQueryError } from './templating';

beforeEach(() => installVariables({ top: '10', days: '90' }));

test.each([
  [1, true],
  [1000, true],
  [0, false],
  [1001, false],
  [2.5, false],
  [Number.NaN, false],
])('%p is a whole number within the limit range (1 to 1000): %p', (limit, ok) => {
  expect(isWholeNumberIn(limit, LIMIT)).toBe(ok);
});

test('a number stored as such and one given by a variable make the same item', () => {
  const stored = toQueryItem(aQuery({ limit: 10, seatActiveDays: 90 }));
  const variable = toQueryItem(aQuery({ limit: '$top', seatActiveDays: '$days' }));

  expect(variable).toEqual(stored);
  expect(stored).toMatchObject({ limit: 10, others: false, seatActiveDays: 90 });
});

test('the limit and the seat activity window answer the same check, each with its own range', () => {
  const refusal = (fields: Parameters<typeof aQuery>[0]) => {
    try {
      toQueryItem(aQuery(fields));
    } catch (error) {
      if (error instanceof InvalidQueryError) return error.message;
      throw error;
    }
    return undefined;
  };

  expect(refusal({ limit: LIMIT.max })).toBeUndefined();
  expect(refusal({ limit: LIMIT.max + 1 })).toBe('limit must be a whole number from 1 to 1000 (got "1001")');
  expect(refusal({ seatActiveDays: SEAT_ACTIVE_DAYS.max })).toBeUndefined();
  expect(refusal({ seatActiveDays: '1.5' })).toBe(
    'seat active days must be a whole number from 1 to 365 (got "1.5")',
  );
});

test('a query without a scope takes the default scope it is given; its own scope wins', () => {
  expect(toQueryItem(aQuery(), {}, 'enterprise:octodemo').scope).toBe('enterprise:octodemo');
  expect(toQueryItem(aQuery({ scope: 'organization:octodemo-web' }), {}, 'enterprise:octodemo').scope).toBe(
    'organization:octodemo-web',
  );
  expect(toQueryItem(aQuery())).not.toHaveProperty('scope');
});

describe('days', () => {
  const item = (days: string | undefined) => toQueryItem(aQuery(days === undefined ? {} : { days }));

  test('working days are sent; all days, the default, is not (ingesters older than the option refuse it)', () => {
    expect(item('workdays').days).toBe('workdays');
    for (const days of [undefined, '', 'all']) expect(item(days)).not.toHaveProperty('days');
  });

  test('a variable is replaced and its value checked like a typed one', () => {
    installVariables({ shown: 'workdays', everyDay: 'all', typo: 'weekdays' });

    expect(item('$shown').days).toBe('workdays');
    expect(item('$everyDay')).not.toHaveProperty('days');
    expect(() => item('$typo')).toThrow(
      new InvalidQueryError('days must be all or workdays (got "weekdays")'),
    );
  });

  test('any other value is refused on its query, naming the allowed values', () => {
    expect(() => item('weekends')).toThrow(InvalidQueryError);
    expect(() => item('Workdays')).toThrow('days must be all or workdays (got "Workdays")');
  });
});

describe('a per-person table: top N by its sort column, filtered by a person search', () => {
  const column = (fields: Parameters<typeof aQuery>[0]) =>
    toQueryItem(
      aQuery({
        metric: 'loc_added_sum',
        groupBy: 'user',
        format: 'table',
        rankBy: 'user_initiated_interaction_count',
        ...fields,
      }),
    );

  test('$top and $person become the limit and the search; the ranking metric is sent as is', () => {
    installVariables({ top: '100', person: 'Mon_a' });
    expect(column({ limit: '$top', search: '$person' })).toMatchObject({
      limit: 100,
      others: false,
      rankBy: 'user_initiated_interaction_count',
      search: 'Mon_a',
    });
  });

  test('$top at All (`*`) keeps everyone, and an empty search box searches for nothing', () => {
    installVariables({ top: '*', person: '' });
    const item = column({ limit: '$top', search: '$person' });
    expect(item).not.toHaveProperty('limit');
    expect(item).not.toHaveProperty('others');
    expect(item).not.toHaveProperty('search');
  });
});
