import * as O from 'fp-ts/Option';
import type { BatchReference, CalendarDate, Sku } from '@allocation/allocation-domain';
import type { PrismaClient } from '../../generated/prisma/client';
import type { BatchPage, BatchQueries } from '../ports/batch.queries';

export class PrismaBatchQueries implements BatchQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async list(filter: { sku?: string; page: number; pageSize: number }): Promise<BatchPage> {
    const where = filter.sku === undefined ? {} : { sku: filter.sku };
    const [rows, total] = await Promise.all([
      this.prisma.batch.findMany({
        where,
        // In-stock first (no ETA), then by ETA, then the order added: the allocation preference.
        orderBy: [{ sku: 'asc' }, { eta: { sort: 'asc', nulls: 'first' } }, { position: 'asc' }],
        skip: (filter.page - 1) * filter.pageSize,
        take: filter.pageSize,
      }),
      this.prisma.batch.count({ where }),
    ]);
    return {
      total,
      items: rows.map((row) => ({
        reference: row.reference as BatchReference,
        sku: row.sku as Sku,
        // DATE columns arrive as midnight UTC; the date part is the calendar date.
        eta: O.fromNullable(row.eta?.toISOString().slice(0, 10) as CalendarDate | undefined),
        // BIGINT columns: every value fits a safe integer, which the domain guarantees.
        purchasedQuantity: Number(row.purchasedQuantity),
        allocatedQuantity: Number(row.allocatedQuantity),
        position: row.position,
      })),
    };
  }
}
