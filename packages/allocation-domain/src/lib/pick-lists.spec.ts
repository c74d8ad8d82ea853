import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  cancelPickList,
  confirmPickList,
  createPickList,
  PickListId,
  productAvailableQuantity,
  reserveLines,
  stockReserved,
  shipLines,
  type PickList,
} from '../index';
import {
  batchOf,
  line,
  orderId,
  productWith,
  ref,
  stock,
  unwrap,
  unwrapLeft,
} from '../test-support/builders';
import { Ledger } from '../test-support/ledger';

const list = (value: string) => unwrap(PickListId(value));

/** A product with stock on the shelf and on its way, and three orders allocated from it. */
const warehouse = () => {
  const ledger = new Ledger(
    productWith('RUG', [
      { ref: 'shelf', qty: 10 },
      { ref: 'ship', qty: 10, eta: '2026-12-24' },
    ]),
  );
  ledger.allocate(line('o1', 'RUG', 4));
  ledger.allocate(line('o2', 'RUG', 5));
  ledger.allocate(line('o3', 'RUG', 6));
  ledger.events.length = 0;
  return ledger;
};

describe('reserving lines on a pick list', () => {
  it('counts them as reserved in their batches and marks each line', () => {
    const ledger = warehouse();
    const changed = unwrap(ledger.reserve(['o1', 'o3'], list('p1')));
    expect(batchOf(changed.product, 'shelf').reservedQuantity).toBe(4);
    expect(batchOf(changed.product, 'ship').reservedQuantity).toBe(6);
    expect(changed.value.map((l) => [l.orderId, l.reservedFor])).toEqual([
      ['o1', 'p1'],
      ['o3', 'p1'],
    ]);
    expect(changed.product.version).toBe(ledger.product.version);
    expect(productAvailableQuantity(changed.product)).toBe(5);
  });

  it('refuses a line that is on another pick list already', () => {
    const ledger = warehouse();
    unwrap(ledger.reserve(['o1'], list('p1')));
    const taken = ledger.lineOf('o1');
    const refused = unwrapLeft(
      reserveLines(ledger.product, O.isSome(taken) ? [taken.value] : [], list('p2')),
    );
    expect(refused).toMatchObject({ _tag: 'LineReserved', pickListId: 'p1' });
  });
});

describe('a batch holding reserved lines', () => {
  it('shrinking deallocates the unreserved lines, newest first, and leaves the reserved ones', () => {
    const ledger = warehouse();
    unwrap(ledger.allocate(line('o4', 'RUG', 1)));
    unwrap(ledger.reserve(['o4'], list('p1')));
    // shelf holds o1 (4), o2 (5) and o4 (1, reserved): 10 of 10.
    const changed = unwrap(ledger.changeBatchQuantity(ref('shelf'), stock(6)));
    expect(changed.value.deallocated.map((l) => l.orderId)).toEqual(['o2']);
    expect(ledger.lineOf('o4')).toEqual(
      O.some(
        expect.objectContaining({
          reservedFor: 'p1',
          portions: [{ batchReference: 'shelf', quantity: 1 }],
        }),
      ),
    );
  });

  it('cannot shrink below what is reserved', () => {
    const ledger = warehouse();
    unwrap(ledger.reserve(['o1', 'o2'], list('p1')));
    expect(unwrapLeft(ledger.changeBatchQuantity(ref('shelf'), stock(8)))).toMatchObject({
      _tag: 'StockReserved',
      message: 'Batch shelf has 9 units on open pick lists; its quantity cannot go below 9',
    });
    expect(E.isRight(ledger.changeBatchQuantity(ref('shelf'), stock(9)))).toBe(true);
  });

  it('says "1 unit", not "1 units", when one unit is reserved', () => {
    expect(stockReserved(ref('shelf'), 1, 'remove').message).toBe(
      'Batch shelf has 1 unit on open pick lists; it cannot be removed',
    );
  });

  it('cannot be removed', () => {
    const ledger = warehouse();
    unwrap(ledger.reserve(['o1'], list('p1')));
    expect(unwrapLeft(ledger.removeBatch(ref('shelf')))._tag).toBe('StockReserved');
  });

  it('keeps its reserved lines from being deallocated on request', () => {
    const ledger = warehouse();
    unwrap(ledger.reserve(['o1'], list('p1')));
    expect(unwrapLeft(ledger.deallocate(orderId('o1')))).toMatchObject({
      _tag: 'LineReserved',
      message: "Order o1's line of sku RUG is on pick list p1; cancel that pick list first",
    });
  });
});

describe('shipping a pick list', () => {
  it('takes the picked quantity out of purchased, allocated and reserved; available is unchanged', () => {
    const ledger = warehouse();
    unwrap(ledger.reserve(['o1', 'o3'], list('p1')));
    const available = productAvailableQuantity(ledger.product);
    const shipped = unwrap(ledger.ship(list('p1')));
    expect(batchOf(shipped.product, 'shelf')).toMatchObject({
      purchasedQuantity: 6,
      allocatedQuantity: 5,
      reservedQuantity: 0,
    });
    expect(batchOf(shipped.product, 'ship')).toMatchObject({
      purchasedQuantity: 4,
      allocatedQuantity: 0,
      reservedQuantity: 0,
    });
    expect(productAvailableQuantity(shipped.product)).toBe(available);
    expect(shipped.events).toEqual([
      {
        _tag: 'Shipped',
        orderId: 'o1',
        sku: 'RUG',
        quantity: 4,
        batchReference: 'shelf',
        pickListId: 'p1',
      },
      {
        _tag: 'Shipped',
        orderId: 'o3',
        sku: 'RUG',
        quantity: 6,
        batchReference: 'ship',
        pickListId: 'p1',
      },
    ]);
  });

  it('removes the lines for good: a later shrink cannot reallocate them', () => {
    const ledger = warehouse();
    unwrap(ledger.reserve(['o1'], list('p1')));
    unwrap(ledger.ship(list('p1')));
    expect(ledger.lineOf('o1')).toEqual(O.none);
    const shrunk = unwrap(ledger.changeBatchQuantity(ref('shelf'), stock(0)));
    expect(shrunk.value.deallocated.map((l) => l.orderId)).toEqual(['o2']);
  });

  it('refuses a line that is not on that pick list', () => {
    const ledger = warehouse();
    unwrap(ledger.reserve(['o1'], list('p1')));
    const o1 = ledger.linesOn('p1');
    expect(unwrapLeft(shipLines(ledger.product, o1, list('p2')))).toMatchObject({
      _tag: 'LineReserved',
      pickListId: 'p1',
    });
  });
});

describe('cancelling a pick list', () => {
  it('releases its lines: still allocated, no longer reserved', () => {
    const ledger = warehouse();
    unwrap(ledger.reserve(['o1', 'o2'], list('p1')));
    const released = unwrap(ledger.release(list('p1')));
    expect(batchOf(released.product, 'shelf')).toMatchObject({
      allocatedQuantity: 9,
      reservedQuantity: 0,
    });
    expect(ledger.lineOf('o1')).toEqual(O.some(expect.not.objectContaining({ reservedFor: 'p1' })));
    expect(E.isRight(ledger.deallocate(orderId('o1')))).toBe(true);
  });
});

describe('the pick list itself', () => {
  const created = () => {
    const ledger = warehouse();
    const reserved = unwrap(ledger.reserve(['o1', 'o2', 'o3'], list('p1')));
    return unwrap(createPickList(list('p1'), [{ product: ledger.product, lines: reserved.value }]));
  };

  it('groups its lines by batch in preference order, with per-batch totals', () => {
    const { pickList, events } = created();
    expect(pickList.status).toBe('open');
    expect(pickList.batches.map((b) => [b.batchReference, b.quantity, b.lines])).toEqual([
      [
        'shelf',
        9,
        [
          { orderId: 'o1', quantity: 4 },
          { orderId: 'o2', quantity: 5 },
        ],
      ],
      ['ship', 6, [{ orderId: 'o3', quantity: 6 }]],
    ]);
    expect(events).toEqual([
      {
        _tag: 'PickListCreated',
        pickListId: 'p1',
        batches: [
          {
            batchReference: 'shelf',
            sku: 'RUG',
            quantity: 9,
            lines: [
              { orderId: 'o1', quantity: 4 },
              { orderId: 'o2', quantity: 5 },
            ],
          },
          {
            batchReference: 'ship',
            sku: 'RUG',
            quantity: 6,
            lines: [{ orderId: 'o3', quantity: 6 }],
          },
        ],
      },
    ]);
  });

  it('orders batches by SKU across products', () => {
    const lamp = new Ledger(productWith('LAMP', [{ ref: 'lamp-1', qty: 5 }]));
    lamp.allocate(line('o9', 'LAMP', 1));
    const rug = warehouse();
    const picks = [
      { product: rug.product, lines: unwrap(rug.reserve(['o1'], list('p1'))).value },
      { product: lamp.product, lines: unwrap(lamp.reserve(['o9'], list('p1'))).value },
    ];
    const { pickList } = unwrap(createPickList(list('p1'), picks));
    expect(pickList.batches.map((b) => b.batchReference)).toEqual(['lamp-1', 'shelf']);
  });

  it('with nothing to pick is refused', () => {
    expect(unwrapLeft(createPickList(list('p1'), []))).toEqual({
      _tag: 'NothingToPick',
      message: 'Nothing is left to pick: every allocated line is on a pick list already',
    });
    expect(unwrapLeft(createPickList(list('p1'), [], ['o7'])).message).toBe(
      'Nothing is left to pick for order(s) o7',
    );
  });

  it('confirming says what shipped, line by line; only an open list can be confirmed', () => {
    const { pickList } = created();
    const confirmed = unwrap(confirmPickList(pickList));
    expect(confirmed.pickList.status).toBe('confirmed');
    expect(confirmed.events[0]?.shipped).toEqual([
      { orderId: 'o1', sku: 'RUG', batchReference: 'shelf', quantity: 4 },
      { orderId: 'o2', sku: 'RUG', batchReference: 'shelf', quantity: 5 },
      { orderId: 'o3', sku: 'RUG', batchReference: 'ship', quantity: 6 },
    ]);
    expect(unwrapLeft(confirmPickList(confirmed.pickList)).message).toBe(
      'Pick list p1 is confirmed; only an open pick list can be confirmed',
    );
    expect(unwrapLeft(cancelPickList(confirmed.pickList))._tag).toBe('PickListNotOpen');
  });

  it('cancelling closes it; a cancelled list cannot be confirmed', () => {
    const { pickList } = created();
    const cancelled: PickList = unwrap(cancelPickList(pickList)).pickList;
    expect(cancelled.status).toBe('cancelled');
    expect(unwrapLeft(confirmPickList(cancelled)).message).toBe(
      'Pick list p1 is cancelled; only an open pick list can be confirmed',
    );
  });
});
