import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import type { OpenDatabase } from './infrastructure/database/database';
import { locate } from './infrastructure/database/paths';
import { HttpExceptionFilter } from './http/http-exception.filter';
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
    // The JSON body parser is ours (see acceptEmptyJsonBodies); no form bodies are taken.
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  acceptEmptyJsonBodies(app);
  const shutdown = app.get(ShutdownState);
  // While draining, each connection closes after its response instead of waiting for another.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      // Every answer names its request (the id the logs use), the caller's when it is sane.
      void reply.header('X-Request-Id', request.id);
      if (shutdown.isStopping) void reply.header('Connection', 'close');
    });
  if (config.corsOrigins === '*' || config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Last-Event-ID'],
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
 * `POST /api/orders/o1/place` with `Content-Type: application/json` and no body is a request
 * without a body, as it always was here, not a 400. Anything else is parsed by Fastify's own
 * JSON parser, which refuses `__proto__` and `constructor` keys.
 */
const acceptEmptyJsonBodies = (app: NestFastifyApplication): void => {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      done(null, undefined);
      return;
    }
    // parseAs 'string' hands a string; the type allows a Buffer for other settings.
    parseJson(request, body.toString(), done);
  });
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
        .build(),
      // Controllers name their methods as verbs (`allocateLine`); those are the operation ids.
      { operationIdFactory: (_controller, method) => method },
    );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
};
