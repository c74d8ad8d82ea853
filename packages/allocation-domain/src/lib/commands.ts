import type {
  BatchReference,
  Eta,
  OrderId,
  PickListId,
  Quantity,
  Sku,
  StockQuantity,
} from './value-objects';

/** Requests to change the allocation state, built only from validated values. */
export type Command = CreateBatch | Allocate | Deallocate | ChangeBatchQuantity | RemoveBatch;

export interface CreateBatch {
  readonly _tag: 'CreateBatch';
  readonly reference: BatchReference;
  readonly sku: Sku;
  readonly quantity: Quantity;
  readonly eta: Eta;
}

export interface Allocate {
  readonly _tag: 'Allocate';
  readonly orderId: OrderId;
  readonly sku: Sku;
  readonly quantity: Quantity;
  readonly allowSplit: boolean;
  /** A placed order's line waits for stock when short; a direct request is refused. */
  readonly backorder: boolean;
}

/** Without `batchReference` the whole order is deallocated; with it, only from that batch. */
export interface Deallocate {
  readonly _tag: 'Deallocate';
  readonly orderId: OrderId;
  readonly batchReference?: BatchReference;
}

export interface ChangeBatchQuantity {
  readonly _tag: 'ChangeBatchQuantity';
  readonly reference: BatchReference;
  readonly quantity: StockQuantity;
}

export interface RemoveBatch {
  readonly _tag: 'RemoveBatch';
  readonly reference: BatchReference;
}

/** Pick lists: reserving allocated lines by batch, then shipping or releasing them. */
export interface CreatePickList {
  readonly _tag: 'CreatePickList';
  readonly id: PickListId;
  /** Only these orders' lines; all that are left to pick when null. */
  readonly orderIds: ReadonlyArray<OrderId> | null;
}

export interface ConfirmPickList {
  readonly _tag: 'ConfirmPickList';
  readonly id: PickListId;
}

export interface CancelPickList {
  readonly _tag: 'CancelPickList';
  readonly id: PickListId;
}

export type FulfilmentCommand = CreatePickList | ConfirmPickList | CancelPickList;
