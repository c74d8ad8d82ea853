import { readdirSync, readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '@allocation/platform/testing';
import { Client } from 'pg';
import { healthy, post, start, type Started } from './service-process';

/** The live child processes of `pid`, from /proc (Linux, as on every machine here). */
const childrenOf = (pid: number | undefined): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // Field 3 is the parent; a zombie (Z) has exited already.
        return Number(fields[1]) === pid && fields[0] !== 'Z' ? [Number(entry)] : [];
      } catch {
        return [];
      }
    });

/** The process ids in the access log lines of answered allocations. */
const allocationAnswerers = (service: Started): Set<number> =>
  new Set(
    service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"route":"/api/allocations"'))
      .map((line) => Number(/"pid":(\d+)/.exec(line)?.[1])),
  );

const until = async (condition: () => boolean, what: string): Promise<void> => {
  // Only against a hang: a replacement starts within a couple of seconds.
  for (const deadline = Date.now() + 30_000; !condition();) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('API_PROCESSES=2', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });

  afterAll(async () => {
    await database.drop();
  });

  // Whatever a test leaves running is ended, or the database could not be dropped.
  const started: Started[] = [];
  const run = async (env: Record<string, string>): Promise<Started> => {
    const service = await start(env);
    started.push(service);
    return service;
  };

  afterEach(() => {
    for (const service of started.splice(0)) {
      for (const child of childrenOf(service.child.pid)) process.kill(child, 'SIGKILL');
      service.child.kill('SIGKILL');
    }
  });

  it('serves one port from two processes, exactly, and stops them both on SIGTERM', async () => {
    const service = await run({
      DATABASE_URL: database.url,
      API_PROCESSES: '2',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      SHUTDOWN_GRACE_MS: '0',
    });
    await healthy(service);
    // The first process may answer before the second listens; the primary says when both do.
    await until(() => service.output().includes('in 2 processes'), 'both processes to listen');
    expect(childrenOf(service.child.pid)).toHaveLength(2);
    await post(service.base, '/api/batches', { reference: 'cl-1', sku: 'CL', quantity: 150 });
    // 200 lines of 1 for 150 units, all at once over many connections: each process batches its
    // own, and together they must still give out exactly what the batch holds.
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(service.base, '/api/allocations', { orderId: `cl-${i}`, sku: 'CL', quantity: 1 }).then(
          (response) => response.status,
        ),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(150);
    expect(statuses.filter((status) => status === 409)).toHaveLength(50);
    expect(allocationAnswerers(service).size).toBe(2);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const stored = await client.query<{ lines: number; allocated: number }>(
        `SELECT (SELECT count(*)::int FROM allocations WHERE sku = 'CL') AS lines,
                (SELECT allocated_quantity::int FROM batches WHERE reference = 'cl-1') AS allocated`,
      );
      expect(stored.rows[0]).toEqual({ lines: 150, allocated: 150 });
    } finally {
      await client.end();
    }
    const pid = service.child.pid;
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(childrenOf(pid)).toEqual([]);
  });

  it('replaces a process that dies, and keeps serving meanwhile', async () => {
    const service = await run({
      DATABASE_URL: database.url,
      API_PROCESSES: '2',
      SHUTDOWN_GRACE_MS: '0',
    });
    await healthy(service);
    const [victim] = childrenOf(service.child.pid);
    expect(victim).toBeDefined();
    process.kill(victim ?? 0, 'SIGKILL');
    // The other process answers meanwhile (a client retries a connection lost with the dead one).
    await healthy(service);
    await until(() => {
      const now = childrenOf(service.child.pid);
      return now.length === 2 && !now.includes(victim ?? 0);
    }, 'a replacement process');
    expect(service.output()).toContain(`Process ${victim} ended (SIGKILL); replacing it`);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('refuses to start on the embedded database, which serves one process', async () => {
    const service = await run({ API_PROCESSES: '2' });
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain('API_PROCESSES above 1 needs DATABASE_URL');
  });
});
