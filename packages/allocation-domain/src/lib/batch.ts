import {
  etaToNullable,
  type BatchReference,
  type Eta,
  type Quantity,
  type Sku,
} from './value-objects';

/**
 * A batch keeps running totals rather than its lines, so that deciding an allocation never
 * depends on how many lines a batch already holds.
 */
export interface Batch {
  readonly reference: BatchReference;
  readonly sku: Sku;
  readonly eta: Eta;
  readonly purchasedQuantity: number;
  readonly allocatedQuantity: number;
  /** The part of the allocated quantity on open pick lists: it cannot be taken back. */
  readonly reservedQuantity: number;
  /** Order in which batches were added to the product: the last tie-breaker of preference. */
  readonly position: number;
}

export interface NewBatch {
  readonly reference: BatchReference;
  readonly sku: Sku;
  readonly quantity: Quantity;
  readonly eta: Eta;
}

export const availableQuantity = (batch: Batch): number =>
  batch.purchasedQuantity - batch.allocatedQuantity;

/** In-stock batches first, then earliest ETA, then the batch added first. */
export const compareBatchPreference = (a: Batch, b: Batch): number => {
  const etaA = etaToNullable(a.eta);
  const etaB = etaToNullable(b.eta);
  if (etaA !== etaB) {
    if (etaA === null) return -1;
    if (etaB === null) return 1;
    // YYYY-MM-DD strings order as the dates they name.
    return etaA < etaB ? -1 : 1;
  }
  return a.position - b.position;
};
