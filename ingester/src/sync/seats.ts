/**
 * Today's seats of a scope, for the runner: an organization's are read from GitHub; an enterprise's
 * are the union of its organizations' snapshots of the day (the enterprise seats endpoint is not in the
 * OpenAPI description this project follows).
 */
import type { DayNumber } from '../days';
import type { GitHubClient } from '../github/client';
import { fetchSeats } from '../github/seats';
import type { Logger } from '../log';
import { pseudonymizerOf } from '../privacy';
import { type Scope, scopeKey } from '../scopes';
import type { ReportOutcome, SyncStore } from '../store/interface';

export async function syncSeats(
  deps: { store: SyncStore; client: GitHubClient; logger: Logger },
  task: { scope: Scope; day: DayNumber },
  scopeId: number,
  scopes: readonly Scope[],
  scopeIds: ReadonlyMap<string, number>,
): Promise<'no_data' | ReportOutcome> {
  const { store } = deps;
  if (task.scope.kind === 'organization') {
    const snapshot = await fetchSeats(deps.client, task.scope);
    // Pseudonymized before the snapshot is stored (PRIVACY_MODE=pseudonymous).
    const pseudonyms = pseudonymizerOf(store.privacy);
    if (pseudonyms) for (const seat of snapshot.seats) seat.user = pseudonyms.user(seat.user.githubId);
    // A listing is recorded as a report: its pages are the files, and it has no unknown keys.
    const outcome: ReportOutcome = {
      records: snapshot.seats.length,
      malformedLines: snapshot.malformed,
      issues: snapshot.issues,
      unknownKeys: [],
      files: snapshot.pages,
      bytes: null,
    };
    await store.exclusive(() => store.replaceSeats(scopeId, task.day, snapshot.seats, outcome));
    return outcome;
  }
  const label = scopeKey(task.scope);
  const members = await store.exclusive(() =>
    enterpriseOrganizations(
      store,
      scopeId,
      scopes
        .filter((s) => s.kind === 'organization')
        .map((scope) => ({ id: scopeIds.get(scopeKey(scope))!, scope })),
      scopes.filter((s) => s.kind === 'enterprise').length,
    ),
  );
  if (members.length === 0) {
    const message = `no organization of ${label} is synced (its seats are the union of its organizations' seats): list them in COPILOT_ORGS`;
    deps.logger.warn({ scope: label }, message);
    await store.exclusive(() => store.recordAttempt(scopeId, 'seats', task.day, 'no_data', message));
    return 'no_data';
  }
  // Reads go through `exclusive` too: the writer connection may hold a report's open transaction.
  const missing = await store.exclusive(async () => {
    const unread: typeof members = [];
    for (const m of members) if ((await store.reportStatus(m.id, 'seats', task.day)) !== 'ok') unread.push(m);
    return unread;
  });
  if (missing.length) {
    throw new Error(
      `the seats of ${label} are the union of its organizations' seats, and those of ${missing.map((m) => scopeKey(m.scope)).join(', ')} could not be read today (see their failures)`,
    );
  }
  return store.exclusive(() =>
    store.replaceSeatUnion(
      scopeId,
      members.map((m) => m.id),
      task.day,
    ),
  );
}

/**
 * The organizations that belong to an enterprise: those whose usage reports carry the enterprise's id
 * (scopes.enterprise_github_id); while either id is unknown, every organization belongs to the only
 * enterprise of the run (and to none when there are several).
 */
export async function enterpriseOrganizations<T extends { id: number }>(
  store: SyncStore,
  enterpriseScopeId: number,
  orgs: readonly T[],
  enterprises: number,
): Promise<T[]> {
  const enterprise = (await store.scopeGithubIds(enterpriseScopeId)).githubId;
  const members: T[] = [];
  for (const org of orgs) {
    const ofOrg = (await store.scopeGithubIds(org.id)).enterpriseGithubId;
    if (enterprise !== null && ofOrg !== null ? enterprise === ofOrg : enterprises === 1) members.push(org);
  }
  return members;
}
