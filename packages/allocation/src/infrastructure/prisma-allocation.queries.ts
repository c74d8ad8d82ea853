import * as O from 'fp-ts/Option';
import type { Batch, BatchReference, OrderId, Product, Sku } from '@allocation/allocation-domain';
import { Prisma } from '@allocation/platform';
import type {
  AllocationQueries,
  BatchFilter,
  BatchPage,
  OrderLineState,
  WaitingLine,
} from '../ports/allocation.queries';
import type { AllocationViewRow } from '../ports/allocation.queries';
import { batchColumns, selectProduct, toBatch, type BatchRow, type SqlClient } from './rows';

/** Plain SQL over committed rows, as the reference service's `views.py`; it keeps no state. */
export class PrismaAllocationQueries implements AllocationQueries {
  constructor(private readonly db: SqlClient) {}

  async batches(filter: BatchFilter): Promise<BatchPage> {
    // SKUs are matched in any case: a person typing "red-chair" means RED-CHAIR.
    const where =
      filter.sku === undefined
        ? Prisma.empty
        : Prisma.sql`WHERE upper(b.sku) = upper(${filter.sku})`;
    const [rows, counted] = await Promise.all([
      this.db.$queryRaw<BatchRow[]>`
        SELECT ${batchColumns} FROM batches b ${where}
         ORDER BY b.sku, b.eta NULLS FIRST, b.position
         LIMIT ${filter.pageSize} OFFSET ${(filter.page - 1) * filter.pageSize}`,
      this.db.$queryRaw<Array<{ total: number }>>`
        SELECT count(*)::int AS total FROM batches b ${where}`,
    ]);
    return { items: rows.map(toBatch), total: Number(counted[0]?.total ?? 0) };
  }

  async batch(reference: BatchReference): Promise<O.Option<Batch>> {
    const rows = await this.db.$queryRaw<BatchRow[]>`
      SELECT ${batchColumns} FROM batches b WHERE b.reference = ${reference}`;
    return O.map(toBatch)(O.fromNullable(rows[0]));
  }

  product(sku: Sku): Promise<O.Option<Product>> {
    return selectProduct(this.db, Prisma.sql`${sku}`);
  }

  async orderAllocations(orderId: OrderId): Promise<ReadonlyArray<AllocationViewRow>> {
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

  async orderBackorders(orderId: OrderId): Promise<ReadonlyArray<WaitingLine>> {
    const rows = await this.db.$queryRaw<Array<{ sku: string; quantity: bigint | number }>>`
      SELECT sku, quantity FROM backorders WHERE order_id = ${orderId} ORDER BY sku`;
    return rows.map((row) => ({ sku: row.sku, quantity: Number(row.quantity) }));
  }

  async orderShipped(orderId: OrderId): Promise<ReadonlyArray<AllocationViewRow>> {
    const rows = await this.db.$queryRaw<
      Array<{ sku: string; batch_reference: string; quantity: bigint | number }>
    >`
      SELECT sku, batch_reference, quantity FROM shipped_lines
       WHERE order_id = ${orderId} ORDER BY shipped_at, sku, batch_reference`;
    return rows.map((row) => ({
      orderId,
      sku: row.sku,
      batchReference: row.batch_reference,
      quantity: Number(row.quantity),
    }));
  }

  async orderLines(orderId: OrderId): Promise<ReadonlyArray<OrderLineState>> {
    const [held, waiting, shipped] = await Promise.all([
      this.orderAllocations(orderId),
      this.orderBackorders(orderId),
      this.orderShipped(orderId),
    ]);
    const portions = (rows: ReadonlyArray<AllocationViewRow>, sku: string) =>
      rows
        .filter((row) => row.sku === sku)
        .map(({ batchReference, quantity }) => ({ batchReference, quantity }));
    const skus = [...new Set([...held, ...waiting, ...shipped].map((row) => row.sku))].sort();
    return skus.map((sku): OrderLineState => {
      const batches = portions(held, sku);
      if (batches.length > 0) return { sku, status: 'allocated', batches };
      const gone = portions(shipped, sku).sort((a, b) =>
        a.batchReference < b.batchReference ? -1 : a.batchReference > b.batchReference ? 1 : 0,
      );
      if (gone.length > 0) return { sku, status: 'shipped', batches: gone };
      return { sku, status: 'backordered' };
    });
  }
}
