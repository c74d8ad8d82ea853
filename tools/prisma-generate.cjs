// Generates the Prisma client on install. Prisma's CLI insists on a schema-engine binary at
// start-up even for `generate`, which does not use it; where the real engine cannot be
// downloaded, pointing the variable at any existing file lets generate run.
const { spawnSync } = require('node:child_process');

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
const result = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
