import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessLog } from './access-log';
import { requestIdOf } from './request-id';
import { crossOriginRefusal, CROSS_ORIGIN_REFUSED, type CrossOriginPolicy } from './cross-origin';
import { errorBody } from './error-response';
import { isRateLimited, type RateLimiter } from './rate-limit';
import { routeOf } from './route';
import { parseStrictJson } from './strict-json';

/**
 * Nest middleware as both platforms run it (`app.use`): Express hands it its request and response,
 * Fastify's middleware layer the Node ones underneath, so it is written against Node's types.
 */
export type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

export interface RequestGuards {
  /** Absent when the rate limit is off. */
  readonly limiter?: RateLimiter;
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  /** helmet's headers, the same for every response. */
  readonly securityHeaders: Readonly<Record<string, string>>;
  readonly isStopping: () => boolean;
  /** Which other origins may change data (`CORS_ORIGINS`); the service's own always may. */
  readonly crossOrigin: CrossOriginPolicy;
  /** Told of every answer, by route pattern (never the raw URL, so series stay bounded). */
  readonly answered: (method: string, route: string, status: number, seconds: number) => void;
  readonly accessLog: AccessLog;
  /** Request bodies past this are refused (413); see `strictJsonBodies`. */
  readonly bodyLimitBytes: number;
}

export const tooManyRequests = (max: number, windowMs: number, retryAfter: number): string =>
  `More than ${max} requests in ${windowMs / 1000} s from this address; try again in ${retryAfter} s`;

/** Answers a refusal in the one error shape, before any route runs. */
export const refuse = (
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void => {
  const body = JSON.stringify(errorBody(status, code, message, requestIdOf(request)));
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
};

const pathOf = (url: string): string => {
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
};

/** The path as routers read it, or undefined when a percent escape does not decode. */
const decodedPath = (url: string): string | undefined => {
  const path = pathOf(url);
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
};

/**
 * What every request meets first, before routing on Express: its id and the security headers on
 * the answer, `Connection: close` while draining, a URL that does not decode (400), the rate
 * limit (429), a state change from another site (403); then its body (`strictJsonBodies`). And
 * the metrics of
 * every answer and its access log line, by the route pattern the access guard saw (`unmatched`
 * when no route ran).
 */
export const requestGuards = (guards: RequestGuards): NodeMiddleware => {
  const { limiter, rateLimit } = guards;
  const headers = Object.entries(guards.securityHeaders);
  // In the same middleware, not a second one: each layer of Express's router costs a little.
  const readBody = strictJsonBodies(guards.bodyLimitBytes);
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    const method = request.method ?? 'GET';
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(request) ?? 'unmatched';
      guards.answered(method, route, response.statusCode, seconds);
      guards.accessLog(request, response, route, seconds);
    });
    // Every answer names its request (the id the logs use), the caller's when it is sane.
    response.setHeader('X-Request-Id', requestIdOf(request));
    for (const [name, value] of headers) response.setHeader(name, value);
    // While draining, each connection closes after its response instead of waiting for another.
    if (guards.isStopping()) response.setHeader('Connection', 'close');
    const path = decodedPath(request.url ?? '/');
    if (path === undefined) {
      refuse(request, response, 400, 'BAD_URL', 'The URL is malformed: a % escape does not decode');
      return;
    }
    // On the path as the router decodes it: `/%61pi/health` is not a way around the limit.
    if (limiter !== undefined && isRateLimited(path)) {
      const counted = limiter.hit(request.socket.remoteAddress ?? 'unknown');
      if (!counted.allowed) {
        const message = tooManyRequests(rateLimit.max, rateLimit.windowMs, counted.retryAfter);
        refuse(request, response, 429, 'TOO_MANY_REQUESTS', message, {
          'Retry-After': String(counted.retryAfter),
        });
        return;
      }
    }
    // A page on another site must not change data here, token or not (a form post sends none).
    if (crossOriginRefusal(guards.crossOrigin, method, request.headers)) {
      refuse(request, response, 403, 'CROSS_ORIGIN_REFUSED', CROSS_ORIGIN_REFUSED);
      return;
    }
    readBody(request, response, next);
  };
};

const NOT_AN_OBJECT = 'The body must be a JSON object';

const isJsonObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const hasBody = (request: IncomingMessage): boolean =>
  request.headers['transfer-encoding'] !== undefined ||
  (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

const isJson = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);

type WithBody = IncomingMessage & { body?: unknown };

/** The body `strictJsonBodies` parsed, for a platform that reads it from the Node request. */
export const bodyOf = (request: IncomingMessage): unknown => (request as WithBody).body;

/**
 * Every request body goes through `parseStrictJson` (depth, inexact numbers, inherited keys), so a
 * hostile body is a 400 before anything else sees it; a body that is not JSON is a 415 (a cross-
 * site form's body never parses); over `limitBytes` it is a 413. Every route takes an object or
 * nothing: `null`, `[]`, `"x"` or `0` must not pass for "no body" further down (the validation
 * reads a null body as {}). An empty JSON body is no body, as a bodiless `place` always was.
 */
export const strictJsonBodies = (limitBytes: number): NodeMiddleware => {
  const tooLarge = `The body is larger than ${Math.round(limitBytes / 1024)} kB`;
  return (request, response, next) => {
    if (!hasBody(request)) {
      next();
      return;
    }
    const contentType = request.headers['content-type'];
    if (!isJson(contentType)) {
      const given = contentType === undefined ? 'no Content-Type' : contentType.split(';')[0];
      refuse(
        request,
        response,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Bodies are application/json, not ${given}`,
      );
      return;
    }
    if (Number(request.headers['content-length'] ?? 0) > limitBytes) {
      refuse(request, response, 413, 'PAYLOAD_TOO_LARGE', tooLarge, { Connection: 'close' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limitBytes) {
        refused = true;
        refuse(request, response, 413, 'PAYLOAD_TOO_LARGE', tooLarge, { Connection: 'close' });
        return;
      }
      chunks.push(chunk);
    });
    request.once('error', (error) => {
      if (!refused) next(error);
      refused = true;
    });
    request.once('end', () => {
      if (refused) return;
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text === '') {
        next();
        return;
      }
      const parsed = parseStrictJson(text);
      if (!parsed.ok) refuse(request, response, 400, 'BAD_REQUEST', parsed.message);
      else if (!isJsonObject(parsed.value))
        refuse(request, response, 400, 'BAD_REQUEST', NOT_AN_OBJECT);
      else {
        // Express's routes read `request.body`; Fastify's hand over `bodyOf` (see the app).
        (request as WithBody).body = parsed.value;
        next();
      }
    });
  };
};
