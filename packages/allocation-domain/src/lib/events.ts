/**
 * Facts the aggregate records. Plain data with string fields so they serialise as they are
 * (outbox rows, Redis messages) without knowing the branded types.
 */
export type DomainEvent =
  | BatchCreated
  | BatchQuantityChanged
  | BatchRemoved
  | Allocated
  | Deallocated
  | OutOfStock
  | Backordered
  | BackorderCancelled
  | Shipped
  | PickListCreated
  | PickListConfirmed
  | PickListCancelled;

/** Every event's tag, for readers that meet events as (type, data) pairs. */
export const DOMAIN_EVENT_TYPES = [
  'BatchCreated',
  'BatchQuantityChanged',
  'BatchRemoved',
  'Allocated',
  'Deallocated',
  'OutOfStock',
  'Backordered',
  'BackorderCancelled',
  'Shipped',
  'PickListCreated',
  'PickListConfirmed',
  'PickListCancelled',
] as const satisfies ReadonlyArray<DomainEvent['_tag']>;

// Fails to compile when an event is added to the union but not to the list.
type Missing = Exclude<DomainEvent['_tag'], (typeof DOMAIN_EVENT_TYPES)[number]>;
const everyTagListed: [Missing] extends [never] ? true : Missing = true;
void everyTagListed;

/** An event met as its tag and data, as the outbox stores it, if it is one of these. */
export const asDomainEvent = (
  type: string,
  data: Readonly<Record<string, unknown>>,
): DomainEvent | undefined =>
  (DOMAIN_EVENT_TYPES as ReadonlyArray<string>).includes(type)
    ? // The outbox holds exactly what this package recorded: the tag decides the shape.
      ({ ...data, _tag: type } as unknown as DomainEvent)
    : undefined;

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

/** The line found no stock and waits for it (it follows an `OutOfStock`). */
export interface Backordered {
  readonly _tag: 'Backordered';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
}

/** A waiting line was deallocated on request before any stock reached it. */
export interface BackorderCancelled {
  readonly _tag: 'BackorderCancelled';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
}

/** A reserved line's portion left the warehouse with its pick list: it is no longer stock. */
export interface Shipped {
  readonly _tag: 'Shipped';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly batchReference: string;
  readonly pickListId: string;
}

/** One batch of a pick list: what to take from it, and for which orders. */
export interface PickedBatch {
  readonly batchReference: string;
  readonly sku: string;
  readonly quantity: number;
  readonly lines: ReadonlyArray<{ readonly orderId: string; readonly quantity: number }>;
}

export interface PickListCreated {
  readonly _tag: 'PickListCreated';
  readonly pickListId: string;
  readonly batches: ReadonlyArray<PickedBatch>;
}

/** The pick list shipped: every line on it, by batch. */
export interface PickListConfirmed {
  readonly _tag: 'PickListConfirmed';
  readonly pickListId: string;
  readonly shipped: ReadonlyArray<{
    readonly orderId: string;
    readonly sku: string;
    readonly batchReference: string;
    readonly quantity: number;
  }>;
}

export interface PickListCancelled {
  readonly _tag: 'PickListCancelled';
  readonly pickListId: string;
}
