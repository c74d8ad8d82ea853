import type {
  AllocationViewRow,
  AllocationsQuery,
  AllocationsView,
} from '../ports/allocations.view';
import type { SqlClient } from './prisma-product.repository';

export class PrismaAllocationsView implements AllocationsView, AllocationsQuery {
  constructor(private readonly db: SqlClient) {}

  async add(row: AllocationViewRow): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO allocations_view (order_id, sku, batch_reference, quantity)
      VALUES (${row.orderId}, ${row.sku}, ${row.batchReference}, ${row.quantity})`;
  }

  async remove(row: Omit<AllocationViewRow, 'quantity'>): Promise<void> {
    await this.db.$executeRaw`
      DELETE FROM allocations_view
       WHERE order_id = ${row.orderId} AND sku = ${row.sku} AND batch_reference = ${row.batchReference}`;
  }

  async forOrder(orderId: string): Promise<ReadonlyArray<AllocationViewRow>> {
    const rows = await this.db.$queryRaw<
      Array<{ order_id: string; sku: string; batch_reference: string; quantity: bigint | number }>
    >`
      SELECT order_id, sku, batch_reference, quantity FROM allocations_view
       WHERE order_id = ${orderId} ORDER BY id`;
    return rows.map((row) => ({
      orderId: row.order_id,
      sku: row.sku,
      batchReference: row.batch_reference,
      quantity: Number(row.quantity),
    }));
  }
}
