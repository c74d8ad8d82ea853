import { setTimeout as sleep } from 'node:timers/promises';
import {
  comparePositions,
  type EventFeed,
  type FeedItem,
  type FeedPosition,
  type OutboxSignal,
} from '@allocation/platform';

export interface LiveSubscription {
  /** Resume after this position; `undefined` starts with the next event committed. */
  readonly after?: FeedPosition;
  readonly types?: ReadonlyArray<string>;
  /** Receives items in feed order; the next batch waits until this one is delivered. */
  deliver(items: ReadonlyArray<FeedItem>): Promise<void> | void;
  /** The subscription is over: the feed failed (the database is down) or the service stops. */
  end(): void;
}

export interface LiveFeedOptions {
  readonly pollMs: number;
  /** The least time between polls, so that a burst of commits is read in one query. */
  readonly minGapMs: number;
  /** Recent events kept in memory, so live readers do not each query the database. */
  readonly bufferSize: number;
  readonly pageSize: number;
}

interface Subscriber {
  after: FeedPosition | undefined;
  readonly subscription: LiveSubscription;
}

/**
 * The outbox followed live, by one short poll per process (woken at once by commits made here),
 * shared by every subscriber through a buffer of recent events. A subscriber that resumes from
 * further back than the buffer reads its way forward from the database first. A poll rather than
 * LISTEN/NOTIFY: it works on the embedded database's single connection, needs no connection of
 * its own, and the horizon check that keeps the feed gap-free is needed either way.
 */
export class LiveFeed {
  private readonly subscribers = new Set<Subscriber>();
  private buffer: FeedItem[] = [];
  /** The buffer holds every event after this position... */
  private bufferFrom: FeedPosition | undefined;
  /** ...up to this one, after which the shared poll reads next. */
  private head: FeedPosition | undefined;
  private polling = false;

  constructor(
    private readonly feed: EventFeed,
    private readonly signal: OutboxSignal,
    private readonly options: LiveFeedOptions = {
      pollMs: 250,
      minGapMs: 50,
      bufferSize: 2_000,
      pageSize: 500,
    },
  ) {}

  subscribe(subscription: LiveSubscription): () => void {
    const subscriber: Subscriber = { after: subscription.after, subscription };
    this.subscribers.add(subscriber);
    if (!this.polling) {
      this.polling = true;
      void this.run();
    }
    this.signal.notify();
    return () => this.subscribers.delete(subscriber);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Ends every subscription, on shutdown. */
  close(): void {
    this.endAll();
  }

  private endAll(): void {
    for (const subscriber of [...this.subscribers]) {
      this.subscribers.delete(subscriber);
      subscriber.subscription.end();
    }
  }

  private async run(): Promise<void> {
    while (this.subscribers.size > 0) {
      const mark = this.signal.mark();
      let more = false;
      try {
        await this.pull();
        for (const subscriber of [...this.subscribers]) {
          more = (await this.serve(subscriber)) || more;
        }
      } catch {
        // Streams end and their clients reconnect (with Last-Event-ID) once the database is back.
        this.endAll();
      }
      if (!more) {
        await sleep(this.options.minGapMs);
        await this.signal.wait(Math.max(0, this.options.pollMs - this.options.minGapMs), mark);
      }
    }
    // Nobody is listening: forget the buffer rather than follow the outbox for no one. Set in
    // the same turn as the loop's last check, so a new subscriber always starts a new loop.
    this.buffer = [];
    this.head = undefined;
    this.bufferFrom = undefined;
    this.polling = false;
  }

  /** Reads what was committed since the last poll into the buffer. */
  private async pull(): Promise<void> {
    if (this.head === undefined) {
      this.head = await this.feed.end();
      this.bufferFrom = this.head;
    }
    for (;;) {
      const page = await this.feed.read({ after: this.head, limit: this.options.pageSize });
      const last = page.at(-1);
      if (last === undefined) return;
      this.buffer.push(...page);
      this.head = last.position;
      const excess = this.buffer.length - this.options.bufferSize;
      if (excess > 0) {
        this.bufferFrom = this.buffer[excess - 1]?.position;
        this.buffer = this.buffer.slice(excess);
      }
      if (page.length < this.options.pageSize) return;
    }
  }

  /** Sends a subscriber what it has not seen; true when it is still behind the buffer. */
  private async serve(subscriber: Subscriber): Promise<boolean> {
    const { head, bufferFrom } = this;
    if (head === undefined || bufferFrom === undefined) return false;
    subscriber.after ??= head;
    const after = subscriber.after;
    const behind = comparePositions(after, bufferFrom) < 0;
    const items = behind
      ? await this.feed.read({ after, limit: this.options.pageSize })
      : this.buffer.filter((item) => comparePositions(item.position, after) > 0);
    const last = items.at(-1);
    if (last === undefined) return false;
    subscriber.after = last.position;
    const wanted = subscriber.subscription.types;
    const delivered =
      wanted === undefined ? items : items.filter((item) => wanted.includes(item.type));
    if (delivered.length > 0 && this.subscribers.has(subscriber)) {
      await subscriber.subscription.deliver(delivered);
    }
    return behind;
  }
}
