import * as O from 'fp-ts/Option';
import {
  compareBatchPreference,
  type Batch,
  type BatchReference,
  type OrderId,
  type Product,
  type Sku,
} from '@allocation/allocation-domain';
import type { PrismaClient } from '@allocation/platform';
import type {
  AllocationQueries,
  BatchFilter,
  BatchPage,
  OrderLineState,
  WaitingLine,
} from '../ports/allocation.queries';
import type { AllocationViewRow } from '../ports/allocation.queries';
import { toBackorder, toBatch } from './rows';

/**
 * Reads of committed rows through Prisma's model API, as the reference service's `views.py`;
 * it keeps no state.
 */
export class PrismaAllocationQueries implements AllocationQueries {
  constructor(private readonly db: PrismaClient) {}

  async batches(filter: BatchFilter): Promise<BatchPage> {
    // SKUs are matched in any case: a person typing "red-chair" means RED-CHAIR.
    const where =
      filter.sku === undefined ? {} : { sku: { equals: filter.sku, mode: 'insensitive' as const } };
    const [rows, total] = await this.db.$transaction([
      this.db.batch.findMany({
        where,
        orderBy: [{ sku: 'asc' }, { eta: { sort: 'asc', nulls: 'first' } }, { position: 'asc' }],
        skip: (filter.page - 1) * filter.pageSize,
        take: filter.pageSize,
      }),
      this.db.batch.count({ where }),
    ]);
    return { items: rows.map(toBatch), total };
  }

  async batch(reference: BatchReference): Promise<O.Option<Batch>> {
    const row = await this.db.batch.findUnique({ where: { reference } });
    return row === null ? O.none : O.some(toBatch(row));
  }

  async product(sku: Sku): Promise<O.Option<Product>> {
    const row = await this.db.product.findUnique({
      where: { sku },
      include: {
        batches: true,
        backorders: { orderBy: [{ accepted: 'asc' }, { position: 'asc' }] },
      },
    });
    if (row === null) return O.none;
    const product = row.sku as Sku;
    return O.some({
      sku: product,
      version: row.version,
      batches: row.batches.map(toBatch).sort(compareBatchPreference),
      backorders: row.backorders.map((b) =>
        toBackorder(product)([b.orderId, b.quantity, b.allowSplit, b.accepted]),
      ),
    });
  }

  async orderAllocations(orderId: OrderId): Promise<ReadonlyArray<AllocationViewRow>> {
    const rows = await this.db.allocationView.findMany({
      where: { orderId },
      orderBy: { id: 'asc' },
    });
    return rows.map((row) => ({
      orderId: row.orderId,
      sku: row.sku,
      batchReference: row.batchReference,
      quantity: Number(row.quantity),
    }));
  }

  async orderBackorders(orderId: OrderId): Promise<ReadonlyArray<WaitingLine>> {
    const rows = await this.db.backorder.findMany({ where: { orderId }, orderBy: { sku: 'asc' } });
    return rows.map((row) => ({ sku: row.sku, quantity: Number(row.quantity) }));
  }

  async orderShipped(orderId: OrderId): Promise<ReadonlyArray<AllocationViewRow>> {
    const rows = await this.db.shippedLine.findMany({
      where: { orderId },
      orderBy: [{ shippedAt: 'asc' }, { sku: 'asc' }, { batchReference: 'asc' }],
    });
    return rows.map((row) => ({
      orderId,
      sku: row.sku,
      batchReference: row.batchReference,
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
