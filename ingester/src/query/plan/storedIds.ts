/**
 * The names a query sends (scope, filter values, dictionary values) → the ids the store keeps: the
 * planner's only reads. Unknown filter values match nothing (an empty result, not an error).
 */
import type { Dimension } from '@copilot-metrics/contract';
import { type Scope, parseScopeKey, scopeKey } from '../../scopes';
import type { SqlReader } from '../../store/reader';
import type { Source } from '../catalog/sources';
import { QueryError } from '../errors';
import type { ResolvedScope } from './types';

/** What the planner looks up; StoredIds reads it from the store. */
export interface IdLookup {
  scope(text: string | undefined): Promise<ResolvedScope>;
  dictId(kind: string, value: string): Promise<number>;
  filterIds(dim: Dimension, values: string[], scopeId: number, source: Source): Promise<number[]>;
}

const SQL = {
  dictId: 'SELECT id FROM dictionary WHERE kind = ? AND value = ?',
  teams: 'SELECT id FROM teams WHERE scope_id = ? AND (slug = ? OR CAST(github_id AS TEXT) = ?)',
  users: 'SELECT id FROM users WHERE login = ? COLLATE NOCASE',
  repos: "SELECT id FROM repos WHERE owner || '/' || name = ? OR name = ?",
  agentsByName:
    "SELECT DISTINCT a.agent FROM by_agent a JOIN dictionary d ON d.id = a.agent_name WHERE d.kind = 'agent_name' AND d.value = ?",
};

export class StoredIds implements IdLookup {
  constructor(private readonly reader: SqlReader) {}

  scopes(): Promise<(Scope & { id: number })[]> {
    return this.reader.all<Scope & { id: number }>('SELECT id, kind, slug FROM scopes ORDER BY kind, slug');
  }

  async scope(text: string | undefined): Promise<ResolvedScope> {
    const scopes = await this.scopes();
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

  async dictId(kind: string, value: string): Promise<number> {
    return (await this.reader.value<number>(SQL.dictId, [kind, value])) ?? -1;
  }

  async filterIds(dim: Dimension, values: string[], scopeId: number, source: Source): Promise<number[]> {
    const ids = new Set<number>();
    const add = (found: number[]) => found.forEach((id) => ids.add(id));
    const idsOf = (sql: string, params: unknown[]) => this.reader.pluck<number>(sql, params);
    for (const value of values) {
      if (dim === 'team') add(await idsOf(SQL.teams, [scopeId, value, value]));
      else if (dim === 'user') add(await idsOf(SQL.users, [value]));
      else if (dim === 'repository') add(await idsOf(SQL.repos, [value, value]));
      else if (dim === 'agent') {
        ids.add(await this.dictId('agent', value));
        add(await idsOf(SQL.agentsByName, [value]));
      } else ids.add(await this.dictId(source.dimensions[dim]!.dict, value));
    }
    ids.delete(-1);
    return [...ids];
  }
}
