module.exports = {
  displayName: 'planner',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // The allocation rules from source, as the type checker sees them (no build needed).
  moduleNameMapper: {
    '^@allocation/allocation-domain$': '<rootDir>/../../packages/allocation-domain/src/index.ts',
  },
  testTimeout: 60_000,
};
