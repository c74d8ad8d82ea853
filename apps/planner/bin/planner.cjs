#!/usr/bin/env node
// `npx planner …`: runs the built CLI, building it first when it has not been built yet (right
// after `npm install`), so a new user's first command works.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const main = join(root, 'dist', 'apps', 'planner', 'main.js');
if (!existsSync(main)) {
  console.error('planner: building it first (npx nx build planner), once…');
  const nx = join(root, 'node_modules', '.bin', 'nx');
  // Its output goes to standard error: standard output is for the plan.
  const built = spawnSync(nx, ['build', 'planner'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'].map((s, i) => (i === 1 ? process.stderr : s)),
  });
  if (built.status !== 0 || !existsSync(main)) {
    console.error('planner: the build failed; run `npx nx build planner` to see why.');
    process.exit(2);
  }
}
require(main);
