/**
 * The ids figures refer to: scopes, dictionary labels, users, teams and repositories, each upserted on
 * first sight and cached by the writer. Ids handed out inside a rolled-back transaction are gone with
 * it, so every write that resolves ids runs through `transaction` (or calls `forget` on rollback).
 */
import type { Statement } from 'better-sqlite3';
import type { RepoIdentity, UserIdentity } from '../reports/identity';
import type { DictKind } from '../reports/schema';
import type { Scope } from '../scopes';
import type { DB } from './connection';

/**
 * Bounded: a report names each user once, so the cache only pays off across reports, and an
 * enterprise of 300,000 users must not keep them all in memory.
 */
const USER_CACHE_LIMIT = 50_000;
/** Users read a statement by `preloadUsers`. */
const PRELOAD_USERS = 128;

export class References {
  private readonly dictionary = new Map<string, number>();
  private readonly users = new Map<number, { id: number; login: string }>();
  private readonly teams = new Map<string, number>();
  private readonly repos = new Map<number, { id: number; signature: string }>();
  private readonly dictionaryUpsert: Statement;
  private readonly userUpsert: Statement;
  private readonly userSelect: Statement;
  private readonly userInserts = new Map<number, Statement>();
  private readonly teamUpsert: Statement;
  private readonly repoUpsert: Statement;
  private readonly scopeInsert: Statement;
  private readonly scopeSelect: Statement;
  private readonly scopeIdsUpdate: Statement;
  private readonly scopeIdsSelect: Statement;

  constructor(private readonly db: DB) {
    this.dictionaryUpsert = db.prepare(
      'INSERT INTO dictionary (kind, value) VALUES (?, ?) ON CONFLICT (kind, value) DO UPDATE SET kind = excluded.kind RETURNING id',
    );
    this.userUpsert = db.prepare(
      'INSERT INTO users (github_id, login) VALUES (?, ?) ON CONFLICT (github_id) DO UPDATE SET login = excluded.login RETURNING id',
    );
    this.userSelect = db
      .prepare(
        `SELECT github_id, id, login FROM users WHERE github_id IN (${Array.from({ length: PRELOAD_USERS }, () => '?').join(', ')})`,
      )
      .raw();
    this.teamUpsert = db.prepare(
      'INSERT INTO teams (scope_id, github_id, slug) VALUES (?, ?, ?) ON CONFLICT (scope_id, github_id) DO UPDATE SET slug = excluded.slug RETURNING id',
    );
    this.repoUpsert = db.prepare(
      `INSERT INTO repos (github_id, owner, name, visibility) VALUES (?, ?, ?, ?) ON CONFLICT (github_id)
       DO UPDATE SET owner = excluded.owner, name = excluded.name, visibility = coalesce(excluded.visibility, visibility) RETURNING id`,
    );
    this.scopeInsert = db.prepare(
      'INSERT INTO scopes (kind, slug) VALUES (?, ?) ON CONFLICT (kind, slug) DO NOTHING',
    );
    this.scopeSelect = db.prepare('SELECT id FROM scopes WHERE kind = ? AND slug = ?');
    this.scopeIdsUpdate = db.prepare(
      'UPDATE scopes SET github_id = coalesce(?, github_id), enterprise_github_id = coalesce(?, enterprise_github_id) WHERE id = ?',
    );
    this.scopeIdsSelect = db.prepare('SELECT github_id, enterprise_github_id FROM scopes WHERE id = ?');
  }

  scopeId(scope: Scope): number {
    this.scopeInsert.run(scope.kind, scope.slug);
    return (this.scopeSelect.get(scope.kind, scope.slug) as { id: number }).id;
  }

  /** The GitHub ids an aggregate report tells about its scope (and an organization's enterprise). */
  setScopeIds(scopeId: number, githubId: string | undefined, enterpriseGithubId: string | undefined): void {
    this.scopeIdsUpdate.run(githubId ?? null, enterpriseGithubId ?? null, scopeId);
  }

  /** The GitHub ids aggregate reports told about a scope, null until one did. */
  scopeGithubIds(scopeId: number): { githubId: string | null; enterpriseGithubId: string | null } {
    const row = this.scopeIdsSelect.get(scopeId) as {
      github_id: string | null;
      enterprise_github_id: string | null;
    };
    return { githubId: row.github_id, enterpriseGithubId: row.enterprise_github_id };
  }

  readonly resolve = (kind: DictKind, value: string): number => {
    const key = `${kind}\u0000${value}`;
    let id = this.dictionary.get(key);
    if (id === undefined) {
      id = (this.dictionaryUpsert.get(kind, value) as { id: number }).id;
      this.dictionary.set(key, id);
    }
    return id;
  };

  /**
   * Makes `userRef` of these users a lookup: the stored ones are read into the cache and the new ones
   * inserted, `PRELOAD_USERS` a statement, instead of one upsert per record (past the cache, at 100,000
   * people, that was every record of every report). A user stored under another login is left to
   * `userRef`, which renames it.
   */
  preloadUsers(users: readonly UserIdentity[]): void {
    for (let at = 0; at < users.length; at += PRELOAD_USERS) {
      const chunk = users.slice(at, at + PRELOAD_USERS);
      const ids = chunk.map((user) => user.githubId);
      while (ids.length < PRELOAD_USERS) ids.push(-1); // no GitHub id is negative
      const rows = this.userSelect.all(ids) as [number, number, string][];
      if (this.users.size + chunk.length > USER_CACHE_LIMIT) this.users.clear();
      for (const [githubId, id, login] of rows) this.users.set(githubId, { id, login });
      const added = new Map<number, string>();
      for (const user of chunk) if (!this.users.has(user.githubId)) added.set(user.githubId, user.login);
      if (added.size === 0) continue;
      const values = [...added].flat();
      for (const [githubId, id] of this.userInsert(added.size).all(values) as [number, number][])
        this.users.set(githubId, { id, login: added.get(githubId)! });
    }
  }

  /** INSERT of `count` users in one statement, their ids returned (prepared once per count). */
  private userInsert(count: number): Statement {
    let statement = this.userInserts.get(count);
    if (!statement) {
      statement = this.db
        .prepare(
          `INSERT INTO users (github_id, login) VALUES ${Array.from({ length: count }, () => '(?, ?)').join(', ')}
           RETURNING github_id, id`,
        )
        .raw();
      this.userInserts.set(count, statement);
    }
    return statement;
  }

  userRef(user: UserIdentity): number {
    const cached = this.users.get(user.githubId);
    if (cached && cached.login === user.login) return cached.id;
    const id = (this.userUpsert.get(user.githubId, user.login) as { id: number }).id;
    if (this.users.size >= USER_CACHE_LIMIT) this.users.clear();
    this.users.set(user.githubId, { id, login: user.login });
    return id;
  }

  teamRef(scopeId: number, githubId: number, slug: string): number {
    const key = `${scopeId}:${githubId}:${slug}`;
    let id = this.teams.get(key);
    if (id === undefined) {
      id = (this.teamUpsert.get(scopeId, githubId, slug) as { id: number }).id;
      this.teams.set(key, id);
    }
    return id;
  }

  repoRef(repo: RepoIdentity): number {
    const signature = `${repo.owner}/${repo.name}:${repo.visibility}`;
    const cached = this.repos.get(repo.githubId);
    if (cached && cached.signature === signature) return cached.id;
    const id = (this.repoUpsert.get(repo.githubId, repo.owner, repo.name, repo.visibility) as { id: number })
      .id;
    this.repos.set(repo.githubId, { id, signature });
    return id;
  }

  /** Runs `work` in one transaction; ids cached inside a rolled-back one are forgotten. */
  transaction(work: () => void): void {
    try {
      this.db.transaction(work)();
    } catch (error) {
      this.forget();
      throw error;
    }
  }

  /** Ids handed out inside a rolled-back transaction are gone; forget them. */
  forget(): void {
    this.dictionary.clear();
    this.users.clear();
    this.teams.clear();
    this.repos.clear();
  }
}
