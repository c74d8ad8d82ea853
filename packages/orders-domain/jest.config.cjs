module.exports = {
  displayName: 'orders-domain',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // The allocation rules from source, as the type checker sees them (no build needed).
  moduleNameMapper: {
    '^@allocation/allocation-domain$': '<rootDir>/../allocation-domain/src/index.ts',
  },
  collectCoverage: true,
  collectCoverageFrom: [
    '<rootDir>/src/**/*.ts',
    '!<rootDir>/src/**/*.spec.ts',
    '!<rootDir>/src/test-support/**',
    // The entry point only re-exports (each a getter once compiled); the rules are measured where they live.
    '!<rootDir>/src/index.ts',
  ],
  coverageDirectory: '../../coverage/packages/orders-domain',
  coverageThreshold: { global: { statements: 95, branches: 90, functions: 95, lines: 95 } },
};
