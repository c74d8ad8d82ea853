import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse, reasonPhrase } from './error-response';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `message` names the field(s)',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body larger than 100 kB',
  503: 'Too many concurrent changes to the same product; retry after `Retry-After` seconds',
};

/** Documents the error responses a route can give, all in the shared error shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? reasonPhrase(status),
        type: ErrorResponse,
      }),
    ),
  );
