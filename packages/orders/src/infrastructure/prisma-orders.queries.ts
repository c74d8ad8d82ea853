import * as O from 'fp-ts/Option';
import type {
  CurrencyCode,
  Money,
  OrderId,
  OrderStatus,
  Sku,
  UnitPrice,
} from '@allocation/orders-domain';
import { toOrderView } from '../application/order-view';
import { orderFromRow } from './prisma-order.repository';
import type { PrismaClient } from '@allocation/platform';
import type { LineAllocations } from '../ports/line-allocations';
import type {
  OrderFilter,
  OrderSummary,
  OrderView,
  OrdersQueries,
  PriceView,
} from '../ports/orders.queries';

const money = (amountMinor: bigint | number | null, currency: string): Money => ({
  amountMinor: Number(amountMinor ?? 0),
  currency: currency as CurrencyCode,
});

/**
 * Orders read through Prisma's model API; each placed line's allocation is what allocation says
 * of it (the `LineAllocations` port).
 */
export class PrismaOrdersQueries implements OrdersQueries {
  constructor(
    private readonly client: PrismaClient,
    private readonly lines: LineAllocations,
  ) {}

  async order(id: OrderId): Promise<O.Option<OrderView>> {
    const row = await this.client.order.findUnique({
      where: { id },
      include: { items: { orderBy: { position: 'asc' } } },
    });
    if (row === null) return O.none;
    const order = orderFromRow(row);
    const handedOver = order.status === 'placed' || order.status === 'shipped';
    return O.some(toOrderView(order, handedOver ? await this.lines.ofOrder(id) : undefined));
  }

  async orders(
    filter: OrderFilter,
  ): Promise<{ items: ReadonlyArray<OrderSummary>; total: number }> {
    const where = {
      ...(filter.customerId === undefined ? {} : { customerId: filter.customerId }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
    };
    const [rows, total] = await this.client.$transaction([
      this.client.order.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        skip: (filter.page - 1) * filter.pageSize,
        take: filter.pageSize,
        include: { items: { select: { quantity: true, unitPriceMinor: true } } },
      }),
      this.client.order.count({ where }),
    ]);
    return {
      items: rows.map((row) => ({
        orderId: row.id,
        customerId: row.customerId,
        status: row.status as OrderStatus,
        lines: row.items.length,
        total: money(
          row.items.reduce((sum, item) => sum + Number(item.unitPriceMinor) * item.quantity, 0),
          row.currency,
        ),
        createdAt: row.createdAt.toISOString(),
      })),
      total,
    };
  }

  async price(sku: Sku): Promise<O.Option<PriceView>> {
    const row = await this.client.price.findUnique({ where: { sku } });
    return row === null ? O.none : O.some(toPriceView(row));
  }

  async prices(page: {
    page: number;
    pageSize: number;
    skuStartsWith?: string;
  }): Promise<{ items: ReadonlyArray<PriceView>; total: number }> {
    // A prefix in any case. Prisma puts it into an ILIKE pattern as it is, so `_` and `%` (and
    // the escape character) are escaped here: they are characters of a SKU, not wildcards.
    const prefix = (page.skuStartsWith ?? '').replace(/[\\%_]/g, '\\$&');
    const where =
      prefix === '' ? {} : { sku: { startsWith: prefix, mode: 'insensitive' as const } };
    const [rows, total] = await this.client.$transaction([
      this.client.price.findMany({
        where,
        orderBy: { sku: 'asc' },
        skip: (page.page - 1) * page.pageSize,
        take: page.pageSize,
      }),
      this.client.price.count({ where }),
    ]);
    return { items: rows.map(toPriceView), total };
  }
}

const toPriceView = (row: {
  sku: string;
  amountMinor: bigint;
  currency: string;
  updatedAt: Date;
}): PriceView => ({
  sku: row.sku,
  price: { amountMinor: Number(row.amountMinor), currency: row.currency } as UnitPrice,
  updatedAt: row.updatedAt.toISOString(),
});
