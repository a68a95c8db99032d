/**
 * Cheaper ways to answer a plan, chosen when they give the same figures: the per-day team rollup
 * (team_day), everyone's per-day totals (user_totals_day), and the per-day active sets for distinct users.
 */
import type { Dimension, QueryItem } from '@copilot-metrics/contract';
import { TEAM_DAY_SUMS } from '../../reports/schema';
import { SET_SOURCES } from '../../store/activeSets';
import { SOURCES } from '../catalog/sources';
import type { IdLookup } from './storedIds';
import type { DistinctPlan, Plan, Rollup } from './types';

/** Columns of team_day (named as in usage_day). */
const TEAM_DAY_COLUMNS = new Set<string>(TEAM_DAY_SUMS);

/**
 * The columns of a plan that sums counters the per-user rollups hold (user_month, user_totals_day) over
 * every person's rows of its scope, with no filter and no join; undefined for any other plan. With
 * `people`, conditions that only pick people (plan.people) are allowed too: user_month, keyed by
 * user_ref, applies them as they are; user_totals_day, everyone's totals, cannot.
 */
export function rolledUpColumns(plan: Plan, options: { people?: boolean } = {}): string[] | undefined {
  if (plan.source !== SOURCES.usageDay || !plan.userRows || plan.joins) return undefined;
  const people = options.people ? plan.people : { where: [], params: [] };
  if (plan.where.length !== 3 + people.where.length || plan.params.length !== people.params.length)
    return undefined;
  const columns = plan.metric.parts.map((part) => /^SUM\(x\.(\w+)\)$/.exec(part)?.[1]);
  return columns.every((c): c is string => c !== undefined && TEAM_DAY_COLUMNS.has(c)) ? columns : undefined;
}

/**
 * Team series of the scalar counters (and daily active users) come from team_day, the per-day team
 * rollup, instead of joining every user row with its memberships.
 */
export async function teamRollup(
  plan: Plan,
  query: QueryItem,
  filterDims: Dimension[],
  ids: IdLookup,
): Promise<Rollup | undefined> {
  if (plan.source !== SOURCES.usageDay || query.groupBy !== 'team' || filterDims.some((d) => d !== 'team'))
    return undefined;
  const distinct = plan.metric.id === 'active_users';
  const columns = plan.metric.parts.flatMap((part) => [...part.matchAll(/x\.(\w+)/g)].map((m) => m[1]));
  if (!distinct && (plan.metric.aggregation === 'distinct' || !columns.every((c) => TEAM_DAY_COLUMNS.has(c))))
    return undefined;
  const where = ['x.scope_id = ?', 'x.day BETWEEN ? AND ?'];
  const params: unknown[] = [];
  if (query.filters.team) {
    const teams = await ids.filterIds('team', query.filters.team, plan.scope.id, plan.source);
    where.push(`x.team_ref IN (${teams.length ? teams.map(() => '?').join(', ') : 'NULL'})`);
    params.push(...teams);
  }
  return {
    table: 'team_day',
    groupSql: 'x.team_ref',
    where,
    params,
    parts: distinct ? ['SUM(x.active_users)'] : plan.metric.parts,
    dailyOnly: distinct,
  };
}

/**
 * Sums over every person's rows of a scope, per day (no grouping, no filter) come from user_totals_day,
 * the per-day rollup of the per-user rows (migration 010): figures only per-user rows carry, and the
 * whole that "Others" of a ranking of people is taken from.
 */
export function userTotalsRollup(plan: Plan): Rollup | undefined {
  if (plan.groupSql !== '0' || !rolledUpColumns(plan)) return undefined;
  return {
    table: 'user_totals_day',
    groupSql: '0',
    where: ['x.scope_id = ?', 'x.day BETWEEN ? AND ?'],
    params: [],
    parts: plan.metric.parts,
    dailyOnly: false,
  };
}

/**
 * Distinct users (active_users, used_*) over buckets come from the per-day active sets when the
 * query has at most one dimension besides team and user, the shapes the sets hold.
 */
export async function activeSets(
  plan: Plan,
  query: QueryItem,
  filterDims: Dimension[],
  ids: IdLookup,
): Promise<DistinctPlan | undefined> {
  if (plan.metric.aggregation !== 'distinct' || query.groupBy === 'user') return undefined;
  const flag = plan.metric.id === 'active_users' ? undefined : plan.metric.id;
  if (flag && !(flag in SET_SOURCES)) return undefined;
  const dims = [
    ...new Set([query.groupBy, ...filterDims].filter((d) => d !== 'none' && d !== 'team' && d !== 'user')),
  ];
  if (dims.length > 1 || (dims.length === 1 && !(dims[0] in SET_SOURCES))) return undefined;
  const idsOf = async (dim: Dimension) =>
    query.filters[dim]
      ? await ids.filterIds(dim, query.filters[dim]!, plan.scope.id, plan.source)
      : undefined;
  if (query.groupBy === 'team') {
    if (dims.length) return undefined;
    return {
      scopeId: plan.scope.id,
      kind: 'team',
      keys: await idsOf('team'),
      collapse: false,
      flag,
      users: await idsOf('user'),
    };
  }
  const dim = dims[0];
  return {
    scopeId: plan.scope.id,
    kind: dim ?? flag ?? 'all',
    keys: dim ? await idsOf(dim) : undefined,
    collapse: query.groupBy === 'none',
    flag: dim ? flag : undefined,
    teams: await idsOf('team'),
    users: await idsOf('user'),
  };
}
