/**
 * Builds dist/: an AMD module.js that Grafana loads with SystemJS, plus the files Grafana reads
 * next to it (plugin.json with %VERSION% and %TODAY% filled in, README, CHANGELOG, LICENSE, logo).
 * Plain JS on purpose: a TypeScript webpack config breaks under ts-node on Node 20.
 */
const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { alias } = require('../tsconfig-paths');
const { version } = require('./package.json');
const { id } = require('./src/plugin.json');

/**
 * Grafana hands these to the plugin at run time. Bundling a second React, rxjs or @grafana/ui would
 * break hooks, theming and `instanceof` checks, so they stay imports of the AMD module.
 */
const EXTERNALS = [
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'rxjs/operators',
  'i18next',
  'react-router',
  'd3',
  'angular',
];
const EXTERNAL_PATTERNS = [/^@grafana\/ui/i, /^@grafana\/runtime/i, /^@grafana\/data/i, /^grafana\//i];

/** Today as YYYY-MM-DD (UTC), the format plugin.json's `updated` requires. */
const today = () => new Date().toISOString().slice(0, 10);

module.exports = (_env, argv) => {
  const production = argv.mode !== 'development';
  return {
    mode: production ? 'production' : 'development',
    target: 'web',
    context: __dirname,
    entry: { module: './src/module.ts' },
    devtool: 'source-map',
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename: '[name].js',
      library: { type: 'amd' },
      publicPath: `public/plugins/${id}/`,
      uniqueName: id,
      clean: true,
    },
    externals: [
      ...EXTERNALS,
      ({ request }, callback) =>
        EXTERNAL_PATTERNS.some((pattern) => pattern.test(request)) ? callback(null, request) : callback(),
    ],
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.jsx'],
      // The contract is bundled from its TypeScript sources (no build of contract/ needed); it has no dependencies.
      alias: alias(['@copilot-metrics/contract']),
    },
    module: {
      rules: [
        {
          test: /\.[jt]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2020',
                parser: { syntax: 'typescript', tsx: true },
                transform: { react: { runtime: 'automatic' } },
              },
            },
          },
        },
      ],
    },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          {
            from: 'src/plugin.json',
            to: 'plugin.json',
            transform: (content) =>
              content.toString().replaceAll('%VERSION%', version).replaceAll('%TODAY%', today()),
          },
          { from: 'README.md', to: '.' },
          { from: 'CHANGELOG.md', to: '.' },
          { from: 'LICENSE', to: '.' },
          { from: 'src/img', to: 'img' },
        ],
      }),
    ],
    performance: { hints: production ? 'warning' : false, maxAssetSize: 300_000, maxEntrypointSize: 300_000 },
  };
};
