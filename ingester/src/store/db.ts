/**
 * Opens the database: a connection with its pragmas (connection.ts), migrated to the current schema
 * when it is the writer (migrate.ts); readers never migrate.
 */
import { type DB, openConnection } from './connection';
import { migrate } from './migrate';

/** The connection type, for the modules outside store/ that open or read the database. */
export type { DB } from './connection';

export function openDatabase(path: string, options: { readonly?: boolean } = {}): DB {
  const db = openConnection(path, options);
  if (!options.readonly) migrate(db);
  return db;
}
