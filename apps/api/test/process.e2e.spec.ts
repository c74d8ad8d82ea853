import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@allocation/platform/testing';
import { Client } from 'pg';
import { EventStream } from './sse';
import { healthy, post, ROOT, start } from './service-process';
import { contractPlatforms } from './support';

describe('the service process', () => {
  it('refuses to start on invalid configuration, saying what is wrong', async () => {
    const service = await start({ PORT: 'eighty', LOG_LEVEL: 'chatty' });
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain('PORT must be a whole number from 0 to 65535, got "eighty"');
    expect(service.output()).toContain('LOG_LEVEL must be one of');
  });

  it('starts on the embedded database when DATABASE_URL is not set, and prints its URLs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'allocation-data-'));
    const service = await start({ DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '0' });
    let exitCode: number | null = null;
    try {
      await healthy(service);
      expect(service.output()).toMatch(/embedded PostgreSQL/);
      expect(service.output()).toContain('/docs');
      // No API_TOKENS: it starts, and says once that writes are open.
      expect(service.output().split('API_TOKENS is not set').length).toBe(2);
      expect(
        (await post(service.base, '/api/batches', { reference: 'e-1', sku: 'E', quantity: 3 }))
          .status,
      ).toBe(201);
      expect(
        (await post(service.base, '/api/allocations', { orderId: 'e-o', sku: 'E', quantity: 1 }))
          .status,
      ).toBe(201);
    } finally {
      service.child.kill('SIGTERM');
      exitCode = await service.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(exitCode).toBe(0);
  });

  it('stops cleanly when asked to during start-up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'allocation-data-'));
    const service = await start({ DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '0' });
    try {
      for (let i = 0; i < 500 && !service.output().includes('Starting:'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(service.output()).toContain('Starting:');
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(service.output()).toContain('SIGTERM received');
    } finally {
      service.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe.each(contractPlatforms())('on SIGTERM, on %s', (httpPlatform) => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase({ migrate: false });
    });

    afterAll(async () => {
      await database.drop();
    });

    it('reports unhealthy, answers the requests already sent, then exits 0', async () => {
      const service = await start({
        HTTP_PLATFORM: httpPlatform,
        DATABASE_URL: database.url,
        SHUTDOWN_GRACE_MS: '500',
      });
      await healthy(service);
      await post(service.base, '/api/batches', { reference: 'sd-1', sku: 'SD', quantity: 100 });
      const answers = Array.from({ length: 30 }, (_, i) =>
        post(service.base, '/api/allocations', { orderId: `sd-${i}`, sku: 'SD', quantity: 1 }).then(
          (response) => response.status,
          () => 'connection error',
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      service.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await fetch(`${service.base}/api/health`)).status).toBe(503);
      expect(await Promise.all(answers)).toEqual(Array.from({ length: 30 }, () => 201));
      expect(await service.exited).toBe(0);
    });

    it('ends live event streams at once, so they do not hold the stop up, and exits 0', async () => {
      const service = await start({
        HTTP_PLATFORM: httpPlatform,
        DATABASE_URL: database.url,
        SHUTDOWN_GRACE_MS: '300',
      });
      await healthy(service);
      const stream = await EventStream.open(`${service.base}/api/events/stream`);
      await post(service.base, '/api/batches', { reference: 'sse-1', sku: 'SSE', quantity: 1 });
      await stream.waitFor(1);
      const stopping = Date.now();
      service.child.kill('SIGTERM');
      await stream.waitForEnd(2_000);
      expect(await service.exited).toBe(0);
      // The drain waits for quiet (0.5 s) after the grace: a stream left open would add the
      // whole 10 s of SHUTDOWN_DRAIN_MS.
      expect(Date.now() - stopping).toBeLessThan(5_000);
    });
  });

  // The long drain under load runs on the default platform; the drain itself is in the contract
  // above, on both.
  describe('on SIGTERM, under load', () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase({ migrate: false });
    });

    afterAll(async () => {
      await database.drop();
    });

    it('under steady traffic, answers every request it received before closing the pool', async () => {
      // The drain's deadline passes while clients are still sending: it stops accepting, but
      // every request already received is answered, and only then the pool closes.
      const service = await start({
        DATABASE_URL: database.url,
        SHUTDOWN_GRACE_MS: '200',
        SHUTDOWN_DRAIN_MS: '300',
      });
      await healthy(service);
      await post(service.base, '/api/batches', { reference: 'st-1', sku: 'ST', quantity: 1e6 });
      const { port } = new URL(service.base);
      const answered = new Map<string, number>();
      const failed = new Map<string, string>();
      const send = (agent: Agent, orderId: string) =>
        new Promise<void>((resolve) => {
          const body = JSON.stringify({ orderId, sku: 'ST', quantity: 1 });
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: '/api/allocations',
              method: 'POST',
              agent,
              headers: { 'Content-Type': 'application/json' },
            },
            (response) => {
              response.resume();
              response.on('end', () => {
                answered.set(orderId, response.statusCode ?? 0);
                resolve();
              });
            },
          );
          req.on('error', (error: NodeJS.ErrnoException) => {
            failed.set(orderId, error.code ?? error.message);
            resolve();
          });
          req.end(body);
        });
      const client = async (c: number) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        for (let i = 0; failed.get(`st-${c}-${i - 1}`) !== 'ECONNREFUSED'; i++) {
          await send(agent, `st-${c}-${i}`);
        }
        agent.destroy();
      };
      const clients = Promise.all(Array.from({ length: 12 }, (_, c) => client(c)));
      // Stopped once traffic is really flowing (by count, not after a time that a slow machine
      // fills with fewer requests); the deadline only stops a hang.
      for (const deadline = Date.now() + 60_000; answered.size < 100;) {
        if (Date.now() > deadline) throw new Error(`only ${answered.size} answers before stopping`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      service.child.kill('SIGTERM');
      await clients;
      expect(await service.exited).toBe(0);
      expect(service.output()).not.toContain('still running');

      const statuses = new Set(answered.values());
      expect([...statuses]).toEqual([201]);
      // Whatever failed to connect never reached the service: nothing of it is stored, and
      // everything stored was answered.
      const db = new Client({ connectionString: database.url });
      await db.connect();
      const stored = await db.query<{ order_id: string }>(
        "SELECT order_id FROM allocations WHERE sku = 'ST'",
      );
      await db.end();
      const storedIds = stored.rows.map((r) => r.order_id);
      expect(storedIds.filter((id) => answered.get(id) !== 201)).toEqual([]);
      expect(storedIds.length).toBe(answered.size);
      expect(answered.size).toBeGreaterThanOrEqual(100);
      expect(
        [...new Set(failed.values())].every((code) => /ECONNREFUSED|ECONNRESET/.test(code)),
      ).toBe(true);
    });

    it('leaves built files that are up to date as they are on `npm start`, so programs running from them go on', async () => {
      // Without Nx's daemon (CI, containers) a cache hit deletes and copies back every output:
      // the planner or a service started from them meanwhile found files missing.
      const built = () =>
        new Map(
          ['dist/apps', ...readdirSync(join(ROOT, 'packages')).map((p) => `packages/${p}/dist`)]
            .flatMap((dir) =>
              readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((file) =>
                join(dir, file),
              ),
            )
            .map((file) => {
              const stat = statSync(join(ROOT, file));
              return [file, `${stat.ino} ${stat.mtimeMs}`] as const;
            }),
        );
      const before = built();
      const service = await start(
        { DATABASE_URL: database.url, SHUTDOWN_GRACE_MS: '0', NX_DAEMON: 'false' },
        { file: 'npm', args: ['start', '--silent'] },
      );
      try {
        await healthy(service);
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }
      expect(before.size).toBeGreaterThan(100);
      expect(built()).toEqual(before);
    });

    it('stops the server started by `npm start` when npm itself is told to stop', async () => {
      // A process manager signals the process it started: here npm, not node.
      const service = await start(
        { DATABASE_URL: database.url, SHUTDOWN_GRACE_MS: '0' },
        { file: 'npm', args: ['start', '--silent'] },
      );
      await healthy(service);
      service.child.kill('SIGTERM');
      await service.exited;
      expect(service.output()).toContain('SIGTERM received');
      await expect(fetch(`${service.base}/api/health`)).rejects.toThrow();
    });
  });
});
