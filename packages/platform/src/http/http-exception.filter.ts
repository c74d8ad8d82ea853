import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { isDatabaseUnavailable } from '../database/postgres-errors';
import { requestIdOf } from './request-id';
import { ApiFailureException } from './api-failure';
import { errorBody, genericCode, type ErrorResponse } from './error-response';
import { nodeRequestOf } from './route';

interface IdentifiedRequest {
  readonly method?: string;
  readonly url?: string;
}

const fromHttpException = (exception: HttpException, requestId?: string): ErrorResponse => {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? (response as { message: string | string[] }).message
      : exception.message;
  // The validation pipe answers with one message per broken rule.
  const code = status === 400 && Array.isArray(message) ? 'VALIDATION_FAILED' : genericCode(status);
  return errorBody(status, code, message, requestId);
};

/**
 * Renders every error as `{ statusCode, error, code, message, requestId }`. Expected failures
 * (already mapped to statuses by their bounded context) keep their message; Nest's own HTTP
 * exceptions (malformed JSON, oversized bodies, validation) keep theirs; anything unexpected is
 * logged with the request id and answered 500 without details.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  /** Answers through the HTTP adapter, whichever platform it is. */
  constructor(private readonly http: HttpAdapterHost['httpAdapter']) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response: unknown = context.getResponse();
    const request = context.getRequest<IdentifiedRequest>();
    const retryAfter = this.retryAfter(exception);
    if (retryAfter !== undefined) this.http.setHeader(response, 'Retry-After', String(retryAfter));
    if (exception instanceof ApiFailureException) {
      for (const [name, value] of Object.entries(exception.failure.headers ?? {})) {
        this.http.setHeader(response, name, value);
      }
    }
    const body = this.toBody(exception, request);
    this.http.reply(response, body, body.statusCode);
  }

  toBody(exception: unknown, request: IdentifiedRequest): ErrorResponse {
    const requestId = requestIdOf(nodeRequestOf(request));
    if (exception instanceof ApiFailureException) {
      const { status, code, message } = exception.failure;
      return errorBody(status, code, message, requestId);
    }
    if (exception instanceof HttpException) return fromHttpException(exception, requestId);
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ err: exception, requestId }, 'Database unavailable');
      return errorBody(
        503,
        'DATABASE_UNAVAILABLE',
        'The database is unavailable; try again shortly',
        requestId,
      );
    }
    this.logger.error(
      { err: exception, requestId, method: request.method, url: request.url },
      'Unhandled error',
    );
    return errorBody(500, 'INTERNAL_ERROR', 'Internal server error', requestId);
  }

  private retryAfter(exception: unknown): number | undefined {
    if (exception instanceof ApiFailureException) return exception.failure.retryAfterSeconds;
    return isDatabaseUnavailable(exception) ? 5 : undefined;
  }
}
