import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { BatchReference, Eta, OrderId, Quantity, Sku, StockQuantity } from '../lib/value-objects';
import {
  addBatch,
  emptyProduct,
  type AllocatedLine,
  type AllocationResult,
  type OrderLine,
  type Product,
} from '../index';

/** Unwraps a Right in tests; a Left here is a broken test, so it throws with the reason. */
export const unwrap = <A>(either: E.Either<{ readonly message: string }, A>): A =>
  pipe(
    either,
    E.getOrElse<{ readonly message: string }, A>((error) => {
      throw new Error(`expected Right, got Left: ${error.message}`);
    }),
  );

export const unwrapLeft = <L, A>(either: E.Either<L, A>): L => {
  if (E.isRight(either)) throw new Error('expected Left, got Right');
  return either.left;
};

export const sku = (value: string): Sku => unwrap(Sku(value));
export const ref = (value: string): BatchReference => unwrap(BatchReference(value));
export const orderId = (value: string): OrderId => unwrap(OrderId(value));
export const qty = (value: number): Quantity => unwrap(Quantity(value));
export const stock = (value: number): StockQuantity => unwrap(StockQuantity(value));
export const eta = (value: string | null): Eta => unwrap(Eta(value));

export const line = (order: string, skuValue: string, quantity: number): OrderLine => ({
  orderId: orderId(order),
  sku: sku(skuValue),
  quantity: qty(quantity),
});

export interface BatchSpec {
  readonly ref: string;
  readonly qty: number;
  readonly eta?: string | null;
}

/** A product of `skuValue` with the given batches added in order. */
export const productWith = (skuValue: string, batches: ReadonlyArray<BatchSpec>): Product =>
  batches.reduce(
    (product, spec) =>
      unwrap(
        addBatch(product, {
          reference: ref(spec.ref),
          sku: sku(skuValue),
          quantity: qty(spec.qty),
          eta: eta(spec.eta ?? null),
        }),
      ).product,
    emptyProduct(sku(skuValue)),
  );

export const batchOf = (product: Product, reference: string) => {
  const found = product.batches.find((batch) => batch.reference === reference);
  if (found === undefined) throw new Error(`no batch ${reference}`);
  return found;
};

export const none = O.none;

/** The line of an allocation that must have been served from batches. */
export const servedLine = (result: AllocationResult): AllocatedLine => {
  if (result.outcome !== 'allocated') throw new Error(`expected allocated, got ${result.outcome}`);
  return result.line;
};
