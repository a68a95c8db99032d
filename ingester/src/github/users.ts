/**
 * `GET /users/{username}` (https://docs.github.com/rest/users/users#get-a-user): a login's numeric id,
 * which PRIVACY_MODE=pseudonymous derives its pseudonyms from. Public data; the token only lifts the
 * rate limit.
 */
import type { GitHubClient } from './client';

/** The GitHub user id of a login, or undefined when GitHub knows no such user. */
export async function githubUserId(
  client: GitHubClient,
  login: string,
  /** A configured organization or enterprise, whose GitHub App installation token is used. */
  account?: string,
): Promise<number | undefined> {
  const response = await client.call('GET', `/users/${encodeURIComponent(login)}`, { account });
  if (response.status === 404) return undefined;
  const id = (response.body as { id?: unknown } | undefined)?.id;
  if (response.status !== 200 || typeof id !== 'number')
    throw new Error(
      `GitHub answered ${response.status} to GET /users/{login}; the viewer's rows cannot be found`,
    );
  return id;
}
