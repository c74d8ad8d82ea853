import { jest } from '@jest/globals';
import { Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { outOfStock, unknownSku } from '@allocation/allocation-domain';
import { DomainFailure, statusOf } from './domain-errors';
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
  const request = { id: 'req-42', method: 'POST', url: '/api/allocations' };
  return {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
};

const render = (exception: unknown): Captured => {
  const captured: Captured = { headers: {} };
  new HttpExceptionFilter().catch(exception, hostFor(captured));
  return captured;
};

describe('turning failures into HTTP answers', () => {
  it('maps every expected failure to its status', () => {
    expect(statusOf({ _tag: 'InvalidValue', field: 'sku', message: 'x' })).toBe(400);
    expect(statusOf(unknownSku('X'))).toBe(400);
    expect(statusOf({ _tag: 'SkuMismatch', expected: 'A', actual: 'B', message: 'x' })).toBe(400);
    expect(statusOf({ _tag: 'BatchNotFound', reference: 'b', message: 'x' })).toBe(404);
    expect(statusOf({ _tag: 'OrderNotAllocated', orderId: 'o', message: 'x' })).toBe(404);
    expect(statusOf(outOfStock('o', 'X', 1))).toBe(409);
    expect(statusOf({ _tag: 'DuplicateBatchReference', reference: 'b', message: 'x' })).toBe(409);
    expect(
      statusOf({
        _tag: 'LineAlreadyAllocated',
        orderId: 'o',
        sku: 'X',
        allocatedQuantity: 1,
        requestedQuantity: 2,
        message: 'x',
      }),
    ).toBe(409);
    expect(statusOf({ _tag: 'RetriesExhausted', message: 'x', retryAfterSeconds: 1 })).toBe(503);
  });

  it('answers exhausted retries with 503 and Retry-After', () => {
    const answer = render(
      new DomainFailure({ _tag: 'RetriesExhausted', message: 'Try again.', retryAfterSeconds: 2 }),
    );
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('2');
    expect(answer.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Try again.',
    });
  });

  it('keeps the message of an HTTP exception', () => {
    expect(render(new NotFoundException('Order o has no allocations')).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Order o has no allocations',
    });
  });

  it('answers a bug with a bare 500 and logs it with the request id', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const answer = render(new TypeError('cannot read properties of undefined'));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: 'req-42', err: expect.any(TypeError) }),
      'Unhandled error',
    );
    logged.mockRestore();
  });
});
