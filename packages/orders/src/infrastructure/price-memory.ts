import type { UnitPrice } from '@allocation/orders-domain';

/** A price a statement context took from memory, for the order's write to check. */
export interface AssumedPrice {
  readonly sku: string;
  readonly price: UnitPrice;
}

/**
 * The catalogue's prices as this process last read them. An order's own change (without a
 * transaction) is priced from here without a read when every price it needs is remembered; its
 * write then checks, in the same statement, that each of those prices is still the catalogue's
 * (`order-sql.ts`). If one moved (set by another process), nothing is written, the prices are
 * forgotten, and the command runs again in a transaction on prices read afresh: a price changed
 * elsewhere costs one retry, never a wrong price.
 */
export class PriceMemory {
  private readonly prices = new Map<string, UnitPrice>();

  /** Every one of these SKUs' prices, when each is remembered; else undefined. */
  recall(skus: ReadonlyArray<string>): ReadonlyMap<string, UnitPrice> | undefined {
    const found = new Map<string, UnitPrice>();
    for (const sku of skus) {
      const price = this.prices.get(sku);
      if (price === undefined) return undefined;
      found.set(sku, price);
    }
    return found;
  }

  learn(prices: ReadonlyMap<string, UnitPrice>): void {
    for (const [sku, price] of prices) this.prices.set(sku, price);
  }

  forget(skus: ReadonlyArray<string>): void {
    for (const sku of skus) this.prices.delete(sku);
  }
}
