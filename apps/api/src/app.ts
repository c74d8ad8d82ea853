import {
  BadRequestException,
  Logger as NestLogger,
  ValidationPipe,
  type INestApplication,
} from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { AppModule } from './app.module';
import {
  AccessControl,
  type AppConfig,
  documentGuards,
  errorBody,
  HttpExceptionFilter,
  installRequestGuards,
  locate,
  Metrics,
  type OpenDatabase,
  parseStrictJson,
  RateLimiter,
  requestIdOf,
  securityHeaders,
  ShutdownState,
} from '@allocation/platform';

/** Builds the HTTP application exactly as `main.ts` serves it; tests use the same function. */
export const createApp = async (
  config: AppConfig,
  database: OpenDatabase,
): Promise<NestFastifyApplication> => {
  // Fastify rather than Express: the same Nest application at about twice the requests per
  // second on one core (see the README's throughput section).
  const headers = securityHeaders();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, database),
    new FastifyAdapter({
      bodyLimit: 100 * 1024,
      // HTTP/1 only here, so the request is an IncomingMessage.
      genReqId: (request: unknown) => requestIdOf(request as IncomingMessage),
      // A client trickling in its headers or body is cut off instead of holding a connection;
      // Node checks the deadlines every `connectionsCheckingInterval`.
      requestTimeout: config.httpTimeouts.requestMs,
      http: {
        headersTimeout: config.httpTimeouts.headersMs,
        connectionsCheckingInterval: Math.min(1_000, config.httpTimeouts.headersMs),
      },
      // Errors found before any route runs (a URL that does not decode): the same JSON shape
      // and the same security headers as every other answer.
      frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        void reply
          .code(400)
          .headers(headers)
          .header('X-Request-Id', request.id)
          .send(errorBody(400, 'BAD_URL', `The URL is malformed: ${error.message}`, request.id));
      },
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
  const metrics = app.get(Metrics);
  installRequestGuards(app.getHttpAdapter().getInstance(), {
    access,
    ...(config.rateLimit.max > 0
      ? { limiter: new RateLimiter(config.rateLimit.max, config.rateLimit.windowMs) }
      : {}),
    rateLimit: config.rateLimit,
    securityHeaders: headers,
    isStopping: () => shutdown.isStopping,
    crossOrigin: config.corsOrigins,
    answered: (method, route, status, seconds) => metrics.answered(method, route, status, seconds),
  });
  if (config.corsOrigins === '*' || config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Last-Event-ID', 'Authorization'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
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

const NOT_AN_OBJECT = 'The body must be a JSON object';

const isJsonObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every JSON body goes through `parseStrictJson` (depth, inexact numbers, inherited keys), so a
 * hostile body is a 400 before anything else sees it. `POST /api/orders/o1/place` with
 * `Content-Type: application/json` and no body is a request without a body, as it always was
 * here, not a 400.
 */
const parseJsonBodies = (app: NestFastifyApplication): void => {
  const fastify = app.getHttpAdapter().getInstance();
  // Only JSON: Fastify's own text/plain parser would let a cross-site form's body through.
  fastify.removeAllContentTypeParsers();
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
      if (!parsed.ok) done(new BadRequestException(parsed.message), undefined);
      // Every route takes an object or nothing: `null`, `[]`, `"x"` or `0` must not pass for
      // "no body" further down (the validation reads a null body as {}).
      else if (!isJsonObject(parsed.value)) done(new BadRequestException(NOT_AN_OBJECT), undefined);
      else done(null, parsed.value);
    },
  );
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
  SwaggerModule.setup('docs', app, () => documentGuards(document()), {
    jsonDocumentUrl: 'docs-json',
  });
};
