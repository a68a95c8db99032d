const { moduleNameMapper } = require('../tsconfig-paths');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.m?(t|j)sx?$': ['@swc/jest'] },
  // jose ships ES modules only (Node runs them through require(esm)); jest transforms them like ours.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  // Workspace packages from their TypeScript sources, as tsconfig.json's paths say: no build needed.
  moduleNameMapper: moduleNameMapper(),
  testTimeout: 60000,
  // Each test file opens its own SQLite files and simulator ports; two workers fit this 2-core machine.
  maxWorkers: 2,
};
