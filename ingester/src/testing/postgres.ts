/**
 * Throwaway PostgreSQL clusters for tests and benchmarks: `initdb` in a temporary directory, a server on
 * its own free loopback port with its unix socket in that directory, trust authentication, and tuned
 * for speed over durability (fsync off). `stop()` stops it and deletes the directory; a process that
 * exits without calling it still stops its clusters (an exit hook), so no server outlives a test run.
 *
 * The server binaries come from Debian's `postgresql` package (scripts/test.sh installs it), found with
 * `pg_config --bindir` or under /usr/lib/postgresql/<version>/bin; PG_BINDIR overrides both. PostgreSQL
 * refuses to run as root: as root the binaries run as the `postgres` user (runuser), which then owns the
 * temporary directory.
 */
import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import {
  accessSync,
  appendFileSync,
  chownSync,
  constants,
  existsSync,
  readFileSync,
  readdirSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { tempDir } from './harness';

const run = promisify(execFile);

/** The oldest PostgreSQL the ingester supports (issue 13). */
const MIN_MAJOR = 14;

const INSTALL_HINT =
  "install Debian's `postgresql` package (`apt-get install -y postgresql`; scripts/test.sh does this), or name the directory of initdb and pg_ctl in PG_BINDIR";

/** A running throwaway cluster. */
export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, no password). */
  url: string;
  port: number;
  /** The directory of the server's unix socket (also the cluster's temporary directory). */
  socketDir: string;
  /** The URL of a new, empty database `name` (created with `CREATE DATABASE`). */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown) and deletes its directory; safe to call twice. */
  stop(): Promise<void>;
}

export interface PostgresClusterOptions {
  /** postgresql.conf settings added to (and overriding) the fast test defaults, e.g. { shared_buffers: '1GB' }. */
  settings?: Record<string, string | number>;
}

/** The directory holding initdb, pg_ctl and postgres, or a clear error saying what to install. */
export function postgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config (it comes with libpq-dev or the server package, depending on the system)
  }
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debianRoot, version, 'bin')));
  }
  for (const dir of candidates) {
    try {
      for (const binary of ['initdb', 'pg_ctl', 'postgres']) accessSync(join(dir, binary), constants.X_OK);
      return dir;
    } catch {
      // not a server's bin directory (pg_config of a client-only install, say)
    }
  }
  throw new Error(`PostgreSQL's server programs (initdb, pg_ctl) were not found: ${INSTALL_HINT}.`);
}

/** The postgres user's uid and gid, when this process is root and must hand the cluster to it. */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    return { uid, gid };
  } catch {
    throw new Error(
      `PostgreSQL refuses to run as root and there is no \`postgres\` user to run it as: ${INSTALL_HINT} (the package creates the user), or run the tests as another user.`,
    );
  }
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Fast and small: a test cluster's data is thrown away, so durability buys nothing. */
const TEST_SETTINGS: Record<string, string | number> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  shared_buffers: '32MB',
  max_connections: 40,
  log_min_messages: 'warning',
  log_min_error_statement: 'panic',
};

function confLine(name: string, value: string | number): string {
  return `${name} = ${typeof value === 'number' ? value : `'${value.replace(/'/g, "''")}'`}\n`;
}

/** Stops the clusters a process left running when it exits (a test that threw before its afterAll, say). */
const running = new Set<() => void>();
let exitHookInstalled = false;
function stopAtExit(stopNow: () => void): void {
  running.add(stopNow);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const stop of running) stop();
  });
}

/** Starts a throwaway cluster (about 1–3 s: initdb, then the server). */
export async function startPostgres(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const binDir = postgresBinDir();
  const owner = postgresOwner();
  const dir = tempDir('cm-pg-');
  const dataDir = join(dir.path, 'data');
  const logFile = join(dir.path, 'server.log');
  if (owner) chownSync(dir.path, owner.uid, owner.gid);
  // As root, the binaries run as postgres (from the cluster's directory: it may not read ours).
  const command = (binary: string, args: string[]): [string, string[]] =>
    owner
      ? ['runuser', ['-u', 'postgres', '--', join(binDir, binary), ...args]]
      : [join(binDir, binary), args];
  const exec = async (binary: string, args: string[]) => {
    const [file, argv] = command(binary, args);
    return run(file, argv, { cwd: dir.path, env: { ...process.env, LC_ALL: 'C' } });
  };
  const serverLog = () =>
    existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4000) : '(no server log)';

  let started = false;
  const stopSync = () => {
    if (started) {
      const [file, argv] = command('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      try {
        execFileSync(file, argv, { cwd: dir.path, stdio: 'ignore' });
      } catch {
        // already stopped
      }
      started = false;
    }
    dir.cleanup();
  };

  try {
    const { stdout: version } = await exec('postgres', ['--version']);
    const major = Number(/(\d+)(\.\d+)?/.exec(version)?.[1]);
    if (!(major >= MIN_MAJOR))
      throw new Error(`PostgreSQL ${MIN_MAJOR} or later is needed, found "${version.trim()}" in ${binDir}`);
    // C collation: text sorts and compares bytewise and lower() folds ASCII only, as in SQLite.
    await exec('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    const settings = { ...TEST_SETTINGS, ...options.settings };
    // A port taken between the probe and the server's bind makes the start fail: try another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const conf = {
        listen_addresses: '127.0.0.1',
        port,
        unix_socket_directories: dir.path,
        ...settings,
      };
      appendFileSync(
        join(dataDir, 'postgresql.conf'),
        Object.entries(conf)
          .map(([name, value]) => confLine(name, value))
          .join(''),
      );
      try {
        await exec('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '30']);
      } catch (error) {
        if (attempt < 3 && /could not bind|address already in use/i.test(serverLog())) continue;
        throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${serverLog()}`);
      }
      started = true;
      stopAtExit(stopSync);
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      const stop = async () => {
        running.delete(stopSync);
        if (started) {
          await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']).catch(
            () => undefined,
          );
          started = false;
        }
        dir.cleanup();
      };
      const createDatabase = async (name: string) => {
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
        } finally {
          await client.end();
        }
        return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
      };
      return { url, port, socketDir: dir.path, createDatabase, stop };
    }
  } catch (error) {
    running.delete(stopSync);
    stopSync();
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(
      `Could not start a PostgreSQL test cluster: ${(error as Error).message}${stderr ? `\n${stderr}` : ''}`,
      {
        cause: error,
      },
    );
  }
}
