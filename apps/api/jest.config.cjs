// The app's own specs and the end-to-end tests over HTTP (test/), which start the whole service.
module.exports = require('../../tools/jest-nest.cjs')('api', __dirname, {
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
});
