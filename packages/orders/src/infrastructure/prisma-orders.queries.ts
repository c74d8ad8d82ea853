import * as O from 'fp-ts/Option';
import type {
  CurrencyCode,
  Money,
  OrderId,
  OrderStatus,
  Sku,
  UnitPrice,
} from '@allocation/orders-domain';
import type { PrismaClient } from '@allocation/platform';
import type { LineAllocation, LineAllocations } from '../ports/line-allocations';
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

interface ItemRow {
  sku: string;
  quantity: number;
  unit_price_minor: number;
}

/**
 * Orders read straight from their tables; each placed line's allocation is what allocation says
 * of it (the `LineAllocations` port).
 */
export class PrismaOrdersQueries implements OrdersQueries {
  constructor(
    private readonly client: PrismaClient,
    private readonly lines: LineAllocations,
  ) {}

  async order(id: OrderId): Promise<O.Option<OrderView>> {
    const [row] = await this.client.$queryRaw<
      Array<{
        id: string;
        customer_id: string;
        currency: string;
        status: string;
        version: number;
        created_at: Date;
        items: ItemRow[] | null;
      }>
    >`
      SELECT o.id, o.customer_id, o.currency, o.status, o.version, o.created_at,
             (SELECT json_agg(json_build_object(
                       'sku', i.sku, 'quantity', i.quantity, 'unit_price_minor', i.unit_price_minor)
                     ORDER BY i.position)
                FROM order_items i WHERE i.order_id = o.id) AS items
        FROM orders o WHERE o.id = ${id}`;
    if (row === undefined) return O.none;
    const handedOver = row.status === 'placed' || row.status === 'shipped';
    const allocations: ReadonlyMap<string, LineAllocation> = handedOver
      ? await this.lines.ofOrder(id)
      : new Map();
    const items = (row.items ?? []).map((item) => {
      return {
        sku: item.sku,
        quantity: item.quantity,
        unitPrice: money(item.unit_price_minor, row.currency),
        lineTotal: money(Number(item.unit_price_minor) * item.quantity, row.currency),
        allocation: handedOver ? (allocations.get(item.sku) ?? { status: 'pending' }) : null,
      };
    });

    return O.some({
      orderId: row.id,
      customerId: row.customer_id,
      currency: row.currency,
      status: row.status as OrderStatus,
      version: row.version,
      createdAt: row.created_at.toISOString(),
      items,
      total: money(
        items.reduce((sum, item) => sum + item.lineTotal.amountMinor, 0),
        row.currency,
      ),
    });
  }

  async orders(
    filter: OrderFilter,
  ): Promise<{ items: ReadonlyArray<OrderSummary>; total: number }> {
    const customerId = filter.customerId ?? null;
    const status = filter.status ?? null;
    const offset = (filter.page - 1) * filter.pageSize;
    const rows = await this.client.$queryRaw<
      Array<{
        id: string;
        customer_id: string;
        status: string;
        currency: string;
        created_at: Date;
        lines: number;
        total_minor: bigint | null;
        total: bigint;
      }>
    >`
      SELECT o.id, o.customer_id, o.status, o.currency, o.created_at,
             (SELECT count(*)::int FROM order_items i WHERE i.order_id = o.id) AS lines,
             (SELECT sum(i.unit_price_minor * i.quantity) FROM order_items i WHERE i.order_id = o.id)
               AS total_minor,
             count(*) OVER () AS total
        FROM orders o
       WHERE (${customerId}::text IS NULL OR o.customer_id = ${customerId}::text)
         AND (${status}::text IS NULL OR o.status = ${status}::text)
       ORDER BY o.created_at DESC, o.id
       LIMIT ${filter.pageSize} OFFSET ${offset}`;
    return {
      items: rows.map((row) => ({
        orderId: row.id,
        customerId: row.customer_id,
        status: row.status as OrderStatus,
        lines: row.lines,
        total: money(row.total_minor, row.currency),
        createdAt: row.created_at.toISOString(),
      })),
      total: Number(
        rows[0]?.total ?? (offset > 0 ? await this.countOrders(customerId, status) : 0),
      ),
    };
  }

  private async countOrders(customerId: string | null, status: string | null): Promise<number> {
    const [row] = await this.client.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM orders
       WHERE (${customerId}::text IS NULL OR customer_id = ${customerId}::text)
         AND (${status}::text IS NULL OR status = ${status}::text)`;
    return Number(row?.n ?? 0);
  }

  async price(sku: Sku): Promise<O.Option<PriceView>> {
    const [row] = await this.client.$queryRaw<PriceRow[]>`
      SELECT sku, amount_minor, currency, updated_at FROM prices WHERE sku = ${sku}`;
    return row === undefined ? O.none : O.some(toPriceView(row));
  }

  async prices(page: {
    page: number;
    pageSize: number;
    skuStartsWith?: string;
  }): Promise<{ items: ReadonlyArray<PriceView>; total: number }> {
    // A prefix in any case, compared as text: `_` in a SKU is no LIKE wildcard here.
    const prefix = page.skuStartsWith ?? '';
    const rows = await this.client.$queryRaw<PriceRow[]>`
      SELECT sku, amount_minor, currency, updated_at FROM prices
       WHERE upper(left(sku, length(${prefix}::text))) = upper(${prefix}::text)
       ORDER BY sku
       LIMIT ${page.pageSize} OFFSET ${(page.page - 1) * page.pageSize}`;
    const [count] = await this.client.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM prices
       WHERE upper(left(sku, length(${prefix}::text))) = upper(${prefix}::text)`;
    return { items: rows.map(toPriceView), total: Number(count?.n ?? 0) };
  }
}

interface PriceRow {
  sku: string;
  amount_minor: bigint;
  currency: string;
  updated_at: Date;
}

const toPriceView = (row: PriceRow): PriceView => ({
  sku: row.sku,
  price: { amountMinor: Number(row.amount_minor), currency: row.currency } as UnitPrice,
  updatedAt: row.updated_at.toISOString(),
});
