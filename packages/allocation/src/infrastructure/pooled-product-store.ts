import * as E from 'fp-ts/Either';
import type { DomainEvent, DuplicateBatchReference, Product } from '@allocation/allocation-domain';
import { ConcurrencyConflict, type SqlPool } from '@allocation/platform';
import type {
  LoadedProduct,
  ProductChange,
  ProductRequest,
  ProductStore,
} from '../ports/product-store';
import { loadProducts, writeProducts, writesOf, type Assumed } from './product-sql';

export interface PooledStoreOptions {
  /** How long a product another writer changed is loaded afresh for every batch. */
  readonly contestedForMs: number;
  readonly now: () => number;
}

const defaultOptions: PooledStoreOptions = { contestedForMs: 1_000, now: () => Date.now() };

/**
 * The group commit's product store: the same statements as a unit of work's repository, on the
 * pool in plain `pg` (see `PrismaService.sql`), with no interactive transaction (on this stack
 * one costs several times the statements it holds). Products are read without a lock: the commit
 * claims each one's version as loaded, so a product another writer changed meanwhile fails the
 * whole commit (`ConcurrencyConflict`), and the batcher decides the batch again.
 *
 * It remembers each product as it last loaded or wrote it. A batch whose products are all
 * remembered is decided on them without a load, taking every line it asks for to be absent (the
 * common case: a new order); its commit then checks, in the same statement, that each of those
 * products is still at the version remembered and that none of those lines exists. So a batch
 * costs one round trip instead of two while this process is the products' only writer. Its own
 * units of work make it forget a product before they change it (`forget`), and those that write
 * without a transaction tell it what they stored (`remember`); a product another process changed
 * fails the claim once, and is then loaded afresh for `contestedForMs`.
 */
export class PooledProductStore implements ProductStore {
  /** Each product as last loaded or committed here: the batcher runs one batch at a time. */
  private readonly loaded = new Map<string, Product>();
  /** Products another writer changed lately, until when they are loaded every time. */
  private readonly contested = new Map<string, number>();
  /** What the batch now being decided took without loading, for its commit to check. */
  private assumed: Assumed | undefined;

  constructor(
    private readonly sql: SqlPool,
    private readonly options: PooledStoreOptions = defaultOptions,
  ) {}

  async load(requests: ReadonlyArray<ProductRequest>): Promise<ReadonlyMap<string, LoadedProduct>> {
    const remembered = this.remembered(requests);
    if (remembered !== undefined) return remembered;
    this.assumed = undefined;
    const found = await loadProducts(this.sql, requests);
    for (const { product } of found.values()) this.loaded.set(product.sku, product);
    return found;
  }

  async commit(
    changes: ReadonlyArray<ProductChange>,
    events: ReadonlyArray<DomainEvent>,
  ): Promise<E.Either<DuplicateBatchReference, void>> {
    const writes = writesOf(changes, this.loaded);
    const assumed = this.assumed;
    this.assumed = undefined;
    try {
      await writeProducts(this.sql, writes, events, assumed);
    } catch (error) {
      // Whatever happened to them, they are loaded afresh next time.
      const touched = [
        ...writes.map((w) => w.after.sku as string),
        ...(assumed?.versions ?? []).map((p) => p.sku),
      ];
      this.forget(touched);
      if (error instanceof ConcurrencyConflict) {
        const until = this.options.now() + this.options.contestedForMs;
        for (const sku of touched) this.contested.set(sku, until);
      }
      throw error;
    }
    for (const { after } of writes) this.loaded.set(after.sku, after);
    return E.right(undefined);
  }

  forget(skus: ReadonlyArray<string>): void {
    for (const sku of skus) this.loaded.delete(sku);
  }

  remember(products: ReadonlyArray<Product>): void {
    for (const product of products) this.loaded.set(product.sku, product);
  }

  /**
   * Every product asked for as remembered, with no line for any order, when each one is
   * remembered and not contested (what the commit is to check); else undefined (a load).
   */
  private remembered(
    requests: ReadonlyArray<ProductRequest>,
  ): ReadonlyMap<string, LoadedProduct> | undefined {
    const products = new Map<string, LoadedProduct>();
    for (const request of requests) {
      const product = this.loaded.get(request.sku);
      if (product === undefined || request.release !== undefined || this.isContested(request.sku)) {
        return undefined;
      }
      products.set(request.sku, { product, lines: new Map() });
    }
    this.assumed = {
      absent: requests.flatMap(({ sku, orderId }) =>
        orderId === undefined ? [] : [{ sku, orderId }],
      ),
      versions: [...products.values()].map(({ product }) => ({
        sku: product.sku,
        version: product.version,
      })),
    };
    return products;
  }

  private isContested(sku: string): boolean {
    const until = this.contested.get(sku);
    if (until === undefined) return false;
    if (this.options.now() < until) return true;
    this.contested.delete(sku);
    return false;
  }
}
