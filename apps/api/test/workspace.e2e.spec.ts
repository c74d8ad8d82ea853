import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { satisfies } from 'semver';
import { locate } from '@allocation/platform';

const root = dirname(locate('nx.json'));

describe("npm test's output", () => {
  /** The runner command `npm test` ends with, on one small project, with extra jest flags. */
  const runProjects = (jestFlags: ReadonlyArray<string> = []) => {
    const run = spawnSync(
      'npm',
      ['run', 'test:projects', '--', '--projects=orders-domain', '--', ...jestFlags],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NX_DAEMON: 'false' },
        timeout: 120_000,
      },
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  };

  it('is plain text a CI log shows as it is: no colour codes cut up by line prefixes', () => {
    const { status, output } = runProjects();
    expect(status).toBe(0);
    expect(output).toMatch(/PASS orders-domain/);
    // An escape character in the log is what came out as `api: [22m`.
    expect(output.includes('\u001b')).toBe(false);
  });

  it('shows a failure whole: text written piece by piece stays on one line', () => {
    // A failing test of its own, outside every project's test pattern, picked by --testMatch.
    const dir = join(root, 'packages', 'orders-domain', `output-check-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'failing.check.ts'),
      `it('fails on purpose', () => {
  for (const c of 'written-one-character-at-a-time') process.stderr.write(c);
  process.stderr.write('\\n');
  expect({ answer: 41 }).toEqual({ answer: 42 });
});
`,
    );
    try {
      const { status, output } = runProjects([`--testMatch=${dir}/*.check.ts`, '--coverage=false']);
      expect(status).not.toBe(0);
      expect(output).toContain('written-one-character-at-a-time');
      expect(output).toMatch(/- {3}"answer": 42,\n\s+\+ {3}"answer": 41,/);
      expect(output.includes('\u001b')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  // This Node (the development machines') and the image's Node 24.
  it.each([process.versions.node, '24.11.0'])(
    'explains every dependency whose declared engines leave out Node %s (EBADENGINE)',
    (node) => {
      const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { engines?: { node?: string } }>;
      };
      const unsupported = Object.entries(lock.packages).flatMap(([path, entry]) => {
        const range = entry.engines?.node;
        if (range === undefined || !path.startsWith('node_modules/')) return [];
        if (satisfies(node, range, { includePrerelease: true })) return [];
        return [path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)];
      });
      const notes = readme.slice(readme.indexOf('## Notes for maintainers'));
      expect([...new Set(unsupported)].filter((name) => !notes.includes(`\`${name}\``))).toEqual(
        [],
      );
    },
  );
});

describe('the seams between projects', () => {
  const refused: ReadonlyArray<[string, string]> = [
    ['orders', '@allocation/allocation'],
    ['orders', '@allocation/allocation-domain'],
    ['allocation', '@allocation/orders'],
    ['allocation', '@allocation/orders-domain'],
    ['events', '@allocation/allocation'],
    ['platform', '@allocation/allocation-domain'],
    ['allocation-domain', '@allocation/platform'],
    // No context or platform code knows which HTTP server runs it.
    ['events', 'fastify'],
    ['platform', 'express'],
    ['orders', '@nestjs/platform-fastify'],
  ];
  const allowed: ReadonlyArray<[string, string]> = [
    ['orders', '@allocation/orders-domain'],
    ['orders', '@allocation/platform'],
    ['allocation', '@allocation/allocation-domain'],
    ['events', '@allocation/platform'],
  ];
  /** Each pair's file, linted as `npm run lint` does, by the rule that holds the seams. */
  let verdicts: Map<string, ReadonlyArray<string>>;
  const key = (project: string, from: string) => `${project} ${from}`;

  beforeAll(() => {
    // In the project's root, outside `src/`: the lint sees the project, no build or test does.
    const files = [...refused, ...allowed].map(([project, from], i) => {
      const file = join(root, 'packages', project, `seam-check-${process.pid}-${i}.ts`);
      writeFileSync(file, `import * as other from '${from}';\n\nexport const seen = other;\n`);
      return { file, pair: key(project, from) };
    });
    try {
      const run = spawnSync(
        'npx',
        ['eslint', '--no-warn-ignored', '-f', 'json', ...files.map((f) => f.file)],
        {
          cwd: root,
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      const results = JSON.parse(run.stdout) as Array<{
        filePath: string;
        messages: Array<{ ruleId: string | null }>;
      }>;
      verdicts = new Map(
        files.map(({ file, pair }) => [
          pair,
          (results.find((r) => r.filePath === file)?.messages ?? []).map((m) => m.ruleId ?? ''),
        ]),
      );
    } finally {
      for (const { file } of files) rmSync(file, { force: true });
    }
  });

  it.each(refused)('refuse %s importing %s', (project, from) => {
    const rule = from.startsWith('@allocation/')
      ? '@nx/enforce-module-boundaries'
      : 'no-restricted-imports';
    expect(verdicts.get(key(project, from))).toContain(rule);
  });

  it.each(allowed)('let %s import %s', (project, from) => {
    expect(verdicts.get(key(project, from))).toEqual([]);
  });

  it('keep test fakes and helpers out of every build', () => {
    // The test target builds the app and the libraries first.
    const built = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? built(join(dir, entry.name))
          : [join(dir, entry.name).slice(root.length + 1)],
      );
    const outputs = [
      join(root, 'dist', 'apps', 'api'),
      ...['platform', 'allocation', 'orders', 'events'].map((p) =>
        join(root, 'packages', p, 'dist'),
      ),
    ].flatMap(built);
    expect(outputs.length).toBeGreaterThan(100);
    expect(outputs.filter((file) => /\/testing\/|\.spec\.|in-memory/.test(file))).toEqual([]);
  });
});
