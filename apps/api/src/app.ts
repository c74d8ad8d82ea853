import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { join } from 'node:path';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import type { OpenDatabase } from './infrastructure/database/database';
import { locate } from './infrastructure/database/paths';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { ShutdownState } from './health/shutdown-state';

/** Builds the HTTP application exactly as `main.ts` serves it; tests use the same function. */
export const createApp = async (
  config: AppConfig,
  database: OpenDatabase,
): Promise<NestExpressApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, database),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  const shutdown = app.get(ShutdownState);
  // While draining, each connection closes after its response instead of waiting for another.
  app.use((_request: Request, response: Response, next: NextFunction) => {
    if (shutdown.isStopping) response.setHeader('Connection', 'close');
    next();
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
  app.useBodyParser('json', { limit: '100kb' });
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
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useStaticAssets(locate(join('apps', 'api', 'public')), { index: 'index.html' });
  setUpSwagger(app);
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
        .build(),
      // Controllers name their methods as verbs (`allocateLine`); those are the operation ids.
      { operationIdFactory: (_controller, method) => method },
    );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
};
