import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse, reasonPhrase } from './error-response';

/** One documented way a route can fail: its status, code and a sample message. */
export interface ErrorDoc {
  readonly status: number;
  readonly code: string;
  readonly example: string | string[];
  readonly description: string;
}

/** Failures any route may give, outside the bounded contexts. */
export const GenericErrors = {
  validation: {
    status: 400,
    code: 'VALIDATION_FAILED',
    example: ['quantity must be a whole number'],
    description: 'The request is malformed; `message` names each field',
  },
  badRequest: {
    status: 400,
    code: 'BAD_REQUEST',
    example: 'Unexpected token } in JSON at position 12',
    description: 'The body is not JSON',
  },
  tooLarge: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    example: 'request entity too large',
    description: 'The body is larger than 100 kB',
  },
  conflicts: {
    status: 503,
    code: 'TOO_MANY_CONFLICTS',
    example: 'Too many concurrent changes; gave up after 30 attempts. Try again.',
    description: 'Too many concurrent changes to the same data; retry after `Retry-After` seconds',
  },
  databaseUnavailable: {
    status: 503,
    code: 'DATABASE_UNAVAILABLE',
    example: 'The database is unavailable; try again shortly',
    description: 'The database does not answer; retry after `Retry-After` seconds',
  },
  shuttingDown: {
    status: 503,
    code: 'SHUTTING_DOWN',
    example: 'The service is shutting down',
    description: 'Draining before a stop: send traffic elsewhere',
  },
  notReady: {
    status: 503,
    code: 'NOT_READY',
    example: 'Not ready: redis is down',
    description: 'A dependency (the database, or Redis when configured) does not answer',
  },
} as const satisfies Record<string, ErrorDoc>;

/** Failures every write can meet besides its context's own. */
export const writeErrors = [
  GenericErrors.validation,
  GenericErrors.badRequest,
  GenericErrors.tooLarge,
  GenericErrors.conflicts,
] as const;

/** Documents a route's failures: one response per status, with an example for each code. */
export const ApiErrors = (...docs: ReadonlyArray<ErrorDoc>) => {
  const statuses = [...new Set(docs.map((doc) => doc.status))].sort();
  return applyDecorators(
    ...statuses.map((status) => {
      const ofStatus = docs.filter((doc) => doc.status === status);
      return ApiResponse({
        status,
        type: ErrorResponse,
        description: ofStatus.map((doc) => `\`${doc.code}\`: ${doc.description}`).join('; '),
        examples: Object.fromEntries(
          ofStatus.map((doc) => [
            doc.code,
            {
              summary: doc.description,
              value: {
                statusCode: status,
                error: reasonPhrase(status),
                code: doc.code,
                message: doc.example,
                requestId: '4f0c2a9e-1d7b-4c55-9a63-2b8f3c1d0e7a',
              },
            },
          ]),
        ),
      });
    }),
  );
};
