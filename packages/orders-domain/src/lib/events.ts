/** Facts about orders, as plain data (money as `{amountMinor, currency}`), ready for the outbox. */
export type OrderEvent =
  OrderCreated | ItemAdded | ItemRemoved | OrderPlaced | OrderCancelled | OrderShipped;

export interface MoneyData {
  readonly amountMinor: number;
  readonly currency: string;
}

export interface OrderCreated {
  readonly _tag: 'OrderCreated';
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
}

export interface ItemAdded {
  readonly _tag: 'ItemAdded';
  readonly orderId: string;
  readonly sku: string;
  /** Units added by this change... */
  readonly quantity: number;
  /** ...and the line's quantity after it. */
  readonly lineQuantity: number;
  readonly unitPrice: MoneyData;
}

export interface ItemRemoved {
  readonly _tag: 'ItemRemoved';
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
}

/** What allocation needs: each line's SKU and quantity, under the order's id. */
export interface OrderPlaced {
  readonly _tag: 'OrderPlaced';
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  readonly total: MoneyData;
}

export interface OrderCancelled {
  readonly _tag: 'OrderCancelled';
  readonly orderId: string;
  /** A placed order had its lines handed to allocation: they are to be released. */
  readonly wasPlaced: boolean;
}

export interface OrderShipped {
  readonly _tag: 'OrderShipped';
  readonly orderId: string;
}

export const ORDER_EVENT_TYPES = [
  'OrderCreated',
  'ItemAdded',
  'ItemRemoved',
  'OrderPlaced',
  'OrderCancelled',
  'OrderShipped',
] as const satisfies ReadonlyArray<OrderEvent['_tag']>;

// Fails to compile when an event is added to the union but not to the list.
type Missing = Exclude<OrderEvent['_tag'], (typeof ORDER_EVENT_TYPES)[number]>;
const everyTagListed: [Missing] extends [never] ? true : Missing = true;
void everyTagListed;

/** An event met as its tag and data, as the outbox stores it, if it is one of these. */
export const asOrderEvent = (
  type: string,
  data: Readonly<Record<string, unknown>>,
): OrderEvent | undefined =>
  (ORDER_EVENT_TYPES as ReadonlyArray<string>).includes(type)
    ? // The outbox holds exactly what this package recorded: the tag decides the shape.
      ({ ...data, _tag: type } as unknown as OrderEvent)
    : undefined;
