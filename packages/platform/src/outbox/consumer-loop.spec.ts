import { setTimeout as sleep } from 'node:timers/promises';
import { OutboxSignal } from '../application/outbox-signal';
import type { FeedItem } from './event-feed';
import type { ConsumerTurn, OutboxConsumers } from './outbox-consumers';
import { ConsumerLoop, type ConsumerLoopOptions } from './consumer-loop';

const options: ConsumerLoopOptions = {
  batchSize: 2,
  pollMs: 1_000,
  minGapMs: 5,
  standbyMs: 30,
  backoff: { initialMs: 10, maxMs: 40 },
};

const item = (id: number): FeedItem => ({
  id,
  type: 'Allocated',
  occurredAt: '',
  data: {},
  position: { xid: '1', id },
});

/** An outbox of `pending` events behind a cursor, one lock holder at a time, in memory. */
class MemoryConsumers implements OutboxConsumers {
  cursor = 0;
  busy = false;
  turns = 0;

  constructor(public pending: number) {}

  async turn(
    _name: string,
    limit: number,
    handle: (items: ReadonlyArray<FeedItem>) => Promise<void>,
  ): Promise<ConsumerTurn> {
    this.turns += 1;
    if (this.busy) return { _tag: 'Busy' };
    const items = Array.from({ length: Math.min(limit, this.pending - this.cursor) }, (_, i) =>
      item(this.cursor + i + 1),
    );
    if (items.length > 0) {
      await handle(items);
      this.cursor += items.length;
    }
    return { _tag: 'Delivered', count: items.length, more: items.length === limit };
  }
}

const until = async (condition: () => boolean) => {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error('condition not met');
    await sleep(5);
  }
};

describe('a durable outbox reader', () => {
  const logs: string[] = [];
  const log = { warn: (m: string) => logs.push(`warn ${m}`), log: (m: string) => logs.push(m) };

  beforeEach(() => logs.splice(0));

  it('reads turn after turn while there is more, then waits for a commit', async () => {
    const consumers = new MemoryConsumers(5);
    const seen: number[] = [];
    const signal = new OutboxSignal();
    const loop = new ConsumerLoop(
      consumers,
      { name: 'test', handle: async (items) => void seen.push(...items.map((i) => i.id)) },
      signal,
      log,
      options,
    );
    loop.start();
    await until(() => seen.length === 5);
    consumers.pending = 6;
    signal.notify();
    await until(() => seen.length === 6);
    await loop.stop();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('retries a failing delivery with growing waits, keeping its place, and says so', async () => {
    const consumers = new MemoryConsumers(2);
    let failures = 3;
    const seen: number[] = [];
    const loop = new ConsumerLoop(
      consumers,
      {
        name: 'flaky',
        handle: async (items) => {
          if (failures-- > 0) throw new Error('Redis is down');
          seen.push(...items.map((i) => i.id));
        },
      },
      new OutboxSignal(),
      log,
      options,
    );
    loop.start();
    await until(() => seen.length === 2);
    await loop.stop();
    expect(seen).toEqual([1, 2]);
    expect(logs.filter((m) => m.startsWith('warn'))).toEqual([
      expect.stringMatching(/^warn flaky: delivery failed \(Redis is down\); attempt 1, next in/),
      expect.stringMatching(/attempt 2/),
      expect.stringMatching(/attempt 3/),
    ]);
    expect(logs).toContain('flaky: delivering again');
  });

  it('stands by while another instance holds the lock, and takes over when it is free', async () => {
    const consumers = new MemoryConsumers(1);
    consumers.busy = true;
    const seen: number[] = [];
    const loop = new ConsumerLoop(
      consumers,
      { name: 'standby', handle: async (items) => void seen.push(...items.map((i) => i.id)) },
      new OutboxSignal(),
      log,
      options,
    );
    loop.start();
    await until(() => consumers.turns >= 3);
    expect(seen).toEqual([]);
    consumers.busy = false;
    await until(() => seen.length === 1);
    await loop.stop();
  });

  it('stops promptly, letting the turn in progress finish', async () => {
    const consumers = new MemoryConsumers(1);
    let finished = false;
    const loop = new ConsumerLoop(
      consumers,
      {
        name: 'slow',
        handle: async () => {
          await sleep(50);
          finished = true;
        },
      },
      new OutboxSignal(),
      log,
      options,
    );
    loop.start();
    await until(() => consumers.turns === 1);
    await loop.stop();
    expect(finished).toBe(true);
  });
});
