#!/usr/bin/env node
// `npx planner …`: runs the built CLI (`nx build planner` builds it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', '..', '..', 'dist', 'apps', 'planner', 'main.js');
if (!existsSync(main)) {
  console.error('The planner is not built yet: run `npx nx build planner` first.');
  process.exit(2);
}
require(main);
