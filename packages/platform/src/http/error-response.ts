import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape every route answers with. */
export class ErrorResponse {
  @ApiProperty({ example: 404, type: 'integer' })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({
    example: 'BATCH_NOT_FOUND',
    description: 'Stable and machine-readable; the message may be reworded, the code will not.',
  })
  code!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Batch batch-001 not found',
  })
  message!: string | string[];

  @ApiPropertyOptional({
    example: '4f0c2a9e-1d7b-4c55-9a63-2b8f3c1d0e7a',
    description: 'The X-Request-Id of the request, to find it in the logs.',
  })
  requestId?: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const reasonPhrase = (status: number): string => REASONS[status] ?? 'Error';

/** A status's generic code: its reason phrase in capitals, e.g. `PAYLOAD_TOO_LARGE`. */
export const genericCode = (status: number): string =>
  reasonPhrase(status).toUpperCase().replace(/\W+/g, '_');

export const errorBody = (
  statusCode: number,
  code: string,
  message: string | string[],
  requestId?: string,
): ErrorResponse => ({
  statusCode,
  error: reasonPhrase(statusCode),
  code,
  message,
  ...(requestId === undefined ? {} : { requestId }),
});
