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
  | OrderNotAllocated
  | LineReserved
  | StockReserved
  | StockLimitExceeded
  | LineShipped;

/** Expected failures of pick lists. */
export type PickListError = NothingToPick | PickListNotFound | PickListNotOpen;

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

export interface LineReserved {
  readonly _tag: 'LineReserved';
  readonly orderId: string;
  readonly sku: string;
  readonly pickListId: string;
  readonly message: string;
}

export const lineReserved = (orderId: string, sku: string, pickListId: string): LineReserved => ({
  _tag: 'LineReserved',
  orderId,
  sku,
  pickListId,
  message: `Order ${orderId}'s line of sku ${sku} is on pick list ${pickListId}; cancel that pick list first`,
});

/** A batch cannot give back what open pick lists hold. */
export interface StockReserved {
  readonly _tag: 'StockReserved';
  readonly reference: string;
  readonly reserved: number;
  readonly message: string;
}

const unitsOf = (n: number): string => `${n} unit${n === 1 ? '' : 's'}`;

export const stockReserved = (
  reference: string,
  reserved: number,
  change: 'shrink' | 'remove',
): StockReserved => ({
  _tag: 'StockReserved',
  reference,
  reserved,
  message:
    change === 'shrink'
      ? `Batch ${reference} has ${unitsOf(reserved)} on open pick lists; its quantity cannot go below ${reserved}`
      : `Batch ${reference} has ${unitsOf(reserved)} on open pick lists; it cannot be removed`,
});

export interface NothingToPick {
  readonly _tag: 'NothingToPick';
  readonly message: string;
}

export const nothingToPick = (scope?: ReadonlyArray<string>): NothingToPick => ({
  _tag: 'NothingToPick',
  message:
    scope === undefined
      ? 'Nothing is left to pick: every allocated line is on a pick list already'
      : `Nothing is left to pick for order(s) ${scope.join(', ')}`,
});

export interface PickListNotFound {
  readonly _tag: 'PickListNotFound';
  readonly pickListId: string;
  readonly message: string;
}

export const pickListNotFound = (pickListId: string): PickListNotFound => ({
  _tag: 'PickListNotFound',
  pickListId,
  message: `Pick list ${pickListId} not found`,
});

export interface PickListNotOpen {
  readonly _tag: 'PickListNotOpen';
  readonly pickListId: string;
  readonly status: string;
  readonly message: string;
}

export const pickListNotOpen = (
  pickListId: string,
  status: string,
  action: 'confirm' | 'cancel',
): PickListNotOpen => ({
  _tag: 'PickListNotOpen',
  pickListId,
  status,
  message: `Pick list ${pickListId} is ${status}; only an open pick list can be ${action === 'confirm' ? 'confirmed' : 'cancelled'}`,
});

/** A shipped line is done: allocating it again would ship it twice. */
export interface LineShipped {
  readonly _tag: 'LineShipped';
  readonly orderId: string;
  readonly sku: string;
  readonly message: string;
}

export const lineShipped = (orderId: string, sku: string): LineShipped => ({
  _tag: 'LineShipped',
  orderId,
  sku,
  message: `Order ${orderId}'s line of sku ${sku} has shipped already`,
});

/**
 * The most units one product may hold across its batches: every total the service shows (the
 * product's available stock, say) is then an exact JSON number.
 */
export const MAX_PRODUCT_STOCK = Number.MAX_SAFE_INTEGER;

export interface StockLimitExceeded {
  readonly _tag: 'StockLimitExceeded';
  readonly sku: string;
  readonly message: string;
}

export const stockLimitExceeded = (sku: string): StockLimitExceeded => ({
  _tag: 'StockLimitExceeded',
  sku,
  message: `Product ${sku} would hold more than ${MAX_PRODUCT_STOCK} units across its batches`,
});
