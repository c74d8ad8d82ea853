import { lineTotal, orderTotal, type Order } from '@allocation/orders-domain';
import type { LineAllocation } from '../ports/line-allocations';
import type { OrderView } from '../ports/orders.queries';

/**
 * An order as the API shows it. A placed or shipped order's lines say where allocation put them
 * (`allocations`, by SKU); a line allocation has not decided yet is pending, as every line of an
 * order is in the answer to the command that placed it.
 */
export const toOrderView = (
  order: Order,
  allocations: ReadonlyMap<string, LineAllocation> = new Map(),
): OrderView => {
  const handedOver = order.status === 'placed' || order.status === 'shipped';
  return {
    orderId: order.id,
    customerId: order.customerId,
    currency: order.currency,
    status: order.status,
    version: order.version,
    createdAt: order.createdAt,
    items: order.items.map((item) => ({
      sku: item.sku,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
      lineTotal: lineTotal(item),
      allocation: handedOver ? (allocations.get(item.sku) ?? { status: 'pending' }) : null,
    })),
    total: orderTotal(order),
  };
};
