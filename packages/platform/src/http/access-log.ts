import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { withoutToken } from './access-control';
import { requestIdOf } from './request-id';

/**
 * Access log levels. The exception filter logs real failures with their context, so a 5xx here
 * is only the answer: 503 is an expected "not now" (draining, database down, retries spent).
 */
export const accessLogLevel = (status: number): 'info' | 'warn' | 'error' => {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
};

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
