import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { satisfies } from 'semver';
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

describe('the README', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('links only to files that are in the repository', () => {
    const links = [...readme.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1] as string);
    const local = links.filter((link) => !/^[a-z]+:/.test(link));
    expect(local.filter((link) => link.startsWith('..'))).toEqual([]);
    expect(local.filter((link) => !existsSync(join(root, link)))).toEqual([]);
    expect(readme).not.toContain('../shared');
    expect(local).toContain('docs/design.md');
  });

  it('names every page of the web UI', () => {
    const pages = readdirSync(join(root, 'apps', 'api', 'public')).filter((f) =>
      f.endsWith('.html'),
    );
    for (const page of pages.filter((p) => p !== 'index.html'))
      expect(readme).toContain(`/${page}`);
  });

  it('explains every dependency whose declared engines leave out this Node (EBADENGINE)', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } }>;
    };
    const unsupported = Object.entries(lock.packages).flatMap(([path, entry]) => {
      const range = entry.engines?.node;
      if (range === undefined || !path.startsWith('node_modules/')) return [];
      if (satisfies(process.versions.node, range, { includePrerelease: true })) return [];
      return [path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)];
    });
    const notes = readme.slice(readme.indexOf('## Notes for maintainers'));
    expect([...new Set(unsupported)].filter((name) => !notes.includes(`\`${name}\``))).toEqual([]);
  });
});
