/**
 * Who or what a record is about. A record without a usable identity cannot be stored in a figure
 * table; it is reported as a malformed line (and stays in the raw archive).
 */
import type { JsonObject } from './types';

export type Identity<T> = { ok: true; value: T } | { ok: false; error: string };

export interface UserIdentity {
  githubId: number;
  login: string;
}
export interface RepoIdentity {
  githubId: number;
  owner: string;
  name: string;
  visibility: string | null;
}
export interface TeamMembership {
  user: UserIdentity;
  teamId: number;
  slug: string;
}

const isId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export function userIdentity(record: JsonObject): Identity<UserIdentity> {
  if (!isId(record.user_id)) return { ok: false, error: 'user_id is missing or not a positive integer' };
  if (!isText(record.user_login)) return { ok: false, error: 'user_login is missing or empty' };
  return { ok: true, value: { githubId: record.user_id, login: record.user_login } };
}

export function repoIdentity(record: JsonObject): Identity<RepoIdentity> {
  if (!isId(record.repo_id)) return { ok: false, error: 'repo_id is missing or not a positive integer' };
  if (!isText(record.repo_name)) return { ok: false, error: 'repo_name is missing or empty' };
  return {
    ok: true,
    value: {
      githubId: record.repo_id,
      owner: typeof record.repo_owner_name === 'string' ? record.repo_owner_name : '',
      name: record.repo_name,
      visibility: typeof record.repo_visibility === 'string' ? record.repo_visibility : null,
    },
  };
}

export function teamMembership(record: JsonObject): Identity<TeamMembership> {
  const user = userIdentity(record);
  if (!user.ok) return user;
  if (!isId(record.team_id)) return { ok: false, error: 'team_id is missing or not a positive integer' };
  if (!isText(record.slug)) return { ok: false, error: 'slug is missing or empty' };
  return { ok: true, value: { user: user.value, teamId: record.team_id, slug: record.slug } };
}

/** The record's `day`, checked against the report it came in: a stray day would escape replacement. */
export function dayMismatch(record: JsonObject, reportDay: string): string | undefined {
  if (record.day === undefined) return undefined;
  if (record.day !== reportDay)
    return `day ${JSON.stringify(record.day)} does not belong to the report of ${reportDay}`;
  return undefined;
}

/** The numeric GitHub ids of the entity a report is about, when the record carries them. */
export function entityIds(record: JsonObject): { organizationId?: string; enterpriseId?: string } {
  const text = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  return { organizationId: text(record.organization_id), enterpriseId: text(record.enterprise_id) };
}
