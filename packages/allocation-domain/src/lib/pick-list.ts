import * as E from 'fp-ts/Either';
import { nothingToPick, pickListNotOpen, type NothingToPick, type PickListNotOpen } from './errors';
import type { PickListCancelled, PickListConfirmed, PickListCreated, PickedBatch } from './events';
import type { AllocatedLine } from './order-line';
import type { Product } from './product';
import type { BatchReference, Eta, OrderId, PickListId, Quantity, Sku } from './value-objects';

export type PickListStatus = 'open' | 'confirmed' | 'cancelled';

/** What the picker takes from one batch, and for which orders. */
export interface PickBatch {
  readonly batchReference: BatchReference;
  readonly sku: Sku;
  readonly eta: Eta;
  readonly quantity: number;
  readonly lines: ReadonlyArray<{ readonly orderId: OrderId; readonly quantity: Quantity }>;
}

/** The fulfilment aggregate: the lines to pick, grouped by batch, and where the list stands. */
export interface PickList {
  readonly id: PickListId;
  readonly status: PickListStatus;
  readonly batches: ReadonlyArray<PickBatch>;
}

export interface PickListChange<Ev> {
  readonly pickList: PickList;
  readonly events: ReadonlyArray<Ev>;
}

const eventBatches = (batches: ReadonlyArray<PickBatch>): PickedBatch[] =>
  batches.map((b) => ({
    batchReference: b.batchReference,
    sku: b.sku,
    quantity: b.quantity,
    lines: b.lines.map((l) => ({ orderId: l.orderId, quantity: l.quantity })),
  }));

/**
 * A pick list of the given lines, grouped by batch: by SKU, then in each product's preference
 * order (what is on the shelf first, then by ETA), lines in the order given. `picks` are the
 * products with the lines reserved for this list; with no line at all there is nothing to pick.
 */
export const createPickList = (
  id: PickListId,
  picks: ReadonlyArray<{ readonly product: Product; readonly lines: ReadonlyArray<AllocatedLine> }>,
  scope?: ReadonlyArray<string>,
): E.Either<NothingToPick, PickListChange<PickListCreated>> => {
  const batches: PickBatch[] = [];
  const bySku = [...picks].sort((a, b) => (a.product.sku < b.product.sku ? -1 : 1));
  for (const { product, lines } of bySku) {
    for (const batch of product.batches) {
      const taken = lines.flatMap((line) =>
        line.portions
          .filter((p) => p.batchReference === batch.reference)
          .map((p) => ({ orderId: line.orderId, quantity: p.quantity })),
      );
      if (taken.length === 0) continue;
      batches.push({
        batchReference: batch.reference,
        sku: batch.sku,
        eta: batch.eta,
        quantity: taken.reduce((sum, l) => sum + l.quantity, 0),
        lines: taken,
      });
    }
  }
  if (batches.length === 0) return E.left(nothingToPick(scope));
  return E.right({
    pickList: { id, status: 'open', batches },
    events: [{ _tag: 'PickListCreated', pickListId: id, batches: eventBatches(batches) }],
  });
};

/** Shipping it: only an open list can be confirmed; its event says what left, line by line. */
export const confirmPickList = (
  pickList: PickList,
): E.Either<PickListNotOpen, PickListChange<PickListConfirmed>> =>
  pickList.status !== 'open'
    ? E.left(pickListNotOpen(pickList.id, pickList.status, 'confirm'))
    : E.right({
        pickList: { ...pickList, status: 'confirmed' },
        events: [
          {
            _tag: 'PickListConfirmed',
            pickListId: pickList.id,
            shipped: pickList.batches.flatMap((b) =>
              b.lines.map((l) => ({
                orderId: l.orderId,
                sku: b.sku,
                batchReference: b.batchReference,
                quantity: l.quantity,
              })),
            ),
          },
        ],
      });

/** Only an open list can be cancelled; its lines go back to being merely allocated. */
export const cancelPickList = (
  pickList: PickList,
): E.Either<PickListNotOpen, PickListChange<PickListCancelled>> =>
  pickList.status !== 'open'
    ? E.left(pickListNotOpen(pickList.id, pickList.status, 'cancel'))
    : E.right({
        pickList: { ...pickList, status: 'cancelled' },
        events: [{ _tag: 'PickListCancelled', pickListId: pickList.id }],
      });

/** The SKUs a pick list touches, in the order their products are locked (no deadlocks). */
export const skusOf = (pickList: PickList): ReadonlyArray<Sku> =>
  [...new Set(pickList.batches.map((b) => b.sku))].sort();
