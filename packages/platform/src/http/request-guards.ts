import { getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from './access-control';
import { errorBody, ErrorResponse } from './error-response';
import { crossOriginRefusal, CROSS_ORIGIN_REFUSED, type CrossOriginPolicy } from './cross-origin';
import { isRateLimited, type RateLimiter } from './rate-limit';

export interface RequestGuards {
  readonly access: AccessControl;
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
}

// The refusals the guards give, as the hooks send them and as Swagger documents them.
const tooManyRequests = (max: number, windowMs: number, retryAfter: number) =>
  `More than ${max} requests in ${windowMs / 1000} s from this address; try again in ${retryAfter} s`;
const TOKEN_REQUIRED = 'This needs Authorization: Bearer <token>';
const INVALID_TOKEN = 'The bearer token is not valid';

/**
 * What every request meets before its route, in one hook that runs before the body is read: its
 * id and the security headers on the answer, `Connection: close` while draining, the rate limit
 * (429), the access check (401). And the metrics of every answer.
 */
export const installRequestGuards = (fastify: FastifyInstance, guards: RequestGuards): void => {
  const { access, limiter, rateLimit } = guards;
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    guards.answered(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  fastify.addHook('onRequest', async (request, reply) => {
    // Every answer names its request (the id the logs use), the caller's when it is sane.
    void reply.header('X-Request-Id', request.id);
    void reply.headers(guards.securityHeaders);
    // While draining, each connection closes after its response instead of waiting for another.
    if (guards.isStopping()) void reply.header('Connection', 'close');
    // Like access, on the route that matched: `/%61pi/health` is not a way around the limit.
    if (limiter !== undefined && isRateLimited(request.routeOptions.url ?? request.url)) {
      const counted = limiter.hit(request.ip);
      if (!counted.allowed) {
        const message = tooManyRequests(rateLimit.max, rateLimit.windowMs, counted.retryAfter);
        return reply
          .code(429)
          .header('Retry-After', String(counted.retryAfter))
          .send(errorBody(429, 'TOO_MANY_REQUESTS', message, request.id));
      }
    }
    // A page on another site must not change data here, token or not (a form post sends none).
    if (crossOriginRefusal(guards.crossOrigin, request.method, request.headers)) {
      return reply
        .code(403)
        .send(errorBody(403, 'CROSS_ORIGIN_REFUSED', CROSS_ORIGIN_REFUSED, request.id));
    }
    // Decided on the route the router matched (it decodes `/%61pi`), never on the raw URL text.
    const decision = access.decide(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      queryOf(request.url),
      request.headers.authorization,
    );
    if (decision === 'missing') {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="allocation"')
        .send(errorBody(401, 'TOKEN_REQUIRED', TOKEN_REQUIRED, request.id));
    }
    if (decision === 'invalid') {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="allocation", error="invalid_token"')
        .send(errorBody(401, 'INVALID_TOKEN', INVALID_TOKEN, request.id));
    }
    return undefined;
  });
};

const queryOf = (url: string): string => {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
};

const documented = (
  status: number,
  description: string,
  examples: ReadonlyArray<readonly [code: string, message: string]>,
) => ({
  description,
  content: {
    'application/json': {
      schema: { $ref: getSchemaPath(ErrorResponse) },
      examples: Object.fromEntries(
        examples.map(([code, message]) => [code, { value: errorBody(status, code, message) }]),
      ),
    },
  },
});

const WRITE_METHODS: ReadonlyArray<string> = ['post', 'put', 'patch', 'delete'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The guards in the OpenAPI document: 429 on every limited route, the bearer token on writes. */
export const documentGuards = (document: OpenAPIObject): OpenAPIObject => {
  for (const [route, path] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (operation === undefined) continue;
      if (isRateLimited(route)) {
        operation.responses['429'] = documented(
          429,
          'More requests from this address than RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS',
          [['TOO_MANY_REQUESTS', tooManyRequests(6_000, 60_000, 12)]],
        );
      }
      if (!WRITE_METHODS.includes(method)) continue;
      operation.security = [{ bearer: [] }];
      operation.responses['401'] = documented(
        401,
        'API_TOKENS is set and the request has no valid `Authorization: Bearer <token>`',
        [
          ['TOKEN_REQUIRED', TOKEN_REQUIRED],
          ['INVALID_TOKEN', INVALID_TOKEN],
        ],
      );
    }
  }
  return document;
};
