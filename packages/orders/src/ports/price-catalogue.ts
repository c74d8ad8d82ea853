import type * as O from 'fp-ts/Option';
import type { Sku, UnitPrice } from '@allocation/orders-domain';

/** The pricing service: what a unit of a SKU costs now. */
export interface PriceCatalogue {
  priceOf(sku: Sku): Promise<O.Option<UnitPrice>>;
  set(sku: Sku, price: UnitPrice): Promise<void>;
}
