import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { testConfig } from '../testing/app-config';
import { rootLoggerOptions } from '../logging/root-logger';
import { accessLog } from './access-log';
import { requestIdOf } from './request-id';

const config = { ...testConfig('postgresql://x@127.0.0.1/x'), logLevel: 'info' as const };

let lines: Array<Record<string, unknown>>;
let server: Server;
let base: string;

beforeAll(async () => {
  lines = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const log = accessLog(pino(rootLoggerOptions(config), sink));
  server = createServer((request, response) => {
    // As the request middleware does: the line is written once the answer is sent.
    response.once('finish', () => log(request, response, '/api/health', 0.0042));
    response.setHeader('X-Request-Id', requestIdOf(request));
    response.statusCode = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('s'));
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const logOf = async (
  status: number,
  init: { query?: string; headers?: Record<string, string> } = {},
): Promise<Record<string, unknown>> => {
  const before = lines.length;
  await fetch(`${base}/api/health?s=${status}${init.query ?? ''}`, { headers: init.headers });
  for (let i = 0; i < 50 && lines.length === before; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const line = lines[before];
  if (line === undefined) throw new Error(`no access log line for ${status}`);
  return line;
};

const PINO = { info: 30, warn: 40, error: 50 };

describe('access logs', () => {
  it('never show a token, in the Authorization header or in the query', async () => {
    const line = await logOf(200, {
      query: '&access_token=secret-token-0123456789',
      headers: { Authorization: 'Bearer secret-token-0123456789' },
    });
    expect(JSON.stringify(line)).not.toContain('secret-token');
    expect(line['req']).toMatchObject({ url: expect.stringContaining('access_token=[redacted]') });
  });

  it.each(['access%5Ftoken', '%61ccess_token', 'access%5ftoken', 'access_token'])(
    'never show a token in the query however its name is escaped: %s',
    async (name) => {
      const line = await logOf(200, { query: `&${name}=secret-token-0123456789&x=1` });
      expect(JSON.stringify(line)).not.toContain('secret-token');
      expect(line['req']).toMatchObject({ url: expect.stringContaining(`${name}=[redacted]&x=1`) });
    },
  );

  it('log a success at info with the request id, the route pattern and the time taken', async () => {
    const line = await logOf(200, { headers: { 'X-Request-Id': 'trace-7' } });
    expect(line['level']).toBe(PINO.info);
    expect(line['req']).toMatchObject({ id: 'trace-7', method: 'GET', route: '/api/health' });
    expect(line['res']).toEqual({ statusCode: 200 });
    expect(line['responseTime']).toBe(4.2);
  });

  it('log a 503 (draining, database down) as a warning without a made-up stack', async () => {
    const line = await logOf(503);
    expect(line['level']).toBe(PINO.warn);
    expect(line).not.toHaveProperty('err');
  });

  it('log any other 5xx as an error', async () => {
    const line = await logOf(500);
    expect(line['level']).toBe(PINO.error);
  });
});

describe('at a level above info', () => {
  it('log no successes, only the 5xx answers', () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    });
    const log = accessLog(pino({ level: 'warn' }, sink));
    const request = { headers: {}, method: 'GET', url: '/api/batches', socket: {} };
    for (const statusCode of [200, 404, 503]) {
      log(request as never, { statusCode } as never, '/api/batches', 0.001);
    }
    expect(written.map((line) => (JSON.parse(line) as { res: unknown }).res)).toEqual([
      { statusCode: 503 },
    ]);
  });
});
