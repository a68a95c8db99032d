/** Configuration from the environment: defaults, credentials, scopes, and one named problem per bad value. */
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { createLogger } from '../src/log';
import { tempDir } from './helpers';

/** The problems loadConfig reports for env; fails the test when it does not reject. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(Object.keys(env))} but should have rejected it`);
}

const problemsOf = (env: NodeJS.ProcessEnv): string[] => configError(env).problems;

function appAuth(config: Config): Extract<Config['github']['auth'], { type: 'app' }> {
  if (config.github.auth.type !== 'app')
    throw new Error(`expected GitHub App auth, got ${config.github.auth.type}`);
  return config.github.auth;
}

/** Proves a loaded key is the private half of publicKey: what it signs, the public key verifies. */
function signsFor(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const data = Buffer.from('copilot-metrics config test');
  return verify('RSA-SHA256', data, publicKey, sign('RSA-SHA256', data, privateKey));
}

const TOKEN = 'ghp_Distinctive0Secret1Token2Value3XyZ';

describe('DATABASE_URL', () => {
  it('selects PostgreSQL with a postgres:// or postgresql:// connection string; empty means SQLite', () => {
    const url = 'postgres://copilot:secret@db.example.com:5432/copilot_metrics';
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/metrics' }).databaseUrl).toBe(
      'postgresql://db/metrics',
    );
    expect(loadConfig({ DATABASE_URL: ' ' }).databaseUrl).toBeUndefined();
  });

  it('refuses another kind of URL, naming the form it takes, without showing the password', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://root:hunter2-secret@db/metrics' });
    expect(problem).toMatch(
      /^DATABASE_URL must be a PostgreSQL connection string, postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/,
    );
    expect(problem).toMatch(/unset it to use SQLite at DATABASE_PATH/);
    expect(problem).not.toMatch(/hunter2-secret/);
    expect(problemsOf({ DATABASE_URL: './data/metrics.db' })[0]).toMatch(/^DATABASE_URL must be/);
  });
});

describe('loadConfig defaults', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.databasePath).toBe('./data/copilot-metrics.db');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.sync.schedule).toBe('17 */6 * * *');
    expect(config.sync.backfillDays).toBe(365);
    expect(config.sync.refetchDays).toBe(3);
    expect(config.sync.concurrency).toBe(4);
    expect(config.sync.retentionDays).toBeUndefined();
    expect(config.http.port).toBe(8080);
    expect(config.logLevel).toBe('info');
  });

  it('runs in demo mode with demo auth when no credentials are set', () => {
    const config = loadConfig({});
    expect(config.demo).toBe(true);
    expect(config.github.auth).toEqual({ type: 'demo' });
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({
      SYNC_BACKFILL_DAYS: '',
      SYNC_CONCURRENCY: ' ',
      DATABASE_PATH: '',
      GITHUB_API_URL: '',
    });
    expect(config.sync.backfillDays).toBe(365);
    expect(config.sync.concurrency).toBe(4);
    expect(config.databasePath).toBe('./data/copilot-metrics.db');
    expect(config.github.apiUrl).toBe('https://api.github.com');
  });

  it('uses the values that are given instead of the defaults', () => {
    const config = loadConfig({
      DATABASE_PATH: '/var/lib/metrics/copilot.db',
      SYNC_SCHEDULE: '5 3 * * *',
      SYNC_BACKFILL_DAYS: '30',
      SYNC_REFETCH_DAYS: '0',
      SYNC_CONCURRENCY: '8',
      SYNC_RETENTION_DAYS: '730',
      PORT: '9090',
      LOG_LEVEL: 'debug',
      GITHUB_API_URL: 'https://api.octocorp.ghe.com',
    });
    expect(config.databasePath).toBe('/var/lib/metrics/copilot.db');
    expect(config.sync).toEqual({
      schedule: '5 3 * * *',
      backfillDays: 30,
      refetchDays: 0,
      concurrency: 8,
      retentionDays: 730,
    });
    expect(config.http.port).toBe(9090);
    expect(config.logLevel).toBe('debug');
    expect(config.github.apiUrl).toBe('https://api.octocorp.ghe.com');
  });
});

describe('loadConfig with a token', () => {
  it('syncs organizations and enterprises together, with token auth and demo off', () => {
    const config = loadConfig({
      GITHUB_TOKEN: TOKEN,
      COPILOT_ORGS: 'octo-org, octo-labs',
      COPILOT_ENTERPRISES: 'octo-ent',
    });
    expect(config.demo).toBe(false);
    expect(config.github.auth).toEqual({ type: 'token', token: TOKEN });
    expect(config.scopes).toHaveLength(3);
    expect(config.scopes).toEqual(
      expect.arrayContaining([
        { kind: 'organization', slug: 'octo-org' },
        { kind: 'organization', slug: 'octo-labs' },
        { kind: 'enterprise', slug: 'octo-ent' },
      ]),
    );
  });

  it('asks for a scope when a token is set without COPILOT_ORGS or COPILOT_ENTERPRISES', () => {
    const problems = problemsOf({ GITHUB_TOKEN: TOKEN });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('COPILOT_ORGS');
    expect(problems[0]).toContain('COPILOT_ENTERPRISES');
  });

  it('refuses both GITHUB_TOKEN and GITHUB_APP_ID', () => {
    const problems = problemsOf({ GITHUB_TOKEN: TOKEN, GITHUB_APP_ID: '123456', COPILOT_ORGS: 'octo-org' });
    expect(problems).toEqual([expect.stringContaining('GITHUB_TOKEN')]);
    expect(problems[0]).toContain('GITHUB_APP_ID');
  });

  it.each([
    [
      'both GITHUB_TOKEN and GITHUB_APP_ID',
      { GITHUB_TOKEN: TOKEN, GITHUB_APP_ID: '123456', COPILOT_ORGS: 'octo-org' },
    ],
    ['a token with no scope', { GITHUB_TOKEN: TOKEN }],
    ['a token pasted with "Bearer"', { GITHUB_TOKEN: `Bearer ${TOKEN}`, COPILOT_ORGS: 'octo-org' }],
    ['a token next to bad values', { GITHUB_TOKEN: TOKEN, SYNC_CONCURRENCY: '0', COPILOT_ORGS: 'octo org' }],
  ])('never puts the token in the error message (%s)', (_case, env) => {
    const error = configError(env);
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(TOKEN);
    expect(error.problems.join('\n')).not.toContain(TOKEN);
  });
});

describe('loadConfig problems', () => {
  it.each([
    ['SYNC_BACKFILL_DAYS', 'abc'],
    ['SYNC_CONCURRENCY', '0'],
    ['SYNC_SCHEDULE', 'every six hours'],
    ['SYNC_SCHEDULE', '99 * * * *'],
    ['GITHUB_API_URL', 'not a url'],
    ['GITHUB_API_URL', 'ftp://api.github.com'],
    ['COPILOT_ORGS', 'octo-org,my org'],
    ['LOG_LEVEL', 'loud'],
    ['DEMO', 'maybe'],
  ])('reports %s=%j as one problem naming the variable and the value', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toEqual([expect.stringContaining(name)]);
    // COPILOT_ORGS names the bad item, not the whole list.
    expect(problems[0]).toContain(name === 'COPILOT_ORGS' ? 'my org' : value);
  });

  it('reports every bad variable at once, one line each', () => {
    const bad = {
      SYNC_BACKFILL_DAYS: 'abc',
      SYNC_CONCURRENCY: '0',
      SYNC_SCHEDULE: 'every six hours',
      GITHUB_API_URL: 'not a url',
      COPILOT_ORGS: 'my org',
      LOG_LEVEL: 'loud',
      DEMO: 'maybe',
    };
    const error = configError(bad);
    expect(error.problems).toHaveLength(Object.keys(bad).length);
    for (const name of Object.keys(bad)) {
      expect(error.problems.filter((problem) => problem.startsWith(name))).toHaveLength(1);
      expect(error.message).toContain(name);
    }
  });

  it('asks for credentials when DEMO=false and none are set', () => {
    const problems = problemsOf({ DEMO: 'false', COPILOT_ORGS: 'octo-org' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('DEMO');
    expect(problems[0]).toContain('GITHUB_TOKEN');
    expect(problems[0]).toContain('GITHUB_APP_ID');
  });
});

describe('loadConfig with a GitHub App', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  // GitHub's downloaded .pem files are PKCS#1 ("BEGIN RSA PRIVATE KEY").
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  let dir: ReturnType<typeof tempDir>;

  beforeEach(() => {
    dir = tempDir('cm-config-');
  });
  afterEach(() => dir.cleanup());

  it('reads an inline key written on one line with literal \\n escapes', () => {
    const oneLine = pkcs8.replace(/\n/g, '\\n');
    expect(oneLine).not.toContain('\n');
    const config = loadConfig({
      GITHUB_APP_ID: '123456',
      GITHUB_APP_PRIVATE_KEY: oneLine,
      GITHUB_APP_INSTALLATION_ID: '4242',
      COPILOT_ORGS: 'octo-org',
    });
    const auth = appAuth(config);
    expect(auth.appId).toBe('123456');
    expect(auth.installationId).toBe(4242);
    expect(signsFor(auth.privateKey, publicKey)).toBe(true);
    expect(config.demo).toBe(false);
    expect(config.scopes).toEqual([{ kind: 'organization', slug: 'octo-org' }]);
  });

  it('reads the key from GITHUB_APP_PRIVATE_KEY_FILE, leaving the installation to be found per account', () => {
    const file = join(dir.path, 'app.pem');
    writeFileSync(file, pkcs1);
    const auth = appAuth(
      loadConfig({
        GITHUB_APP_ID: '123456',
        GITHUB_APP_PRIVATE_KEY_FILE: file,
        COPILOT_ENTERPRISES: 'octo-ent',
      }),
    );
    expect(auth.appId).toBe('123456');
    expect(auth.installationId).toBeUndefined();
    expect(signsFor(auth.privateKey, publicKey)).toBe(true);
  });

  it('names GITHUB_APP_PRIVATE_KEY_FILE and the path when the file cannot be read', () => {
    const missing = join(dir.path, 'no-such-key.pem');
    const problems = problemsOf({
      GITHUB_APP_ID: '123456',
      GITHUB_APP_PRIVATE_KEY_FILE: missing,
      COPILOT_ORGS: 'octo-org',
    });
    expect(problems).toEqual([expect.stringContaining('GITHUB_APP_PRIVATE_KEY_FILE')]);
    expect(problems[0]).toContain(missing);
  });

  it('rejects an inline key that is not a valid PEM key, naming the variable', () => {
    const notAKey = '-----BEGIN RSA PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END RSA PRIVATE KEY-----';
    const problems = problemsOf({
      GITHUB_APP_ID: '123456',
      GITHUB_APP_PRIVATE_KEY: notAKey,
      COPILOT_ORGS: 'octo-org',
    });
    expect(problems).toEqual([expect.stringContaining('GITHUB_APP_PRIVATE_KEY')]);
    expect(problems[0]).not.toContain('GITHUB_APP_PRIVATE_KEY_FILE');
    expect(problems[0]).toMatch(/PEM/);
  });

  it('rejects a key file that does not hold a valid PEM key, naming the variable', () => {
    const file = join(dir.path, 'app.pem');
    writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
    const problems = problemsOf({
      GITHUB_APP_ID: '123456',
      GITHUB_APP_PRIVATE_KEY_FILE: file,
      COPILOT_ORGS: 'octo-org',
    });
    expect(problems).toEqual([expect.stringContaining('GITHUB_APP_PRIVATE_KEY_FILE')]);
    expect(problems[0]).toMatch(/PEM/);
  });

  it('asks for a key when GITHUB_APP_ID is set alone', () => {
    const problems = problemsOf({ GITHUB_APP_ID: '123456', COPILOT_ORGS: 'octo-org' });
    expect(problems).toEqual([expect.stringContaining('GITHUB_APP_PRIVATE_KEY')]);
  });
});

describe('privacy settings', () => {
  const KEY = 'a'.repeat(16) + '0123456789abcdef';

  it('defaults to mode off with groups of at least 5', () => {
    expect(loadConfig({}).privacy).toEqual({ mode: 'off', key: undefined, minGroupSize: 5 });
  });

  it('reads the mode case-insensitively, with the key and the minimum group size', () => {
    expect(
      loadConfig({ PRIVACY_MODE: 'Pseudonymous', PRIVACY_KEY: KEY, PRIVACY_MIN_GROUP_SIZE: '10' }).privacy,
    ).toEqual({ mode: 'pseudonymous', key: KEY, minGroupSize: 10 });
    expect(loadConfig({ PRIVACY_MODE: 'aggregate' }).privacy.mode).toBe('aggregate');
  });

  it('names the valid modes for an unknown one', () => {
    expect(problemsOf({ PRIVACY_MODE: 'anonymous' })).toEqual([
      'PRIVACY_MODE must be one of off, pseudonymous, aggregate (got "anonymous")',
    ]);
  });

  it('requires a long enough key in pseudonymous mode, and says how to make one', () => {
    expect(problemsOf({ PRIVACY_MODE: 'pseudonymous' })).toEqual([
      expect.stringMatching(/needs PRIVACY_KEY.*openssl rand -hex 32/),
    ]);
    expect(problemsOf({ PRIVACY_MODE: 'pseudonymous', PRIVACY_KEY: 'short' })).toEqual([
      expect.stringMatching(/PRIVACY_KEY is 5 characters; use at least 32/),
    ]);
  });

  it('refuses a key without pseudonymous mode, rather than ignoring it', () => {
    expect(problemsOf({ PRIVACY_KEY: KEY })).toEqual([expect.stringMatching(/PRIVACY_MODE is off/)]);
  });

  it('refuses a minimum group size below 1', () => {
    expect(problemsOf({ PRIVACY_MIN_GROUP_SIZE: '0' })).toEqual([
      'PRIVACY_MIN_GROUP_SIZE must be a whole number from 1 to 1000 (got "0")',
    ]);
  });

  it('never logs the key', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const config = loadConfig({ PRIVACY_MODE: 'pseudonymous', PRIVACY_KEY: KEY });
    logger.info({ config, privacy: config.privacy }, 'configuration');
    expect(lines.join('')).toContain('configuration');
    expect(lines.join('')).not.toContain(KEY);
  });
});

describe('ACCESS_POLICY', () => {
  it('is open by default; identity needs the Grafana to trust and the API token', () => {
    expect(loadConfig({}).access).toMatchObject({ policy: 'open', orgId: 1, allRole: 'Admin' });
    expect(problemsOf({ ACCESS_POLICY: 'identity' })).toEqual([
      expect.stringContaining('ACCESS_POLICY=identity needs GRAFANA_URL'),
      expect.stringContaining('ACCESS_POLICY=identity needs INGESTER_API_TOKEN'),
    ]);
    const config = loadConfig({
      ACCESS_POLICY: 'identity',
      GRAFANA_URL: 'http://grafana:3000/',
      GRAFANA_ROOT_URL: 'https://grafana.example.com/',
      INGESTER_API_TOKEN: 'x'.repeat(32),
      ACCESS_ALL_ROLE: 'editor',
      ACCESS_ALL_LOGINS: 'Octocat, hubot',
    });
    expect(config.access).toEqual({
      policy: 'identity',
      grafanaUrl: 'http://grafana:3000',
      issuer: 'https://grafana.example.com',
      orgId: 1,
      allRole: 'Editor',
      allLogins: new Set(['octocat', 'hubot']),
    });
  });

  it('refuses unknown values, naming the variable', () => {
    expect(problemsOf({ ACCESS_POLICY: 'strict' })).toEqual([
      expect.stringMatching(/^ACCESS_POLICY must be one of open, identity/),
    ]);
    expect(problemsOf({ ACCESS_ALL_ROLE: 'Owner' })).toEqual([
      expect.stringMatching(/^ACCESS_ALL_ROLE must be one of Viewer, Editor, Admin/),
    ]);
    expect(problemsOf({ GRAFANA_URL: 'grafana:3000' })).toEqual([
      expect.stringMatching(/^GRAFANA_URL must be an http\(s\) URL/),
    ]);
  });
});
