/**
 * The outbox read as a feed. Feed order is (writing transaction, id): ids are taken at insert,
 * not at commit, so a transaction that started early may insert a higher id than one that
 * commits before it; ordering by transaction and showing only transactions older than the oldest
 * one still running gives a prefix that never changes, so a reader that resumes after the last
 * item it saw never misses one.
 */
export interface FeedItem {
  readonly id: number;
  readonly type: string;
  /** ISO 8601 time of the writing transaction. */
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Where this item sits in feed order; resume after it to read what follows. */
  readonly position: FeedPosition;
}

export interface FeedPosition {
  /** The writing transaction's id (`xid8`), in decimal. */
  readonly xid: string;
  readonly id: number;
}

/** Before the first event. */
export const FEED_START: FeedPosition = { xid: '0', id: 0 };

export interface FeedRead {
  readonly after: FeedPosition;
  readonly limit: number;
  /** Only these event types; every type when absent. */
  readonly types?: ReadonlyArray<string>;
}

export interface EventFeed {
  read(request: FeedRead): Promise<ReadonlyArray<FeedItem>>;
  /**
   * The position of the event with this id, for clients that only know ids (the HTTP feed's
   * `after`, an SSE `Last-Event-ID`). An id no longer stored (pruned) resumes after the newest
   * transaction that wrote ids up to it.
   */
  positionOf(id: number): Promise<FeedPosition>;
  /** The position of the last event a reader can see now: live readers start there. */
  end(): Promise<FeedPosition>;
}

export const EVENT_FEED = Symbol('EventFeed');

/** Negative when `a` comes before `b` in feed order. */
export const comparePositions = (a: FeedPosition, b: FeedPosition): number => {
  const byXid = BigInt(a.xid) - BigInt(b.xid);
  if (byXid !== 0n) return byXid < 0n ? -1 : 1;
  return a.id - b.id;
};
