import { getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { errorBody, ErrorResponse } from './error-response';
import { isRateLimited } from './rate-limit';
import { tooManyRequests } from './request-middleware';

// The refusals the access guard gives, as it sends them and as Swagger documents them.
export const TOKEN_REQUIRED = 'This needs Authorization: Bearer <token>';
export const INVALID_TOKEN = 'The bearer token is not valid';

const documented = (
  status: number,
  description: string,
  examples: ReadonlyArray<readonly [code: string, message: string]>,
) => ({
  description,
  content: {
    'application/json': {
      schema: { $ref: getSchemaPath(ErrorResponse) },
      examples: Object.fromEntries(
        examples.map(([code, message]) => [code, { value: errorBody(status, code, message) }]),
      ),
    },
  },
});

const WRITE_METHODS: ReadonlyArray<string> = ['post', 'put', 'patch', 'delete'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The guards in the OpenAPI document: 429 on every limited route, the bearer token on writes. */
export const documentGuards = (document: OpenAPIObject): OpenAPIObject => {
  for (const [route, path] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (operation === undefined) continue;
      if (isRateLimited(route)) {
        operation.responses['429'] = documented(
          429,
          'More requests from this address than RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS',
          [['TOO_MANY_REQUESTS', tooManyRequests(6_000, 60_000, 12)]],
        );
      }
      if (!WRITE_METHODS.includes(method)) continue;
      operation.security = [{ bearer: [] }];
      operation.responses['401'] = documented(
        401,
        'API_TOKENS is set and the request has no valid `Authorization: Bearer <token>`',
        [
          ['TOKEN_REQUIRED', TOKEN_REQUIRED],
          ['INVALID_TOKEN', INVALID_TOKEN],
        ],
      );
    }
  }
  return document;
};
