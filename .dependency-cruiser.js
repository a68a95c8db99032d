// Layering rules, checked by `npm run lint:deps` (part of `npm test`). Type-only imports count: a
// layering cycle is a cycle whether or not it survives compilation.
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve workspace packages to their sources, as TypeScript does.
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
