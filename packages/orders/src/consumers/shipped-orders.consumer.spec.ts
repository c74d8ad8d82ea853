import type { PickListConfirmed } from '@allocation/orders-domain';
import { type FeedItem, PrismaService, PrismaUnitOfWork } from '@allocation/platform';
import { createTestDatabase, type TestDatabase } from '@allocation/platform/testing';
import { ordersBus } from '../orders.module';
import type { OrdersBus } from '../application/orders-bus';
import { createOrderCommand, addItemCommand, orderCommand } from '../application/order.commands';
import { prismaOrdersTransaction } from '../infrastructure/prisma-orders-transaction';
import { shippedOrdersConsumer } from './shipped-orders.consumer';
import { must } from '../testing/either';

let database: TestDatabase;
let prisma: PrismaService;
let bus: OrdersBus;
const warnings: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 4 });
  bus = ordersBus(new PrismaUnitOfWork(prisma, prismaOrdersTransaction));
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

/** A placed order with these items (prices set on the way). */
const placed = async (orderId: string, items: Array<[string, number]>) => {
  must(await bus.handle(must(createOrderCommand({ customerId: 'c1', orderId }))));
  for (const [sku, quantity] of items) {
    await prisma.client.$executeRaw`
      INSERT INTO prices (sku, amount_minor, currency) VALUES (${sku}, 100, 'EUR')
      ON CONFLICT (sku) DO NOTHING`;
    must(await bus.handle(must(addItemCommand(orderId, { sku, quantity }))));
  }
  must(await bus.handle(must(orderCommand('PlaceOrder', orderId))));
};

let position = 0;
const confirmed = (pickListId: string, shipped: PickListConfirmed['shipped']): FeedItem => {
  position += 1;
  return {
    id: position,
    position: { xid: '1', id: position },
    type: 'PickListConfirmed',
    occurredAt: new Date(0).toISOString(),
    data: { pickListId, shipped },
  };
};

const statusOf = async (orderId: string) =>
  (
    await prisma.client.$queryRaw<Array<{ status: string }>>`
    SELECT status FROM orders WHERE id = ${orderId}`
  )[0]?.status;

const consumer = () => shippedOrdersConsumer(bus, { warn: (m) => warnings.push(m) });

describe('orders hearing of confirmed pick lists', () => {
  it('ship an order once every item has shipped, over several pick lists', async () => {
    await placed('sc-1', [
      ['SC-LAMP', 2],
      ['SC-RUG', 1],
    ]);
    const line = (sku: string, quantity: number) => ({
      orderId: 'sc-1',
      sku,
      batchReference: `${sku}-b`,
      quantity,
    });
    await consumer().handle([confirmed('pl-1', [line('SC-LAMP', 2)])]);
    expect(await statusOf('sc-1')).toBe('placed');
    await consumer().handle([confirmed('pl-2', [line('SC-RUG', 1)])]);
    expect(await statusOf('sc-1')).toBe('shipped');
  });

  it('count a pick list heard twice once', async () => {
    await placed('sc-2', [['SC-VASE', 4]]);
    const half = confirmed('pl-3', [
      { orderId: 'sc-2', sku: 'SC-VASE', batchReference: 'v1', quantity: 2 },
    ]);
    await consumer().handle([half, half]);
    await consumer().handle([half]);
    expect(await statusOf('sc-2')).toBe('placed');
    const rows = await prisma.client.$queryRaw<Array<{ n: number }>>`
      SELECT sum(quantity)::int AS n FROM order_shipments WHERE order_id = 'sc-2'`;
    expect(rows[0]?.n).toBe(2);
  });

  it('pass over lines of no order here, and warn about a cancelled order', async () => {
    await placed('sc-3', [['SC-DESK', 1]]);
    must(await bus.handle(must(orderCommand('CancelOrder', 'sc-3'))));
    await consumer().handle([
      confirmed('pl-4', [
        { orderId: 'direct-1', sku: 'SC-DESK', batchReference: 'd1', quantity: 1 },
        { orderId: 'sc-3', sku: 'SC-DESK', batchReference: 'd1', quantity: 1 },
      ]),
    ]);
    expect(await statusOf('sc-3')).toBe('cancelled');
    expect(warnings).toEqual([
      'Pick list pl-4, order sc-3: Order sc-3 is cancelled; it cannot be shipped',
    ]);
  });
});
