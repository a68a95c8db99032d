/**
 * The names a query sends (scope, filter values, dictionary values) → the ids the store keeps: the
 * planner's only reads. Unknown filter values match nothing (an empty result, not an error).
 */
import type { Dimension } from '@copilot-metrics/contract';
import { type Scope, parseScopeKey, scopeKey } from '../../scopes';
import type { DB } from '../../store/db';
import type { Source } from '../catalog/sources';
import { QueryError } from '../errors';
import type { ResolvedScope } from './types';

/** What the planner looks up; StoredIds reads it from the store. */
export interface IdLookup {
  scope(text: string | undefined): ResolvedScope;
  dictId(kind: string, value: string): number;
  filterIds(dim: Dimension, values: string[], scopeId: number, source: Source): number[];
}

export class StoredIds implements IdLookup {
  private readonly statements;

  constructor(private readonly db: DB) {
    this.statements = {
      dictId: db.prepare('SELECT id FROM dictionary WHERE kind = ? AND value = ?').pluck(),
      teams: db
        .prepare('SELECT id FROM teams WHERE scope_id = ? AND (slug = ? OR CAST(github_id AS TEXT) = ?)')
        .pluck(),
      users: db.prepare('SELECT id FROM users WHERE login = ? COLLATE NOCASE').pluck(),
      repos: db.prepare("SELECT id FROM repos WHERE owner || '/' || name = ? OR name = ?").pluck(),
      agentsByName: db
        .prepare(
          "SELECT DISTINCT a.agent FROM by_agent a JOIN dictionary d ON d.id = a.agent_name WHERE d.kind = 'agent_name' AND d.value = ?",
        )
        .pluck(),
    };
  }

  scopes(): (Scope & { id: number })[] {
    return this.db.prepare('SELECT id, kind, slug FROM scopes ORDER BY kind, slug').all() as (Scope & {
      id: number;
    })[];
  }

  scope(text: string | undefined): ResolvedScope {
    const scopes = this.scopes();
    const valid = scopes.map((s) => scopeKey(s));
    if (text === undefined) {
      if (scopes.length === 1) return { id: scopes[0].id, key: valid[0], kind: scopes[0].kind };
      throw new QueryError(
        scopes.length === 0
          ? 'no data has been synced yet, so there is no scope to query'
          : `scope is required when several scopes exist; valid scopes: ${valid.join(', ')}`,
      );
    }
    const parsed = parseScopeKey(text);
    const found =
      parsed &&
      scopes.find((s) => s.kind === parsed.kind && s.slug.toLowerCase() === parsed.slug.toLowerCase());
    if (!found)
      throw new QueryError(`unknown scope "${text}"; valid scopes: ${valid.join(', ') || '(none yet)'}`);
    return { id: found.id, key: scopeKey(found), kind: found.kind };
  }

  dictId(kind: string, value: string): number {
    return (this.statements.dictId.get(kind, value) as number | undefined) ?? -1;
  }

  filterIds(dim: Dimension, values: string[], scopeId: number, source: Source): number[] {
    const ids = new Set<number>();
    const add = (found: number[]) => found.forEach((id) => ids.add(id));
    for (const value of values) {
      if (dim === 'team') add(this.statements.teams.all(scopeId, value, value) as number[]);
      else if (dim === 'user') add(this.statements.users.all(value) as number[]);
      else if (dim === 'repository') add(this.statements.repos.all(value, value) as number[]);
      else if (dim === 'agent') {
        ids.add(this.dictId('agent', value));
        add(this.statements.agentsByName.all(value) as number[]);
      } else ids.add(this.dictId(source.dimensions[dim]!.dict, value));
    }
    ids.delete(-1);
    return [...ids];
  }
}
