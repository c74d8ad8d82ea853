import * as O from 'fp-ts/Option';
import type {
  CurrencyCode,
  CustomerId,
  ItemQuantity,
  Order,
  OrderEvent,
  OrderId,
  OrderStatus,
  Sku,
  UnitPrice,
} from '@allocation/orders-domain';
import { ConcurrencyConflict, type Prisma, type SqlPool } from '@allocation/platform';
import type { OrderRepository } from '../ports/order.repository';
import { writeOrder, type OrderWrite } from './order-sql';
import type { AssumedPrice } from './price-memory';

/**
 * Orders through Prisma's model API within one transaction. Rows were validated on the way in,
 * so they are cast back to their branded types rather than validated again.
 *
 * With a `pool` it serves a statement unit of work instead (no transaction): reads take no lock,
 * and the order it adds or saves is kept until `flush` writes it with the events in one
 * statement that claims the version read (`order-sql.ts`).
 */
export class PrismaOrderRepository implements OrderRepository {
  /** Versions as loaded, for the optimistic check on save. */
  private readonly loaded = new Map<string, number>();
  /** With a pool: the order to write at `flush`. */
  private kept: OrderWrite | undefined;

  constructor(
    private readonly tx: Prisma.TransactionClient,
    private readonly pool?: SqlPool,
  ) {}

  async get(id: OrderId): Promise<O.Option<Order>> {
    // Prisma cannot say FOR UPDATE: the row lock is taken first, in SQL of its own. Without a
    // transaction there is no lock to hold: the write's version claim stands in for it.
    if (this.pool === undefined) {
      await this.tx.$queryRaw`SELECT 1 FROM orders WHERE id = ${id} FOR UPDATE`;
    }
    const row = await this.tx.order.findUnique({
      where: { id },
      include: { items: { orderBy: { position: 'asc' } } },
    });
    if (row === null) return O.none;
    this.loaded.set(row.id, row.version);
    return O.some(orderFromRow(row));
  }

  async add(order: Order): Promise<boolean> {
    if (this.pool !== undefined) {
      // Whether the id is free is known at the write: taken meanwhile, the claim fails.
      this.keep({ order, loadedVersion: null });
      return true;
    }
    const { count } = await this.tx.order.createMany({
      data: [
        {
          id: order.id,
          customerId: order.customerId,
          currency: order.currency,
          status: order.status,
          version: order.version,
          createdAt: new Date(order.createdAt),
        },
      ],
      skipDuplicates: true,
    });
    if (count !== 1) return false;
    this.loaded.set(order.id, order.version);
    // A whole order arrives with its items.
    if (order.items.length > 0) await this.writeItems(order);
    return true;
  }

  async save(order: Order): Promise<void> {
    if (this.pool !== undefined) {
      this.keep({ order, loadedVersion: this.loaded.get(order.id) ?? -1 });
      return;
    }
    const { count } = await this.tx.order.updateMany({
      where: { id: order.id, version: this.loaded.get(order.id) ?? -1 },
      data: { status: order.status, version: order.version, updatedAt: new Date() },
    });
    if (count !== 1) throw new ConcurrencyConflict(`Order ${order.id} changed since it was read`);
    this.loaded.set(order.id, order.version);
    // At most 100 lines: replace them all in two set-based statements.
    await this.tx.orderItem.deleteMany({ where: { orderId: order.id } });
    await this.writeItems(order);
  }

  private async writeItems(order: Order): Promise<void> {
    await this.tx.orderItem.createMany({
      data: order.items.map((item, position) => ({
        orderId: order.id,
        sku: item.sku,
        quantity: item.quantity,
        unitPriceMinor: item.unitPrice.amountMinor,
        position,
      })),
    });
  }

  /**
   * Writes the kept order with the unit's events in one statement (with a pool), checking that
   * the prices `assumed` from memory are still the catalogue's.
   */
  async flush(
    events: ReadonlyArray<OrderEvent>,
    assumed: ReadonlyArray<AssumedPrice> = [],
  ): Promise<void> {
    if (this.pool === undefined || this.kept === undefined) {
      if (events.length > 0) throw new Error('events without an order to write them with');
      return;
    }
    await writeOrder(this.pool, this.kept, events, assumed);
    this.kept = undefined;
  }

  private keep(write: OrderWrite): void {
    if (this.kept !== undefined && this.kept.order.id !== write.order.id) {
      throw new Error('one order per statement unit of work');
    }
    // Saved twice (or added, then saved), the write still claims what was first read.
    this.kept = {
      order: write.order,
      loadedVersion: this.kept === undefined ? write.loadedVersion : this.kept.loadedVersion,
    };
  }
}

/** An order row with its items, as Prisma reads it. */
interface OrderRow {
  readonly id: string;
  readonly customerId: string;
  readonly currency: string;
  readonly status: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly items: ReadonlyArray<{ sku: string; quantity: number; unitPriceMinor: bigint }>;
}

/** The aggregate from its rows, which were validated on the way in: cast back, not checked. */
export const orderFromRow = (row: OrderRow): Order => {
  const currency = row.currency as CurrencyCode;
  return {
    id: row.id as OrderId,
    customerId: row.customerId as CustomerId,
    currency,
    status: row.status as OrderStatus,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    items: row.items.map((item) => ({
      sku: item.sku as Sku,
      quantity: item.quantity as ItemQuantity,
      unitPrice: { amountMinor: Number(item.unitPriceMinor), currency } as UnitPrice,
    })),
  };
};
