import type { FeedItem } from './event-feed';

/** The outcome of one turn of a durable outbox reader. */
export type ConsumerTurn =
  /** Another instance holds this reader's lock: it is doing the work. */
  | { readonly _tag: 'Busy' }
  /**
   * Events read after the cursor, those of the reader's types handed to the handler, and the
   * cursor moved past them all; `more` when the turn stopped at its bounds, not at the feed's end.
   */
  | { readonly _tag: 'Delivered'; readonly count: number; readonly more: boolean };

/**
 * Durable readers of the outbox, each with a cursor kept in the database. A turn runs as the only
 * holder of the reader's lock across every instance (a lock that dies with its connection, so
 * another instance takes over when the holder dies), reads up to `limit` events after the
 * cursor, hands them to `handle`, and moves the cursor past them only if `handle` succeeds:
 * delivery is at least once, in feed order.
 */
export interface OutboxConsumers {
  turn(
    name: string,
    limit: number,
    handle: (items: ReadonlyArray<FeedItem>) => Promise<void>,
    options?: TurnOptions,
  ): Promise<ConsumerTurn>;
}

export interface TurnOptions {
  /**
   * Hold the lock (and its connection) while handling: the default. A handler that itself needs
   * the database (the embedded one has a single connection) runs after the lock is let go; then
   * two instances may now and then handle the same events, so such a handler must be idempotent.
   */
  readonly holdWhileHandling?: boolean;
  /**
   * The event types the reader handles; absent, every type. Others are passed over without being
   * read out of the database, and the cursor moves past them all the same.
   */
  readonly types?: ReadonlyArray<string>;
}

export const OUTBOX_CONSUMERS = Symbol('OutboxConsumers');
