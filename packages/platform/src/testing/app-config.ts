import type { AppConfig, LogLevel } from '../config/app-config';

/** The configuration tests run the app with, on the database at `url`. */
export const testConfig = (url: string, logLevel: LogLevel = 'silent'): AppConfig => ({
  httpPlatform: 'express',
  host: '127.0.0.1',
  port: 0,
  httpTimeouts: { headersMs: 10_000, requestMs: 30_000 },
  database: { kind: 'external', url, poolSize: 10 },
  redisUrl: null,
  logLevel,
  logFormat: 'json',
  shutdownGraceMs: 0,
  shutdownDrainMs: 10_000,
  access: { tokens: [], readsRequireToken: false },
  // Off in tests that do not test it: they send hundreds of requests from one address.
  rateLimit: { max: 0, windowMs: 60_000 },
  events: { retentionDays: 30, mail: null },
  corsOrigins: [],
  allocationBatch: { maxBatch: 64, maxWaitMs: 0 },
  processes: 1,
});
