import type { OrderId, ShippedSoFar } from '@allocation/orders-domain';
import type { Prisma } from '@allocation/platform';
import type { ShipmentLog } from '../ports/shipment-log';

export class PrismaShipmentLog implements ShipmentLog {
  constructor(private readonly db: Prisma.TransactionClient) {}

  async record(
    orderId: OrderId,
    pickListId: string,
    lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>,
  ): Promise<boolean> {
    const inserted = await this.db.$executeRaw`
      INSERT INTO order_shipments (order_id, pick_list_id, sku, quantity)
      SELECT ${orderId}, ${pickListId}, l.sku, l.quantity
        FROM unnest(${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.quantity)}::int[])
             AS l(sku, quantity)
      ON CONFLICT DO NOTHING`;
    return inserted > 0;
  }

  async shippedOf(orderId: OrderId): Promise<ShippedSoFar> {
    const rows = await this.db.$queryRaw<Array<{ sku: string; quantity: number }>>`
      SELECT sku, sum(quantity)::int AS quantity FROM order_shipments
       WHERE order_id = ${orderId} GROUP BY sku`;
    return new Map(rows.map((row) => [row.sku, Number(row.quantity)]));
  }
}
