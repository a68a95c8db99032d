/**
 * What the dashboards ask the ingester: a curated list of named query shapes (one per kind of panel),
 * and every panel of the provisioned dashboards as Grafana sends it (one request per panel, all its
 * targets in it, template variables at "All").
 */
import { dayToMs } from '@copilot-metrics/ingester';
import { dashboardPanels as panelRequests } from '@copilot-metrics/ingester/testing';
import { LATEST_DAY } from './fixtures';

export type QueryBody = Record<string, unknown>;

export interface QueryRequest {
  name: string;
  queries: QueryBody[];
}

export interface Scopes {
  enterprise: string;
  org: string;
}

/** The range Grafana sends for "the last `days` days" ending at the latest reported day. */
export function rangeOf(days: number): { from: string; to: string } {
  return {
    from: new Date(dayToMs(LATEST_DAY - days + 1)).toISOString(),
    to: new Date(dayToMs(LATEST_DAY) + 86_399_000).toISOString(),
  };
}

/** One named shape per kind of panel the dashboards draw. */
export function namedShapes({ enterprise, org }: Scopes): QueryRequest[] {
  const ent = `enterprise:${enterprise}`;
  const orgKey = `organization:${org}`;
  const one = (name: string, query: QueryBody): QueryRequest => ({
    name,
    queries: [{ refId: 'A', ...query }],
  });
  return [
    one('org totals: daily active users', { scope: orgKey, metric: 'daily_active_users' }),
    one('enterprise totals: generations', { scope: ent, metric: 'code_generation_activity_count' }),
    one('totals, weekly buckets', { scope: ent, metric: 'code_acceptance_activity_count', interval: 'week' }),
    one('totals, monthly buckets', { scope: ent, metric: 'loc_added_sum', interval: 'month' }),
    one('breakdown: acceptance rate by IDE', { scope: ent, metric: 'acceptance_rate', groupBy: 'ide' }),
    one('breakdown: generations by language, weekly', {
      scope: ent,
      metric: 'code_generation_activity_count',
      groupBy: 'language',
      interval: 'week',
    }),
    one('breakdown: model with feature filter', {
      scope: ent,
      metric: 'user_initiated_interaction_count',
      groupBy: 'model',
      filters: { feature: ['chat_panel_agent_mode'] },
    }),
    one('breakdown: interactions by feature (table)', {
      scope: ent,
      metric: 'user_initiated_interaction_count',
      groupBy: 'feature',
      format: 'table',
    }),
    one('distinct: active users, monthly', { scope: ent, metric: 'active_users', interval: 'month' }),
    one('distinct: active users by IDE, weekly', {
      scope: ent,
      metric: 'active_users',
      groupBy: 'ide',
      interval: 'week',
    }),
    one('team: active users by team', { scope: ent, metric: 'active_users', groupBy: 'team' }),
    one('team comparison table', { scope: ent, metric: 'acceptance_rate', groupBy: 'team', format: 'table' }),
    one('team: top 10 teams, weekly', {
      scope: ent,
      metric: 'code_generation_activity_count',
      groupBy: 'team',
      limit: 10,
      interval: 'week',
    }),
    one('top 10 users (table)', {
      scope: ent,
      metric: 'code_generation_activity_count',
      groupBy: 'user',
      format: 'table',
      limit: 10,
    }),
    one('top 5 users + others, weekly', {
      scope: ent,
      metric: 'loc_added_sum',
      groupBy: 'user',
      limit: 5,
      others: true,
      interval: 'week',
    }),
    one('top 10 repositories: PRs merged', {
      scope: ent,
      metric: 'pull_requests.total_merged',
      groupBy: 'repository',
      limit: 10,
      format: 'table',
    }),
  ];
}

/** GET requests the dashboards' variables make (dimension values). */
export function dimensionRequests({ enterprise }: Scopes): { name: string; path: string }[] {
  const scope = encodeURIComponent(`enterprise:${enterprise}`);
  return [
    { name: 'dimension values: scopes', path: '/api/v1/dimensions/scope/values' },
    { name: 'dimension values: teams', path: `/api/v1/dimensions/team/values?scope=${scope}` },
    { name: 'dimension values: users', path: `/api/v1/dimensions/user/values?scope=${scope}` },
    { name: 'dimension values: languages', path: `/api/v1/dimensions/language/values?scope=${scope}` },
  ];
}

/** Every panel of the provisioned dashboards with metric targets, as one request each. */
export function dashboardPanels({ enterprise }: Scopes, interval = 'day', only?: string): QueryRequest[] {
  return panelRequests(enterprise, interval, only);
}
