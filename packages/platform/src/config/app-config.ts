import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDatabaseUrl } from './database-url';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** The HTTP server Nest runs on: Express (the default) or Fastify. */
export const HTTP_PLATFORMS = ['express', 'fastify'] as const;
export type HttpPlatform = (typeof HTTP_PLATFORMS)[number];

export type DatabaseConfig =
  | { readonly kind: 'external'; readonly url: string; readonly poolSize: number }
  /** PGlite serves one connection at a time, so its pool has one. */
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly poolSize: 1 };

export interface AppConfig {
  readonly httpPlatform: HttpPlatform;
  /** The address to listen on (`0.0.0.0`: every interface). */
  readonly host: string;
  readonly port: number;
  /**
   * How long a client may take to send its headers, and its whole request: a connection that
   * trickles them in is closed (408) rather than held.
   */
  readonly httpTimeouts: { readonly headersMs: number; readonly requestMs: number };
  readonly database: DatabaseConfig;
  readonly redisUrl: string | null;
  readonly logLevel: LogLevel;
  /** JSON lines for machines; readable colours for a person at a terminal. */
  readonly logFormat: LogFormat;
  /** How long to keep serving after SIGTERM before closing. */
  readonly shutdownGraceMs: number;
  /** After the grace period, the longest to keep accepting while traffic goes on. */
  readonly shutdownDrainMs: number;
  readonly access: AccessConfig;
  /** Requests per client address per window; `max` 0 turns the limit off. */
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  readonly events: EventsConfig;
  /** Browser origins allowed to call the API from other sites; empty: same origin only. */
  readonly corsOrigins: ReadonlyArray<string> | '*';
  /** Group commit of allocations: the most commands in one transaction, and the longest wait. */
  readonly allocationBatch: { readonly maxBatch: number; readonly maxWaitMs: number };
  /** Service processes sharing the port (Node's cluster); more than one needs `DATABASE_URL`. */
  readonly processes: number;
}

export interface AccessConfig {
  /** Bearer tokens that may write; empty: writes are open (and a warning says so). */
  readonly tokens: ReadonlyArray<string>;
  readonly readsRequireToken: boolean;
}

export interface EventsConfig {
  /** Published events older than this are pruned from the outbox. */
  readonly retentionDays: number;
  /** Where out-of-stock mail goes; without it, out of stock is logged at warn level. */
  readonly mail: MailConfig | null;
}

export interface MailConfig {
  readonly smtpUrl: string;
  readonly to: string;
  readonly from: string;
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

/** An IPv4 or IPv6 address, or a host name, to listen on. */
const listenHost = (env: Env): E.Either<string, string> => {
  const raw = env['HOST'];
  if (raw === undefined || raw === '') return E.right('0.0.0.0');
  return /^[A-Za-z0-9.:-]{1,253}$/.test(raw)
    ? E.right(raw)
    : E.left(`HOST must be an address or host name such as 127.0.0.1 or ::, got "${raw}"`);
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

/** One PostgreSQL server or several (`postgresql://h1:5432,h2:5432/db`), as libpq reads them. */
const databaseUrl = (env: Env): E.Either<string, string | null> => {
  const raw = env['DATABASE_URL'];
  if (raw === undefined || raw === '') return E.right(null);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'postgres' && scheme !== 'postgresql') {
    return E.left(`DATABASE_URL must be a postgres: or postgresql: URL, got "${scheme}:"`);
  }
  return pipe(
    parseDatabaseUrl(raw),
    E.bimap(
      (problem) => `DATABASE_URL ${problem}`,
      () => raw,
    ),
  );
};

/** One of a list of words, or `fallback` when unset. */
const oneOf =
  <T extends string>(name: string, values: ReadonlyArray<T>, fallback: T) =>
  (env: Env): E.Either<string, T> => {
    const raw = env[name];
    if (raw === undefined || raw === '') return E.right(fallback);
    return (values as ReadonlyArray<string>).includes(raw)
      ? E.right(raw as T)
      : E.left(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  };

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+$/;

const email =
  (name: string, fallback: string | null) =>
  (env: Env): E.Either<string, string | null> => {
    const raw = env[name];
    if (raw === undefined || raw === '') return E.right(fallback);
    return EMAIL.test(raw)
      ? E.right(raw)
      : E.left(`${name} must be an email address, got "${raw}"`);
  };

const mailConfig = (
  smtpUrl: string | null,
  to: string | null,
  from: string | null,
): E.Either<string, MailConfig | null> => {
  if (smtpUrl === null && to === null) return E.right(null);
  if (smtpUrl === null || to === null) {
    return E.left('SMTP_URL and NOTIFY_EMAIL go together: set both to mail out-of-stock events');
  }
  return E.right({ smtpUrl, to, from: from ?? 'allocation@localhost' });
};

const corsOrigins = (env: Env): E.Either<string, ReadonlyArray<string> | '*'> => {
  const raw = env['CORS_ORIGINS'];
  if (raw === undefined || raw.trim() === '') return E.right([]);
  if (raw.trim() === '*') return E.right('*');
  const origins = raw.split(',').map((origin) => origin.trim());
  const bad = origins.find((origin) => {
    try {
      const url = new URL(origin);
      return !['http:', 'https:'].includes(url.protocol) || url.origin !== origin;
    } catch {
      return true;
    }
  });
  return bad === undefined
    ? E.right(origins)
    : E.left(`CORS_ORIGINS must be * or origins like https://shop.example, got "${bad}"`);
};

const flag =
  (name: string) =>
  (env: Env): E.Either<string, boolean> => {
    const raw = env[name];
    if (raw === undefined || raw === '' || raw === 'false') return E.right(false);
    return raw === 'true' ? E.right(true) : E.left(`${name} must be true or false, got "${raw}"`);
  };

/** Tokens from `API_TOKENS` (comma-separated) and/or `API_TOKENS_FILE` (one per line). */
const apiTokens = (
  env: Env,
  readFile: (path: string) => string,
): E.Either<string, ReadonlyArray<string>> => {
  const listed = (env['API_TOKENS'] ?? '').split(',');
  let filed: string[] = [];
  const file = env['API_TOKENS_FILE'];
  if (file !== undefined && file !== '') {
    try {
      filed = readFile(file).split(/\r?\n/);
    } catch {
      return E.left(`API_TOKENS_FILE ${file} cannot be read`);
    }
  }
  const tokens = [...listed, ...filed].map((t) => t.trim()).filter((t) => t !== '');
  // Never echo a token back: a config error is logged.
  const weak = tokens.filter((t) => t.length < 16 || /\s/.test(t)).length;
  return weak === 0
    ? E.right(tokens)
    : E.left(`API tokens must be at least 16 characters without spaces (${weak} are not)`);
};

type Settings = Record<string, E.Either<string, unknown>>;
type Values<S extends Settings> = {
  [K in keyof S]: S[K] extends E.Either<string, infer A> ? A : never;
};

/** Every setting's value, or every problem at once. */
const collect = <S extends Settings>(settings: S): E.Either<string[], Values<S>> => {
  const problems = Object.values(settings).flatMap((r) => (E.isLeft(r) ? [r.left] : []));
  if (problems.length > 0) return E.left(problems);
  const values = Object.fromEntries(
    Object.entries(settings).map(([key, r]) => [key, E.isRight(r) ? r.right : undefined]),
  );
  // Every entry was a Right, so each value has its setting's type.
  return E.right(values as Values<S>);
};

/** Reads and checks the configuration; every problem is reported, not only the first. */
export const loadConfig = (
  env: Env,
  cwd: string = process.cwd(),
  stdoutIsTty = false,
  readFile: (path: string) => string = (path) => readFileSync(resolve(cwd, path), 'utf8'),
): E.Either<string[], AppConfig> => {
  const read = collect({
    platform: oneOf('HTTP_PLATFORM', HTTP_PLATFORMS, 'express')(env),
    host: listenHost(env),
    port: integerIn('PORT', 0, 65_535, 3000)(env),
    headersTimeoutMs: integerIn('HTTP_HEADERS_TIMEOUT_MS', 100, 600_000, 10_000)(env),
    requestTimeoutMs: integerIn('HTTP_REQUEST_TIMEOUT_MS', 100, 3_600_000, 30_000)(env),
    databaseUrl: databaseUrl(env),
    poolSize: integerIn('DATABASE_POOL_SIZE', 1, 200, 10)(env),
    redisUrl: urlWithScheme('REDIS_URL', ['redis:', 'rediss:'])(env),
    level: oneOf('LOG_LEVEL', LOG_LEVELS, 'info')(env),
    // Readable colours for a person at a terminal, JSON lines for machines.
    format: oneOf('LOG_FORMAT', LOG_FORMATS, stdoutIsTty ? 'pretty' : 'json')(env),
    grace: integerIn('SHUTDOWN_GRACE_MS', 0, 120_000, 1_000)(env),
    drain: integerIn('SHUTDOWN_DRAIN_MS', 0, 600_000, 10_000)(env),
    tokens: apiTokens(env, readFile),
    readsRequireToken: flag('API_READ_REQUIRES_TOKEN')(env),
    rateLimitMax: integerIn('RATE_LIMIT_MAX', 0, 10_000_000, 6_000)(env),
    rateLimitWindowMs: integerIn('RATE_LIMIT_WINDOW_MS', 1_000, 3_600_000, 60_000)(env),
    retentionDays: integerIn('EVENTS_RETENTION_DAYS', 1, 36_500, 30)(env),
    smtpUrl: urlWithScheme('SMTP_URL', ['smtp:', 'smtps:'])(env),
    notifyEmail: email('NOTIFY_EMAIL', null)(env),
    notifyFrom: email('NOTIFY_FROM', null)(env),
    corsOrigins: corsOrigins(env),
    maxBatch: integerIn('ALLOCATION_BATCH_MAX', 1, 1_000, 64)(env),
    maxWaitMs: integerIn('ALLOCATION_BATCH_WAIT_MS', 0, 50, 0)(env),
    processes: integerIn('API_PROCESSES', 1, 64, 1)(env),
  });
  if (E.isLeft(read)) return read;
  const settings = read.right;
  const mail = mailConfig(settings.smtpUrl, settings.notifyEmail, settings.notifyFrom);
  if (E.isLeft(mail)) return E.left([mail.left]);
  if (settings.processes > 1 && settings.databaseUrl === null) {
    return E.left([
      'API_PROCESSES above 1 needs DATABASE_URL: the embedded database serves one process',
    ]);
  }
  if (settings.requestTimeoutMs < settings.headersTimeoutMs) {
    return E.left(['HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS']);
  }
  return E.right({
    httpPlatform: settings.platform,
    host: settings.host,
    port: settings.port,
    httpTimeouts: { headersMs: settings.headersTimeoutMs, requestMs: settings.requestTimeoutMs },
    database:
      settings.databaseUrl === null
        ? {
            kind: 'embedded',
            dataDir: resolve(cwd, env['DATA_DIR'] ?? '.data', 'pglite'),
            poolSize: 1,
          }
        : { kind: 'external', url: settings.databaseUrl, poolSize: settings.poolSize },
    redisUrl: settings.redisUrl,
    logLevel: settings.level,
    logFormat: settings.format,
    shutdownGraceMs: settings.grace,
    shutdownDrainMs: settings.drain,
    access: { tokens: settings.tokens, readsRequireToken: settings.readsRequireToken },
    rateLimit: { max: settings.rateLimitMax, windowMs: settings.rateLimitWindowMs },
    events: { retentionDays: settings.retentionDays, mail: mail.right },
    corsOrigins: settings.corsOrigins,
    allocationBatch: { maxBatch: settings.maxBatch, maxWaitMs: settings.maxWaitMs },
    processes: settings.processes,
  });
};
