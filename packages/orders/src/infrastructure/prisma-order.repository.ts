import * as O from 'fp-ts/Option';
import type {
  CurrencyCode,
  CustomerId,
  ItemQuantity,
  Order,
  OrderId,
  OrderStatus,
  Sku,
  UnitPrice,
} from '@allocation/orders-domain';
import { ConcurrencyConflict, type Prisma } from '@allocation/platform';
import type { OrderRepository } from '../ports/order.repository';

interface OrderRow {
  id: string;
  customer_id: string;
  currency: string;
  status: string;
  version: number;
  items: Array<{ sku: string; quantity: number; unit_price_minor: number }> | null;
}

/**
 * Orders in SQL within one transaction. Rows were validated on the way in, so they are cast back
 * to their branded types rather than validated again.
 */
export class PrismaOrderRepository implements OrderRepository {
  /** Versions as loaded, for the optimistic check on save. */
  private readonly loaded = new Map<string, number>();

  constructor(private readonly tx: Prisma.TransactionClient) {}

  async get(id: OrderId): Promise<O.Option<Order>> {
    const [row] = await this.tx.$queryRaw<OrderRow[]>`
      SELECT o.id, o.customer_id, o.currency, o.status, o.version,
             (SELECT json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity,
                                                'unit_price_minor', i.unit_price_minor)
                              ORDER BY i.position)
                FROM order_items i WHERE i.order_id = o.id) AS items
        FROM orders o WHERE o.id = ${id} FOR UPDATE`;
    if (row === undefined) return O.none;
    this.loaded.set(row.id, row.version);
    const currency = row.currency as CurrencyCode;
    return O.some({
      id: row.id as OrderId,
      customerId: row.customer_id as CustomerId,
      currency,
      status: row.status as OrderStatus,
      version: row.version,
      items: (row.items ?? []).map((item) => ({
        sku: item.sku as Sku,
        quantity: item.quantity as ItemQuantity,
        unitPrice: { amountMinor: Number(item.unit_price_minor), currency } as UnitPrice,
      })),
    });
  }

  async add(order: Order): Promise<boolean> {
    const inserted = await this.tx.$executeRaw`
      INSERT INTO orders (id, customer_id, currency, status, version)
      VALUES (${order.id}, ${order.customerId}, ${order.currency}, ${order.status}, ${order.version})
      ON CONFLICT (id) DO NOTHING`;
    if (inserted === 1) this.loaded.set(order.id, order.version);
    return inserted === 1;
  }

  async save(order: Order): Promise<void> {
    const updated = await this.tx.$executeRaw`
      UPDATE orders SET status = ${order.status}, version = ${order.version}, updated_at = now()
       WHERE id = ${order.id} AND version = ${this.loaded.get(order.id) ?? -1}`;
    if (updated !== 1) throw new ConcurrencyConflict(`Order ${order.id} changed since it was read`);
    this.loaded.set(order.id, order.version);
    // At most 100 lines: replace them all in two set-based statements.
    const items = order.items.map((item, position) => ({
      sku: item.sku,
      quantity: item.quantity,
      unit_price_minor: item.unitPrice.amountMinor,
      position,
    }));
    await this.tx.$executeRaw`DELETE FROM order_items WHERE order_id = ${order.id}`;
    if (items.length > 0) {
      await this.tx.$executeRaw`
        INSERT INTO order_items (order_id, sku, quantity, unit_price_minor, position)
        SELECT ${order.id}, i.sku, i.quantity, i.unit_price_minor, i.position
          FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
            AS i(sku text, quantity int, unit_price_minor bigint, position int)`;
    }
  }
}
