import { Logger as NestLogger, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { BODY_LIMIT_BYTES, finishPlatform, httpAdapterFor } from './http-platform';
import {
  AccessControl,
  AccessGuard,
  accessLog,
  type AppConfig,
  createRootLogger,
  documentGuards,
  HttpExceptionFilter,
  locate,
  Metrics,
  type OpenDatabase,
  RateLimiter,
  requestGuards,
  REQUEST_VALIDATION,
  RequestValidationPipe,
  securityHeaders,
  ShutdownState,
} from '@allocation/platform';

/**
 * Builds the HTTP application exactly as `main.ts` serves it, on the platform the configuration
 * names (Express unless `HTTP_PLATFORM=fastify`); tests use the same function.
 */
export const createApp = async (
  config: AppConfig,
  database: OpenDatabase,
): Promise<INestApplication> => {
  const headers = securityHeaders();
  const logger = createRootLogger(config);
  const app = await NestFactory.create(
    AppModule.forRoot(config, database, logger),
    httpAdapterFor(config, headers),
    // The JSON body parser is ours (strictJsonBodies); no form bodies are taken.
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  const shutdown = app.get(ShutdownState);
  const access = new AccessControl(config.access);
  if (access.isOpen) {
    new NestLogger('AccessControl').warn(
      'API_TOKENS is not set: anyone who can reach the service can change stock',
    );
  }
  const metrics = app.get(Metrics);
  // First, so every answer (static files, the docs, refusals) has its headers.
  app.use(
    requestGuards({
      ...(config.rateLimit.max > 0
        ? { limiter: new RateLimiter(config.rateLimit.max, config.rateLimit.windowMs) }
        : {}),
      rateLimit: config.rateLimit,
      securityHeaders: headers,
      isStopping: () => shutdown.isStopping,
      crossOrigin: config.corsOrigins,
      answered: (method, route, status, seconds) =>
        metrics.answered(method, route, status, seconds),
      accessLog: accessLog(logger),
      bodyLimitBytes: BODY_LIMIT_BYTES,
    }),
  );
  app.useGlobalGuards(new AccessGuard(access));
  if (config.corsOrigins === '*' || config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Last-Event-ID', 'Authorization'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
      maxAge: 600,
    });
  }
  app.useGlobalPipes(new RequestValidationPipe(REQUEST_VALIDATION));
  app.useGlobalFilters(new HttpExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  finishPlatform(app, config, locate(join('apps', 'api', 'public')), () => setUpSwagger(app));
  return app;
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
