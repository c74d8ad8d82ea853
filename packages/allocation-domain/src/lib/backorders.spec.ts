import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { allocate, availableQuantity, deallocate, type Product } from '../index';
import {
  batchOf,
  eta,
  line,
  orderId,
  productWith,
  qty,
  ref,
  sku,
  stock,
  unwrap,
  unwrapLeft,
} from '../test-support/builders';
import { Ledger } from '../test-support/ledger';

const newBatch = (reference: string, quantity: number, when: string | null = null) => ({
  reference: ref(reference),
  sku: sku('LAMP'),
  quantity: qty(quantity),
  eta: eta(when),
});

/** A ledger whose orders placed these lines on a product with no stock at all. */
const waitingFor = (...lines: ReadonlyArray<readonly [string, number]>) => {
  const ledger = new Ledger(productWith('LAMP', []));
  for (const [order, quantity] of lines)
    ledger.allocate(line(order, 'LAMP', quantity), false, true);
  ledger.events.length = 0;
  return ledger;
};

const waitingOrders = (product: Product) => product.backorders.map((b) => b.orderId);

describe('an order line that finds no stock', () => {
  it('is kept as backordered when it comes from a placed order', () => {
    const product = productWith('LAMP', [{ ref: 'b1', qty: 3 }]);
    const changed = unwrap(
      allocate(product, line('o1', 'LAMP', 5), O.none, { allowSplit: false, backorder: true }),
    );
    expect(changed.value).toEqual({
      outcome: 'backordered',
      backorder: { orderId: 'o1', sku: 'LAMP', quantity: 5, allowSplit: false, accepted: 2 },
      created: true,
    });
    expect(changed.events).toEqual([
      { _tag: 'OutOfStock', orderId: 'o1', sku: 'LAMP', quantity: 5 },
      { _tag: 'Backordered', orderId: 'o1', sku: 'LAMP', quantity: 5 },
    ]);
    expect(waitingOrders(changed.product)).toEqual(['o1']);
    expect(changed.product.version).toBe(product.version + 1);
    expect(batchOf(changed.product, 'b1').allocatedQuantity).toBe(0);
  });

  it('is refused and not kept when it is a direct request', () => {
    const product = productWith('LAMP', [{ ref: 'b1', qty: 3 }]);
    const refused = unwrapLeft(allocate(product, line('o1', 'LAMP', 5), O.none));
    expect(refused._tag).toBe('OutOfStock');
    expect(product.backorders).toEqual([]);
  });

  it('waits behind the lines that were backordered before it', () => {
    expect(waitingOrders(waitingFor(['o1', 1], ['o2', 1], ['o3', 1]).product)).toEqual([
      'o1',
      'o2',
      'o3',
    ]);
  });
});

describe('repeating a backordered line', () => {
  it('changes nothing: at-least-once delivery of a placed order is safe', () => {
    const ledger = waitingFor(['o1', 4]);
    const again = unwrap(
      allocate(ledger.product, line('o1', 'LAMP', 4), O.none, {
        allowSplit: false,
        backorder: true,
      }),
    );
    expect(again.product).toBe(ledger.product);
    expect(again.events).toEqual([]);
    expect(again.value).toMatchObject({ outcome: 'backordered', created: false });
  });

  it('answers a direct request for the same line with the line as it waits', () => {
    const ledger = waitingFor(['o1', 4]);
    const again = unwrap(allocate(ledger.product, line('o1', 'LAMP', 4), O.none));
    expect(again.value).toMatchObject({ outcome: 'backordered', created: false });
  });

  it('refuses another quantity for the same line', () => {
    const ledger = waitingFor(['o1', 4]);
    const refused = unwrapLeft(allocate(ledger.product, line('o1', 'LAMP', 6), O.none));
    expect(refused).toMatchObject({
      _tag: 'LineAlreadyAllocated',
      message: 'Order o1 already has 4 of sku LAMP backordered; cannot allocate 6',
    });
  });
});

describe('stock arriving serves the backorders first come, first served', () => {
  it('a new batch serves the oldest backorders it can take', () => {
    const ledger = waitingFor(['o1', 5], ['o2', 5]);
    const before = ledger.product;
    const changed = unwrap(ledger.addBatch(newBatch('b1', 7)));
    expect(changed.events).toEqual([
      { _tag: 'BatchCreated', reference: 'b1', sku: 'LAMP', quantity: 7, eta: null },
      { _tag: 'Allocated', orderId: 'o1', sku: 'LAMP', quantity: 5, batchReference: 'b1' },
    ]);
    expect(waitingOrders(changed.product)).toEqual(['o2']);
    expect(changed.value.allocatedQuantity).toBe(5);
    expect(changed.product.version).toBe(before.version + 1);
  });

  it('a backorder that does not fit keeps its place; the ones behind it still get their turn', () => {
    const ledger = waitingFor(['o1', 10], ['o2', 3], ['o3', 4]);
    unwrap(ledger.addBatch(newBatch('b1', 5)));
    expect(waitingOrders(ledger.product)).toEqual(['o1', 'o3']);
    unwrap(ledger.addBatch(newBatch('b2', 12)));
    expect(waitingOrders(ledger.product)).toEqual(['o3']);
    expect(ledger.lineOf('o1')).toEqual(O.some(expect.objectContaining({ quantity: 10 })));
  });

  it('a shipment on its way serves backorders too', () => {
    const ledger = waitingFor(['o1', 2]);
    unwrap(ledger.addBatch(newBatch('b1', 2, '2026-12-24')));
    expect(ledger.product.backorders).toEqual([]);
  });

  it('a larger quantity serves them', () => {
    const ledger = waitingFor(['o1', 4]);
    unwrap(ledger.addBatch(newBatch('b1', 1)));
    const changed = unwrap(ledger.changeBatchQuantity(ref('b1'), stock(6)));
    expect(changed.events.map((e) => e._tag)).toEqual(['BatchQuantityChanged', 'Allocated']);
    expect(changed.product.backorders).toEqual([]);
    expect(availableQuantity(changed.value.batch)).toBe(2);
  });

  it('lines deallocated on request free stock for them', () => {
    const ledger = new Ledger(productWith('LAMP', [{ ref: 'b1', qty: 5 }]));
    ledger.allocate(line('o1', 'LAMP', 5));
    ledger.allocate(line('o2', 'LAMP', 3), false, true);
    const changed = unwrap(ledger.deallocate(orderId('o1')));
    expect(changed.events.map((e) => e._tag)).toEqual(['Deallocated', 'Allocated']);
    expect(ledger.lineOf('o2')).toEqual(O.some(expect.objectContaining({ quantity: 3 })));
  });

  it('a line deallocated from one batch frees that batch for them', () => {
    const ledger = new Ledger(
      productWith('LAMP', [
        { ref: 'b1', qty: 4 },
        { ref: 'b2', qty: 4 },
      ]),
    );
    ledger.allocate(line('o1', 'LAMP', 8), true);
    ledger.allocate(line('o2', 'LAMP', 4), false, true);
    unwrap(ledger.deallocate(orderId('o1'), O.some(ref('b2'))));
    expect(ledger.lineOf('o2')).toEqual(
      O.some(expect.objectContaining({ portions: [{ batchReference: 'b2', quantity: 4 }] })),
    );
  });

  it('a backorder that allows splitting is served from several batches', () => {
    const ledger = new Ledger(productWith('LAMP', [{ ref: 'b1', qty: 3 }]));
    ledger.allocate(line('o1', 'LAMP', 5), true, true);
    unwrap(ledger.addBatch(newBatch('b2', 2)));
    expect(ledger.lineOf('o1')).toEqual(
      O.some(
        expect.objectContaining({
          portions: [
            { batchReference: 'b1', quantity: 3 },
            { batchReference: 'b2', quantity: 2 },
          ],
        }),
      ),
    );
  });
});

describe('a line pushed out of its batch', () => {
  const setup = () => {
    const ledger = new Ledger(productWith('LAMP', [{ ref: 'b1', qty: 6 }]));
    ledger.allocate(line('o1', 'LAMP', 3));
    ledger.allocate(line('o2', 'LAMP', 3));
    ledger.events.length = 0;
    return ledger;
  };

  it('is backordered when a shrinking batch leaves it nowhere to go', () => {
    const ledger = setup();
    const changed = unwrap(ledger.changeBatchQuantity(ref('b1'), stock(4)));
    expect(changed.events.map((e) => e._tag)).toEqual([
      'BatchQuantityChanged',
      'Deallocated',
      'OutOfStock',
      'Backordered',
    ]);
    expect(changed.product.backorders).toEqual([
      { orderId: 'o2', sku: 'LAMP', quantity: 3, allowSplit: false, accepted: 3 },
    ]);
  });

  it('is backordered when its batch is removed and nothing else has room, oldest first', () => {
    const ledger = setup();
    unwrap(ledger.removeBatch(ref('b1')));
    expect(waitingOrders(ledger.product)).toEqual(['o1', 'o2']);
    expect(ledger.allLines()).toEqual([]);
  });

  it('waits in the order it was accepted, not the order it lost its batch', () => {
    // Shrink A, then delete C: o1 (accepted first) must stay ahead of o3.
    const ledger = new Ledger(
      productWith('LAMP', [
        { ref: 'A', qty: 10 },
        { ref: 'B', qty: 20, eta: '2031-01-01' },
        { ref: 'C', qty: 5, eta: '2031-06-01' },
      ]),
    );
    ledger.allocate(line('o1', 'LAMP', 8), true);
    ledger.allocate(line('o2', 'LAMP', 15), true);
    ledger.allocate(line('o3', 'LAMP', 9), true);
    unwrap(ledger.changeBatchQuantity(ref('A'), stock(3)));
    unwrap(ledger.removeBatch(ref('C')));
    expect(ledger.product.backorders.map((b) => [b.orderId, b.quantity])).toEqual([
      ['o1', 8],
      ['o3', 9],
    ]);
    // Stock arrives: o1 is served first, then o3 (split) from what is left.
    const arrived = unwrap(ledger.addBatch(newBatch('D', 10)));
    const served = arrived.events.flatMap((e) => (e._tag === 'Allocated' ? [e.orderId] : []));
    expect([...new Set(served)]).toEqual(['o1', 'o3']);
    expect(ledger.lineOf('o1')).toEqual(
      O.some(expect.objectContaining({ portions: [{ batchReference: 'D', quantity: 8 }] })),
    );
    expect(waitingOrders(ledger.product)).toEqual([]);
  });

  it('goes ahead of the older backorders: it was accepted first', () => {
    const ledger = setup();
    ledger.allocate(line('o3', 'LAMP', 3), false, true);
    unwrap(ledger.changeBatchQuantity(ref('b1'), stock(3)));
    expect(waitingOrders(ledger.product)).toEqual(['o2', 'o3']);
    unwrap(ledger.addBatch(newBatch('b2', 3)));
    expect(waitingOrders(ledger.product)).toEqual(['o3']);
  });

  it('is allocated again when stock arrives', () => {
    const ledger = setup();
    unwrap(ledger.changeBatchQuantity(ref('b1'), stock(4)));
    unwrap(ledger.changeBatchQuantity(ref('b1'), stock(6)));
    expect(ledger.product.backorders).toEqual([]);
    expect(ledger.lineOf('o2')).toEqual(O.some(expect.objectContaining({ quantity: 3 })));
  });

  it('that had been split may be split again', () => {
    const ledger = new Ledger(
      productWith('LAMP', [
        { ref: 'b1', qty: 2 },
        { ref: 'b2', qty: 2 },
        { ref: 'b3', qty: 2, eta: '2026-12-24' },
      ]),
    );
    ledger.allocate(line('o1', 'LAMP', 4), true);
    unwrap(ledger.removeBatch(ref('b1')));
    expect(ledger.lineOf('o1')).toEqual(
      O.some(
        expect.objectContaining({
          portions: [
            { batchReference: 'b2', quantity: 2 },
            { batchReference: 'b3', quantity: 2 },
          ],
        }),
      ),
    );
  });
});

describe('deallocating a backordered line', () => {
  it('takes it out of the queue and says so', () => {
    const ledger = waitingFor(['o1', 2], ['o2', 3]);
    const changed = unwrap(ledger.deallocate(orderId('o1')));
    expect(changed.events).toEqual([
      { _tag: 'BackorderCancelled', orderId: 'o1', sku: 'LAMP', quantity: 2 },
    ]);
    expect(waitingOrders(changed.product)).toEqual(['o2']);
    expect(changed.product.version).toBe(ledger.product.version);
    expect(changed.value.removed).toEqual([]);
  });

  it('from a named batch is refused: it has none', () => {
    const ledger = waitingFor(['o1', 2]);
    unwrap(ledger.addBatch(newBatch('b1', 1)));
    const refused = deallocate(ledger.product, orderId('o1'), O.none, O.some(ref('b1')));
    expect(E.isLeft(refused) && refused.left._tag).toBe('OrderNotAllocated');
  });
});
