import type * as E from 'fp-ts/Either';
import type {
  DomainEvent,
  DuplicateBatchReference,
  OrderId,
  Product,
  Sku,
} from '@allocation/allocation-domain';
import type { LineChanges, StandingLine } from './product.repository';

/** A product to load, and the order whose line of it a command needs (if any). */
export interface ProductRequest {
  readonly sku: Sku;
  readonly orderId?: OrderId;
}

/** A product as commands decide on it: its state and the lines they asked for, by order id. */
export interface LoadedProduct {
  readonly product: Product;
  readonly lines: ReadonlyMap<string, StandingLine>;
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
}
