/**
 * What the viewer may see (ACCESS_POLICY=identity): everyone sees every aggregate, computed over all
 * rows; per-person rows only their own, unless they see everyone. And `@me` (SIGNED_IN_USER) in a user
 * filter means the signed-in person, as Grafana's ID token proves it, never as the browser says.
 */
import {
  METRIC_INFO,
  type MetricInfo,
  type QueryItem,
  SIGNED_IN_USER,
  groupingsOf,
} from '@copilot-metrics/contract';
import type { AccessPolicy, Viewer } from '../../http/identity';

export type Narrowed =
  | { query: QueryItem; narrowed: boolean }
  | {
      refused: string;
    };

/** Who is asking, as far as this request proves it. */
export interface Asker {
  policy: AccessPolicy;
  /** The verified viewer; undefined when no valid ID token came (open policy, anonymous). */
  viewer?: Viewer;
}

const SIGN_IN =
  'These are the signed-in person\u2019s own figures: sign in to Grafana (the ingester learns who you are from the ID token Grafana adds; set GRAFANA_URL on the ingester).';

/** Whether a query reads or names individual people: grouped or filtered by user, or a list of people. */
function namesPeople(query: QueryItem, metric: MetricInfo | undefined): boolean {
  return (
    query.groupBy === 'user' ||
    query.filters.user !== undefined ||
    metric?.snapshot?.list === true ||
    metric?.billing?.namesPeople === true
  );
}

/**
 * The query as this viewer may run it: `@me` replaced by the viewer's login; for a viewer who does not
 * see everyone, any reading of people kept to their own row (a user filter they send never widens it).
 */
export function narrowForViewer(query: QueryItem, asker: Asker): Narrowed {
  const { viewer } = asker;
  const asked = query.filters.user;
  const wantsSelf = asked?.includes(SIGNED_IN_USER) ?? false;
  if (wantsSelf && !viewer) return { refused: SIGN_IN };
  const resolved = asked?.map((value) => (value === SIGNED_IN_USER ? viewer!.login : value));
  const withSelf: QueryItem = resolved ? { ...query, filters: { ...query.filters, user: resolved } } : query;
  const metric = METRIC_INFO.get(query.metric);
  if (asker.policy !== 'identity' || !viewer || viewer.seesEveryone || !namesPeople(withSelf, metric))
    return { query: withSelf, narrowed: false };
  // Fail closed for a list of people that cannot be kept to one person's row.
  if (metric && !groupingsOf(metric).includes('user'))
    return {
      refused:
        'This lists people; ACCESS_POLICY=identity shows it only to those who see everyone (role at or above ACCESS_ALL_ROLE, or in ACCESS_ALL_LOGINS).',
    };
  const own = viewer.login.toLowerCase();
  if (!own) return { query: { ...withSelf, filters: { ...withSelf.filters, user: [] } }, narrowed: true };
  const user = (resolved ?? [viewer.login]).filter((value) => value.toLowerCase() === own);
  return {
    query: { ...withSelf, filters: { ...withSelf.filters, user: user.length ? [viewer.login] : [] } },
    narrowed: !resolved || user.length !== resolved.length,
  };
}
