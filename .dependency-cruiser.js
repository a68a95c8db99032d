// Layering rules, checked by `npm run lint:deps` (part of `npm run lint` and so of `npm test`). Type-only
// imports count: a layering cycle is a cycle whether or not it survives compilation.

/** The packages of the repository, by their folder (bench/ and scripts/ are the root package's). */
const PACKAGES = '^(contract|ingester|plugin|dashboards|bench|scripts)/';
/** Folders other packages reach only by package name, through ENTRIES (scripts/ has a rule of its own). */
const WORKSPACES = '^(contract|ingester|plugin|dashboards|bench)/';
/** What other packages may import, by package name (tsconfig.json's paths resolve them to these files). */
const ENTRIES = [
  '^contract/src/index\\.ts$', // @copilot-metrics/contract
  '^ingester/src/index\\.ts$', // @copilot-metrics/ingester
  '^ingester/src/importing\\.ts$', // @copilot-metrics/ingester/import
  '^ingester/src/testing/index\\.ts$', // @copilot-metrics/ingester/testing
  '^ingester/src/testing/standIn\\.ts$', // @copilot-metrics/ingester/testing/stand-in
  '^dashboards/src/index\\.ts$', // @copilot-metrics/dashboards
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Modules form a graph without cycles, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'packages-by-name',
      severity: 'error',
      comment:
        'A package imports another by its name (@copilot-metrics/...), never by a relative path into its folder.',
      from: { path: PACKAGES },
      to: { path: WORKSPACES, pathNot: '^$1/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'packages-through-entries',
      severity: 'error',
      comment:
        "A package reaches another only through its entries (ENTRIES): the contract's index, the ingester's library and testing entries, the dashboards' index. Never another's src.",
      from: { path: PACKAGES },
      to: { path: WORKSPACES, pathNot: ['^$1/', ...ENTRIES] },
    },
    {
      name: 'scripts-from-tests-only',
      severity: 'error',
      comment: "The root package's scripts are tested from ingester/test; no package's code imports them.",
      from: { path: '^(contract|plugin|dashboards|bench)/|^ingester/src/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'contract-stands-alone',
      severity: 'error',
      comment: 'The contract has no dependencies: nothing outside contract/src (no package, no Node module).',
      from: { path: '^contract/' },
      to: { pathNot: '^contract/src/' },
    },
    {
      name: 'plugin-bundles-the-contract-only',
      severity: 'error',
      comment:
        "The plugin's bundle takes the contract from the other packages, nothing else (its tests may use the ingester).",
      from: { path: '^plugin/src/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^(ingester|dashboards|bench|scripts)/' },
    },
    {
      name: 'store-not-sync',
      severity: 'error',
      comment: 'sync/ depends on store/, never the reverse: the store is the seam for a second engine.',
      from: { path: '^ingester/src/store/' },
      to: { path: '^ingester/src/sync/' },
    },
    {
      name: 'query-not-github',
      severity: 'error',
      comment: 'The query side reads the store only; it knows nothing of GitHub or of syncing.',
      from: { path: '^ingester/src/query/' },
      to: { path: '^ingester/src/(github|sync)/' },
    },
    {
      name: 'reports-pure',
      severity: 'error',
      comment: 'reports/ maps records to rows: no I/O layers.',
      from: { path: '^ingester/src/reports/' },
      to: { path: '^ingester/src/(http|store|sync|github|query)/' },
    },
    {
      name: 'production-not-tests',
      severity: 'error',
      comment: 'Nothing in a production path imports test code.',
      from: { path: '^(ingester|plugin|contract)/src/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '(^|/)test/|\\.test\\.tsx?$' },
    },
    {
      name: 'production-not-harness',
      severity: 'error',
      comment:
        "The ingester's test harness (src/testing, @copilot-metrics/ingester/testing) is for tests and benchmarks.",
      from: { path: '^ingester/src/', pathNot: '^ingester/src/testing/' },
      to: { path: '^ingester/src/testing/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|coverage)/' },
    tsPreCompilationDeps: true,
    // tsconfig.json's paths resolve the workspace packages to their sources, as TypeScript and tsx do.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
