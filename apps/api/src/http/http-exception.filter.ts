import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '../infrastructure/database/postgres-errors';
import { DomainFailure } from './domain-errors';
import { errorBody, type ErrorResponse } from './error-response';

const fromHttpException = (exception: HttpException): ErrorResponse => {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? (response as { message: string | string[] }).message
      : exception.message;
  return errorBody(status, message);
};

/**
 * Renders every error as `{ statusCode, error, message }`. Expected failures keep their message
 * (Nest already turns malformed JSON and oversized bodies into 400 and 413 HttpExceptions);
 * anything unexpected is logged with the request id and answered 500 without details.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request & { id?: unknown }>();
    const body = this.toBody(exception, request);
    if (exception instanceof DomainFailure && exception.failure._tag === 'RetriesExhausted') {
      response.setHeader('Retry-After', String(exception.failure.retryAfterSeconds));
    }
    if (body.statusCode === 503 && isDatabaseUnavailable(exception)) {
      response.setHeader('Retry-After', '5');
    }
    response.status(body.statusCode).json(body);
  }

  toBody(exception: unknown, request: Request & { id?: unknown }): ErrorResponse {
    if (exception instanceof DomainFailure) {
      return errorBody(exception.status, exception.failure.message);
    }
    if (exception instanceof HttpException) {
      return fromHttpException(exception);
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ err: exception, requestId: request.id }, 'Database unavailable');
      return errorBody(503, 'The database is unavailable; try again shortly');
    }
    this.logger.error(
      { err: exception, requestId: request.id, method: request.method, url: request.url },
      'Unhandled error',
    );
    return errorBody(500, 'Internal server error');
  }
}
