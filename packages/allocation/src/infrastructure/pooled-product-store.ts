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
  /**
   * How long every batch loads its products once another writer has been found changing one:
   * the first time, then twice as long each time another writer is found again, up to the most.
   */
  readonly contestedForMs: { readonly first: number; readonly most: number };
  readonly now: () => number;
  /** Told of each load: whether its products came from the database or from memory. */
  readonly onLoad?: (source: 'database' | 'memory') => void;
}

const defaultOptions: PooledStoreOptions = {
  contestedForMs: { first: 1_000, most: 60_000 },
  now: () => Date.now(),
};

/** Another writer of the products was found `times` times; batches load until `until`. */
interface Contest {
  readonly until: number;
  readonly times: number;
}

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
 * fails the claim once and is found at another version when the batch loads again: with another
 * writer about (another process or instance), every batch loads for a while (`contestedForMs`),
 * as products such a writer shares would mostly fail their claims. A claim that failed only on a
 * line taken to be absent (a retried order line) changes nothing of that.
 */
export class PooledProductStore implements ProductStore {
  /** Each product as last loaded or committed here: the batcher runs one batch at a time. */
  private readonly loaded = new Map<string, Product>();
  /** Another writer was found: until when every batch loads. */
  private contested: Contest = { until: -Infinity, times: 0 };
  /** After a failed commit: the versions it claimed, to find on the next load which moved. */
  private suspects = new Map<string, number>();
  /** What the batch now being decided took without loading, for its commit to check. */
  private assumed: Assumed | undefined;

  private readonly options: PooledStoreOptions;

  constructor(
    private readonly sql: SqlPool,
    options: Partial<PooledStoreOptions> = {},
  ) {
    this.options = { ...defaultOptions, ...options };
  }

  async load(requests: ReadonlyArray<ProductRequest>): Promise<ReadonlyMap<string, LoadedProduct>> {
    const remembered = this.remembered(requests);
    this.options.onLoad?.(remembered === undefined ? 'database' : 'memory');
    if (remembered !== undefined) return remembered;
    this.assumed = undefined;
    const found = await loadProducts(this.sql, requests);
    for (const { product } of found.values()) {
      const claimed = this.suspects.get(product.sku);
      if (claimed !== undefined && claimed !== product.version) this.contest();
      this.loaded.set(product.sku, product);
    }
    this.suspects = new Map();
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
      // Whatever happened to them, they are loaded afresh next time, which tells which moved.
      const claimed = [
        ...writes.flatMap(({ before }) => (before === undefined ? [] : [before])),
        ...(assumed?.versions ?? []),
      ];
      this.forget(claimed.map((p) => p.sku));
      if (error instanceof ConcurrencyConflict) {
        this.suspects = new Map(claimed.map((p) => [p.sku as string, p.version]));
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
   * remembered and no other writer is about (what the commit is to check); else undefined.
   */
  private remembered(
    requests: ReadonlyArray<ProductRequest>,
  ): ReadonlyMap<string, LoadedProduct> | undefined {
    if (this.options.now() < this.contested.until) return undefined;
    const products = new Map<string, LoadedProduct>();
    for (const request of requests) {
      const product = this.loaded.get(request.sku);
      if (product === undefined || request.release !== undefined) return undefined;
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

  private contest(): void {
    const times = this.contested.times + 1;
    const { first, most } = this.options.contestedForMs;
    const forMs = Math.min(most, first * 2 ** (times - 1));
    this.contested = { until: this.options.now() + forMs, times };
  }
}
