/**
 * What a group is called in an answer: team slugs, logins, repository names, agent names and
 * dictionary values, looked up by id. A request shares one cache, so a panel of several per-user
 * tables looks each login up once.
 */
import type { Dimension } from '@copilot-metrics/contract';
import type { DB } from '../store/db';
import { OTHERS } from './execute/rows';

export class Labels {
  private readonly dictValue;
  private readonly byId;

  constructor(private readonly db: DB) {
    this.dictValue = db.prepare('SELECT value FROM dictionary WHERE id = ?').pluck();
    this.byId = {
      // Team slugs can repeat within an enterprise (teams of different orgs); the GitHub id tells them apart.
      team: db
        .prepare(
          `SELECT CASE WHEN (SELECT count(*) FROM teams o WHERE o.scope_id = t.scope_id AND o.slug = t.slug) > 1
             THEN t.slug || ' #' || t.github_id ELSE t.slug END FROM teams t WHERE t.id = ?`,
        )
        .pluck(),
      user: db.prepare('SELECT login FROM users WHERE id = ?').pluck(),
      repository: db.prepare("SELECT owner || '/' || name FROM repos WHERE id = ?").pluck(),
      agent: db
        .prepare(
          'SELECT d.value FROM by_agent a JOIN dictionary d ON d.id = a.agent_name WHERE a.agent = ? ORDER BY a.day DESC LIMIT 1',
        )
        .pluck(),
    };
  }

  label(dim: Dimension, group: number): string {
    if (group === OTHERS) return 'Others';
    switch (dim) {
      case 'none':
        return '';
      case 'team':
      case 'user':
      case 'repository':
        return (this.byId[dim].get(group) as string | undefined) ?? `${dim} ${group}`;
      case 'agent':
        return (
          (this.byId.agent.get(group) as string | undefined) ??
          (this.dictValue.get(group) as string | undefined) ??
          `agent ${group}`
        );
      default:
        return (this.dictValue.get(group) as string | undefined) ?? '(unknown)';
    }
  }

  /** Seats without a value of the dimension are group 0. */
  seatLabel(dim: Dimension, group: number): string {
    if (group !== 0) return this.label(dim, group);
    return dim === 'team' ? '(assigned directly)' : dim === 'editor' ? '(no activity)' : '(unknown)';
  }

  /** Labels of a dimension's groups through a request's cache. */
  cached(dim: Dimension, cache: Map<string, string>): (group: number) => string {
    return (group) => {
      const key = `${dim}:${group}`;
      let text = cache.get(key);
      if (text === undefined) cache.set(key, (text = this.label(dim, group)));
      return text;
    };
  }

  /**
   * Labels of many people or repositories (a table of every user) in one pass over their table, instead
   * of one lookup each: 100,000 logins are read in tens of milliseconds rather than half a second.
   */
  prefetch(dim: Dimension, groups: number[], cache: Map<string, string>): void {
    if (groups.length < 1000 || (dim !== 'user' && dim !== 'repository')) return;
    const wanted = new Set(groups.filter((group) => !cache.has(`${dim}:${group}`)));
    if (wanted.size < 1000) return;
    const sql = dim === 'user' ? 'SELECT id, login FROM users' : "SELECT id, owner || '/' || name FROM repos";
    for (const [id, text] of this.db.prepare(sql).raw().iterate() as IterableIterator<[number, string]>)
      if (wanted.has(id)) cache.set(`${dim}:${id}`, text);
  }
}
