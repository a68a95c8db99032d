/**
 * Does the database answer, and is its schema current? For /api/health (liveness) and
 * /api/health/ready (readiness). The SQLite engine's answer: the file this process opened is still the
 * one at DATABASE_PATH and readable (an open connection keeps answering from a deleted or replaced
 * file, so a trivial query alone would not tell), and a trivial query answers. A network engine would
 * bring its own: a trivial query with a short timeout.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { latestSchemaVersion } from './migrate';
import type { SqlReader } from './reader';

export type DatabaseState =
  { ok: true; schemaVersion: number; latestVersion: number } | { ok: false; error: string };

export interface DatabaseProbe {
  check(): Promise<DatabaseState>;
}

/** A network engine's answer (PostgreSQL): a trivial query, and the schema version, within the reader's timeout. */
export class ReaderProbe implements DatabaseProbe {
  private readonly latest = latestSchemaVersion();

  constructor(private readonly reader: SqlReader) {}

  async check(): Promise<DatabaseState> {
    try {
      await this.reader.value('SELECT 1');
      return { ok: true, schemaVersion: await this.reader.schemaVersion(), latestVersion: this.latest };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
}

export class SqliteProbe implements DatabaseProbe {
  private readonly identity: { dev: number; ino: number } | undefined;
  private readonly latest = latestSchemaVersion();

  constructor(
    private readonly reader: SqlReader,
    private readonly path: string,
  ) {
    this.identity = path === ':memory:' ? undefined : statSync(path);
  }

  async check(): Promise<DatabaseState> {
    try {
      this.checkFile();
      await this.reader.value('SELECT 1');
      const schemaVersion = await this.reader.schemaVersion();
      return { ok: true, schemaVersion, latestVersion: this.latest };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  private checkFile(): void {
    if (!this.identity) return;
    let now;
    try {
      now = statSync(this.path);
      accessSync(this.path, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new Error(
          `the database file ${this.path} is gone (deleted or moved); put it back (see "Backup and restore" in README.md) and restart`,
        );
      throw new Error(
        `the database file ${this.path} cannot be read (${code ?? (error as Error).message}); check its permissions and the volume`,
      );
    }
    if (now.ino !== this.identity.ino || now.dev !== this.identity.dev)
      throw new Error(
        `the database file ${this.path} was replaced after this process opened it (a restore?); restart the process to use the new file`,
      );
  }
}
