import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../src/app';
import { untilReady } from '../src/http-platform';
import {
  type AppConfig,
  HTTP_PLATFORMS,
  type HttpPlatform,
  type LogLevel,
  openDatabase,
  type OpenDatabase,
} from '@allocation/platform';
import { createTestDatabase, type TestDatabase, testConfig } from '@allocation/platform/testing';

// Tests that build the app themselves start from the same configuration.
export { testConfig };

export interface TestApp {
  readonly app: INestApplication;
  readonly http: ReturnType<typeof request>;
  /** The app's own database, for tests that arrange or inspect it directly. */
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/**
 * The platforms the HTTP contract is checked on: both by default, one with `HTTP_PLATFORMS=…`
 * (say, to run a contract suite on one while working on it).
 */
export const contractPlatforms = (): ReadonlyArray<HttpPlatform> => {
  const chosen = process.env['HTTP_PLATFORMS'];
  if (chosen === undefined || chosen === '') return HTTP_PLATFORMS;
  return HTTP_PLATFORMS.filter((platform) => chosen.split(',').includes(platform));
};

/** The application on the configured database, migrated, initialised and ready. */
export const startAppWith = async (config: AppConfig): Promise<INestApplication> => {
  const app = await createApp(config, await openDatabase(config.database));
  await app.init();
  await untilReady(app);
  return app;
};

/** The real application on a fresh database of its own, driven over HTTP by supertest. */
export const startTestApp = async (
  options: { readonly logLevel?: LogLevel; readonly config?: Partial<AppConfig> } = {},
): Promise<TestApp> => {
  const database: TestDatabase = await createTestDatabase({ migrate: false });
  const config = { ...testConfig(database.url, options.logLevel ?? 'silent'), ...options.config };
  const app = await startAppWith(config);
  return {
    app,
    http: request(app.getHttpServer()),
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
};

/** Makes the app listen on a free local port, for clients that need a real socket; its base URL. */
export const listenLocally = async (t: TestApp): Promise<{ base: string; port: number }> => {
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { base: `http://127.0.0.1:${port}`, port };
};

/** The application pointed at a database that does not answer. */
export const startAppWithoutDatabase = async (
  httpPlatform: HttpPlatform = 'express',
): Promise<TestApp> => {
  const url = 'postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=1';
  const unreachable: OpenDatabase = {
    url,
    poolSize: 1,
    embedded: false,
    migrations: { applied: [], alreadyApplied: [] },
    close: async () => undefined,
  };
  const app = await createApp({ ...testConfig(url, 'silent'), httpPlatform }, unreachable);
  await app.init();
  await untilReady(app);
  return {
    app,
    http: request(app.getHttpServer()),
    databaseUrl: url,
    close: () => app.close(),
  };
};

export const json = { 'Content-Type': 'application/json' };
