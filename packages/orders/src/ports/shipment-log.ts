import type { OrderId, ShippedSoFar } from '@allocation/orders-domain';

/** What shipped of each order, one entry per pick list: the same shipment counts once. */
export interface ShipmentLog {
  /** Notes a pick list's lines of the order; false when this pick list was noted before. */
  record(
    orderId: OrderId,
    pickListId: string,
    lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>,
  ): Promise<boolean>;
  /** Each SKU's total shipped over every pick list. */
  shippedOf(orderId: OrderId): Promise<ShippedSoFar>;
}
