import { createServer, request as httpRequest, type Server } from 'node:http';
import { bodyOf, strictJsonBodies } from './request-middleware';

// The body reader on a bare Node server, as Fastify's middleware layer hands it the Node request.
let server: Server;
let port: number;

beforeAll(async () => {
  const read = strictJsonBodies(64);
  server = createServer((request, response) =>
    read(request, response, () => {
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ body: bodyOf(request) ?? 'none' }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Sends `parts` one after another, chunked (no Content-Length), and reads the answer. */
const send = (
  parts: ReadonlyArray<string>,
  contentType = 'application/json',
): Promise<{ status: number; body: Record<string, unknown> }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'Content-Type': contentType },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(text) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });

describe('request bodies', () => {
  it('hands on a JSON object sent in pieces', async () => {
    expect(await send(['{"sku":', '"LAMP"}'])).toEqual({
      status: 200,
      body: { body: { sku: 'LAMP' } },
    });
  });

  it('take a chunked body past the limit as 413, without a Content-Length to go by', async () => {
    const answer = await send(['{"a":"', 'x'.repeat(40), 'y'.repeat(40), '"}']);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuse what is not JSON (415) and JSON that is not an object (400)', async () => {
    expect((await send(['sku=LAMP'], 'application/x-www-form-urlencoded')).status).toBe(415);
    const array = await send(['[1]']);
    expect(array).toMatchObject({
      status: 400,
      body: { message: 'The body must be a JSON object' },
    });
  });

  it('read an empty JSON body as no body', async () => {
    expect(await send([''])).toEqual({ status: 200, body: { body: 'none' } });
  });
});
