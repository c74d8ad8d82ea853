import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  allocate as allocateLine,
  lineShipped,
  unknownSku,
  type Allocate,
  type AllocationResult,
} from '@allocation/allocation-domain';
import type { AllocationHandler } from './allocation-bus';
import { persist } from './persist';

export const allocate: AllocationHandler<Allocate, AllocationResult> = async (command, context) => {
  const product = await context.products.get(command.sku);
  if (O.isNone(product)) return E.left(unknownSku(command.sku));

  const existing = await context.products.standingLineOf(command.sku, command.orderId);
  // A line that shipped is done: allocating it again would ship it twice.
  if (existing === 'shipped') return E.left(lineShipped(command.orderId, command.sku));
  const decided = allocateLine(product.value, command, existing, {
    allowSplit: command.allowSplit,
    backorder: command.backorder,
  });
  if (E.isLeft(decided)) return decided;
  if (!decided.right.value.created) return E.right(decided.right.value);
  return persist(context, decided.right);
};
