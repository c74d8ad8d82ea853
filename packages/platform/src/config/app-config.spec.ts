import * as E from 'fp-ts/Either';
import { loadConfig } from './app-config';

describe('configuration', () => {
  it('defaults to port 3000, the embedded database under ./.data, no Redis, info logs', () => {
    expect(loadConfig({}, '/srv/app')).toEqual(
      E.right({
        httpPlatform: 'express',
        host: '0.0.0.0',
        port: 3000,
        httpTimeouts: { headersMs: 10_000, requestMs: 30_000 },
        database: { kind: 'embedded', dataDir: '/srv/app/.data/pglite', poolSize: 1 },
        redisUrl: null,
        logLevel: 'info',
        logFormat: 'json',
        shutdownGraceMs: 1000,
        shutdownDrainMs: 10_000,
        access: { tokens: [], readsRequireToken: false },
        rateLimit: { max: 6_000, windowMs: 60_000 },
        events: { retentionDays: 30, mail: null },
        corsOrigins: [],
        allocationBatch: { maxBatch: 64, maxWaitMs: 0 },
        processes: 1,
      }),
    );
  });

  it('uses DATABASE_URL, REDIS_URL, PORT, DATABASE_POOL_SIZE and LOG_LEVEL when given', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://app@db:5432/allocation',
      DATABASE_POOL_SIZE: '20',
      REDIS_URL: 'redis://cache:6379',
      PORT: '8080',
      LOG_LEVEL: 'debug',
    });
    expect(config).toEqual(
      E.right({
        httpPlatform: 'express',
        host: '0.0.0.0',
        port: 8080,
        httpTimeouts: { headersMs: 10_000, requestMs: 30_000 },
        database: { kind: 'external', url: 'postgresql://app@db:5432/allocation', poolSize: 20 },
        redisUrl: 'redis://cache:6379',
        logLevel: 'debug',
        logFormat: 'json',
        shutdownGraceMs: 1000,
        shutdownDrainMs: 10_000,
        access: { tokens: [], readsRequireToken: false },
        rateLimit: { max: 6_000, windowMs: 60_000 },
        events: { retentionDays: 30, mail: null },
        corsOrigins: [],
        allocationBatch: { maxBatch: 64, maxWaitMs: 0 },
        processes: 1,
      }),
    );
  });

  it('runs one process unless API_PROCESSES says more, and more only on DATABASE_URL', () => {
    const processes = (env: Record<string, string>) =>
      E.map((c: { processes: number }) => c.processes)(loadConfig(env));
    expect(processes({})).toEqual(E.right(1));
    expect(processes({ API_PROCESSES: '2', DATABASE_URL: 'postgresql://db/a' })).toEqual(
      E.right(2),
    );
    expect(processes({ API_PROCESSES: '2' })).toEqual(
      E.left([
        'API_PROCESSES above 1 needs DATABASE_URL: the embedded database serves one process',
      ]),
    );
    expect(E.isLeft(processes({ API_PROCESSES: '0', DATABASE_URL: 'postgresql://db/a' }))).toBe(
      true,
    );
  });

  it('runs on Express unless HTTP_PLATFORM=fastify, and refuses any other platform', () => {
    const platform = (value?: string) =>
      E.map((c: { httpPlatform: string }) => c.httpPlatform)(
        loadConfig(value === undefined ? {} : { HTTP_PLATFORM: value }),
      );
    expect(platform()).toEqual(E.right('express'));
    expect(platform('fastify')).toEqual(E.right('fastify'));
    expect(platform('express')).toEqual(E.right('express'));
    expect(platform('koa')).toEqual(
      E.left(['HTTP_PLATFORM must be one of express, fastify, got "koa"']),
    );
  });

  it('takes the group commit bounds from ALLOCATION_BATCH_MAX and ALLOCATION_BATCH_WAIT_MS', () => {
    const read = loadConfig({ ALLOCATION_BATCH_MAX: '16', ALLOCATION_BATCH_WAIT_MS: '2' });
    expect(E.map((c: { allocationBatch: unknown }) => c.allocationBatch)(read)).toEqual(
      E.right({ maxBatch: 16, maxWaitMs: 2 }),
    );
    expect(E.isLeft(loadConfig({ ALLOCATION_BATCH_MAX: '0' }))).toBe(true);
    expect(E.isLeft(loadConfig({ ALLOCATION_BATCH_WAIT_MS: '500' }))).toBe(true);
  });

  it('takes write tokens from API_TOKENS and API_TOKENS_FILE, and never echoes one', () => {
    const files: Record<string, string> = { '/run/tokens': 'file-token-0123456789\n\n' };
    const readFile = (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error('ENOENT');
      return text;
    };
    const access = (env: Record<string, string>) =>
      E.map((c: { access: unknown }) => c.access)(loadConfig(env, '/srv', false, readFile));
    expect(
      access({
        API_TOKENS: ' env-token-0123456789 , ',
        API_TOKENS_FILE: '/run/tokens',
        API_READ_REQUIRES_TOKEN: 'true',
      }),
    ).toEqual(
      E.right({
        tokens: ['env-token-0123456789', 'file-token-0123456789'],
        readsRequireToken: true,
      }),
    );
    expect(access({ API_TOKENS_FILE: '/nowhere' })).toEqual(
      E.left(['API_TOKENS_FILE /nowhere cannot be read']),
    );
    const weak = access({ API_TOKENS: 'secret' });
    expect(weak).toEqual(
      E.left(['API tokens must be at least 16 characters without spaces (1 are not)']),
    );
    expect(JSON.stringify(weak)).not.toContain('secret"');
    expect(E.isLeft(access({ API_READ_REQUIRES_TOKEN: 'yes' }))).toBe(true);
  });

  it('reports every invalid setting with a clear message', () => {
    expect(
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://db/x',
        REDIS_URL: 'not a url',
        LOG_LEVEL: 'loud',
        LOG_FORMAT: 'xml',
        DATABASE_POOL_SIZE: '0',
      }),
    ).toEqual(
      E.left([
        'PORT must be a whole number from 0 to 65535, got "eighty"',
        'DATABASE_URL must be a postgres: or postgresql: URL, got "mysql:"',
        'DATABASE_POOL_SIZE must be a whole number from 1 to 200, got "0"',
        'REDIS_URL is not a valid URL',
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
        'LOG_FORMAT must be one of json, pretty, got "xml"',
      ]),
    );
  });

  it('logs readable lines at a terminal and JSON lines elsewhere, unless LOG_FORMAT says', () => {
    const formatOf = (env: Record<string, string>, tty: boolean) =>
      E.map((config: { logFormat: string }) => config.logFormat)(loadConfig(env, '/srv', tty));
    expect(formatOf({}, true)).toEqual(E.right('pretty'));
    expect(formatOf({}, false)).toEqual(E.right('json'));
    expect(formatOf({ LOG_FORMAT: 'json' }, true)).toEqual(E.right('json'));
    expect(formatOf({ LOG_FORMAT: 'pretty' }, false)).toEqual(E.right('pretty'));
  });

  it('refuses a port out of range', () => {
    expect(E.isLeft(loadConfig({ PORT: '70000' }))).toBe(true);
  });

  it('mails out-of-stock events when SMTP_URL and NOTIFY_EMAIL are both set', () => {
    const config = loadConfig({
      SMTP_URL: 'smtp://mail:25',
      NOTIFY_EMAIL: 'stock@warehouse.example',
      EVENTS_RETENTION_DAYS: '7',
    });
    expect(E.map((c: { events: unknown }) => c.events)(config)).toEqual(
      E.right({
        retentionDays: 7,
        mail: {
          smtpUrl: 'smtp://mail:25',
          to: 'stock@warehouse.example',
          from: 'allocation@localhost',
        },
      }),
    );
  });

  it('refuses half a mail setting, a bad address and a bad retention', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://mail:25' })).toEqual(
      E.left(['SMTP_URL and NOTIFY_EMAIL go together: set both to mail out-of-stock events']),
    );
    expect(
      loadConfig({ SMTP_URL: 'http://mail', NOTIFY_EMAIL: 'nobody', EVENTS_RETENTION_DAYS: '0' }),
    ).toEqual(
      E.left([
        'EVENTS_RETENTION_DAYS must be a whole number from 1 to 36500, got "0"',
        'SMTP_URL must be a smtp: or smtps: URL, got "http:"',
        'NOTIFY_EMAIL must be an email address, got "nobody"',
      ]),
    );
  });

  it('allows other sites by CORS_ORIGINS: a list of origins, or *', () => {
    const origins = (value: string) =>
      E.map((c: { corsOrigins: unknown }) => c.corsOrigins)(loadConfig({ CORS_ORIGINS: value }));
    expect(origins('https://shop.example, http://localhost:5173')).toEqual(
      E.right(['https://shop.example', 'http://localhost:5173']),
    );
    expect(origins('*')).toEqual(E.right('*'));
    expect(origins('https://shop.example/path')).toEqual(
      E.left([
        'CORS_ORIGINS must be * or origins like https://shop.example, got "https://shop.example/path"',
      ]),
    );
    expect(origins('ftp://x')).toEqual(
      E.left(['CORS_ORIGINS must be * or origins like https://shop.example, got "ftp://x"']),
    );
  });

  it('listens where HOST says, and refuses a HOST that is no address', () => {
    const host = (value: string) =>
      E.map((c: { host: string }) => c.host)(loadConfig({ HOST: value }));
    expect(host('127.0.0.1')).toEqual(E.right('127.0.0.1'));
    expect(host('::')).toEqual(E.right('::'));
    expect(E.isLeft(host('0.0.0.0 ; rm'))).toBe(true);
  });

  it('takes the HTTP deadlines, and refuses a request deadline shorter than the headers one', () => {
    const read = loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '20000' });
    expect(E.map((c: { httpTimeouts: unknown }) => c.httpTimeouts)(read)).toEqual(
      E.right({ headersMs: 5000, requestMs: 20_000 }),
    );
    const wrong = loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' });
    expect(wrong).toEqual(
      E.left(['HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS']),
    );
  });
});
