import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  lineQuantityIn,
  type AllocatedLine,
  type DomainEvent,
  type DuplicateBatchReference,
  type Product,
} from '@allocation/allocation-domain';
import { ConcurrencyConflict, type SqlPool } from '@allocation/platform';
import type {
  LoadedProduct,
  ProductChange,
  ProductRequest,
  ProductStore,
  StandingLine,
} from '../ports/product-store';
import { loadProducts, skusOfOrder, writeProducts, writesOf, type Assumed } from './product-sql';
import { NewestLines } from './newest-lines';

export interface PooledStoreOptions {
  /**
   * How long every batch loads its products once another writer has been found changing one:
   * the first time, then twice as long each time another writer is found again, up to the most.
   */
  readonly contestedForMs: { readonly first: number; readonly most: number };
  readonly now: () => number;
  /** Told of each load: whether its products came from the database or from memory. */
  readonly onLoad?: (source: 'database' | 'memory') => void;
  /** The most lines remembered of one batch (a shrink past them loads). */
  readonly linesPerBatch: number;
}

const defaultOptions: PooledStoreOptions = {
  contestedForMs: { first: 1_000, most: 60_000 },
  now: () => Date.now(),
  linesPerBatch: 2_048,
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
 * It remembers each product as it last loaded or wrote it, with the lines it wrote into each
 * batch since (`NewestLines`). A batch decides on the products it remembers without loading them,
 * taking every line it asks of them to be absent (the common case: a new order) and a shrink's
 * newest lines from those it wrote, and loads only the rest: products it does not remember,
 * and a batch to shrink further than those lines cover. Its commit then checks, in the same
 * statement, that each remembered product is still at the version remembered and that none of
 * those lines exists. So a batch costs one round trip instead of two while this process is the
 * products' only writer. Its own units of work make it forget a product before they change it
 * (`forget`), and those that write without a transaction tell it what they stored (`remember`);
 * a product another process changed fails the claim once and is found at another version when
 * the batch loads again: with another writer about (another process or instance), every batch
 * loads for a while (`contestedForMs`), as products such a writer shares would mostly fail their
 * claims. A claim that failed only on a line taken to be absent (a retried order line) changes
 * nothing of that.
 */
export class PooledProductStore implements ProductStore {
  /** Each product as last loaded or committed here: the batcher runs one batch at a time. */
  private readonly loaded = new Map<string, Product>();
  /** Another writer was found: until when every batch loads. */
  private contested: Contest = { until: -Infinity, times: 0 };
  /** After a failed commit: the versions it claimed, to find on the next load which moved. */
  private suspects = new Map<string, number>();
  /**
   * After a failed commit the batch is decided again on all its products as stored: a product
   * it loaded is remembered without the lines it asked of it, so taking those absent again could
   * fail on the very lines that made it load.
   */
  private loadAll = false;
  /** What the batch now being decided took without loading, for its commit to check. */
  private assumed: Assumed | undefined;
  /** The lines it wrote into each remembered product's batches, newest last (see `NewestLines`). */
  private readonly newest: NewestLines;

  private readonly options: PooledStoreOptions;

  constructor(
    private readonly sql: SqlPool,
    options: Partial<PooledStoreOptions> = {},
  ) {
    this.options = { ...defaultOptions, ...options };
    this.newest = new NewestLines(this.options.linesPerBatch);
  }

  async load(requests: ReadonlyArray<ProductRequest>): Promise<ReadonlyMap<string, LoadedProduct>> {
    const { remembered, rest } = this.loadAll
      ? { remembered: new Map<string, LoadedProduct>(), rest: requests }
      : this.recall(requests);
    this.loadAll = false;
    this.assumed = remembered.size === 0 ? undefined : assumedOf(requests, remembered);
    this.options.onLoad?.(rest.length === 0 ? 'memory' : 'database');
    if (rest.length === 0) return remembered;
    const found = await loadProducts(this.sql, rest);
    for (const { product } of found.values()) {
      const claimed = this.suspects.get(product.sku);
      if (claimed !== undefined && claimed !== product.version) this.contest();
      // Found as remembered, no one else wrote it: what it gained since is still known.
      if (this.loaded.get(product.sku)?.version !== product.version) this.newest.start(product.sku);
      this.loaded.set(product.sku, product);
    }
    this.suspects = new Map();
    return new Map([...remembered, ...found]);
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
      this.loadAll = true;
      if (error instanceof ConcurrencyConflict) {
        this.suspects = new Map(claimed.map((p) => [p.sku as string, p.version]));
      }
      throw error;
    }
    for (const write of writes) {
      this.loaded.set(write.after.sku, write.after);
      this.newest.record(write);
    }
    return E.right(undefined);
  }

  forget(skus: ReadonlyArray<string>): void {
    for (const sku of skus) {
      this.loaded.delete(sku);
      this.newest.forget(sku);
    }
  }

  remember(products: ReadonlyArray<Product>): void {
    for (const product of products) {
      this.loaded.set(product.sku, product);
      // Its lines were written elsewhere: only those allocated from now on are known.
      this.newest.start(product.sku);
    }
  }

  skusOfOrder(orderId: string): ReturnType<NonNullable<ProductStore['skusOfOrder']>> {
    return skusOfOrder(this.sql, orderId);
  }

  /**
   * The lines a batch lets go to keep at most `keeping`, newest first, from the lines it gained
   * while remembered: undefined if they do not cover what it holds past that.
   */
  private releasingOf(
    product: Product,
    release: NonNullable<ProductRequest['release']>,
  ): ReadonlyArray<AllocatedLine> | undefined {
    const batch = product.batches.find((b) => b.reference === release.reference);
    const covering = (batch?.allocatedQuantity ?? 0) - release.keeping;
    if (covering <= 0) return [];
    const gained = this.newest.gained(product.sku, release.reference);
    const newest: AllocatedLine[] = [];
    let freed = 0;
    for (let i = gained.length - 1; i >= 0 && freed < covering; i--) {
      const line = gained[i] as AllocatedLine;
      newest.push(line);
      freed += lineQuantityIn(line, release.reference);
    }
    return freed >= covering ? newest : undefined;
  }

  /**
   * The products that can be decided on as remembered, with no line for any order (what the
   * commit is to check), and the requests that must load: those of a product not remembered, or
   * of a batch to shrink further than the lines it gained while remembered cover, and every
   * request while another writer is about.
   */
  private recall(requests: ReadonlyArray<ProductRequest>): {
    remembered: Map<string, LoadedProduct>;
    rest: ReadonlyArray<ProductRequest>;
  } {
    const remembered = new Map<string, LoadedProduct>();
    if (this.options.now() < this.contested.until) return { remembered, rest: requests };
    const loading = new Set<string>();
    const releasing = new Map<string, Map<string, ReadonlyArray<AllocatedLine>>>();
    const standing = new Map<string, Map<string, AllocatedLine>>();
    for (const { sku, orderId, release, standing: needsLine } of requests) {
      const product = this.loaded.get(sku);
      if (product === undefined) loading.add(sku);
      else if (needsLine === true && orderId !== undefined) {
        // Known only if written here since: else it may stand from before, as loaded.
        const line = this.newest.lineOf(sku, orderId);
        if (line === undefined) loading.add(sku);
        else standing.set(sku, (standing.get(sku) ?? new Map()).set(orderId, line));
      } else if (release !== undefined) {
        const lines = this.releasingOf(product, release);
        if (lines === undefined) loading.add(sku);
        else releasing.set(sku, (releasing.get(sku) ?? new Map()).set(release.reference, lines));
      }
    }
    const rest = requests.filter((request) => loading.has(request.sku));
    for (const { sku } of requests) {
      const product = this.loaded.get(sku);
      if (product === undefined || loading.has(sku)) continue;
      const lets = releasing.get(sku);
      const lines = new Map<string, StandingLine>();
      for (const [orderId, line] of standing.get(sku) ?? []) lines.set(orderId, O.some(line));
      remembered.set(sku, {
        product,
        lines,
        ...(lets === undefined ? {} : { releasing: lets }),
      });
    }
    return { remembered, rest };
  }

  private contest(): void {
    const times = this.contested.times + 1;
    const { first, most } = this.options.contestedForMs;
    const forMs = Math.min(most, first * 2 ** (times - 1));
    this.contested = { until: this.options.now() + forMs, times };
  }
}

/** What deciding on remembered products takes: their versions, and their asked lines absent. */
const assumedOf = (
  requests: ReadonlyArray<ProductRequest>,
  remembered: ReadonlyMap<string, LoadedProduct>,
): Assumed => ({
  absent: requests.flatMap(({ sku, orderId, standing }) =>
    orderId === undefined || standing === true || !remembered.has(sku) ? [] : [{ sku, orderId }],
  ),
  versions: [...remembered.values()].map(({ product }) => ({
    sku: product.sku,
    version: product.version,
  })),
});
