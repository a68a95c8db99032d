/** A report's scope, the enterprise or one organization: who and what it covers, and how records name it. */
import type { JsonObject } from '../../reports/types';
import type { Org, Population, Repo } from '../model';

export type SimScope = { kind: 'enterprise' } | { kind: 'organization'; org: Org };

/** The scope named in a URL (slugs and logins compare case-insensitively, as on GitHub). */
export function findScope(
  p: Population,
  kind: 'enterprise' | 'organization',
  slug: string,
): SimScope | undefined {
  if (kind === 'enterprise')
    return slug.toLowerCase() === p.enterprise.slug.toLowerCase() ? { kind } : undefined;
  const org = p.orgs.find((o) => o.login.toLowerCase() === slug.toLowerCase());
  return org ? { kind, org } : undefined;
}

export function membersOf(p: Population, scope: SimScope): number[] {
  return scope.kind === 'enterprise' ? p.enterpriseMembers : scope.org.members;
}

export function reposOf(p: Population, scope: SimScope): Repo[] {
  return scope.kind === 'enterprise' ? p.orgs.flatMap((org) => org.repos) : scope.org.repos;
}

/** The ids a record of the scope carries. */
export function entityIds(p: Population, scope: SimScope): JsonObject {
  const enterprise_id = p.enterprise.id;
  return scope.kind === 'enterprise' ? { enterprise_id } : { organization_id: scope.org.id, enterprise_id };
}
