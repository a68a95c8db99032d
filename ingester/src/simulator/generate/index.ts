/**
 * Report records of the simulated enterprise: pure and deterministic. Every breakdown GitHub sends is a
 * group-by of the users' activity cells, and every aggregate is the sum of its users' records. That is
 * what makes the data internally consistent: aggregate counters equal the sums of user rows, DAU equals
 * the distinct active users, and enterprise totals count each user once while org totals count users in
 * each org. This class composes the report families and caches what nearby days share.
 */
import type { DayNumber } from '../../days';
import type { JsonObject } from '../../reports/types';
import type { Population, Repo } from '../model';
import { type Activity, type UserDay, dayFlags, userDay } from './activity';
import { aggregateRecord } from './aggregates';
import { repoRecord } from './pullRequests';
import { type SimScope, membersOf, reposOf } from './scope';
import { teamRecords } from './teams';
import { userRecord, userRecordBody, userRecordHead } from './users';

export type { SimScope } from './scope';

/**
 * Per-user values of the few most recent days asked for. A sync asks for one day's reports of every
 * scope before it moves on to the next day, so a value kept for the day serves the enterprise's report
 * and each organization's.
 */
class RecentDays<T> {
  private readonly days = new Map<DayNumber, (T | null | undefined)[]>();

  constructor(
    private readonly keep: number,
    private readonly users: number,
  ) {}

  get(day: DayNumber, u: number, make: () => T | undefined): T | undefined {
    let values = this.days.get(day);
    if (!values) {
      if (this.days.size >= this.keep) this.days.delete(this.days.keys().next().value!);
      this.days.set(day, (values = new Array<T | null | undefined>(this.users)));
    }
    let value = values[u];
    if (value === undefined) values[u] = value = make() ?? null;
    return value ?? undefined;
  }
}

export class ReportGenerator implements Activity {
  private readonly flagCache = new Map<DayNumber, Uint16Array>();
  private readonly aggregateCache = new Map<string, JsonObject>();
  /** Each user-day's record after its head, as JSON without the opening brace. */
  private readonly recordBodies: RecentDays<string>;
  readonly seed: number;

  constructor(readonly population: Population) {
    this.seed = population.seed;
    this.recordBodies = new RecentDays(2, population.userCount);
  }

  members(scope: SimScope): number[] {
    return membersOf(this.population, scope);
  }

  repos(scope: SimScope): Repo[] {
    return reposOf(this.population, scope);
  }

  /** Day flags of every user, cached for the window computations of nearby days. */
  flagsOn(day: DayNumber): Uint16Array {
    let flags = this.flagCache.get(day);
    if (!flags) {
      flags = new Uint16Array(this.population.userCount);
      for (let u = 0; u < flags.length; u++) flags[u] = dayFlags(this.population, u, day);
      if (this.flagCache.size >= 64) this.flagCache.delete(this.flagCache.keys().next().value!);
      this.flagCache.set(day, flags);
    }
    return flags;
  }

  userDay(u: number, day: DayNumber): UserDay | undefined {
    return userDay(this.population, this.flagsOn(day)[u], u, day);
  }

  /** One record of users-1-day, or undefined when the user had no activity that day. */
  userRecord(u: number, day: DayNumber, scope: SimScope): JsonObject | undefined {
    return userRecord(this, u, day, scope);
  }

  /** The same record as JSON (`JSON.stringify(userRecord(…))`), the part every scope shares written once a day. */
  userLine(u: number, day: DayNumber, scope: SimScope): string | undefined {
    const body = this.recordBodies.get(day, u, () => {
      const record = userRecordBody(this, u, day);
      return record && JSON.stringify(record).slice(1);
    });
    if (body === undefined) return undefined;
    const head = JSON.stringify(userRecordHead(this.population, u, day, scope));
    return `${head.slice(0, -1)},${body}`;
  }

  /** The scope's aggregate record for a day, cached: 28-day reports and retries ask for it again. */
  aggregateRecord(scope: SimScope, day: DayNumber): JsonObject {
    const key = `${scope.kind === 'enterprise' ? 'e' : scope.org.index}:${day}`;
    const cached = this.aggregateCache.get(key);
    if (cached) return cached;
    const record = aggregateRecord(this, scope, day);
    if (this.aggregateCache.size >= 256) this.aggregateCache.delete(this.aggregateCache.keys().next().value!);
    this.aggregateCache.set(key, record);
    return record;
  }

  /** A repos-1-day line, or undefined when the repository had no pull-request activity. */
  repoRecord(repo: Repo, day: DayNumber): JsonObject | undefined {
    return repoRecord(this.population, repo, day);
  }

  /** user-teams-1-day lines. */
  teamRecords(scope: SimScope, day: DayNumber): Generator<JsonObject> {
    return teamRecords(this.population, scope, day);
  }
}
