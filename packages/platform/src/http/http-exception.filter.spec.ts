import { jest } from '@jest/globals';
import { Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { ApiFailureException, retriesExhaustedFailure } from './api-failure';
import { HttpExceptionFilter } from './http-exception.filter';

interface Captured {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
}

const hostFor = (captured: Captured): ArgumentsHost => {
  const response = {
    setHeader: (name: string, value: string) => {
      captured.headers[name] = value;
    },
    status(code: number) {
      captured.status = code;
      return this;
    },
    json(body: unknown) {
      captured.body = body;
      return this;
    },
  };
  const request = {
    headers: { 'x-request-id': 'req-42' },
    method: 'POST',
    url: '/api/allocations',
  };
  return {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
};

const render = (exception: unknown): Captured => {
  const captured: Captured = { headers: {} };
  // The adapter's part, as the real one does it: the header, then the status and the body.
  const adapter = {
    setHeader: (response: { setHeader(n: string, v: string): void }, name: string, value: string) =>
      response.setHeader(name, value),
    reply: (
      response: { status(c: number): { json(b: unknown): unknown } },
      body: unknown,
      status: number,
    ) => response.status(status).json(body),
  };
  new HttpExceptionFilter(adapter as never).catch(exception, hostFor(captured));
  return captured;
};

describe('turning failures into HTTP answers', () => {
  it('renders an expected failure with its status, code, message and the request id', () => {
    const answer = render(
      new ApiFailureException({
        status: 409,
        code: 'OUT_OF_STOCK',
        message: 'Out of stock for sku LAMP',
      }),
    );
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'OUT_OF_STOCK',
      message: 'Out of stock for sku LAMP',
      requestId: 'req-42',
    });
  });

  it('answers exhausted retries with 503 and Retry-After', () => {
    const answer = render(
      new ApiFailureException(
        retriesExhaustedFailure({
          _tag: 'RetriesExhausted',
          message: 'Try again.',
          retryAfterSeconds: 2,
        }),
      ),
    );
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('2');
    expect(answer.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'TOO_MANY_CONFLICTS',
      message: 'Try again.',
      requestId: 'req-42',
    });
  });

  it('keeps the message of an HTTP exception and names it by its status', () => {
    expect(render(new NotFoundException('Cannot GET /nowhere')).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      message: 'Cannot GET /nowhere',
      requestId: 'req-42',
    });
  });

  it('answers a bug with a bare 500 and logs it with the request id', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const answer = render(new TypeError('cannot read properties of undefined'));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
      requestId: 'req-42',
    });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: 'req-42', err: expect.any(TypeError) }),
      'Unhandled error',
    );
    logged.mockRestore();
  });
});
