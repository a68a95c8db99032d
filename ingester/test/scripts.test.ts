/**
 * The repository's shell scripts: shellcheck-clean (Debian's `shellcheck`, which scripts/test.sh
 * installs), and scripts/test.sh's plan for a machine that lacks what the tests need (--dry-run, with
 * the tools hidden from PATH and a fake `uname` for macOS).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { tempDir } from './helpers';

const ROOT = join(__dirname, '..', '..');
const temps: { cleanup: () => void }[] = [];
afterAll(() => temps.forEach((t) => t.cleanup()));

function shellScripts(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const path = join(dir, f);
      if (f === 'node_modules') return [];
      if (statSync(path).isDirectory()) return shellScripts(path);
      return f.endsWith('.sh') ? [path] : [];
    });
}

describe('shell scripts', () => {
  const scripts = [...shellScripts(join(ROOT, 'scripts')), join(ROOT, '.ci/run')];

  it('include the smoke test and the test command', () => {
    expect(scripts.map((s) => relative(ROOT, s))).toEqual(
      expect.arrayContaining([
        'scripts/test.sh',
        'scripts/smoke/smoke.sh',
        'scripts/smoke/validate-plugin.sh',
      ]),
    );
  });

  it('are shellcheck-clean (scripts/**/*.sh and .ci/run)', () => {
    const check = spawnSync('shellcheck', ['--shell=bash', ...scripts], { cwd: ROOT, encoding: 'utf8' });
    if (check.error) {
      throw new Error(
        `shellcheck could not run (${check.error.message}): install it (Debian: apt-get install -y shellcheck; scripts/test.sh does this)`,
      );
    }
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('scripts/test.sh --dry-run', () => {
  const HIDDEN = ['promtool', 'prometheus', 'shellcheck'];

  /** A PATH of links to every command on this PATH but the hidden ones, plus the given fakes. */
  function shadowPath(fakes: Record<string, string> = {}): string {
    const dir = tempDir('cm-path-');
    temps.push(dir);
    for (const [name, script] of Object.entries(fakes)) {
      writeFileSync(join(dir.path, name), `#!/bin/sh\n${script}\n`);
      chmodSync(join(dir.path, name), 0o755);
    }
    for (const bin of (process.env.PATH ?? '').split(delimiter)) {
      if (!bin || !existsSync(bin) || !statSync(bin).isDirectory()) continue;
      for (const name of readdirSync(bin)) {
        const link = join(dir.path, name);
        if (HIDDEN.includes(name) || existsSync(link)) continue;
        symlinkSync(join(bin, name), link);
      }
    }
    return dir.path;
  }

  const dryRun = (path: string, env: Record<string, string> = {}) => {
    const result = spawnSync('bash', ['scripts/test.sh', '--dry-run'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      env: { HOME: process.env.HOME, PATH: path, ...env },
    });
    return { status: result.status, output: result.stdout + result.stderr };
  };

  it('Debian/Ubuntu, not root: plans one sudo apt-get install of the missing packages, then npm ci and npm test', () => {
    const { status, output } = dryRun(
      shadowPath({ id: 'echo 1000', uname: 'echo Linux', 'apt-get': 'exit 0' }),
      { CI: 'true' },
    );
    expect(status).toBe(0);
    expect(output).toContain('missing: promtool (Debian/Ubuntu package prometheus)');
    expect(output).toContain('missing: shellcheck (Debian/Ubuntu package shellcheck)');
    expect(output).toContain('would run: sudo apt-get update');
    expect(output).toMatch(
      /would run: sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus( chromium)? shellcheck( postgresql)?\n/,
    );
    expect(output).toContain('would run: npm ci');
    expect(output).toContain('would run: npm test');
  });

  it('macOS: says what to install with Homebrew', () => {
    const { status, output } = dryRun(shadowPath({ uname: 'echo Darwin' }));
    expect(status).toBe(0);
    expect(output).toContain('Install with Homebrew (https://brew.sh), then run this again:');
    // PostgreSQL's initdb is found off PATH too (/usr/lib/postgresql/*/bin), so it is missing only where it is.
    expect(output).toMatch(/\n {2}brew install prometheus shellcheck( postgresql@15)?\n/);
    expect(output).not.toContain('apt-get');
  });

  it('another system without apt-get: names the packages', () => {
    const { output } = dryRun(shadowPath({ uname: 'echo FreeBSD' }));
    expect(output).toMatch(
      /Install these \(Debian\/Ubuntu package names; yours may differ\), then run this again:\n {2}prometheus( chromium)? shellcheck( postgresql)?\n/,
    );
  });
});
