/**
 * The /api/v1/query request: validated strictly, so a typo is an error rather than a silent default.
 * The bounds are the contract's (@copilot-metrics/contract, request.ts), which the plugin checks too.
 */
import {
  DAYS,
  DIMENSIONS,
  FORMATS,
  INTERVALS,
  LIMIT,
  MAX_FILTER_VALUES,
  MAX_QUERIES,
  MAX_RANGE_DAYS,
  MAX_SEARCH_LENGTH,
  type QueryItem,
  type QueryItemInput,
  SEAT_ACTIVE_DAYS,
} from '@copilot-metrics/contract';
import { z } from 'zod';
import { parseDay } from '../days';

const FILTER_DIMENSIONS = DIMENSIONS.filter((d) => d !== 'none');

export const queryItemSchema = z
  .object({
    refId: z.string().min(1).max(64),
    scope: z.string().min(1).max(200).optional(),
    metric: z.string().min(1).max(200),
    groupBy: z.enum(DIMENSIONS).default('none'),
    filters: z
      .partialRecord(
        z.enum(FILTER_DIMENSIONS as [string, ...string[]]),
        z.array(z.string().max(300)).max(MAX_FILTER_VALUES),
      )
      .default({}),
    interval: z.enum(INTERVALS).default('day'),
    format: z.enum(FORMATS).default('time_series'),
    limit: z.number().int().min(LIMIT.min).max(LIMIT.max).optional(),
    rankBy: z.string().min(1).max(200).optional(),
    // SQLite's LIKE stops at a NUL: such a search would match everyone.
    search: z
      .string()
      .max(MAX_SEARCH_LENGTH)
      .refine((text) => !text.includes('\u0000'), 'search may not contain a NUL character')
      .optional(),
    others: z.boolean().default(false),
    seatActiveDays: z.number().int().min(SEAT_ACTIVE_DAYS.min).max(SEAT_ACTIVE_DAYS.max).optional(),
    days: z.enum(DAYS).optional(),
  })
  .strict() satisfies z.ZodType<QueryItem, QueryItemInput>;

const instant = z.union([z.string().max(40), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  // Date.parse rolls "2026-02-30" over to March 2; a date part must be a real calendar day.
  const datePart = typeof value === 'string' ? /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0] : undefined;
  if (
    !Number.isFinite(ms) ||
    ms < Date.UTC(2000, 0, 1) ||
    ms > Date.UTC(2100, 0, 1) ||
    (datePart !== undefined && parseDay(datePart) === undefined)
  ) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a date between 2000 and 2100 (ISO 8601 or epoch milliseconds)`,
    });
    return z.NEVER;
  }
  return ms;
});

export const queryRequestSchema = z
  .object({
    range: z.object({ from: instant, to: instant }).strict(),
    queries: z.array(z.unknown()).min(1).max(MAX_QUERIES),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.range.from > request.range.to)
      ctx.addIssue({ code: 'custom', path: ['range'], message: 'range.from is after range.to' });
    if (request.range.to - request.range.from > MAX_RANGE_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['range'],
        message: `the range spans more than ${MAX_RANGE_DAYS} days`,
      });
    }
  });

/** One line per problem, with the field path: "queries[0].groupBy: Invalid option ...". */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      const where = `${prefix}${path}`.replace(/^\./, '');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
