import type { AllocationViewRow, AllocationsView } from '../ports/allocations-view';
import type { SqlClient } from './rows';

export class PrismaAllocationsView implements AllocationsView {
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
}
