import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  allocate as allocateLine,
  emptyProduct,
  lineShipped,
  unknownSku,
  type Allocate,
  type AllocationResult,
  type Product,
  type UnknownSku,
} from '@allocation/allocation-domain';
import type { AllocationHandler } from './allocation-bus';
import { persist } from './persist';

/**
 * A SKU allocation has never seen is refused for a direct request (`Invalid sku`, the reference
 * contract), but a placed order's line for it is accepted like any line that finds no stock: the
 * product comes into being with that backorder, and its first batch serves it.
 */
export const productFor = (
  command: Allocate,
  found: O.Option<Product>,
): E.Either<UnknownSku, Product> => {
  if (O.isSome(found)) return E.right(found.value);
  return command.backorder ? E.right(emptyProduct(command.sku)) : E.left(unknownSku(command.sku));
};

export const allocate: AllocationHandler<Allocate, AllocationResult> = async (command, context) => {
  const product = productFor(command, await context.products.get(command.sku));
  if (E.isLeft(product)) return product;

  const existing = await context.products.standingLineOf(command.sku, command.orderId);
  // A line that shipped is done: allocating it again would ship it twice.
  if (existing === 'shipped') return E.left(lineShipped(command.orderId, command.sku));
  const decided = allocateLine(product.right, command, existing, {
    allowSplit: command.allowSplit,
    backorder: command.backorder,
  });
  if (E.isLeft(decided)) return decided;
  if (!decided.right.value.created) return E.right(decided.right.value);
  return persist(context, decided.right);
};
