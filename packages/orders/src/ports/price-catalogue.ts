import type * as O from 'fp-ts/Option';
import type { Sku, UnitPrice } from '@allocation/orders-domain';

/** The pricing service: what a unit of a SKU costs now. */
export interface PriceCatalogue {
  priceOf(sku: Sku): Promise<O.Option<UnitPrice>>;
  /**
   * The prices of several SKUs at once; a SKU without a price is missing from the map. No SKUs:
   * an empty map, without a read.
   */
  pricesOf(skus: ReadonlyArray<Sku>): Promise<ReadonlyMap<string, UnitPrice>>;
  set(sku: Sku, price: UnitPrice): Promise<void>;
}
