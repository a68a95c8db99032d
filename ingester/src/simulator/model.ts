/**
 * The fictional enterprise the simulator serves: orgs, users, teams and repositories, all derived
 * from the seed. Per-user traits live in typed arrays, so 100,000 users cost a few megabytes.
 */
import { type DayNumber, isoWeekday, parseDay } from '../days';
import { between, pick, pickWeighted, unit } from './random';

export interface SimulatorOptions {
  seed: number;
  users: number;
  orgs: number;
  enterprise?: string;
}

export const DEFAULTS: SimulatorOptions = { seed: 42, users: 250, orgs: 3, enterprise: 'octodemo' };

/** Salts keep each random decision independent of the others. */
export enum Salt {
  Org = 1,
  SecondOrg,
  Propensity,
  Start,
  Ide,
  SecondIde,
  Languages,
  Models,
  Chat,
  Agent,
  Cli,
  Review,
  CloudAgent,
  App,
  VscodeAgent,
  ThirdParty,
  Team,
  SecondTeam,
  TeamSwitch,
  Active,
  Repo,
  Never,
  Churn,
  SeatDay,
  SecondSeat,
}

const ORG_NAMES = [
  'web',
  'platform',
  'mobile',
  'data',
  'infra',
  'labs',
  'payments',
  'security',
  'games',
  'research',
];
const TEAM_NAMES = [
  'frontend',
  'backend',
  'mobile-apps',
  'platform',
  'data-eng',
  'security',
  'design-systems',
  'qa',
  'sre',
  'ml',
  'api',
  'growth',
];
const FIRST_NAMES = [
  'mona',
  'hubot',
  'ada',
  'linus',
  'grace',
  'alan',
  'margaret',
  'dennis',
  'barbara',
  'ken',
  'radia',
  'guido',
  'anders',
  'frances',
  'edsger',
  'joan',
];
const REPO_WORDS = [
  'checkout',
  'catalog',
  'gateway',
  'ledger',
  'search',
  'auth',
  'billing',
  'notifications',
  'pipeline',
  'portal',
  'insights',
  'scheduler',
  'inventory',
  'mobile-app',
  'design-system',
  'infra-live',
];
const REPO_VISIBILITY = [
  ['PRIVATE', 6],
  ['INTERNAL', 3],
  ['PUBLIC', 1],
] as const;
export const IDES = [
  ['vscode', 58],
  ['intellij', 18],
  ['visualstudio', 10],
  ['eclipse', 3],
  ['xcode', 4],
  ['neovim', 4],
  ['jetbrains-rider', 3],
] as const;
export const LANGUAGES = [
  'typescript',
  'python',
  'java',
  'go',
  'csharp',
  'javascript',
  'ruby',
  'rust',
  'kotlin',
  'swift',
  'markdown',
  'yaml',
  'sql',
];
export const CHAT_MODELS = [
  'claude-sonnet-4.6',
  'gpt-5.3-codex',
  'claude-opus-4.6',
  'gemini-3-pro',
  'claude-haiku-4.5',
  'gpt-5-mini',
];
export const COMPLETION_MODELS = ['gpt-4.1', 'gpt-5.3-codex'];

/** Dates when GitHub started sending a field or report (GitHub's changelog, github.blog/changelog, October 2025 to September 2026). */
export const SINCE = {
  enterprise: parseDay('2025-10-10')!,
  organization: parseDay('2025-12-12')!,
  planMode: parseDay('2026-03-02')!,
  cloudAgentCounts: parseDay('2026-04-10')!,
  cloudAgentFlag: parseDay('2026-04-23')!,
  commentTypes: parseDay('2026-05-08')!,
  userTeams: parseDay('2026-05-14')!,
  adoptionPhase: parseDay('2026-05-29')!,
  aiCredits: parseDay('2026-06-19')!,
  repos: parseDay('2026-07-17')!,
  copilotApp: parseDay('2026-07-17')!,
  thirdPartyAgents: parseDay('2026-08-07')!,
  vscodeAgent: parseDay('2026-09-11')!,
  customizations: parseDay('2026-09-17')!,
  reviewTimes: parseDay('2026-09-21')!,
};

export interface Org {
  index: number;
  login: string;
  id: string;
  teams: Team[];
  repos: Repo[];
  members: number[];
}
export interface Team {
  id: number;
  slug: string;
  orgIndex: number;
  /** Small teams stay under GitHub's 5-seat threshold and never appear in user-teams reports. */
  small: boolean;
}
export interface Repo {
  id: number;
  owner: string;
  name: string;
  visibility: 'PUBLIC' | 'INTERNAL' | 'PRIVATE';
  orgIndex: number;
}

export class Population {
  readonly seed: number;
  readonly enterprise: { slug: string; id: string };
  readonly orgs: Org[];
  readonly userCount: number;
  readonly primaryOrg: Int16Array;
  readonly secondOrg: Int16Array;
  readonly propensity: Float32Array;
  readonly startDay: Int32Array;
  /** Day a user stops using Copilot for good while keeping the seat, or 2^30 if never. */
  readonly stopDay: Int32Array;
  /** Day the user's seat (in their primary organization) is assigned. */
  readonly seatDay: Int32Array;
  /** Bit flags of the surfaces a user uses at all (see Trait). */
  readonly traits: Int32Array;
  readonly primaryTeam: Int32Array;
  readonly secondTeam: Int32Array;
  /** Day a user moves to `switchTeam`, or 0 if never. */
  readonly switchDay: Int32Array;
  readonly switchTeam: Int32Array;
  private readonly teamsById = new Map<number, Team>();

  constructor(options: SimulatorOptions) {
    const { seed, users, orgs } = { ...DEFAULTS, ...options };
    if (!Number.isInteger(users) || users < 1 || users > 1_000_000)
      throw new Error('users must be an integer from 1 to 1,000,000');
    if (!Number.isInteger(orgs) || orgs < 1 || orgs > 100)
      throw new Error('orgs must be an integer from 1 to 100');
    this.seed = seed;
    this.userCount = users;
    const slug = options.enterprise ?? DEFAULTS.enterprise!;
    this.enterprise = { slug, id: String(4000 + (seed % 1000)) };
    this.orgs = Array.from({ length: orgs }, (_, index) => ({
      index,
      login: `${slug}-${ORG_NAMES[index % ORG_NAMES.length]}${index >= ORG_NAMES.length ? `-${Math.floor(index / ORG_NAMES.length) + 1}` : ''}`,
      id: String(5_000_000 + index),
      teams: [],
      repos: [],
      members: [],
    }));
    this.primaryOrg = new Int16Array(users);
    this.secondOrg = new Int16Array(users).fill(-1);
    this.propensity = new Float32Array(users);
    this.startDay = new Int32Array(users);
    this.stopDay = new Int32Array(users);
    this.seatDay = new Int32Array(users);
    this.traits = new Int32Array(users);
    this.primaryTeam = new Int32Array(users);
    this.secondTeam = new Int32Array(users);
    this.switchDay = new Int32Array(users);
    this.switchTeam = new Int32Array(users);
    for (let u = 0; u < users; u++) this.drawUser(u);
    for (const org of this.orgs) this.furnish(org);
    for (let u = 0; u < users; u++) this.assignTeams(u);
  }

  /** A user's organizations, habits and Copilot timeline. */
  private drawUser(u: number): void {
    const { seed, orgs } = this;
    const org = u % orgs.length;
    this.primaryOrg[u] = org;
    if (orgs.length > 1 && unit(seed, Salt.SecondOrg, u) < 0.12)
      this.secondOrg[u] = (org + 1 + between(0, orgs.length - 2, seed, Salt.SecondOrg, u, 1)) % orgs.length;
    orgs[org].members.push(u);
    if (this.secondOrg[u] >= 0) orgs[this.secondOrg[u]].members.push(u);
    this.propensity[u] = 0.25 + 0.7 * unit(seed, Salt.Propensity, u);
    // Adoption grows through the year: early adopters from the start, the rest ramping up.
    const ramp = unit(seed, Salt.Start, u) ** 2;
    this.startDay[u] = unit(seed, Salt.Never, u) < 0.05 ? 2 ** 30 : SINCE.enterprise + Math.floor(ramp * 330);
    // A few people stop using Copilot between late April and early September 2026 and keep their seat.
    this.stopDay[u] =
      unit(seed, Salt.Churn, u) < 0.06
        ? SINCE.enterprise + 200 + between(0, 130, seed, Salt.Churn, u, 1)
        : 2 ** 30;
    // Seats are assigned ten days before first use; the never-users got theirs at some point too.
    this.seatDay[u] =
      this.startDay[u] < 2 ** 30
        ? this.startDay[u] - 10
        : SINCE.enterprise + between(0, 330, seed, Salt.SeatDay, u);
    this.traits[u] = traitsFor(seed, u);
  }

  /** An organization's teams (one of them too small to report) and repositories, once its members are known. */
  private furnish(org: Org): void {
    const seed = this.seed;
    org.members.sort((a, b) => a - b);
    const teamCount = Math.min(TEAM_NAMES.length, Math.max(2, Math.round(org.members.length / 20)));
    org.teams = Array.from({ length: teamCount }, (_, t) => ({
      id: 7_000_000 + org.index * 100 + t,
      slug: TEAM_NAMES[t],
      orgIndex: org.index,
      small: false,
    }));
    org.teams.push({
      id: 7_000_000 + org.index * 100 + 99,
      slug: 'tiger-team',
      orgIndex: org.index,
      small: true,
    });
    for (const team of org.teams) this.teamsById.set(team.id, team);
    const repoCount = Math.min(2000, 4 + Math.ceil(org.members.length / 12));
    org.repos = Array.from({ length: repoCount }, (_, r) => ({
      id: 900_000_000 + org.index * 10_000 + r,
      owner: org.login,
      name: `${REPO_WORDS[r % REPO_WORDS.length]}${r >= REPO_WORDS.length ? `-${Math.floor(r / REPO_WORDS.length)}` : ''}`,
      visibility: pickWeighted(REPO_VISIBILITY, seed, Salt.Repo, org.index, r),
      orgIndex: org.index,
    }));
  }

  /** A user's teams in their primary organization, and maybe a move to another team later. */
  private assignTeams(u: number): void {
    const seed = this.seed;
    const org = this.orgs[this.primaryOrg[u]];
    const regular = org.teams.filter((t) => !t.small);
    // The first three users of each org form its small team.
    const small = u < 3 * this.orgs.length;
    this.primaryTeam[u] = small ? org.teams[org.teams.length - 1].id : pick(regular, seed, Salt.Team, u).id;
    this.secondTeam[u] =
      unit(seed, Salt.SecondTeam, u) < 0.2 ? pick(regular, seed, Salt.SecondTeam, u, 1).id : 0;
    if (this.secondTeam[u] === this.primaryTeam[u]) this.secondTeam[u] = 0;
    if (!small && unit(seed, Salt.TeamSwitch, u) < 0.06) {
      this.switchDay[u] = SINCE.userTeams + between(5, 180, seed, Salt.TeamSwitch, u, 1);
      this.switchTeam[u] = pick(regular, seed, Salt.TeamSwitch, u, 2).id;
    }
  }

  get enterpriseMembers(): number[] {
    return Array.from({ length: this.userCount }, (_, u) => u);
  }

  userId(u: number): number {
    return 10_000_000 + u * 13 + (this.seed % 7);
  }

  userLogin(u: number): string {
    return `${FIRST_NAMES[u % FIRST_NAMES.length]}-${u.toString(36)}`;
  }

  team(id: number): Team {
    return this.teamsById.get(id)!;
  }

  /** Team ids the user belongs to on that day (membership changes over time). */
  teamsOn(u: number, day: DayNumber): number[] {
    const primary = this.switchDay[u] && day >= this.switchDay[u] ? this.switchTeam[u] : this.primaryTeam[u];
    return this.secondTeam[u] && this.secondTeam[u] !== primary ? [primary, this.secondTeam[u]] : [primary];
  }

  /**
   * Whether the user holds a Copilot seat in the organization on that day: from their seat day in their
   * primary organization; in a second organization, only for half of them (the others are licensed
   * through their primary organization, so that one's usage report has them without a seat).
   */
  hasSeat(u: number, orgIndex: number, day: DayNumber): boolean {
    if (day < this.seatDay[u]) return false;
    if (this.primaryOrg[u] === orgIndex) return true;
    return this.secondOrg[u] === orgIndex && unit(this.seed, Salt.SecondSeat, u) < 0.5;
  }

  /** Whether the user produced any Copilot activity that day: weekday rhythm, adoption growth, churn. */
  isActive(u: number, day: DayNumber): boolean {
    if (day < this.startDay[u] || day >= this.stopDay[u]) return false;
    const weekend = isoWeekday(day) >= 5;
    return unit(this.seed, Salt.Active, u, day) < this.propensity[u] * (weekend ? 0.12 : 1);
  }

  has(u: number, trait: Trait): boolean {
    return (this.traits[u] & trait) !== 0;
  }
}

export enum Trait {
  Chat = 1,
  Agent = 2,
  Cli = 4,
  ReviewActive = 8,
  ReviewPassive = 16,
  CloudAgent = 32,
  App = 64,
  VscodeAgent = 128,
  ThirdParty = 256,
  SecondIde = 512,
}

function traitsFor(seed: number, u: number): number {
  const chance = (salt: Salt, p: number, bit: Trait) => (unit(seed, salt, u) < p ? bit : 0);
  return (
    chance(Salt.Chat, 0.75, Trait.Chat) |
    chance(Salt.Agent, 0.55, Trait.Agent) |
    chance(Salt.Cli, 0.35, Trait.Cli) |
    (unit(seed, Salt.Review, u) < 0.3
      ? Trait.ReviewActive
      : unit(seed, Salt.Review, u) < 0.55
        ? Trait.ReviewPassive
        : 0) |
    chance(Salt.CloudAgent, 0.2, Trait.CloudAgent) |
    chance(Salt.App, 0.12, Trait.App) |
    chance(Salt.VscodeAgent, 0.1, Trait.VscodeAgent) |
    chance(Salt.ThirdParty, 0.08, Trait.ThirdParty) |
    chance(Salt.SecondIde, 0.2, Trait.SecondIde)
  );
}

export function ideOf(seed: number, u: number, second: boolean): string {
  return pickWeighted(IDES, seed, second ? Salt.SecondIde : Salt.Ide, u);
}

export function languagesOf(seed: number, u: number): string[] {
  const count = between(2, 3, seed, Salt.Languages, u);
  const chosen = new Set<string>();
  for (let i = 0; chosen.size < count; i++) chosen.add(pick(LANGUAGES, seed, Salt.Languages, u, i));
  return [...chosen];
}

export function modelsOf(seed: number, u: number): string[] {
  return [pick(CHAT_MODELS, seed, Salt.Models, u), pick(CHAT_MODELS, seed, Salt.Models, u, 1)];
}
