import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  addBatch,
  batchNotFound,
  changeBatchQuantity as changeQuantity,
  deallocate as deallocateLine,
  duplicateBatchReference,
  emptyProduct,
  orderNotAllocated,
  removeBatch as removeFromProduct,
  type Allocate,
  type AllocationError,
  type AllocationResult,
  type Batch,
  type ChangeBatchQuantity,
  type Changed,
  type CreateBatch,
  type Deallocate,
  type ReleaseResult,
  type RemoveBatch,
  type Sku,
} from '@allocation/allocation-domain';
import type { AllocationTransaction } from '../ports/allocation-transaction';
import type { AllocationHandler } from './allocation-bus';
import { allocateTogether } from './decide-together';
import { persist } from './persist';

// The handlers of the Product aggregate's commands, one each: load, decide (the pure domain),
// then commit through the product store (`persist`), which every change of a product goes through.

/** One allocation: the group commit's rule and write, as a batch of one in this unit of work. */
export const allocate: AllocationHandler<Allocate, AllocationResult> = async (command, context) => {
  const decided = await allocateTogether(context.products, [command]);
  const [outcome] = decided.decisions;
  if (outcome === undefined) throw new Error('One command decided, no outcome');
  // A refusal commits nothing here; the bus keeps an out-of-stock refusal's event.
  if (E.isLeft(outcome)) return outcome;
  const committed = await context.products.commit(decided.changes);
  if (E.isLeft(committed)) return committed;
  context.record(decided.events);
  return E.right(outcome.right.value);
};

export const createBatch: AllocationHandler<CreateBatch, Batch> = async (command, context) => {
  // References are unique across every product, not only this SKU's.
  const holder = await context.products.getByBatchReference(command.reference);
  if (O.isSome(holder)) return E.left(duplicateBatchReference(command.reference));

  const product = O.getOrElse(() => emptyProduct(command.sku))(
    await context.products.get(command.sku),
  );
  const changed = addBatch(product, command);
  return E.isLeft(changed) ? changed : persist(context, changed.right);
};

/**
 * Deallocates an order from one batch, or from every product it has lines in (allocated or
 * backordered). The stock it frees serves the backorders in the same change.
 */
export const deallocate: AllocationHandler<Deallocate, void> = async (command, context) => {
  if (command.batchReference !== undefined) {
    const product = await context.products.getByBatchReference(command.batchReference);
    if (O.isNone(product)) return E.left(batchNotFound(command.batchReference));
    return deallocateFrom(context, command, [product.value.sku]);
  }
  const skus = await context.products.skusOfOrder(command.orderId);
  if (skus.length === 0) return E.left(orderNotAllocated(command.orderId));
  return deallocateFrom(context, command, skus);
};

/** Releases the order's lines of these products, loaded together (one round trip). */
const deallocateFrom = async (
  context: AllocationTransaction,
  command: Deallocate,
  skus: ReadonlyArray<Sku>,
): Promise<E.Either<AllocationError, void>> => {
  const loaded = await context.products.load(
    skus.map((sku) => ({ sku, orderId: command.orderId })),
  );
  for (const sku of skus) {
    const product = loaded.get(sku);
    if (product === undefined) return E.left(orderNotAllocated(command.orderId));
    const standing = product.lines.get(command.orderId) ?? O.none;
    const line = standing === 'shipped' ? O.none : standing;
    const fromBatch = O.fromNullable(command.batchReference);
    const decided = deallocateLine(product.product, command.orderId, line, fromBatch);
    if (E.isLeft(decided)) return decided;
    const persisted = await persist(context, decided.right);
    if (E.isLeft(persisted)) return persisted;
  }
  return E.right(undefined);
};

/**
 * Changes a batch's quantity. Lines it can no longer hold are deallocated and reallocated (or
 * backordered) by the domain in the same change; stock it adds serves the backorders.
 */
export const changeBatchQuantity: AllocationHandler<ChangeBatchQuantity, Batch> = async (
  command,
  context,
) => {
  const found = await context.products.batchToRelease(command.reference, command.quantity);
  if (O.isNone(found)) return E.left(batchNotFound(command.reference));
  const { product, lines } = found.value;
  const decided = changeQuantity(product, command.reference, command.quantity, lines);
  return E.isLeft(decided) ? decided : persistRelease(context, decided.right);
};

/** Removes a batch; its lines are reallocated elsewhere if possible, else backordered. */
export const removeBatch: AllocationHandler<RemoveBatch, Batch> = async (command, context) => {
  const found = await context.products.batchToRelease(command.reference, 0);
  if (O.isNone(found)) return E.left(batchNotFound(command.reference));
  const { product, lines } = found.value;
  const decided = removeFromProduct(product, command.reference, lines);
  return E.isLeft(decided) ? decided : persistRelease(context, decided.right);
};

/** Saves a shrunk or removed batch: the lines it let go are reallocated or backordered. */
const persistRelease = async (
  context: AllocationTransaction,
  changed: Changed<ReleaseResult>,
): Promise<E.Either<AllocationError, Batch>> =>
  E.map((result: ReleaseResult) => result.batch)(await persist(context, changed));
