/**
 * The enterprise's cost centers and who is charged to which on a day. GitHub's attribution rules
 * (https://docs.github.com/billing/reference/cost-center-allocation): a direct user assignment wins, else the cost center of the organization that granted
 * the licence, else none ("Enterprise Only", '' in the CSV). Some people move to the "AI Champions"
 * cost center on a day in the billing period: that day's usage is split between the two, so the CSV has
 * rows that differ only in cost_center_name.
 */
import type { DayNumber } from '../../../days';
import type { Population } from '../../model';
import { between, hash, unit } from '../../random';
import { BILLING_START } from './catalog';

export interface CostCenterDef {
  id: string;
  name: string;
  state: 'active' | 'deleted';
  /** Organizations whose licensees it is charged for. */
  orgs: number[];
  /** Whether it draws from the AI credit pool (only cost centers of users and teams can). */
  poolEnabled: boolean;
  /** Whether its pool's cap budget exists yet (GitHub answers `ai_credit_pool_state: null` until it does). */
  materialized: boolean;
  /** Enterprise teams among its resources; their members are its direct users. */
  teams: string[];
}

export const CHAMPIONS = 'AI Champions';
export const SANDBOX = 'Research Sandbox';
export const ARCHIVED = 'Contractors 2025';

const SALT = 620;

/** The cost centers: one per organization except the third (whose licensees have none), and three of users. */
export function costCenterDefs(p: Population): CostCenterDef[] {
  const id = (n: number) => uuid(p.seed, SALT, n);
  const orgCenters = p.orgs
    .filter((org) => org.index !== 2)
    .map((org) => ({
      id: id(org.index),
      name: orgCenterName(p, org.index),
      state: 'active' as const,
      orgs: [org.index],
      poolEnabled: false,
      materialized: false,
      teams: [],
    }));
  const users = (n: number, name: string, poolEnabled: boolean, materialized: boolean, teams: string[]) => ({
    id: id(1000 + n),
    name,
    state: 'active' as const,
    orgs: [],
    poolEnabled,
    materialized,
    teams,
  });
  return [
    ...orgCenters,
    users(0, CHAMPIONS, true, true, ['ai-champions']),
    users(1, SANDBOX, true, false, []),
    { ...users(2, ARCHIVED, false, false, []), state: 'deleted' },
  ];
}

/** How a user relates to the user cost centers: one draw decides it. */
function role(p: Population, u: number): 'champion' | 'sandbox' | 'mover' | 'contractor' | 'none' {
  const r = unit(p.seed, SALT, u);
  if (r < 0.08) return 'champion';
  if (r < 0.11) return 'sandbox';
  if (r < 0.16) return 'mover';
  if (r < 0.18) return 'contractor';
  return 'none';
}

/** The day a mover joins AI Champions: within the first four months of billing. */
export function moveDay(p: Population, u: number): DayNumber | undefined {
  return role(p, u) === 'mover' ? BILLING_START + between(2, 115, p.seed, SALT + 1, u) : undefined;
}

/** The cost center of an organization's licensees ('' for the third organization, which has none). */
export function orgCenterName(p: Population, orgIndex: number): string {
  const org = p.orgs[orgIndex];
  return orgIndex === 2 ? '' : `${title(org.login.slice(p.enterprise.slug.length + 1))} Engineering`;
}

const orgCostCenter = (p: Population, u: number) => orgCenterName(p, p.primaryOrg[u]);

/**
 * The cost centers a user's usage of a day is charged to, with each one's share: one entry, or two
 * (old, then new) on a mover's move day.
 */
export function costCenterShares(
  p: Population,
  u: number,
  day: DayNumber,
): { name: string; share: number }[] {
  const kind = role(p, u);
  if (kind === 'champion') return [{ name: CHAMPIONS, share: 1 }];
  if (kind === 'sandbox') return [{ name: SANDBOX, share: 1 }];
  const moved = moveDay(p, u);
  if (moved === undefined || day < moved) return [{ name: orgCostCenter(p, u), share: 1 }];
  if (day > moved) return [{ name: CHAMPIONS, share: 1 }];
  const before = 0.2 + 0.6 * unit(p.seed, SALT + 2, u);
  return [
    { name: orgCostCenter(p, u), share: before },
    { name: CHAMPIONS, share: 1 - before },
  ];
}

/** The users directly assigned to a cost center on a day (for its resources and pool). */
export function directUsers(p: Population, name: string, day: DayNumber): number[] {
  const users: number[] = [];
  for (let u = 0; u < p.userCount; u++) {
    const kind = role(p, u);
    if (
      (name === CHAMPIONS && (kind === 'champion' || (kind === 'mover' && moveDay(p, u)! <= day))) ||
      (name === SANDBOX && kind === 'sandbox') ||
      (name === ARCHIVED && kind === 'contractor')
    )
      users.push(u);
  }
  return users;
}

/** A deterministic version-4-shaped UUID. */
export function uuid(...parts: number[]): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hash(...parts, i)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const title = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
