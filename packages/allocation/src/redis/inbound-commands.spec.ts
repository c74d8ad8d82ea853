import {
  defaultInboundOptions,
  InboundCommands,
  type InboundRedis,
  type Leadership,
} from './inbound-commands';

/** Pub/sub as Redis does it: every subscriber gets every message, in publish order. */
class FakeRedis {
  private readonly subscribers = new Set<(channel: string, raw: string) => void>();

  connection(): InboundRedis {
    let mine: ((channel: string, raw: string) => void) | undefined;
    return {
      subscribe: (_channels, onMessage) => {
        mine = onMessage;
        this.subscribers.add(onMessage);
      },
      publish: async (channel, message) => this.publish(channel, message),
      close: () => {
        if (mine !== undefined) this.subscribers.delete(mine);
      },
    };
  }

  publish(channel: string, message: string): void {
    for (const deliver of [...this.subscribers]) deliver(channel, message);
  }
}

/** One lock, granted in the order it was asked for; `crash` drops the holder's session. */
class FakeLock {
  private holder: FakeLeadership | undefined;
  private readonly waiting: FakeLeadership[] = [];

  leadership(): FakeLeadership {
    return new FakeLeadership(this);
  }

  ask(who: FakeLeadership): void {
    if (this.holder === undefined) this.grant(who);
    else this.waiting.push(who);
  }

  free(who: FakeLeadership): void {
    const at = this.waiting.indexOf(who);
    if (at >= 0) this.waiting.splice(at, 1);
    if (this.holder !== who) return;
    this.holder = undefined;
    const next = this.waiting.shift();
    if (next !== undefined) this.grant(next);
  }

  crash(): void {
    const holder = this.holder;
    if (holder === undefined) return;
    this.free(holder);
    holder.lose();
  }

  private grant(who: FakeLeadership): void {
    this.holder = who;
    who.granted();
  }
}

class FakeLeadership implements Leadership {
  private resolve: (() => void) | undefined;
  private readonly lost: Array<() => void> = [];

  constructor(private readonly lock: FakeLock) {}

  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.lock.ask(this);
    });
  }

  granted(): void {
    this.resolve?.();
  }

  lose(): void {
    for (const listener of this.lost) listener();
  }

  onLost(listener: () => void): void {
    this.lost.push(listener);
  }

  async release(): Promise<void> {
    this.lock.free(this);
  }
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const CHANNEL = 'change_batch_quantity';
const settle = () => new Promise((resolve) => setImmediate(resolve));

const setUp = () => {
  const redis = new FakeRedis();
  const lock = new FakeLock();
  const executed: Array<{ by: string; raw: string }> = [];
  const instance = (name: string) => {
    const inbound = new InboundCommands(
      redis.connection(),
      lock.leadership(),
      async (raw) => {
        // An execution takes a moment, as a database transaction does.
        await settle();
        executed.push({ by: name, raw });
      },
      quiet,
      defaultInboundOptions(CHANNEL),
    );
    inbound.start();
    return inbound;
  };
  const send = (from: number, to: number) => {
    for (let i = from; i <= to; i++) redis.publish(CHANNEL, `m${i}`);
  };
  const sent = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);
  return { redis, lock, executed, instance, send, sent };
};

describe('inbound Redis commands with several instances listening', () => {
  it('are executed once each, by the one instance that leads, in order', async () => {
    const { executed, instance, send, sent } = setUp();
    const a = instance('a');
    const b = instance('b');
    await settle();
    send(1, 20);
    await a.stop();
    await b.stop();
    expect(executed.map((e) => e.raw)).toEqual(sent(1, 20));
    expect(new Set(executed.map((e) => e.by))).toEqual(new Set(['a']));
  });

  it('are neither lost nor repeated when the leader stops in the middle of a stream', async () => {
    const { executed, instance, send, sent } = setUp();
    const a = instance('a');
    const b = instance('b');
    await settle();
    send(1, 10);
    // The leader is told to stop while messages keep coming, before, during and after its mark.
    const stopping = a.stop();
    send(11, 20);
    await settle();
    send(21, 30);
    await stopping;
    send(31, 40);
    // It comes back (a restart) as a standby, and the new leader stops in turn.
    const again = instance('a2');
    await settle();
    send(41, 50);
    const bStops = b.stop();
    send(51, 60);
    await bStops;
    send(61, 70);
    await settle();
    await again.stop();
    expect(executed.map((e) => e.raw)).toEqual(sent(1, 70));
    expect(executed.filter((e) => e.by === 'b').length).toBeGreaterThan(0);
    expect(executed.filter((e) => e.by === 'a2').length).toBeGreaterThan(0);
  });

  it('go on, none twice, when the leader loses its lock without a handover', async () => {
    const { lock, executed, instance, send, sent } = setUp();
    const a = instance('a');
    const b = instance('b');
    await settle();
    send(1, 5);
    await settle();
    lock.crash();
    await settle();
    send(6, 10);
    await settle();
    await a.stop();
    await b.stop();
    // What the old leader had taken it still finishes; the rest is the new leader's.
    const raws = executed.map((e) => e.raw);
    expect([...raws].sort()).toEqual(['m1', 'm10', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    expect(executed.filter((e) => e.by === 'b').map((e) => e.raw)).toEqual(sent(6, 10));
  });

  it('keep nothing from a handover mark once its window has passed', async () => {
    const { redis, lock, executed } = setUp();
    let now = 0;
    const standby = new InboundCommands(
      redis.connection(),
      lock.leadership(),
      async (raw) => void executed.push({ by: 's', raw }),
      quiet,
      defaultInboundOptions(CHANNEL),
      () => now,
    );
    // Someone else leads: the standby waits behind it.
    const other = lock.leadership();
    await other.acquire();
    standby.start();
    redis.publish(defaultInboundOptions(CHANNEL).handoverChannel, 'elsewhere');
    redis.publish(CHANNEL, 'late');
    now = 60_000;
    await other.release();
    await settle();
    redis.publish(CHANNEL, 'live');
    await standby.stop();
    expect(executed.map((e) => e.raw)).toEqual(['live']);
  });
});
