import type { OutOfStock as OutOfStockEvent } from './events';

/** Expected failures of the allocation rules. Each carries a message fit to show a client. */
export type AllocationError =
  | InvalidValue
  | UnknownSku
  | SkuMismatch
  | OutOfStockError
  | LineAlreadyAllocated
  | DuplicateBatchReference
  | BatchNotFound
  | OrderNotAllocated;

export interface InvalidValue {
  readonly _tag: 'InvalidValue';
  readonly field: string;
  readonly message: string;
}

export interface UnknownSku {
  readonly _tag: 'UnknownSku';
  readonly sku: string;
  readonly message: string;
}

export interface SkuMismatch {
  readonly _tag: 'SkuMismatch';
  readonly expected: string;
  readonly actual: string;
  readonly message: string;
}

/** Out of stock is a refusal that is still worth telling the world about: it carries its event. */
export interface OutOfStockError {
  readonly _tag: 'OutOfStock';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly message: string;
  readonly events: readonly [OutOfStockEvent];
}

export interface LineAlreadyAllocated {
  readonly _tag: 'LineAlreadyAllocated';
  readonly orderId: string;
  readonly sku: string;
  readonly allocatedQuantity: number;
  readonly requestedQuantity: number;
  readonly message: string;
}

export interface DuplicateBatchReference {
  readonly _tag: 'DuplicateBatchReference';
  readonly reference: string;
  readonly message: string;
}

export interface BatchNotFound {
  readonly _tag: 'BatchNotFound';
  readonly reference: string;
  readonly message: string;
}

export interface OrderNotAllocated {
  readonly _tag: 'OrderNotAllocated';
  readonly orderId: string;
  readonly message: string;
}

export const invalidValue = (field: string, message: string): InvalidValue => ({
  _tag: 'InvalidValue',
  field,
  message,
});

export const unknownSku = (sku: string): UnknownSku => ({
  _tag: 'UnknownSku',
  sku,
  message: `Invalid sku ${sku}`,
});

export const skuMismatch = (expected: string, actual: string): SkuMismatch => ({
  _tag: 'SkuMismatch',
  expected,
  actual,
  message: `Cannot use sku ${actual} with product ${expected}`,
});

export const outOfStock = (orderId: string, sku: string, quantity: number): OutOfStockError => ({
  _tag: 'OutOfStock',
  orderId,
  sku,
  quantity,
  message: `Out of stock for sku ${sku}`,
  events: [{ _tag: 'OutOfStock', orderId, sku, quantity }],
});

export const lineAlreadyAllocated = (
  orderId: string,
  sku: string,
  allocatedQuantity: number,
  requestedQuantity: number,
  state: 'allocated' | 'backordered' = 'allocated',
): LineAlreadyAllocated => ({
  _tag: 'LineAlreadyAllocated',
  orderId,
  sku,
  allocatedQuantity,
  requestedQuantity,
  message: `Order ${orderId} already has ${allocatedQuantity} of sku ${sku} ${state}; cannot allocate ${requestedQuantity}`,
});

export const duplicateBatchReference = (reference: string): DuplicateBatchReference => ({
  _tag: 'DuplicateBatchReference',
  reference,
  message: `Batch ${reference} already exists`,
});

export const batchNotFound = (reference: string): BatchNotFound => ({
  _tag: 'BatchNotFound',
  reference,
  message: `Batch ${reference} not found`,
});

export const orderNotAllocated = (orderId: string, where?: string): OrderNotAllocated => ({
  _tag: 'OrderNotAllocated',
  orderId,
  message:
    where === undefined
      ? `Order ${orderId} has no allocations`
      : `Order ${orderId} has no allocations ${where}`,
});
