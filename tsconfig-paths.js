/**
 * The workspace packages' TypeScript entries, as tsconfig.json's `paths` names them: the one list of
 * where `@copilot-metrics/*` resolves in development. TypeScript, tsx and dependency-cruiser read the
 * paths themselves; jest and webpack get them from here. Production reads each package's package.json
 * instead (contract/dist, built by `tsc -b`).
 */
const path = require('node:path');

const { paths } = require('./tsconfig.json').compilerOptions;

/** Package name → absolute path of its TypeScript entry. */
const entries = Object.fromEntries(
  Object.entries(paths).map(([name, [target]]) => [name, path.join(__dirname, target)]),
);

/** For jest's `moduleNameMapper`: exact package names only, so `@copilot-metrics/ingester/x` stays unresolved. */
const moduleNameMapper = (names = Object.keys(entries)) =>
  Object.fromEntries(names.map((name) => [`^${name}$`, entries[name]]));

/** For webpack's `resolve.alias` (`$`: exact match). */
const alias = (names = Object.keys(entries)) =>
  Object.fromEntries(names.map((name) => [`${name}$`, entries[name]]));

module.exports = { entries, moduleNameMapper, alias };
