/**
 * Worker threads that run one of our modules: the compiled `<name>.js` beside the caller (as the image
 * runs), or, from the TypeScript sources (tsx, jest), `<name>.ts` through tsx's CommonJS hook with the
 * repository's tsconfig (its paths name the contract's sources), so a worker works wherever its caller
 * does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `dir` is the caller's `__dirname`; `name` the module's file name without its extension. */
export function startModuleWorker(
  dir: string,
  name: string,
  options: Pick<WorkerOptions, 'resourceLimits'> = {},
): Worker {
  const compiled = join(dir, `${name}.js`);
  if (!__filename.endsWith('.ts') && existsSync(compiled)) return new Worker(compiled, options);
  const source = join(dir, `${name}.ts`);
  const bootstrap = [
    `process.env.TSX_TSCONFIG_PATH ??= ${JSON.stringify(join(__dirname, '..', 'tsconfig.json'))};`,
    `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();`,
    `require(${JSON.stringify(source)});`,
  ].join('\n');
  // Without the parent's flags: a `--import tsx` would load tsx's ESM loader as well, for nothing.
  return new Worker(bootstrap, { ...options, eval: true, execArgv: [] });
}
