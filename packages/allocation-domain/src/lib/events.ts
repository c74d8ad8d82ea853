/**
 * Facts the aggregate records. Plain data with string fields so they serialise as they are
 * (outbox rows, Redis messages) without knowing the branded types.
 */
export type DomainEvent =
  BatchCreated | BatchQuantityChanged | BatchRemoved | Allocated | Deallocated | OutOfStock;

export interface BatchCreated {
  readonly _tag: 'BatchCreated';
  readonly reference: string;
  readonly sku: string;
  readonly quantity: number;
  readonly eta: string | null;
}

export interface BatchQuantityChanged {
  readonly _tag: 'BatchQuantityChanged';
  readonly reference: string;
  readonly sku: string;
  readonly quantity: number;
}

export interface BatchRemoved {
  readonly _tag: 'BatchRemoved';
  readonly reference: string;
  readonly sku: string;
}

/** One per batch a line was served from: a split line records several. */
export interface Allocated {
  readonly _tag: 'Allocated';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly batchReference: string;
}

/**
 * Why a line left its batches. Only `Requested` is final: after `BatchShrunk` or `BatchRemoved`
 * the line still wants stock and is reallocated.
 */
export type DeallocationReason = 'Requested' | 'BatchShrunk' | 'BatchRemoved';

export interface Deallocated {
  readonly _tag: 'Deallocated';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly reason: DeallocationReason;
  /** The batches the quantity left, and how much from each. */
  readonly portions: ReadonlyArray<{ readonly batchReference: string; readonly quantity: number }>;
  /** Whether the line had been split over several batches, so its reallocation may split too. */
  readonly wasSplit: boolean;
}

export interface OutOfStock {
  readonly _tag: 'OutOfStock';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
}
