/**
 * The storage engine a run measures: SQLite files in bench/results/tmp (cached between runs), or, with
 * `--engine postgres`, databases in one throwaway PostgreSQL cluster started for the run and stopped
 * after it (Debian's PostgreSQL, as the tests use; see ingester/src/testing/postgres.ts). The cluster is
 * set up as a production server would be for this work, not for tests: fsync on, commits not waiting
 * for the disk (synchronous_commit off, as SQLite's WAL with synchronous=NORMAL), 1 GB of shared
 * buffers.
 */
import { type PostgresCluster, startPostgres } from '@copilot-metrics/ingester/testing';

export type Engine = 'sqlite' | 'postgres';

let cluster: Promise<PostgresCluster> | undefined;
let databases = 0;

/** A new, empty database of the run's cluster (started on first use). */
export async function postgresDatabase(name: string): Promise<string> {
  cluster ??= startPostgres({
    settings: {
      fsync: 'on',
      synchronous_commit: 'off',
      full_page_writes: 'on',
      shared_buffers: '1GB',
      max_wal_size: '8GB',
      checkpoint_timeout: '15min',
      work_mem: '64MB',
      maintenance_work_mem: '256MB',
    },
  });
  return (await cluster).createDatabase(`${name}_${++databases}`);
}

/** Stops the run's cluster, if one was started. */
export async function stopPostgres(): Promise<void> {
  if (cluster) await (await cluster).stop();
  cluster = undefined;
}

/** The key a result is recorded under: PostgreSQL's apart from SQLite's. */
export function resultKey(engine: Engine, key: string): string {
  return engine === 'postgres' ? `postgres:${key}` : key;
}
