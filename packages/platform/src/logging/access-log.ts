import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../config/app-config';
import { withoutToken } from '../http/access-control';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

// A WeakMap rather than a property: Express's requests have a prototype of their own, and adding
// properties to them cost several µs a request.
const requestIds = new WeakMap<IncomingMessage, string>();

/** Keeps a caller's X-Request-Id when it is sane, otherwise makes one (once per request). */
export const requestIdOf = (request: IncomingMessage): string => {
  const known = requestIds.get(request);
  if (known !== undefined) return known;
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  requestIds.set(request, id);
  return id;
};

/**
 * Access log levels. The exception filter logs real failures with their context, so a 5xx here
 * is only the answer: 503 is an expected "not now" (draining, database down, retries spent).
 */
export const accessLogLevel = (status: number): 'info' | 'warn' | 'error' => {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
};

/** The service's one pino logger: Nest's logs and the access log write through it. */
export const rootLoggerOptions = (config: AppConfig): LoggerOptions => ({
  level: config.logLevel,
  ...(config.logFormat === 'pretty'
    ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
    : {}),
});

export const createRootLogger = (config: AppConfig): Logger => pino(rootLoggerOptions(config));

export type AccessLog = (
  request: IncomingMessage,
  response: ServerResponse,
  route: string,
  seconds: number,
) => void;

/**
 * One line per answer, by the request middleware once the answer is sent: no logger per request
 * and no request-scoped context, so a level that logs no requests costs one comparison. It shows
 * the request id, the method, the URL with any token in the query hidden, the route pattern, the
 * status and the time taken; never a header, so never an Authorization.
 */
export const accessLog =
  (logger: Logger): AccessLog =>
  (request, response, route, seconds) => {
    const level = accessLogLevel(response.statusCode);
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        req: {
          id: requestIdOf(request),
          method: request.method,
          url: withoutToken(request.url ?? '/'),
          route,
          remoteAddress: request.socket.remoteAddress,
        },
        res: { statusCode: response.statusCode },
        responseTime: Math.round(seconds * 1e6) / 1e3,
      },
      'request completed',
    );
  };
