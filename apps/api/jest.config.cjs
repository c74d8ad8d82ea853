// NestJS 12 ships ES modules only, so this project's tests run in jest's native ESM mode
// (the test target passes --experimental-vm-modules).
module.exports = {
  displayName: 'api',
  rootDir: __dirname,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@allocation/allocation-domain$': '<rootDir>/../../packages/allocation-domain/src/index.ts',
    '^@allocation/orders-domain$': '<rootDir>/../../packages/orders-domain/src/index.ts',
    // @fastify/static require()s content-disposition 3, which ships ES modules only; Node loads
    // that, jest's module registry cannot. Version 2 (a dev dependency for this alone) has the
    // same `create` and is CommonJS.
    '^content-disposition$': '<rootDir>/../../node_modules/content-disposition/dist/index.js',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testTimeout: 60_000,
  // Each test file makes its own database; a couple at a time keeps a 2-core machine responsive.
  maxWorkers: 2,
};
