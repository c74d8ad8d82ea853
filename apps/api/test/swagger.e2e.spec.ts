import { startTestApp, type TestApp } from './support';

interface Example {
  value: { statusCode: number; code: string; message: unknown };
}
interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; schema?: { type?: string } }>;
  responses: Record<string, { content?: Record<string, { examples?: Record<string, Example> }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

let t: TestApp;
let operations: Array<{ method: string; path: string; operation: Operation }>;

beforeAll(async () => {
  t = await startTestApp();
  const document = (await t.http.get('/docs-json')).body as Document;
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
  );
});

afterAll(() => t.close());

const operation = (method: string, path: string): Operation => {
  const found = operations.find((o) => o.method === method && o.path === path);
  if (found === undefined) throw new Error(`no ${method} ${path} in the document`);
  return found.operation;
};

const exampleCodes = (op: Operation, status: number): string[] =>
  Object.keys(op.responses[String(status)]?.content?.['application/json']?.examples ?? {});

describe('the OpenAPI document', () => {
  it('names every operation with a unique verb', () => {
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(
        /^(get|list|create|add|allocate|deallocate|change|remove|check|place|cancel|set|confirm|preview)[A-Z]\w*$/,
      );
    }
    expect(operation('post', '/api/allocations').operationId).toBe('allocateLine');
    expect(operation('get', '/api/batches').operationId).toBe('listBatches');
  });

  it('gives every error status examples of its own codes, each with that status', () => {
    for (const { operation: op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const examples = response.content?.['application/json']?.examples ?? {};
        expect(Object.keys(examples).length).toBeGreaterThan(0);
        for (const [code, example] of Object.entries(examples)) {
          expect(example.value).toMatchObject({ statusCode: Number(status), code });
        }
      }
    }
  });

  it('documents each route with the failures it can really give', () => {
    expect(exampleCodes(operation('post', '/api/allocations'), 409).sort()).toEqual([
      'LINE_ALREADY_ALLOCATED',
      'LINE_SHIPPED',
      'OUT_OF_STOCK',
    ]);
    expect(exampleCodes(operation('patch', '/api/batches/{reference}'), 409)).toEqual([
      'STOCK_RESERVED',
      'STOCK_LIMIT_EXCEEDED',
    ]);
    expect(exampleCodes(operation('post', '/api/pick-lists'), 409)).toEqual(['NOTHING_TO_PICK']);
    expect(exampleCodes(operation('post', '/api/batches'), 409)).toEqual([
      'DUPLICATE_BATCH_REFERENCE',
      'STOCK_LIMIT_EXCEEDED',
    ]);
    expect(exampleCodes(operation('get', '/api/batches/{reference}'), 404)).toEqual([
      'BATCH_NOT_FOUND',
    ]);
    expect(exampleCodes(operation('get', '/api/products/{sku}'), 404)).toEqual([
      'PRODUCT_NOT_FOUND',
    ]);
  });

  it('types page and pageSize as integers', () => {
    const parameters = operation('get', '/api/batches').parameters ?? [];
    const typeOf = (name: string) => parameters.find((p) => p.name === name)?.schema?.type;
    expect(typeOf('page')).toBe('integer');
    expect(typeOf('pageSize')).toBe('integer');
  });
});
