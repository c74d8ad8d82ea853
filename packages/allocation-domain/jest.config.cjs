module.exports = {
  displayName: 'allocation-domain',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  collectCoverage: true,
  collectCoverageFrom: [
    '<rootDir>/src/**/*.ts',
    '!<rootDir>/src/**/*.spec.ts',
    '!<rootDir>/src/**/test-support/**',
  ],
  coverageDirectory: '../../coverage/packages/allocation-domain',
  coverageThreshold: { global: { statements: 95, branches: 90, functions: 95, lines: 95 } },
};
