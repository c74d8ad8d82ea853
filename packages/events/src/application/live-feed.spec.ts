import { setTimeout as sleep } from 'node:timers/promises';
import {
  comparePositions,
  type EventFeed,
  FEED_START,
  type FeedItem,
  type FeedPosition,
  type FeedRead,
  OutboxSignal,
} from '@allocation/platform';
import { LiveFeed } from './live-feed';

/** A feed over an array, counting its reads. */
class ArrayFeed implements EventFeed {
  readonly items: FeedItem[] = [];
  reads = 0;
  failing = false;

  append(type = 'Allocated'): FeedItem {
    const id = this.items.length + 1;
    const item = { id, type, occurredAt: '', data: {}, position: { xid: String(id), id } };
    this.items.push(item);
    return item;
  }

  async read({ after, limit, types }: FeedRead): Promise<ReadonlyArray<FeedItem>> {
    this.reads += 1;
    if (this.failing) throw new Error('database down');
    return this.items
      .filter((item) => comparePositions(item.position, after) > 0)
      .filter((item) => types === undefined || types.includes(item.type))
      .slice(0, limit);
  }

  async positionOf(id: number): Promise<FeedPosition> {
    return this.items[id - 1]?.position ?? FEED_START;
  }

  async end(): Promise<FeedPosition> {
    return this.items.at(-1)?.position ?? FEED_START;
  }
}

const collect = () => {
  const ids: number[] = [];
  let ended = false;
  return {
    ids,
    get ended() {
      return ended;
    },
    deliver: (items: ReadonlyArray<FeedItem>) => {
      ids.push(...items.map((item) => item.id));
    },
    end: () => {
      ended = true;
    },
  };
};

const until = async (condition: () => boolean) => {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error('condition not met');
    await sleep(5);
  }
};

describe('the live feed', () => {
  let feed: ArrayFeed;
  let signal: OutboxSignal;
  let live: LiveFeed;

  beforeEach(() => {
    feed = new ArrayFeed();
    signal = new OutboxSignal();
    live = new LiveFeed(feed, signal, { pollMs: 20, minGapMs: 5, bufferSize: 5, pageSize: 3 });
  });

  afterEach(() => live.close());

  it('gives a new subscriber only what comes after it subscribed', async () => {
    feed.append();
    const a = collect();
    live.subscribe(a);
    await sleep(30);
    feed.append();
    feed.append();
    signal.notify();
    await until(() => a.ids.length === 2);
    expect(a.ids).toEqual([2, 3]);
  });

  it('catches a subscriber up from further back than its buffer, then follows live', async () => {
    for (let n = 0; n < 12; n++) feed.append();
    const early = collect();
    live.subscribe(early);
    await sleep(30);
    const late = collect();
    live.subscribe({ ...late, after: { xid: '2', id: 2 } });
    await until(() => late.ids.length === 10);
    feed.append();
    signal.notify();
    await until(() => late.ids.length === 11 && early.ids.length === 1);
    expect(late.ids).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(early.ids).toEqual([13]);
  });

  it('serves every live subscriber from one read per poll', async () => {
    const subscribers = Array.from({ length: 20 }, () => collect());
    for (const s of subscribers) live.subscribe(s);
    await sleep(50);
    const reads = feed.reads;
    feed.append();
    signal.notify();
    await until(() => subscribers.every((s) => s.ids.length === 1));
    expect(feed.reads - reads).toBeLessThanOrEqual(2);
  });

  it('keeps to the types a subscriber asked for', async () => {
    const s = collect();
    live.subscribe({ ...s, after: FEED_START, types: ['OutOfStock'] });
    feed.append('Allocated');
    feed.append('OutOfStock');
    signal.notify();
    await until(() => s.ids.length === 1);
    await sleep(50);
    expect(s.ids).toEqual([2]);
  });

  it('ends its subscriptions when the feed fails, and stops polling for no one', async () => {
    const s = collect();
    live.subscribe(s);
    await sleep(30);
    feed.failing = true;
    await until(() => s.ended);
    expect(live.subscriberCount).toBe(0);
    const reads = feed.reads;
    await sleep(100);
    expect(feed.reads).toBe(reads);
  });
});
