/**
 * A query → its plan: checks the shape against the catalog, picks the table that has every needed
 * dimension, and writes the grouping and filters as SQL over alias x. Every client value becomes a
 * bound parameter; table, column and expression names come only from the catalog. Pure, but for the
 * ids it looks up (IdLookup).
 */
import {
  type Dimension,
  formatsOf,
  groupingsOf,
  type QueryItem,
  SEAT_ACTIVE_DAYS,
} from '@copilot-metrics/contract';
import { METRICS, type MetricDef } from '../catalog/sql';
import { QueryError } from '../errors';
import { containsPattern, likeEscaped } from '../search';
import { activeSets, teamRollup, userTotalsRollup } from './rollups';
import type { IdLookup } from './storedIds';
import type { BillingPlan, Plan, SeatPlan } from './types';

export function metricOf(query: QueryItem): MetricDef {
  const metric = METRICS.get(query.metric);
  if (!metric) throw new QueryError(`unknown metric "${query.metric}"; GET /api/v1/catalog lists them`);
  return metric;
}

/** The checks every metric shares: grouping, filters and the metric's own parameters. */
function checkShape(query: QueryItem): { metric: MetricDef; filterDims: Dimension[] } {
  const metric = metricOf(query);
  const groupings = groupingsOf(metric);
  if (!groupings.includes(query.groupBy)) {
    throw new QueryError(
      `${metric.id} cannot be grouped by ${query.groupBy}; it can be grouped by: ${groupings.join(', ')}`,
    );
  }
  const filterDims = Object.keys(query.filters) as Dimension[];
  for (const dim of filterDims) {
    if (!groupings.includes(dim))
      throw new QueryError(
        `${metric.id} cannot be filtered by ${dim}; it supports: ${groupings.filter((d) => d !== 'none').join(', ')}`,
      );
  }
  if (query.seatActiveDays !== undefined && !metric.parameters?.includes('seatActiveDays')) {
    const takers = [...METRICS.values()].filter((m) => m.parameters?.includes('seatActiveDays'));
    throw new QueryError(
      `seatActiveDays applies only to ${takers.map((m) => m.id).join(', ')}; remove it from this ${metric.id} query`,
    );
  }
  if (query.search !== undefined && query.groupBy !== 'user')
    throw new QueryError(
      `search picks people by login: it applies to queries grouped by user, not by ${query.groupBy}; use a user filter instead`,
    );
  if (query.rankBy !== undefined) checkRankBy(query, metric);
  if (!formatsOf(metric).includes(query.format))
    throw new QueryError(
      `${metric.id} answers only as ${formatsOf(metric).join(' or ')}; set format to table`,
    );
  return { metric, filterDims };
}

/** `rankBy` names a usage metric that can be grouped and filtered as the query is. */
function checkRankBy(query: QueryItem, metric: MetricDef): void {
  const by = METRICS.get(query.rankBy!);
  if (!by) throw new QueryError(`rankBy: unknown metric "${query.rankBy}"; GET /api/v1/catalog lists them`);
  if (by.snapshot || by.billing || metric.snapshot || metric.billing)
    throw new QueryError(
      `rankBy applies to usage metrics only (${[metric, by].find((m) => m.snapshot || m.billing)!.id} is a seat or billing metric); drop rankBy`,
    );
  const groupings = groupingsOf(by);
  const missing = [query.groupBy, ...Object.keys(query.filters)].find(
    (d) => !groupings.includes(d as Dimension),
  );
  if (missing)
    throw new QueryError(`rankBy: ${by.id} cannot be grouped or filtered by ${missing}, as this query is`);
}

/** A query that ranks by another metric → the query of that metric, with the same grouping, filters and search. */
export function rankingQuery(query: QueryItem): QueryItem | undefined {
  if (query.rankBy === undefined || query.rankBy === query.metric) return undefined;
  return { ...query, metric: query.rankBy, rankBy: undefined, refId: `${query.refId}:rankBy` };
}

/** A figure metric's query → the table, grouping and filters to read, and the rollup that can stand in. */
export async function planQuery(query: QueryItem, ids: IdLookup): Promise<Plan> {
  const { metric, filterDims } = checkShape(query);
  const scope = await ids.scope(query.scope);
  const needed = [query.groupBy, ...filterDims].filter(
    (d) => d !== 'none' && d !== 'team' && d !== 'user' && d !== 'repository',
  );
  const source = metric.sources.find(
    (s) =>
      needed.every((d) => d in s.dimensions) &&
      (!(query.groupBy === 'repository' || 'repository' in query.filters) || s.subject === 'repo_ref'),
  );
  if (!source) {
    throw new QueryError(
      `GitHub's reports have no breakdown of ${metric.id} by ${needed.join(' and ')} together; drop one of the filters or the grouping`,
    );
  }
  const usesPeople = [query.groupBy, ...filterDims].some((d) => d === 'team' || d === 'user');
  const userRowsOnlyDim = needed.some((d) => source.dimensions[d]?.userRowsOnly);
  const userRows = source.perUser && (metric.userRowsOnly === true || usesPeople || userRowsOnlyDim);
  if (metric.aggregateOnly && userRows) {
    throw new QueryError(
      `${metric.id} comes from the scope's aggregate report and cannot be split by team or user; use active_users for distinct users`,
    );
  }
  const repoRows =
    source.subject === 'repo_ref' && (query.groupBy === 'repository' || 'repository' in query.filters);

  const where = [
    'x.scope_id = ?',
    'x.day BETWEEN ? AND ?',
    `x.${source.subject} ${userRows || repoRows ? '> 0' : '= 0'}`,
  ];
  // Bound after (scope_id, day range), in the order the conditions are pushed.
  const params: unknown[] = [];
  const people: Plan['people'] = { where: [], params: [] };
  let joins = '';
  if (metric.fixed) {
    where.push(`x.${metric.fixed.column} = ?`);
    params.push(await ids.dictId(metric.fixed.dict, metric.fixed.value));
  }
  for (const dim of filterDims) {
    const found = await ids.filterIds(dim, query.filters[dim]!, scope.id, source);
    const list = found.length ? found.map(() => '?').join(', ') : 'NULL';
    if (dim === 'team') {
      if (query.groupBy !== 'team') {
        where.push(
          `EXISTS (SELECT 1 FROM team_members tf WHERE tf.scope_id = x.scope_id AND tf.day = x.day AND tf.user_ref = x.user_ref AND tf.team_ref IN (${list}))`,
        );
      } else {
        where.push(`tm.team_ref IN (${list})`);
      }
    } else if (dim === 'user') {
      where.push(`x.user_ref IN (${list})`);
      people.where.push(`x.user_ref IN (${list})`);
      people.params.push(...found);
    } else if (dim === 'repository') {
      where.push(`x.repo_ref IN (${list})`);
    } else {
      where.push(`x.${source.dimensions[dim]!.column} IN (${list})`);
    }
    params.push(...found);
  }
  if (query.search) {
    // The ids of matching logins, read once (users_by_login is covering): every row then tests membership.
    const condition = `x.user_ref IN (SELECT u.id FROM users u WHERE ${likeEscaped('u.login')})`;
    where.push(condition);
    params.push(containsPattern(query.search));
    people.where.push(condition);
    people.params.push(containsPattern(query.search));
  }
  let groupSql = '0';
  if (query.groupBy === 'team') {
    joins =
      'JOIN team_members tm ON tm.scope_id = x.scope_id AND tm.day = x.day AND tm.user_ref = x.user_ref';
    groupSql = 'tm.team_ref';
  } else if (query.groupBy === 'user') groupSql = 'x.user_ref';
  else if (query.groupBy === 'repository') groupSql = 'x.repo_ref';
  else if (query.groupBy !== 'none') groupSql = `x.${source.dimensions[query.groupBy]!.column}`;

  const reportKinds = [userRows || repoRows ? source.reports.rows : source.reports.aggregate];
  if (usesPeople && [query.groupBy, ...filterDims].includes('team')) reportKinds.push('user-teams');
  const plan: Plan = {
    metric,
    source,
    scope,
    userRows,
    repoRows,
    groupBy: query.groupBy,
    groupSql,
    joins,
    where,
    params,
    people,
    reportKinds,
  };
  plan.rollup = (await teamRollup(plan, query, filterDims, ids)) ?? userTotalsRollup(plan);
  plan.sets = await activeSets(plan, query, filterDims, ids);
  return plan;
}

/** A seat metric's query: the same checks, then the seats snapshot columns of its grouping and filters. */
export async function planSeats(query: QueryItem, ids: IdLookup): Promise<SeatPlan> {
  const { metric, filterDims } = checkShape(query);
  if (query.search) throw new QueryError(`${metric.id} does not take a search yet; filter by user instead`);
  const scope = await ids.scope(query.scope);
  const source = metric.sources[0];
  const columnOf = (dim: Dimension) => source.refDimensions?.[dim] ?? source.dimensions[dim]!.column;
  const filters: SeatPlan['filters'] = [];
  for (const dim of filterDims)
    filters.push({
      column: columnOf(dim),
      ids: await ids.filterIds(dim, query.filters[dim]!, scope.id, source),
    });
  return {
    refId: query.refId,
    metric: metric as SeatPlan['metric'],
    scope,
    groupBy: query.groupBy,
    groupColumn: query.groupBy === 'none' ? undefined : columnOf(query.groupBy),
    filters,
    activeDays: query.seatActiveDays ?? SEAT_ACTIVE_DAYS.default,
    interval: query.interval,
    format: query.format,
    limit: query.limit,
    others: query.others,
  };
}

/**
 * An AI-credit billing query (query/billing/): the same checks, then the billing table that has every
 * dimension asked for (spend by cost center and by person come from different tables of the export).
 */
export async function planBilling(query: QueryItem, ids: IdLookup): Promise<BillingPlan> {
  const { metric, filterDims } = checkShape(query);
  if (query.search) throw new QueryError(`${metric.id} does not take a search yet; filter by user instead`);
  const scope = await ids.scope(query.scope);
  const needed = [query.groupBy, ...filterDims].filter((d) => d !== 'none');
  const source = metric.sources.find((s) => needed.every((d) => d in (s.refDimensions ?? {})));
  if (!source)
    throw new QueryError(
      `GitHub's billing data has no breakdown of ${metric.id} by ${needed.join(' and ')} together (the usage-report export keeps cost centers apart from people and organizations); drop one of the filters or the grouping`,
    );
  const columnOf = (dim: Dimension) => source.refDimensions![dim]!;
  const filters: BillingPlan['filters'] = [];
  for (const dim of filterDims)
    filters.push({
      dim,
      column: columnOf(dim),
      values:
        dim === 'user'
          ? await ids.filterIds('user', query.filters.user!, scope.id, source)
          : [...query.filters[dim]!],
    });
  return {
    refId: query.refId,
    metric,
    scope,
    source,
    groupBy: query.groupBy,
    groupColumn: query.groupBy === 'none' ? undefined : columnOf(query.groupBy),
    filters,
    interval: query.interval,
    format: query.format,
    limit: query.limit,
    others: query.others,
  };
}

/** Throws the QueryError running this query would throw for its shape, without reading any figures. */
export async function checkQuery(query: QueryItem, ids: IdLookup): Promise<void> {
  const metric = metricOf(query);
  if (metric.billing) await planBilling(query, ids);
  else if (metric.snapshot) await planSeats(query, ids);
  else await planQuery(query, ids);
}
