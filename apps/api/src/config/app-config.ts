import * as E from 'fp-ts/Either';
import { resolve } from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type DatabaseConfig =
  | { readonly kind: 'external'; readonly url: string; readonly poolSize: number }
  /** PGlite serves one connection at a time, so its pool has one. */
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly poolSize: 1 };

export interface AppConfig {
  readonly port: number;
  readonly database: DatabaseConfig;
  readonly redisUrl: string | null;
  readonly logLevel: LogLevel;
  /** JSON lines for machines; readable colours for a person at a terminal. */
  readonly logFormat: LogFormat;
  /** How long to keep serving after SIGTERM before closing. */
  readonly shutdownGraceMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const integerIn =
  (name: string, min: number, max: number, fallback: number) =>
  (env: Env): E.Either<string, number> => {
    const raw = env[name];
    if (raw === undefined || raw === '') return E.right(fallback);
    const value = Number(raw);
    return /^\d+$/.test(raw) && value >= min && value <= max
      ? E.right(value)
      : E.left(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  };

const urlWithScheme =
  (name: string, schemes: ReadonlyArray<string>) =>
  (env: Env): E.Either<string, string | null> => {
    const raw = env[name];
    if (raw === undefined || raw === '') return E.right(null);
    try {
      const url = new URL(raw);
      return schemes.includes(url.protocol)
        ? E.right(raw)
        : E.left(`${name} must be a ${schemes.join(' or ')} URL, got "${url.protocol}"`);
    } catch {
      return E.left(`${name} is not a valid URL`);
    }
  };

const logLevel = (env: Env): E.Either<string, LogLevel> => {
  const raw = env['LOG_LEVEL'];
  if (raw === undefined || raw === '') return E.right('info');
  return (LOG_LEVELS as ReadonlyArray<string>).includes(raw)
    ? E.right(raw as LogLevel)
    : E.left(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
};

const logFormat = (env: Env, stdoutIsTty: boolean): E.Either<string, LogFormat> => {
  const raw = env['LOG_FORMAT'];
  if (raw === undefined || raw === '') return E.right(stdoutIsTty ? 'pretty' : 'json');
  return (LOG_FORMATS as ReadonlyArray<string>).includes(raw)
    ? E.right(raw as LogFormat)
    : E.left(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${raw}"`);
};

/** Reads and checks the configuration; every problem is reported, not only the first. */
export const loadConfig = (
  env: Env,
  cwd: string = process.cwd(),
  stdoutIsTty = false,
): E.Either<string[], AppConfig> => {
  const port = integerIn('PORT', 0, 65_535, 3000)(env);
  const databaseUrl = urlWithScheme('DATABASE_URL', ['postgres:', 'postgresql:'])(env);
  const poolSize = integerIn('DATABASE_POOL_SIZE', 1, 200, 10)(env);
  const redisUrl = urlWithScheme('REDIS_URL', ['redis:', 'rediss:'])(env);
  const level = logLevel(env);
  const format = logFormat(env, stdoutIsTty);
  const grace = integerIn('SHUTDOWN_GRACE_MS', 0, 120_000, 1_000)(env);
  const problems = [port, databaseUrl, poolSize, redisUrl, level, format, grace].flatMap((r) =>
    E.isLeft(r) ? [r.left] : [],
  );
  if (
    problems.length > 0 ||
    E.isLeft(port) ||
    E.isLeft(databaseUrl) ||
    E.isLeft(poolSize) ||
    E.isLeft(redisUrl) ||
    E.isLeft(level) ||
    E.isLeft(format) ||
    E.isLeft(grace)
  ) {
    return E.left(problems);
  }
  return E.right({
    port: port.right,
    database:
      databaseUrl.right === null
        ? {
            kind: 'embedded',
            dataDir: resolve(cwd, env['DATA_DIR'] ?? '.data', 'pglite'),
            poolSize: 1,
          }
        : { kind: 'external', url: databaseUrl.right, poolSize: poolSize.right },
    redisUrl: redisUrl.right,
    logLevel: level.right,
    logFormat: format.right,
    shutdownGraceMs: grace.right,
  });
};
