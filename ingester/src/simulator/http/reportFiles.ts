/**
 * The lines of one report file, generated while they are written, and the faults that spoil content:
 * unknown fields, malformed lines, pretty-printed aggregates. Shard `shard` of `shards` holds every
 * shards-th record.
 */
import { type DayNumber, formatDay, parseDay } from '../../days';
import type { JsonObject } from '../../reports/types';
import type { SimScope } from '../generate';
import type { SimContext } from './context';

export function reportLines(
  ctx: SimContext,
  scope: SimScope,
  name: string,
  dayText: string,
  shard: number,
  shards: number,
): Iterable<string> {
  const latest = ctx.today() - 2;
  const inShard = (index: number) => index % shards === shard;
  if (dayText === 'latest') {
    if (name === 'enterprise-28-day' || name === 'organization-28-day')
      return latestAggregateFile(ctx, scope, latest);
    return latestUsersFile(ctx, scope, latest, inShard);
  }
  const day = parseDay(dayText)!;
  switch (name) {
    case 'enterprise-1-day':
    case 'organization-1-day':
      return aggregateFile(ctx, scope, day);
    case 'users-1-day':
      return usersFile(ctx, scope, day, inShard);
    case 'user-teams-1-day':
      return teamsFile(ctx, scope, day, inShard);
    case 'repos-1-day':
      return reposFile(ctx, scope, day, inShard);
  }
  return [];
}

/** One JSON document: the 28 days' aggregate records inside a wrapper. */
function* latestAggregateFile(ctx: SimContext, scope: SimScope, latest: DayNumber): Generator<string> {
  const days = Array.from({ length: 28 }, (_, i) => latest - 27 + i);
  const wrapper: JsonObject = {
    report_start_day: formatDay(latest - 27),
    report_end_day: formatDay(latest),
    ...(scope.kind === 'organization' ? { organization_id: scope.org.id } : {}),
    enterprise_id: ctx.population.enterprise.id,
    created_at: new Date().toISOString(),
    day_totals: days.map((day) => decorate(ctx, ctx.generator.aggregateRecord(scope, day))),
  };
  yield `${JSON.stringify(wrapper)}\n`;
}

/** Every user's record of each of the 28 days, each line naming the report's period. */
function* latestUsersFile(
  ctx: SimContext,
  scope: SimScope,
  latest: DayNumber,
  inShard: (index: number) => boolean,
): Generator<string> {
  const g = ctx.generator;
  const members = g.members(scope);
  for (let day = latest - 27; day <= latest; day++) {
    for (const [index, u] of members.entries()) {
      if (!inShard(index)) continue;
      const record = g.userRecord(u, day, scope);
      if (record)
        yield `${JSON.stringify({ report_start_day: formatDay(latest - 27), report_end_day: formatDay(latest), ...decorate(ctx, record) })}\n`;
    }
  }
}

function* aggregateFile(ctx: SimContext, scope: SimScope, day: DayNumber): Generator<string> {
  const record = decorate(ctx, ctx.generator.aggregateRecord(scope, day));
  yield ctx.faults.fires('pretty-aggregates', true)
    ? `${JSON.stringify(record, null, 2)}\n`
    : `${JSON.stringify(record)}\n`;
}

/** With 'malformed-lines', every 7th record is followed by a line that is not JSON or is cut off. */
function* usersFile(
  ctx: SimContext,
  scope: SimScope,
  day: DayNumber,
  inShard: (index: number) => boolean,
): Generator<string> {
  const g = ctx.generator;
  let count = 0;
  for (const [index, u] of g.members(scope).entries()) {
    if (!inShard(index)) continue;
    const line = ctx.faults.has('unknown-fields')
      ? userLine(ctx, g.userRecord(u, day, scope))
      : g.userLine(u, day, scope);
    if (line === undefined) continue;
    yield `${line}\n`;
    if (ctx.faults.fires('malformed-lines', ++count % 7 === 0)) {
      yield count % 14 === 0
        ? 'this line is not JSON\n'
        : `{"user_id": ${ctx.population.userId(u)}, "user_login": "cut-off\n`;
    }
  }
}

function* teamsFile(
  ctx: SimContext,
  scope: SimScope,
  day: DayNumber,
  inShard: (index: number) => boolean,
): Generator<string> {
  let index = 0;
  for (const record of ctx.generator.teamRecords(scope, day))
    if (inShard(index++)) yield `${JSON.stringify(decorate(ctx, record))}\n`;
}

function* reposFile(
  ctx: SimContext,
  scope: SimScope,
  day: DayNumber,
  inShard: (index: number) => boolean,
): Generator<string> {
  for (const [index, repo] of ctx.generator.repos(scope).entries()) {
    if (!inShard(index)) continue;
    const record = ctx.generator.repoRecord(repo, day);
    if (record) yield `${JSON.stringify(decorate(ctx, record))}\n`;
  }
}

const userLine = (ctx: SimContext, record: JsonObject | undefined) =>
  record && JSON.stringify(decorate(ctx, record));

/** With 'unknown-fields', adds fields the ingester does not know at the top and inside breakdowns. */
function decorate(ctx: SimContext, record: JsonObject): JsonObject {
  if (!ctx.faults.fires('unknown-fields', true)) return record;
  const copy: JsonObject = { ...record, copilot_future_metric_count: 7 };
  if (Array.isArray(record.totals_by_ide)) {
    copy.totals_by_ide = (record.totals_by_ide as JsonObject[]).map((entry) => ({
      ...entry,
      suggestion_latency_ms_p50: 120,
    }));
  }
  return copy;
}
