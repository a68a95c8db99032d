/**
 * Where the two engines' SQL differs (postgres/README.md has the inventory): one entry for each kind of
 * difference, so that a statement written once for both names what it needs instead of branching at
 * each call site. Statements only one engine runs stay in that engine's module.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /**
   * A column of the row already stored, in an upsert's `DO UPDATE SET`: SQLite reads a bare name as the
   * stored row's, PostgreSQL finds it ambiguous with `excluded`'s and needs the table's name.
   */
  stored(table: string, column: string): string;
  /** Smaller and larger of two values: SQLite's scalar min/max, PostgreSQL's least/greatest. */
  least(a: string, b: string): string;
  greatest(a: string, b: string): string;
  /**
   * A join whose left table the planner must keep outside (its key order spares a sort): SQLite's
   * CROSS JOIN … ON; PostgreSQL has no ON for CROSS JOIN, and orders a plain JOIN itself.
   */
  orderedJoin: string;
}

export const SQLITE: Dialect = {
  name: 'sqlite',
  stored: (_table, column) => column,
  least: (a, b) => `min(${a}, ${b})`,
  greatest: (a, b) => `max(${a}, ${b})`,
  orderedJoin: 'CROSS JOIN',
};

export const POSTGRES: Dialect = {
  name: 'postgres',
  stored: (table, column) => `${table}.${column}`,
  least: (a, b) => `least(${a}, ${b})`,
  greatest: (a, b) => `greatest(${a}, ${b})`,
  orderedJoin: 'JOIN',
};
