/**
 * Unit and integration tests. jsdom, because @grafana/data and @grafana/runtime touch `window` when
 * imported; ES-module-only dependencies of @grafana/* (d3, ol, ...) are transformed like our code.
 */
const { moduleNameMapper } = require('../tsconfig-paths');

const ESM_DEPENDENCIES = [
  'd3',
  'd3-[a-z-]+',
  'internmap',
  'delaunator',
  'robust-predicates',
  'ol',
  'react-colorful',
  'react-calendar',
  'uuid',
  'marked',
  'rbush',
  'quickselect',
  'get-user-locale',
  'memoize',
  'mimic-function',
  '@wojtekmaj/date-utils',
  'ml-[a-z-]+',
  'is-any-array',
  'yocto-queue',
  '@grafana/[a-z-]+',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/environment.js',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  transform: {
    '^.+\\.m?(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_DEPENDENCIES.join('|')})/)`],
  moduleNameMapper: {
    // Workspace packages from their TypeScript sources, as tsconfig.json's paths say: no build needed.
    ...moduleNameMapper(),
    '\\.(css|scss)$': '<rootDir>/test/mocks/style.js',
    '^react-inlinesvg$': '<rootDir>/test/mocks/react-inlinesvg.tsx',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
