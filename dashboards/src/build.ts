/**
 * Writes the provisioned dashboard JSON from the TypeScript specs: `npm run dashboards`.
 * `npm run dashboards -- --check` writes nothing and exits 1 when a committed file differs.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { DASHBOARDS } from './index';

/** Where the provisioned JSON lives; docker compose mounts it into Grafana. */
export const JSON_DIR = join(__dirname, '..', 'json');

/** Every dashboard file as it should be committed, formatted like the rest of the repository. */
export async function renderDashboards(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { folder, file, dashboard } of DASHBOARDS) {
    const path = join(JSON_DIR, folder, file);
    const options = (await resolveConfig(path)) ?? {};
    out.set(path, await format(JSON.stringify(dashboard), { ...options, filepath: path }));
  }
  return out;
}

function committedFiles(dir = JSON_DIR): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return name.endsWith('.json') ? [path] : committedFiles(path);
  });
}

async function main(check: boolean): Promise<number> {
  const rendered = await renderDashboards();
  const stale = [
    ...[...rendered].filter(([path, text]) => {
      try {
        return readFileSync(path, 'utf8') !== text;
      } catch {
        return true;
      }
    }),
  ].map(([path]) => path);
  const extra = committedFiles().filter((path) => !rendered.has(path));
  if (check) {
    for (const path of [...stale, ...extra])
      process.stderr.write(`out of date: ${relative(process.cwd(), path)}\n`);
    if (stale.length || extra.length)
      process.stderr.write('run `npm run dashboards` and commit the result\n');
    return stale.length || extra.length ? 1 : 0;
  }
  for (const path of extra) rmSync(path);
  for (const path of stale) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, rendered.get(path)!);
  }
  process.stdout.write(`${rendered.size} dashboards, ${stale.length} written, ${extra.length} removed\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.includes('--check')).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exitCode = 2;
    },
  );
}
