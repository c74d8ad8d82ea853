import * as E from 'fp-ts/Either';
import {
  defaultRetryPolicy,
  PrismaService,
  PrismaUnitOfWork,
  StatementUnitOfWork,
} from '@allocation/platform';
import { createTestDatabase, type TestDatabase } from '@allocation/platform/testing';
import { ordersBus } from '../orders.module';
import type { OrdersBus } from '../application/orders-bus';
import {
  addItemCommand,
  createOrderCommand,
  orderCommand,
  removeItemCommand,
} from '../application/order.commands';
import {
  rememberingOrdersTransaction,
  statementOrdersTransaction,
} from './prisma-orders-transaction';
import { PriceMemory } from './price-memory';
import { must } from '../testing/either';

// An order's own changes run without a transaction, as the module composes the bus: plain
// reads, then the order, its items and its events in one statement that claims the version read.
let database: TestDatabase;
let prisma: PrismaService;

/** The bus as the module composes it; each call is another process's, with its own memory. */
const composedBus = (on: PrismaService = prisma): OrdersBus => {
  const memory = new PriceMemory();
  return ordersBus(
    new PrismaUnitOfWork(on, rememberingOrdersTransaction(memory)),
    new StatementUnitOfWork(statementOrdersTransaction(on, memory), {
      retry: { ...defaultRetryPolicy, maxAttempts: 1 },
    }),
  );
};

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = new PrismaService({ url: database.url, poolSize: 8 });
  for (const sku of ['RED', 'BLUE', 'GREEN']) {
    await prisma.client.price.create({ data: { sku, amountMinor: 250, currency: 'EUR' } });
  }
});

afterAll(async () => {
  await prisma.close();
  await database.drop();
});

const itemsOf = (orderId: string) =>
  prisma.client.orderItem.findMany({
    where: { orderId },
    orderBy: { position: 'asc' },
    select: { sku: true, quantity: true, unitPriceMinor: true, position: true },
  });

const eventsOf = async (orderId: string) =>
  (
    await prisma.client.$queryRaw<Array<{ type: string }>>`
      SELECT type FROM outbox WHERE data->>'orderId' = ${orderId} ORDER BY id`
  ).map((row) => row.type);

describe("an order's changes without a transaction", () => {
  it('create, add, remove and place: the order, its items and its events written together', async () => {
    const bus = composedBus();
    const created = must(
      await bus.handle(must(createOrderCommand({ customerId: 'c', orderId: 'st-1' }))),
    );
    expect(created.value.created).toBe(true);
    must(await bus.handle(must(addItemCommand('st-1', { sku: 'RED', quantity: 2 }))));
    must(await bus.handle(must(addItemCommand('st-1', { sku: 'BLUE', quantity: 1 }))));
    must(await bus.handle(must(addItemCommand('st-1', { sku: 'RED', quantity: 3 }))));
    must(await bus.handle(must(addItemCommand('st-1', { sku: 'GREEN', quantity: 4 }))));
    must(await bus.handle(must(removeItemCommand('st-1', 'BLUE'))));
    must(await bus.handle(must(orderCommand('PlaceOrder', 'st-1'))));

    const order = await prisma.client.order.findUnique({ where: { id: 'st-1' } });
    expect(order).toMatchObject({ status: 'placed', customerId: 'c', currency: 'EUR' });
    expect(await itemsOf('st-1')).toEqual([
      { sku: 'RED', quantity: 5, unitPriceMinor: 250n, position: 0 },
      { sku: 'GREEN', quantity: 4, unitPriceMinor: 250n, position: 1 },
    ]);
    expect(await eventsOf('st-1')).toEqual([
      'OrderCreated',
      'ItemAdded',
      'ItemAdded',
      'ItemAdded',
      'ItemAdded',
      'ItemRemoved',
      'OrderPlaced',
    ]);
  });

  it('answer a repeated creation with the same order, and a different one with OrderIdTaken', async () => {
    const bus = composedBus();
    const command = must(createOrderCommand({ customerId: 'c', orderId: 'st-2' }));
    must(await bus.handle(command));
    const again = must(await bus.handle(command));
    expect(again.value.created).toBe(false);
    const other = await bus.handle(must(createOrderCommand({ customerId: 'd', orderId: 'st-2' })));
    expect(E.isLeft(other) && other.left._tag).toBe('OrderIdTaken');
    expect(await eventsOf('st-2')).toEqual(['OrderCreated']);
  });

  it('answer a repeated whole order with the order, and let the order under a taken id answer before any refusal', async () => {
    const bus = composedBus();
    const whole = { customerId: 'c', orderId: 'st-5', items: [{ sku: 'RED', quantity: 2 }] };
    must(await bus.handle(must(createOrderCommand({ ...whole, place: true }))));
    const again = must(await bus.handle(must(createOrderCommand({ ...whole, place: true }))));
    expect(again.value).toMatchObject({ created: false, order: { status: 'placed' } });
    /** Another customer's order of a SKU with no price, under this id. */
    const unpricedUnder = async (orderId: string) => {
      const items = [{ sku: 'NONE', quantity: 1 }];
      const outcome = await bus.handle(
        must(createOrderCommand({ customerId: 'd', orderId, items })),
      );
      return E.isLeft(outcome) && outcome.left._tag;
    };
    // Under a taken id: the id answers, whatever else is wrong.
    expect(await unpricedUnder('st-5')).toBe('OrderIdTaken');
    // Under a free id the same request is refused for its price, and stores nothing.
    expect(await unpricedUnder('st-6')).toBe('NoPrice');
    expect(await prisma.client.order.findUnique({ where: { id: 'st-6' } })).toBeNull();
    expect(await eventsOf('st-5')).toEqual(['OrderCreated', 'ItemAdded', 'OrderPlaced']);
  });

  it('lose no change when two processes add to one order at once (a lost claim runs in a transaction)', async () => {
    const [one, two] = [composedBus(), composedBus()];
    must(await one.handle(must(createOrderCommand({ customerId: 'c', orderId: 'st-3' }))));
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? one : two).handle(must(addItemCommand('st-3', { sku: 'RED', quantity: 1 }))),
      ),
    );
    expect(results.filter(E.isLeft)).toEqual([]);
    expect(await itemsOf('st-3')).toEqual([
      { sku: 'RED', quantity: 12, unitPriceMinor: 250n, position: 0 },
    ]);
    const order = await prisma.client.order.findUnique({ where: { id: 'st-3' } });
    expect(order?.version).toBe(1 + 12);
  });

  it('create an order once when two processes create it at once', async () => {
    const command = must(createOrderCommand({ customerId: 'c', orderId: 'st-4' }));
    const results = await Promise.all([
      composedBus().handle(command),
      composedBus().handle(command),
    ]);
    expect(results.map((r) => must(r).value.created).sort()).toEqual([false, true]);
    expect(await eventsOf('st-4')).toEqual(['OrderCreated']);
  });
});

describe('prices a process remembers', () => {
  const wholeOrder = (orderId: string, sku: string) =>
    must(
      createOrderCommand({
        customerId: 'c',
        orderId,
        items: [{ sku, quantity: 1 }],
        place: true,
      }),
    );

  it('price the next order without reading the catalogue: one statement in all', async () => {
    const sent: string[] = [];
    const counted = new PrismaService({
      url: database.url,
      poolSize: 2,
      onQuery: (query) => sent.push(query),
    });
    try {
      const bus = composedBus(counted);
      must(await bus.handle(wholeOrder('pm-1', 'GREEN')));
      expect(sent.some((query) => query.includes('"prices"'))).toBe(true);
      sent.length = 0;
      must(await bus.handle(wholeOrder('pm-2', 'GREEN')));
      expect(sent).toHaveLength(1);
      expect(sent[0]).toContain('INSERT INTO orders');
      expect(await itemsOf('pm-2')).toEqual([
        { sku: 'GREEN', quantity: 1, unitPriceMinor: 250n, position: 0 },
      ]);
    } finally {
      await counted.close();
    }
  });

  it('price an order afresh when another process changed a price this one remembers', async () => {
    await prisma.client.price.create({
      data: { sku: 'PURPLE', amountMinor: 400, currency: 'EUR' },
    });
    const bus = composedBus();
    must(await bus.handle(wholeOrder('pm-3', 'PURPLE')));
    // Another process sets the price; this one still remembers 400.
    await prisma.client.price.update({ where: { sku: 'PURPLE' }, data: { amountMinor: 450 } });
    must(await bus.handle(wholeOrder('pm-4', 'PURPLE')));
    must(await bus.handle(wholeOrder('pm-5', 'PURPLE')));
    for (const orderId of ['pm-4', 'pm-5']) {
      expect(await itemsOf(orderId)).toEqual([
        { sku: 'PURPLE', quantity: 1, unitPriceMinor: 450n, position: 0 },
      ]);
    }
    expect(await itemsOf('pm-3')).toEqual([
      { sku: 'PURPLE', quantity: 1, unitPriceMinor: 400n, position: 0 },
    ]);
    expect(await eventsOf('pm-4')).toEqual(['OrderCreated', 'ItemAdded', 'OrderPlaced']);
  });
});
