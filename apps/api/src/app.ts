import {
  BadRequestException,
  Logger as NestLogger,
  ValidationPipe,
  type INestApplication,
} from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { Metrics } from './metrics/metrics';
import type { AppConfig } from './config/app-config';
import type { OpenDatabase } from './infrastructure/database/database';
import { locate } from './infrastructure/database/paths';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { parseStrictJson } from './http/strict-json';
import { AccessControl } from './http/access-control';
import { isRateLimited, RateLimiter } from './http/rate-limit';
import { securityHeaders } from './http/security-headers';
import { errorBody, ErrorResponse } from './http/error-response';
import { ShutdownState } from './health/shutdown-state';
import { requestIdOf } from './logging/access-log';

/** Builds the HTTP application exactly as `main.ts` serves it; tests use the same function. */
export const createApp = async (
  config: AppConfig,
  database: OpenDatabase,
): Promise<NestFastifyApplication> => {
  // Fastify rather than Express: the same Nest application at about twice the requests per
  // second on one core (see the README's throughput section).
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, database),
    new FastifyAdapter({
      bodyLimit: 100 * 1024,
      // HTTP/1 only here, so the request is an IncomingMessage.
      genReqId: (request: unknown) => requestIdOf(request as IncomingMessage),
    }),
    // The JSON body parser is ours (see parseJsonBodies); no form bodies are taken.
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  parseJsonBodies(app);
  const shutdown = app.get(ShutdownState);
  const access = new AccessControl(config.access);
  if (access.isOpen) {
    new NestLogger('AccessControl').warn(
      'API_TOKENS is not set: anyone who can reach the service can change stock',
    );
  }
  const fastify = app.getHttpAdapter().getInstance();
  // Security headers (helmet's), the same on every response.
  const secure = securityHeaders();
  const limiter =
    config.rateLimit.max > 0
      ? new RateLimiter(config.rateLimit.max, config.rateLimit.windowMs)
      : undefined;
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', async (request, reply) => {
    // The route's pattern, never the raw URL: the number of series stays bounded.
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    metrics.requests.inc(labels);
    metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
  });
  fastify.addHook('onRequest', async (request, reply) => {
    // Every answer names its request (the id the logs use), the caller's when it is sane.
    void reply.header('X-Request-Id', request.id);
    void reply.headers(secure);
    // While draining, each connection closes after its response instead of waiting for another.
    if (shutdown.isStopping) void reply.header('Connection', 'close');
    if (limiter !== undefined && isRateLimited(request.url)) {
      const counted = limiter.hit(request.ip);
      if (!counted.allowed) {
        return reply
          .code(429)
          .header('Retry-After', String(counted.retryAfter))
          .send(
            errorBody(
              429,
              'TOO_MANY_REQUESTS',
              `More than ${config.rateLimit.max} requests in ${config.rateLimit.windowMs / 1000} s from this address; try again in ${counted.retryAfter} s`,
              request.id,
            ),
          );
      }
    }
    const decision = access.decide(request.method, request.url, request.headers.authorization);
    if (decision === 'missing' || decision === 'invalid') {
      // Before the body is read: an unauthenticated write costs next to nothing.
      return reply
        .code(401)
        .header(
          'WWW-Authenticate',
          decision === 'missing'
            ? 'Bearer realm="allocation"'
            : 'Bearer realm="allocation", error="invalid_token"',
        )
        .send(
          decision === 'missing'
            ? errorBody(
                401,
                'TOKEN_REQUIRED',
                'This needs Authorization: Bearer <token>',
                request.id,
              )
            : errorBody(401, 'INVALID_TOKEN', 'The bearer token is not valid', request.id),
        );
    }
    return undefined;
  });
  if (config.corsOrigins === '*' || config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Last-Event-ID', 'Authorization'],
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
      maxAge: 600,
    });
  }
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // "3" is not a quantity: strings are never coerced into numbers behind a client's back.
      transformOptions: { enableImplicitConversion: false },
      forbidUnknownValues: true,
      stopAtFirstError: true,
    }),
  );
  app.useGlobalFilters(new HttpExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  app.useStaticAssets({ root: locate(join('apps', 'api', 'public')), index: 'index.html' });
  setUpSwagger(app);
  return app;
};

/**
 * Every JSON body goes through `parseStrictJson` (depth, inexact numbers, inherited keys), so a
 * hostile body is a 400 before anything else sees it. `POST /api/orders/o1/place` with
 * `Content-Type: application/json` and no body is a request without a body, as it always was
 * here, not a 400.
 */
const parseJsonBodies = (app: NestFastifyApplication): void => {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_request, body, done) => {
      // parseAs 'string' hands a string; the type allows a Buffer for other settings.
      const text = body.toString();
      if (text === '') {
        done(null, undefined);
        return;
      }
      const parsed = parseStrictJson(text);
      if (parsed.ok) done(null, parsed.value);
      else done(new BadRequestException(parsed.message), undefined);
    },
  );
};

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
const ALL_METHODS = ['get', ...WRITE_METHODS] as const;

const documentedError = (description: string, examples: ReadonlyArray<[string, string]>) => ({
  description,
  content: {
    'application/json': {
      schema: { $ref: getSchemaPath(ErrorResponse) },
      examples: Object.fromEntries(
        examples.map(([code, message]) => [
          code,
          { value: errorBody(description === RATE_LIMITED ? 429 : 401, code, message) },
        ]),
      ),
    },
  },
});

const RATE_LIMITED = 'More requests from this address than RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS';

/** Every write needs the bearer token (when tokens are configured); every route but health and
 * metrics may answer 429. Added here, in one place, as the hooks that enforce them are. */
const documentAccess = (document: OpenAPIObject): OpenAPIObject => {
  for (const [route, path] of Object.entries(document.paths)) {
    for (const method of ALL_METHODS) {
      const operation = path[method];
      if (operation === undefined) continue;
      if (isRateLimited(route)) {
        operation.responses['429'] = documentedError(RATE_LIMITED, [
          [
            'TOO_MANY_REQUESTS',
            'More than 6000 requests in 60 s from this address; try again in 12 s',
          ],
        ]);
      }
      if (!(WRITE_METHODS as ReadonlyArray<string>).includes(method)) continue;
      operation.security = [{ bearer: [] }];
      operation.responses['401'] = documentedError(
        'API_TOKENS is set and the request has no valid `Authorization: Bearer <token>`',
        [
          ['TOKEN_REQUIRED', 'This needs Authorization: Bearer <token>'],
          ['INVALID_TOKEN', 'The bearer token is not valid'],
        ],
      );
    }
  }
  return document;
};

const setUpSwagger = (app: INestApplication): void => {
  const document = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Allocation service')
        .setDescription(
          'Allocates order lines to batches of stock. Errors are `{ statusCode, error, code, message, requestId }`; `code` is stable and machine-readable. Dates are YYYY-MM-DD.',
        )
        .setVersion('0.1.0')
        .addBearerAuth(
          {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'opaque token',
            description: 'One of API_TOKENS; writes need it when tokens are configured',
          },
          'bearer',
        )
        .build(),
      // Controllers name their methods as verbs (`allocateLine`); those are the operation ids.
      { operationIdFactory: (_controller, method) => method },
    );
  SwaggerModule.setup('docs', app, () => documentAccess(document()), {
    jsonDocumentUrl: 'docs-json',
  });
};
