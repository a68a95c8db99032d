/**
 * The ids figures refer to, on PostgreSQL: scopes, dictionary labels, users, teams and repositories,
 * created on first sight and cached, as the SQLite writer's (../references.ts). Each is read before it
 * is inserted rather than upserted: an INSERT … ON CONFLICT draws an identity value even when it
 * inserts nothing, and the ids would then drift from those SQLite hands out for the same sync.
 */
import type { RepoIdentity, UserIdentity } from '../../reports/identity';
import type { DictKind } from '../../reports/schema';
import type { Scope } from '../../scopes';
import type { Query, WriterConnection } from './writerConnection';

/** As the SQLite writer's: the cache pays off across reports, and must not hold every user. */
const USER_CACHE_LIMIT = 50_000;
/** Users read and inserted a statement by `preloadUsers`. */
const PRELOAD_USERS = 1000;

export class PostgresReferences {
  private readonly dictionary = new Map<string, number>();
  private readonly users = new Map<number, { id: number; login: string }>();
  private readonly teams = new Map<string, number>();
  private readonly repos = new Map<number, { id: number; signature: string }>();

  constructor(private readonly connection: WriterConnection) {}

  async scopeId(scope: Scope): Promise<number> {
    // lower(slug): the unique index is on it (SQLite's slug is COLLATE NOCASE).
    return this.connection.serial(async (query) => {
      const select = () =>
        query<{ id: number }>('SELECT id FROM scopes WHERE kind = ? AND lower(slug) = lower(?)', [
          scope.kind,
          scope.slug,
        ]);
      const found = (await select()).rows[0];
      if (found) return found.id;
      const inserted = await query<{ id: number }>(
        'INSERT INTO scopes (kind, slug) VALUES (?, ?) ON CONFLICT (kind, lower(slug)) DO NOTHING RETURNING id',
        [scope.kind, scope.slug],
      );
      return inserted.rows[0]?.id ?? (await select()).rows[0].id;
    });
  }

  async setScopeIds(
    scopeId: number,
    githubId: string | undefined,
    enterpriseGithubId: string | undefined,
  ): Promise<void> {
    await this.connection.query(
      'UPDATE scopes SET github_id = coalesce(?, github_id), enterprise_github_id = coalesce(?, enterprise_github_id) WHERE id = ?',
      [githubId ?? null, enterpriseGithubId ?? null, scopeId],
    );
  }

  async scopeGithubIds(
    scopeId: number,
  ): Promise<{ githubId: string | null; enterpriseGithubId: string | null }> {
    const { rows } = await this.connection.query<{
      github_id: string | null;
      enterprise_github_id: string | null;
    }>('SELECT github_id, enterprise_github_id FROM scopes WHERE id = ?', [scopeId]);
    return { githubId: rows[0].github_id, enterpriseGithubId: rows[0].enterprise_github_id };
  }

  readonly resolve = async (kind: DictKind, value: string): Promise<number> => {
    const key = `${kind}\u0000${value}`;
    let id = this.dictionary.get(key);
    if (id === undefined) {
      id = await this.connection.serial((query) =>
        readOrInsert(
          query,
          ['SELECT id FROM dictionary WHERE kind = ? AND value = ?', [kind, value]],
          ['INSERT INTO dictionary (kind, value) VALUES (?, ?) RETURNING id', [kind, value]],
        ),
      );
      this.dictionary.set(key, id);
    }
    return id;
  };

  /**
   * Makes `userRef` of these users a lookup, as the SQLite writer's: the stored ones read into the
   * cache, the new ones inserted in record order (their ids ascending as SQLite's), a statement a chunk.
   */
  async preloadUsers(users: readonly UserIdentity[]): Promise<void> {
    for (let at = 0; at < users.length; at += PRELOAD_USERS) {
      const chunk = users.slice(at, at + PRELOAD_USERS);
      await this.connection.serial(async (query) => {
        const { rows } = await query<[number, number, string]>(
          'SELECT github_id, id, login FROM users WHERE github_id = ANY(?::bigint[])',
          [chunk.map((user) => user.githubId)],
          { rowMode: 'array' },
        );
        if (this.users.size + chunk.length > USER_CACHE_LIMIT) this.users.clear();
        for (const [githubId, id, login] of rows) this.users.set(githubId, { id, login });
        const added = new Map<number, string>();
        for (const user of chunk) if (!this.users.has(user.githubId)) added.set(user.githubId, user.login);
        if (added.size === 0) return;
        // WITH ORDINALITY … ORDER BY: ids are drawn in the order the rows are inserted, the records' order.
        const inserted = await query<[number, number]>(
          `INSERT INTO users (github_id, login)
           SELECT github_id, login FROM unnest(?::bigint[], ?::text[]) WITH ORDINALITY AS u (github_id, login, n) ORDER BY n
           RETURNING github_id, id`,
          [[...added.keys()], [...added.values()]],
          { rowMode: 'array' },
        );
        for (const [githubId, id] of inserted.rows)
          this.users.set(githubId, { id, login: added.get(githubId)! });
      });
    }
  }

  async userRef(user: UserIdentity): Promise<number> {
    const cached = this.users.get(user.githubId);
    if (cached && cached.login === user.login) return cached.id;
    const id = await this.connection.serial((query) =>
      readOrInsert(
        query,
        ['UPDATE users SET login = ? WHERE github_id = ? RETURNING id', [user.login, user.githubId]],
        ['INSERT INTO users (github_id, login) VALUES (?, ?) RETURNING id', [user.githubId, user.login]],
      ),
    );
    if (this.users.size >= USER_CACHE_LIMIT) this.users.clear();
    this.users.set(user.githubId, { id, login: user.login });
    return id;
  }

  async teamRef(scopeId: number, githubId: number, slug: string): Promise<number> {
    const key = `${scopeId}:${githubId}:${slug}`;
    let id = this.teams.get(key);
    if (id === undefined) {
      id = await this.connection.serial((query) =>
        readOrInsert(
          query,
          [
            'UPDATE teams SET slug = ? WHERE scope_id = ? AND github_id = ? RETURNING id',
            [slug, scopeId, githubId],
          ],
          [
            'INSERT INTO teams (scope_id, github_id, slug) VALUES (?, ?, ?) RETURNING id',
            [scopeId, githubId, slug],
          ],
        ),
      );
      this.teams.set(key, id);
    }
    return id;
  }

  async repoRef(repo: RepoIdentity): Promise<number> {
    const signature = `${repo.owner}/${repo.name}:${repo.visibility}`;
    const cached = this.repos.get(repo.githubId);
    if (cached && cached.signature === signature) return cached.id;
    const id = await this.connection.serial((query) =>
      readOrInsert(
        query,
        [
          'UPDATE repos SET owner = ?, name = ?, visibility = coalesce(?, visibility) WHERE github_id = ? RETURNING id',
          [repo.owner, repo.name, repo.visibility, repo.githubId],
        ],
        [
          'INSERT INTO repos (github_id, owner, name, visibility) VALUES (?, ?, ?, ?) RETURNING id',
          [repo.githubId, repo.owner, repo.name, repo.visibility],
        ],
      ),
    );
    this.repos.set(repo.githubId, { id, signature });
    return id;
  }

  /** users.id of a stored login, case-insensitively (lower(): users_by_login is on it). */
  async userRefByLogin(login: string): Promise<number | undefined> {
    const { rows } = await this.connection.query<{ id: number }>(
      'SELECT id FROM users WHERE lower(login) = lower(?) ORDER BY id LIMIT 1',
      [login],
    );
    return rows[0]?.id;
  }

  /** Ids handed out inside a rolled-back transaction are gone; forget them. */
  forget(): void {
    this.dictionary.clear();
    this.users.clear();
    this.teams.clear();
    this.repos.clear();
  }
}

/**
 * The id the first statement finds (a SELECT, or an UPDATE … RETURNING of the stored row), else the
 * one the INSERT creates. One writer holds the sync lock, so nothing inserts between the two.
 */
async function readOrInsert(
  query: Query,
  read: [string, unknown[]],
  insert: [string, unknown[]],
): Promise<number> {
  const found = (await query<{ id: number }>(...read)).rows[0];
  if (found) return found.id;
  return (await query<{ id: number }>(...insert)).rows[0].id;
}
