/** A scope is one enterprise or one organization whose reports we sync. */
export type ScopeKind = 'enterprise' | 'organization';

export interface Scope {
  kind: ScopeKind;
  /** Enterprise slug or organization login, as written in the API path. */
  slug: string;
}

export const SCOPE_KINDS: readonly ScopeKind[] = ['enterprise', 'organization'];

export function scopeKey(scope: Scope): string {
  return `${scope.kind}:${scope.slug}`;
}

/** Parses `enterprise:<slug>` or `organization:<login>`. */
export function parseScopeKey(text: string): Scope | undefined {
  const match = /^(enterprise|organization):([A-Za-z0-9][A-Za-z0-9._-]{0,99})$/.exec(text);
  if (!match) return undefined;
  return { kind: match[1] as ScopeKind, slug: match[2] };
}

/** GitHub slugs and logins: letters, digits, hyphens, and for enterprises also dots and underscores. */
export const SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The first day GitHub has data for, per scope kind (see the API reference, "Availability"). */
export const FIRST_DATA_DAY: Record<ScopeKind, string> = {
  enterprise: '2025-10-10',
  organization: '2025-12-12',
};
