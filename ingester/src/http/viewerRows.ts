/**
 * PRIVACY_MODE=pseudonymous keeps no login: a person's rows are under the pseudonym of their GitHub
 * user id. A verified viewer's login is turned into that pseudonym with the same key, through GitHub's
 * public user lookup (login → id), so a person finds their own rows without real logins being stored.
 */
import type { GitHubClient } from '../github/client';
import { githubUserId } from '../github/users';
import { Pseudonymizer } from '../privacy';

/** Logins whose pseudonym was looked up, kept for the life of the process (bounded). */
const MAX_CACHED = 10_000;

export function pseudonymousRowLogin(
  client: GitHubClient,
  key: string,
  account?: string,
): (login: string) => Promise<string | undefined> {
  const pseudonyms = new Pseudonymizer(key);
  const cache = new Map<string, string | undefined>();
  return async (login) => {
    const lower = login.toLowerCase();
    if (cache.has(lower)) return cache.get(lower);
    const id = await githubUserId(client, login, account);
    const pseudonym = id === undefined ? undefined : pseudonyms.user(id).login;
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(lower, pseudonym);
    return pseudonym;
  };
}
