import * as E from 'fp-ts/Either';
import type { DomainEvent, DuplicateBatchReference, Product } from '@allocation/allocation-domain';
import type { SqlPool } from '@allocation/platform';
import type {
  LoadedProduct,
  ProductChange,
  ProductRequest,
  ProductStore,
} from '../ports/product-store';
import { loadProducts, writeProducts, writesOf } from './product-sql';

/**
 * The group commit's product store: the same statements as a unit of work's repository, on the
 * pool in plain `pg` (see `PrismaService.sql`), with no interactive transaction (on this stack
 * one costs several times the statements it holds). Products are read without a lock: the commit
 * claims each one's version as loaded, so a product another writer changed meanwhile fails the
 * whole commit (`ConcurrencyConflict`), and the batcher then runs its commands one at a time.
 */
export class PooledProductStore implements ProductStore {
  /** Each product as last loaded or committed here: the batcher runs one batch at a time. */
  private readonly loaded = new Map<string, Product>();

  constructor(private readonly sql: SqlPool) {}

  async load(requests: ReadonlyArray<ProductRequest>): Promise<ReadonlyMap<string, LoadedProduct>> {
    const found = await loadProducts(this.sql, requests);
    for (const { product } of found.values()) this.loaded.set(product.sku, product);
    return found;
  }

  async commit(
    changes: ReadonlyArray<ProductChange>,
    events: ReadonlyArray<DomainEvent>,
  ): Promise<E.Either<DuplicateBatchReference, void>> {
    const writes = writesOf(changes, this.loaded);
    await writeProducts(this.sql, writes, events);
    for (const { after } of writes) this.loaded.set(after.sku, after);
    return E.right(undefined);
  }
}
