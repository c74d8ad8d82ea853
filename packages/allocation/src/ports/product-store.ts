import type * as E from 'fp-ts/Either';
import type {
  AllocatedLine,
  BatchReference,
  DomainEvent,
  DuplicateBatchReference,
  OrderId,
  PickListId,
  Product,
  Quantity,
  Sku,
} from '@allocation/allocation-domain';
import type * as O from 'fp-ts/Option';

/** Where one line of the product stands in one batch. */
export interface PortionKey {
  readonly orderId: OrderId;
  readonly batchReference: BatchReference;
}

/**
 * The portion rows one change of a product leaves, netted: each (line, batch) appears at most
 * once, in `held` (its row now, new or replacing the one it had) or in `released` (no row).
 */
export interface LineChanges {
  readonly held: ReadonlyArray<
    PortionKey & {
      readonly quantity: Quantity;
      /** When the product accepted the line, when the change knows; else as it stood. */
      readonly accepted?: number;
    }
  >;
  readonly released: ReadonlyArray<PortionKey>;
  /** Portions that left the warehouse (they are in `released` too): kept as shipped. */
  readonly shipped?: ReadonlyArray<
    PortionKey & { readonly quantity: Quantity; readonly pickListId: PickListId }
  >;
  /** Lines put on (`pickListId`) or taken off (`null`) a pick list. */
  readonly reservation?: {
    readonly orderIds: ReadonlyArray<OrderId>;
    readonly pickListId: PickListId | null;
  };
}

export const noLineChanges: LineChanges = { held: [], released: [] };

/** An order's line for a SKU as it stands: allocated (or not), or gone with a shipment. */
export type StandingLine = O.Option<AllocatedLine> | 'shipped';

/**
 * A product to load, the order whose line of it a command needs (if any), and a batch of it that
 * is to hold no more than `keeping` units (if any): its newest lines past that come with it.
 * A store may take the order's line to be absent and have the commit check it (a new order's
 * line), unless `standing`: the command acts on the line as it stands (a deallocation).
 */
export interface ProductRequest {
  readonly sku: Sku;
  readonly orderId?: OrderId;
  readonly standing?: true;
  readonly release?: { readonly reference: BatchReference; readonly keeping: number };
}

/**
 * A product as commands decide on it: its state, the lines they asked for by order id, and by
 * batch reference the lines each batch asked for lets go, newest first, until what it holds
 * fits `keeping` (lines on a pick list stay; each line comes whole, with its other portions).
 */
export interface LoadedProduct {
  readonly product: Product;
  readonly lines: ReadonlyMap<string, StandingLine>;
  readonly releasing?: ReadonlyMap<string, ReadonlyArray<AllocatedLine>>;
}

/** What a decision changed of one product: its new state and the line rows it leaves. */
export interface ProductChange {
  readonly product: Product;
  readonly lines: LineChanges;
}

/**
 * Where every change of a product is loaded from and committed to: the one write path. A unit of
 * work's repository is one (a command is a batch of one, inside its transaction); the group
 * commit's store is another (many commands, two round trips, no transaction of its own). Commit
 * writes the products as loaded by this store, all or nothing: if any moved since, it throws
 * `ConcurrencyConflict` and writes nothing.
 */
export interface ProductStore {
  load(requests: ReadonlyArray<ProductRequest>): Promise<ReadonlyMap<string, LoadedProduct>>;
  commit(
    changes: ReadonlyArray<ProductChange>,
    events: ReadonlyArray<DomainEvent>,
  ): Promise<E.Either<DuplicateBatchReference, void>>;
  /**
   * Another writer of this process is about to change these products: a store that remembers
   * products between batches must load them afresh.
   */
  forget?(skus: ReadonlyArray<string>): void;
  /** Another writer of this process has just stored these products as they are here. */
  remember?(products: ReadonlyArray<Product>): void;
  /** Every SKU the order has a line of, allocated or waiting, in code-unit order. */
  skusOfOrder?(orderId: OrderId): Promise<ReadonlyArray<Sku>>;
}

/**
 * This process's hold on products (`ProductLocks`), taken by a unit of work before it locks their
 * rows and let go when its transaction ends, so the group commit can leave them out of its batches
 * instead of waiting behind the row locks.
 */
export interface ProductHolds {
  /** Waits for the products; throws `ConcurrencyConflict` after `timeoutMs` on one. */
  acquire(skus: ReadonlyArray<string>, timeoutMs: number): Promise<void>;
  release(skus: Iterable<string>): void;
  /** Told, before the release, of products a write without a transaction has just stored. */
  wrote?(products: ReadonlyArray<Product>): void;
}
