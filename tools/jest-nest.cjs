// Jest settings for the projects that load NestJS. NestJS 12 ships ES modules only, so their
// tests run in jest's native ESM mode (each test target passes --experimental-vm-modules), and
// every workspace library resolves to its TypeScript source, as the typecheck sees it.
const { join } = require('node:path');

const root = join(__dirname, '..');
const library = (name) => join(root, 'packages', name, 'src', 'index.ts');
const testing = (name) => join(root, 'packages', name, 'src', 'testing', 'index.ts');

module.exports = (displayName, rootDir, extra = {}) => ({
  displayName,
  rootDir,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@allocation/(allocation-domain|orders-domain|platform|allocation|orders|events)$':
      library('$1'),
    '^@allocation/(platform|allocation)/testing$': testing('$1'),
    // @fastify/static require()s content-disposition 3, which ships ES modules only; Node loads
    // that, jest's module registry cannot. Version 2 (a dev dependency for this alone) has the
    // same `create` and is CommonJS.
    '^content-disposition$': join(root, 'node_modules', 'content-disposition', 'dist', 'index.js'),
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testTimeout: 60_000,
  // Each test file makes its own database; a couple at a time keeps a 2-core machine responsive.
  maxWorkers: 2,
  ...extra,
});
