/**
 * What a group is called in an answer: team slugs, logins, repository names, agent names and
 * dictionary values, looked up by id. A request shares one cache, so a panel of several per-user
 * tables looks each login up once.
 */
import type { Dimension } from '@copilot-metrics/contract';
import type { SqlReader } from '../store/reader';
import { OTHERS } from './execute/rows';
import { JSON_LIST } from './execute/sql';

/**
 * The labels of one dimension's groups: `load` reads those not known yet, after which `of` answers
 * without reading (sorting by label compares labels many times).
 */
export interface GroupLabels {
  load(groups: Iterable<number>): Promise<void>;
  /** A loaded group's label. */
  of(group: number): string;
}

const SQL = {
  dictValue: 'SELECT value FROM dictionary WHERE id = ?',
  // Team slugs can repeat within an enterprise (teams of different orgs); the GitHub id tells them apart.
  team: `SELECT CASE WHEN (SELECT count(*) FROM teams o WHERE o.scope_id = t.scope_id AND o.slug = t.slug) > 1
             THEN t.slug || ' #' || t.github_id ELSE t.slug END FROM teams t WHERE t.id = ?`,
  user: 'SELECT login FROM users WHERE id = ?',
  repository: "SELECT owner || '/' || name FROM repos WHERE id = ?",
  agent:
    'SELECT d.value FROM by_agent a JOIN dictionary d ON d.id = a.agent_name WHERE a.agent = ? ORDER BY a.day DESC LIMIT 1',
};

/**
 * (id, label) of the groups whose ids are bound as one JSON list: one statement for a table's labels
 * instead of one lookup each (on PostgreSQL each lookup is a round trip: a table of 950 repositories took
 * 200 ms). Agents keep their own lookup (a few, named by their latest day).
 */
const BATCH_SQL: Partial<Record<Dimension, string>> = {
  team: `SELECT t.id, CASE WHEN (SELECT count(*) FROM teams o WHERE o.scope_id = t.scope_id AND o.slug = t.slug) > 1
             THEN t.slug || ' #' || t.github_id ELSE t.slug END FROM teams t WHERE t.id IN ${JSON_LIST}`,
  user: `SELECT id, login FROM users WHERE id IN ${JSON_LIST}`,
  repository: `SELECT id, owner || '/' || name FROM repos WHERE id IN ${JSON_LIST}`,
};
const DICT_BATCH_SQL = `SELECT id, value FROM dictionary WHERE id IN ${JSON_LIST}`;

/** Below this many labels to read, a lookup by their ids; from it, one pass over the people or repositories. */
const WHOLE_TABLE_FROM = 1000;

export class Labels {
  constructor(private readonly reader: SqlReader) {}

  async label(dim: Dimension, group: number): Promise<string> {
    if (group === OTHERS) return 'Others';
    const text = (sql: string) => this.reader.value<string>(sql, [group]);
    switch (dim) {
      case 'none':
        return '';
      case 'team':
      case 'user':
      case 'repository':
        return (await text(SQL[dim])) ?? `${dim} ${group}`;
      case 'agent':
        return (await text(SQL.agent)) ?? (await text(SQL.dictValue)) ?? `agent ${group}`;
      default:
        return (await text(SQL.dictValue)) ?? '(unknown)';
    }
  }

  /** Labels of a dimension's groups through a request's cache. */
  cached(dim: Dimension, cache: Map<string, string>): GroupLabels {
    const key = (group: number) => `${dim}:${group}`;
    return {
      load: async (groups) => {
        if (dim === 'none') return;
        const wanted = new Set<number>();
        for (const group of groups) if (group !== OTHERS && !cache.has(key(group))) wanted.add(group);
        if (wanted.size >= WHOLE_TABLE_FROM) await this.readWhole(dim, wanted, cache);
        else if (wanted.size > 1 && dim !== 'agent') await this.readBatch(dim, wanted, cache);
        for (const group of wanted)
          if (!cache.has(key(group))) cache.set(key(group), await this.label(dim, group));
      },
      of: (group) => {
        if (group === OTHERS) return 'Others';
        if (dim === 'none') return '';
        const text = cache.get(key(group));
        if (text === undefined) throw new Error(`the label of ${key(group)} was not loaded first`);
        return text;
      },
    };
  }

  /** Seats without a value of the dimension are group 0. */
  seatLabels(dim: Dimension, cache = new Map<string, string>()): GroupLabels {
    const labels = this.cached(dim, cache);
    const unset = dim === 'team' ? '(assigned directly)' : dim === 'editor' ? '(no activity)' : '(unknown)';
    return {
      load: (groups) => labels.load([...groups].filter((group) => group !== 0)),
      of: (group) => (group === 0 ? unset : labels.of(group)),
    };
  }

  /** Labels of some groups in one statement; those not stored are left for `label` (its fallback text). */
  private async readBatch(dim: Dimension, wanted: Set<number>, cache: Map<string, string>): Promise<void> {
    const sql = BATCH_SQL[dim] ?? DICT_BATCH_SQL;
    for (const [id, text] of await this.reader.raw<[number, string | null]>(sql, [
      JSON.stringify([...wanted]),
    ]))
      if (text !== null) cache.set(`${dim}:${id}`, text);
  }

  /**
   * Labels of many people or repositories (a table of every user) in one pass over their table, instead
   * of one lookup each: 100,000 logins are read in tens of milliseconds rather than half a second.
   */
  private async readWhole(dim: Dimension, wanted: Set<number>, cache: Map<string, string>): Promise<void> {
    if (dim !== 'user' && dim !== 'repository') return;
    const sql = dim === 'user' ? 'SELECT id, login FROM users' : "SELECT id, owner || '/' || name FROM repos";
    for await (const rows of this.reader.stream<[number, string]>(sql))
      for (const [id, text] of rows) if (wanted.has(id)) cache.set(`${dim}:${id}`, text);
  }
}
