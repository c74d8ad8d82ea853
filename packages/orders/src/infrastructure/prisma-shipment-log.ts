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
    // A pick list heard again finds its rows there already: nothing new is recorded.
    const { count } = await this.db.orderShipment.createMany({
      data: lines.map(({ sku, quantity }) => ({ orderId, pickListId, sku, quantity })),
      skipDuplicates: true,
    });
    return count > 0;
  }

  async shippedOf(orderId: OrderId): Promise<ShippedSoFar> {
    const rows = await this.db.orderShipment.groupBy({
      by: ['sku'],
      where: { orderId },
      _sum: { quantity: true },
    });
    return new Map(rows.map((row) => [row.sku, Number(row._sum.quantity ?? 0)]));
  }
}
