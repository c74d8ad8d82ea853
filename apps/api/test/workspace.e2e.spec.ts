import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { locate } from '../src/infrastructure/database/paths';

const root = dirname(locate('nx.json'));

describe("npm test's output", () => {
  it('is plain text a CI log shows as it is: no colour codes cut up by the line prefixes', () => {
    // The same runner command `npm test` ends with, on one small project.
    const run = spawnSync('npm', ['run', 'test:projects', '--', '--projects=orders-domain'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false' },
      timeout: 120_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status).toBe(0);
    expect(output).toMatch(/orders-domain: PASS/);
    // An escape character in the log is what came out as `api: [22m`.
    expect(output.includes('\u001b')).toBe(false);
  });
});
