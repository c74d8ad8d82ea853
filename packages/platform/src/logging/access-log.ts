import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { withoutToken } from '../http/access-control';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is sane, otherwise makes one (once per request). */
export const requestIdOf = (request: IncomingMessage): string => {
  const known = (request as IncomingMessage & { requestId?: string }).requestId;
  if (known !== undefined) return known;
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  (request as IncomingMessage & { requestId?: string }).requestId = id;
  return id;
};

/**
 * Access log levels. The exception filter logs real failures with their context, so a 5xx here
 * is only the answer: 503 is an expected "not now" (draining, database down, retries spent).
 */
export const accessLogLevel = (
  _request: IncomingMessage,
  response: ServerResponse,
  error?: Error,
): 'info' | 'warn' | 'error' => {
  if (response.statusCode === 503 && error === undefined) return 'warn';
  return error !== undefined || response.statusCode >= 500 ? 'error' : 'info';
};

export const accessLogOptions = (config: AppConfig): Options => ({
  level: config.logLevel,
  genReqId: (request, response) => {
    const id = requestIdOf(request);
    response.setHeader('X-Request-Id', id);
    return id;
  },
  customLogLevel: accessLogLevel,
  // pino-http makes up an Error, stack and all, for every 5xx it did not see thrown; a 503 is
  // an answer, not a crash, so it is logged without one.
  customErrorObject: (_request, response, error, value: Record<string, unknown>) => {
    if (response.statusCode !== 503 || !error.message.startsWith('failed with status code')) {
      return value;
    }
    const { err: _made, ...rest } = value;
    return rest;
  },
  serializers: {
    // The logging middleware is mounted on a catch-all route whose `splat` param means nothing.
    req: (request: Record<string, unknown>) => {
      const { params: _mountParams, ...rest } = request;
      // The event stream may carry its token in the query (see AccessControl).
      return typeof rest['url'] === 'string' ? { ...rest, url: withoutToken(rest['url']) } : rest;
    },
  },
  redact: ['req.headers.authorization', 'req.headers.cookie', 'req.query.access_token'],
  ...(config.logFormat === 'pretty'
    ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
    : {}),
});
