import { setTimeout as sleep } from 'node:timers/promises';
import {
  connectRedis,
  ConsumerLoop,
  type ConsumerLoopOptions,
  OutboxSignal,
  PrismaOutboxConsumers,
  PrismaService,
  type RedisMessage,
} from '@allocation/platform';
import { type AllocationBus, allocationChannels } from '@allocation/allocation';
import {
  allocateCommand,
  createBatchCommand,
  must,
  prismaAllocationBus,
} from '@allocation/allocation/testing';
import { IoRedisPublisher, type RedisPublisher, redisRelay } from '@allocation/events';
import {
  createTestDatabase,
  MACHINE_REDIS_URL,
  PrivateRedis,
  RedisListener,
  type TestDatabase,
} from '@allocation/platform/testing';

const fast: ConsumerLoopOptions = {
  batchSize: 50,
  pollMs: 20,
  minGapMs: 5,
  standbyMs: 50,
  backoff: { initialMs: 50, maxMs: 200 },
};

const quiet = { warn: () => undefined, log: () => undefined };

let database: TestDatabase;
let prisma: PrismaService;
let bus: AllocationBus;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 6 });
  bus = prismaAllocationBus(prisma);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

/** A relay as an instance of the service runs it, on its own pool. */
const startRelay = (redisUrl: string, wrap: (p: RedisPublisher) => RedisPublisher = (p) => p) => {
  const instance = new PrismaService({ url: database.url, poolSize: 2 });
  const redis = connectRedis(redisUrl, 'relay-test', quiet);
  const loop = new ConsumerLoop(
    new PrismaOutboxConsumers(instance.client),
    redisRelay(wrap(new IoRedisPublisher(redis)), allocationChannels),
    new OutboxSignal(),
    quiet,
    fast,
  );
  loop.start();
  cleanups.push(async () => {
    await loop.stop();
    redis.disconnect();
    await instance.close();
  });
  return loop;
};

const listen = async (url: string) => {
  const listener = await RedisListener.listen(url, ['line_allocated', 'batch_created']);
  cleanups.push(() => listener.close());
  return listener;
};

/** Orders `<prefix>-1…n` of one unit each, on a SKU of their own, one transaction each. */
const allocateOrders = async (sku: string, prefix: string, from: number, to: number) => {
  for (let n = from; n <= to; n++)
    must(await bus.handle(allocateCommand(`${prefix}-${n}`, sku, 1)));
};

const orderIdsOn = (listener: RedisListener, sku: string) =>
  listener.messages
    .filter((m) => m.channel === 'line_allocated' && m.payload['sku'] === sku)
    .map((m) => String(m.payload['orderid']));

const sequence = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}-${from + i}`);

describe('the relay to Redis', () => {
  it('publishes every event once, in feed order, in the reference format', async () => {
    const sku = `RELAY-${Date.now()}`;
    const listener = await listen(MACHINE_REDIS_URL);
    startRelay(MACHINE_REDIS_URL);
    must(await bus.handle(createBatchCommand(`${sku}-b`, sku, 1_000)));
    await allocateOrders(sku, `${sku}-o`, 1, 40);

    await listener.waitFor((m) => m.channel === 'line_allocated' && m.payload['sku'] === sku, 40);
    await sleep(100);
    expect(orderIdsOn(listener, sku)).toEqual(sequence(`${sku}-o`, 1, 40));
    expect(listener.messages.find((m) => m.payload['orderid'] === `${sku}-o-1`)?.payload).toEqual({
      orderid: `${sku}-o-1`,
      sku,
      qty: 1,
      batchref: `${sku}-b`,
    });
    expect(
      listener.messages.filter((m) => m.channel === 'batch_created' && m.payload['sku'] === sku),
    ).toEqual([
      { channel: 'batch_created', payload: { ref: `${sku}-b`, sku, qty: 1_000, eta: null } },
    ]);
  });

  it('loses nothing when Redis stops mid-stream, and resumes in order when it is back', async () => {
    const redis = await PrivateRedis.start();
    cleanups.push(() => redis.stop());
    const sku = `RESTART-${Date.now()}`;
    const listener = await listen(redis.url);
    let gateOpen = true;
    let failures = 0;
    startRelay(redis.url, (publisher) => ({
      publishAll: async (messages) => {
        if (!gateOpen) throw new Error('held back by the test');
        try {
          await publisher.publishAll(messages);
        } catch (error) {
          failures += 1;
          throw error;
        }
      },
    }));
    must(await bus.handle(createBatchCommand(`${sku}-b`, sku, 1_000)));
    await allocateOrders(sku, `${sku}-o`, 1, 10);
    await listener.waitFor((m) => m.payload['sku'] === sku && m.channel === 'line_allocated', 10);

    await redis.stop();
    await allocateOrders(sku, `${sku}-o`, 11, 30);
    await sleep(300);
    expect(failures).toBeGreaterThan(0);

    // Redis is back; the relay waits until the listener has subscribed again (pub/sub keeps
    // nothing for absent subscribers), then must deliver what was written while Redis was down.
    gateOpen = false;
    await redis.start();
    await listener.waitUntilSubscribed();
    gateOpen = true;
    await listener.waitFor((m) => m.payload['sku'] === sku && m.channel === 'line_allocated', 30);
    expect(orderIdsOn(listener, sku)).toEqual(sequence(`${sku}-o`, 1, 30));
  });

  it('runs one relay at a time across instances, never two publishing at once', async () => {
    const sku = `PAIR-${Date.now()}`;
    const listener = await listen(MACHINE_REDIS_URL);
    let publishing = 0;
    let mostAtOnce = 0;
    const watched = (publisher: RedisPublisher): RedisPublisher => ({
      publishAll: async (messages: ReadonlyArray<RedisMessage>) => {
        publishing += 1;
        mostAtOnce = Math.max(mostAtOnce, publishing);
        try {
          await sleep(5);
          await publisher.publishAll(messages);
        } finally {
          publishing -= 1;
        }
      },
    });
    startRelay(MACHINE_REDIS_URL, watched);
    startRelay(MACHINE_REDIS_URL, watched);
    must(await bus.handle(createBatchCommand(`${sku}-b`, sku, 1_000)));
    await Promise.all([0, 1, 2, 3].map((w) => allocateOrders(sku, `${sku}-w${w}`, 1, 15)));

    await listener.waitFor((m) => m.payload['sku'] === sku && m.channel === 'line_allocated', 60);
    await sleep(200);
    const seen = orderIdsOn(listener, sku);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    for (const w of [0, 1, 2, 3]) {
      expect(seen.filter((id) => id.startsWith(`${sku}-w${w}-`))).toEqual(
        sequence(`${sku}-w${w}`, 1, 15),
      );
    }
    expect(mostAtOnce).toBe(1);
  });

  it('is taken over by another instance when the one relaying dies', async () => {
    const sku = `TAKEOVER-${Date.now()}`;
    const listener = await listen(MACHINE_REDIS_URL);
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    let hung = false;
    // The first instance hangs in the middle of its first turn, holding the relay's lock.
    startRelay(MACHINE_REDIS_URL, () => ({
      publishAll: async () => {
        hung = true;
        await stuck;
        throw new Error('this instance is dead');
      },
    }));
    cleanups.push(() => release());
    must(await bus.handle(createBatchCommand(`${sku}-b`, sku, 1_000)));
    await allocateOrders(sku, `${sku}-o`, 1, 5);
    while (!hung) await sleep(10);
    startRelay(MACHINE_REDIS_URL);
    await sleep(300);
    expect(orderIdsOn(listener, sku)).toEqual([]);

    // Its connection dies (as with kill -9): the lock goes with it and the other takes over.
    await prisma.client.$executeRaw`
      SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND database =
             (SELECT oid FROM pg_database WHERE datname = current_database())`;
    await listener.waitFor((m) => m.payload['sku'] === sku && m.channel === 'line_allocated', 5);
    expect(orderIdsOn(listener, sku)).toEqual(sequence(`${sku}-o`, 1, 5));
  });
});
