import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Calls that would make a domain function impure: the clock, randomness, I/O and the process.
const impureGlobals = [
  'Date',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'fetch',
  'process',
  'console',
  'require',
].map((name) => ({ name, message: `The domain packages are pure: no ${name}.` }));

/**
 * The seams between projects. Domain packages are pure (fp-ts and each other); the platform
 * library stands on no project; a context library imports its own domain package and the
 * platform, never another context (contexts meet in the app, through events and ports); the app
 * wires everything. Tests and benchmarks may also use the test tools.
 */
const boundaries = (domainTestImports) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: [
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: ['type:domain'],
        allowedExternalImports: ['fp-ts', 'fp-ts/*', ...domainTestImports],
      },
      { sourceTag: 'type:platform', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:context', onlyDependOnLibsWithTags: ['type:domain', 'type:platform'] },
      ...['allocation', 'orders', 'events'].map((scope) => ({
        allSourceTags: [`scope:${scope}`, 'type:context'],
        onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
      })),
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:context'],
      },
      // Browser tests drive the built service from outside; they import no project's code.
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [] },
    ],
  },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  prettier,
  {
    ignores: [
      '**/dist',
      '**/coverage',
      '**/node_modules',
      '**/.nx',
      '**/generated',
      '**/.data',
      'tmp',
    ],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The web UI's classic scripts share their top-level helpers (common.js, money.js) as globals.
    files: ['apps/api/public/**/*.js'],
    languageOptions: { sourceType: 'script' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { vars: 'local', argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['packages/*-domain/src/**/*.ts'],
    ignores: ['packages/*-domain/src/**/*.spec.ts', 'packages/*-domain/src/**/test-support/**'],
    rules: {
      'no-restricted-globals': ['error', ...impureGlobals],
      // Backs up the boundary rule, which cannot see Node built-ins or packages not installed.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!fp-ts(/|$)|\\.|@allocation/(allocation|orders)-domain$)',
              message: 'The domain packages import only fp-ts and each other.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'The domain packages are pure: no randomness.',
        },
      ],
    },
  },
  {
    // The HTTP layer runs on Express and on Fastify alike: only the app's http-platform.ts knows
    // which (the domain packages' own rule above already refuses every such import).
    files: ['packages/{platform,allocation,orders,events}/**/*.ts', 'apps/api/src/**/*.ts'],
    ignores: ['apps/api/src/http-platform.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(express|fastify|@fastify/.*|@nestjs/platform-(express|fastify))$',
              message:
                'Write against Nest and Node types; apps/api/src/http-platform.ts picks the platform.',
            },
          ],
        },
      ],
    },
  },
  {
    // Jest's configuration files share one set of settings from tools/.
    files: ['**/jest.config.cjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/test-support/**/*.ts', '**/testing/**/*.ts', '**/bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['fast-check', 'node:*', 'tsx']) },
  },
];
