import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  addBatch,
  allocate,
  availableQuantity,
  changeBatchQuantity,
  deallocate,
  emptyProduct,
  productAvailableQuantity,
  removeBatch,
  type AllocatedLine,
} from '../index';
import {
  batchOf,
  eta,
  line,
  orderId,
  productWith,
  qty,
  ref,
  servedLine,
  sku,
  stock,
  unwrap,
  unwrapLeft,
} from '../test-support/builders';
import { Ledger } from '../test-support/ledger';

const allocateNew = (product = productWith('LAMP', [{ ref: 'b1', qty: 20 }])) =>
  allocate(product, line('o1', 'LAMP', 2), O.none);

describe('adding batches', () => {
  it('records BatchCreated and increments the version', () => {
    const changed = unwrap(
      addBatch(emptyProduct(sku('LAMP')), {
        reference: ref('b1'),
        sku: sku('LAMP'),
        quantity: qty(20),
        eta: eta('2026-12-01'),
      }),
    );
    expect(changed.product.version).toBe(1);
    expect(changed.events).toEqual([
      { _tag: 'BatchCreated', reference: 'b1', sku: 'LAMP', quantity: 20, eta: '2026-12-01' },
    ]);
    expect(availableQuantity(changed.value)).toBe(20);
  });

  it('refuses a reference the product already has', () => {
    const product = productWith('LAMP', [{ ref: 'b1', qty: 20 }]);
    const error = unwrapLeft(
      addBatch(product, { reference: ref('b1'), sku: sku('LAMP'), quantity: qty(5), eta: O.none }),
    );
    expect(error._tag).toBe('DuplicateBatchReference');
    expect(error.message).toBe('Batch b1 already exists');
  });

  it('refuses a batch of another sku', () => {
    const error = unwrapLeft(
      addBatch(emptyProduct(sku('LAMP')), {
        reference: ref('b1'),
        sku: sku('TABLE'),
        quantity: qty(5),
        eta: O.none,
      }),
    );
    expect(error._tag).toBe('SkuMismatch');
  });
});

describe('allocating', () => {
  it('allocating reduces the available quantity', () => {
    const changed = unwrap(allocateNew());
    expect(availableQuantity(batchOf(changed.product, 'b1'))).toBe(18);
    expect(productAvailableQuantity(changed.product)).toBe(18);
  });

  it('can allocate if available is greater than required', () => {
    expect(E.isRight(allocateNew(productWith('LAMP', [{ ref: 'b1', qty: 3 }])))).toBe(true);
  });

  it('can allocate if available is equal to required', () => {
    const changed = unwrap(allocateNew(productWith('LAMP', [{ ref: 'b1', qty: 2 }])));
    expect(availableQuantity(batchOf(changed.product, 'b1'))).toBe(0);
  });

  it('cannot allocate if available is smaller than required', () => {
    const error = unwrapLeft(allocateNew(productWith('LAMP', [{ ref: 'b1', qty: 1 }])));
    expect(error._tag).toBe('OutOfStock');
  });

  it('cannot allocate if skus do not match', () => {
    const product = productWith('LAMP', [{ ref: 'b1', qty: 20 }]);
    const error = unwrapLeft(allocate(product, line('o1', 'TABLE', 2), O.none));
    expect(error._tag).toBe('SkuMismatch');
  });

  it('returns the allocated batch reference', () => {
    const product = productWith('LAMP', [
      { ref: 'in-stock', qty: 100 },
      { ref: 'shipment', qty: 100, eta: '2026-12-01' },
    ]);
    const changed = unwrap(allocate(product, line('o1', 'LAMP', 10), O.none));
    expect(servedLine(changed.value).portions).toEqual([
      { batchReference: 'in-stock', quantity: 10 },
    ]);
    expect(changed.value.created).toBe(true);
  });

  it('records an Allocated event', () => {
    const changed = unwrap(allocateNew());
    expect(changed.events).toEqual([
      { _tag: 'Allocated', orderId: 'o1', sku: 'LAMP', quantity: 2, batchReference: 'b1' },
    ]);
  });

  it('increments the version', () => {
    const product = productWith('LAMP', [{ ref: 'b1', qty: 20 }]);
    expect(unwrap(allocateNew(product)).product.version).toBe(product.version + 1);
  });

  it('refuses with OutOfStock and records an OutOfStock event', () => {
    const error = unwrapLeft(allocateNew(productWith('LAMP', [{ ref: 'b1', qty: 1 }])));
    expect(error).toMatchObject({ _tag: 'OutOfStock', message: 'Out of stock for sku LAMP' });
    expect(error._tag === 'OutOfStock' && error.events).toEqual([
      { _tag: 'OutOfStock', orderId: 'o1', sku: 'LAMP', quantity: 2 },
    ]);
  });

  it('is out of stock when the product has no batches', () => {
    expect(unwrapLeft(allocateNew(emptyProduct(sku('LAMP'))))._tag).toBe('OutOfStock');
  });
});

describe('repeating an allocation', () => {
  const product = productWith('LAMP', [{ ref: 'b1', qty: 20 }]);
  const first = unwrap(allocate(product, line('o1', 'LAMP', 2), O.none));
  const existing = O.some(servedLine(first.value));

  it('allocation is idempotent', () => {
    const repeat = unwrap(allocate(first.product, line('o1', 'LAMP', 2), existing));
    expect(repeat.value).toEqual({ ...first.value, created: false });
    expect(repeat.product).toBe(first.product);
    expect(repeat.events).toEqual([]);
  });

  it('does not increment the version on an idempotent repeat', () => {
    const repeat = unwrap(allocate(first.product, line('o1', 'LAMP', 2), existing));
    expect(repeat.product.version).toBe(first.product.version);
  });

  it('refuses a repeat with a different quantity', () => {
    const error = unwrapLeft(allocate(first.product, line('o1', 'LAMP', 3), existing));
    expect(error).toMatchObject({
      _tag: 'LineAlreadyAllocated',
      allocatedQuantity: 2,
      requestedQuantity: 3,
    });
  });
});

describe('batch preference', () => {
  it('prefers in-stock batches to shipments', () => {
    const product = productWith('CLOCK', [
      { ref: 'shipment', qty: 100, eta: '2026-12-02' },
      { ref: 'in-stock', qty: 100 },
    ]);
    const changed = unwrap(allocate(product, line('o1', 'CLOCK', 10), O.none));
    expect(availableQuantity(batchOf(changed.product, 'in-stock'))).toBe(90);
    expect(availableQuantity(batchOf(changed.product, 'shipment'))).toBe(100);
  });

  it('prefers earlier batches', () => {
    const product = productWith('SPOON', [
      { ref: 'later', qty: 100, eta: '2027-01-15' },
      { ref: 'speedy', qty: 100, eta: '2026-12-01' },
      { ref: 'medium', qty: 100, eta: '2026-12-24' },
    ]);
    const changed = unwrap(allocate(product, line('o1', 'SPOON', 10), O.none));
    expect(servedLine(changed.value).portions[0].batchReference).toBe('speedy');
  });

  it('ties go to the batch added first', () => {
    const product = productWith('SPOON', [
      // Added in this order; the names sort the other way, so only the order added can decide.
      { ref: 'zulu', qty: 100, eta: '2026-12-01' },
      { ref: 'alpha', qty: 100, eta: '2026-12-01' },
    ]);
    const changed = unwrap(allocate(product, line('o1', 'SPOON', 10), O.none));
    expect(servedLine(changed.value).portions[0].batchReference).toBe('zulu');
  });

  it('skips a preferred batch that cannot take the whole line', () => {
    const product = productWith('SPOON', [
      { ref: 'small', qty: 5 },
      { ref: 'big', qty: 100, eta: '2026-12-01' },
    ]);
    const changed = unwrap(allocate(product, line('o1', 'SPOON', 10), O.none));
    expect(servedLine(changed.value).portions).toEqual([{ batchReference: 'big', quantity: 10 }]);
  });
});

describe('splitting', () => {
  const product = productWith('RUG', [
    { ref: 'late', qty: 10, eta: '2026-12-20' },
    { ref: 'now', qty: 6 },
    { ref: 'soon', qty: 7, eta: '2026-12-01' },
  ]);

  it('splits a line across batches in preference order when allowed', () => {
    const changed = unwrap(allocate(product, line('o1', 'RUG', 20), O.none, { allowSplit: true }));
    expect(servedLine(changed.value).portions).toEqual([
      { batchReference: 'now', quantity: 6 },
      { batchReference: 'soon', quantity: 7 },
      { batchReference: 'late', quantity: 7 },
    ]);
    expect(changed.events).toHaveLength(3);
    expect(changed.product.version).toBe(product.version + 1);
  });

  it('does not split when splitting is not allowed', () => {
    expect(unwrapLeft(allocate(product, line('o1', 'RUG', 20), O.none))._tag).toBe('OutOfStock');
  });

  it('never splits when the total available is short', () => {
    const error = unwrapLeft(
      allocate(product, line('o1', 'RUG', 24), O.none, { allowSplit: true }),
    );
    expect(error._tag).toBe('OutOfStock');
  });

  it('prefers a single batch over a split even when splitting is allowed', () => {
    const changed = unwrap(allocate(product, line('o1', 'RUG', 8), O.none, { allowSplit: true }));
    expect(servedLine(changed.value).portions).toEqual([{ batchReference: 'late', quantity: 8 }]);
  });
});

describe('deallocating', () => {
  const setup = () => {
    const ledger = new Ledger(
      productWith('DESK', [
        { ref: 'b1', qty: 10 },
        { ref: 'b2', qty: 10, eta: '2026-12-01' },
      ]),
    );
    ledger.allocate(line('o1', 'DESK', 15), true);
    return ledger;
  };

  it('deallocation frees the stock', () => {
    const ledger = setup();
    const changed = unwrap(ledger.deallocate(orderId('o1')));
    expect(productAvailableQuantity(changed.product)).toBe(20);
    expect(changed.events).toEqual([
      {
        _tag: 'Deallocated',
        orderId: 'o1',
        sku: 'DESK',
        quantity: 15,
        reason: 'Requested',
        portions: [
          { batchReference: 'b1', quantity: 10 },
          { batchReference: 'b2', quantity: 5 },
        ],
        wasSplit: true,
      },
    ]);
  });

  it('deallocation is refused for an unknown order', () => {
    const ledger = setup();
    const error = unwrapLeft(ledger.deallocate(orderId('nobody')));
    expect(error).toMatchObject({
      _tag: 'OrderNotAllocated',
      message: 'Order nobody has no allocations',
    });
  });

  it('deallocating from one batch frees only that batch', () => {
    const ledger = setup();
    const changed = unwrap(ledger.deallocate(orderId('o1'), O.some(ref('b2'))));
    expect(availableQuantity(batchOf(changed.product, 'b1'))).toBe(0);
    expect(availableQuantity(batchOf(changed.product, 'b2'))).toBe(10);
    expect(changed.events).toMatchObject([
      { _tag: 'Deallocated', quantity: 5, portions: [{ batchReference: 'b2', quantity: 5 }] },
    ]);
    expect(changed.value.remaining).toEqual(
      O.some({
        ...line('o1', 'DESK', 10),
        portions: [{ batchReference: 'b1', quantity: 10 }],
        accepted: 3,
      }),
    );
  });

  it('deallocating from a batch the order does not use is refused', () => {
    const ledger = new Ledger(
      productWith('DESK', [
        { ref: 'b1', qty: 10 },
        { ref: 'b2', qty: 10 },
      ]),
    );
    ledger.allocate(line('o1', 'DESK', 5));
    const error = unwrapLeft(ledger.deallocate(orderId('o1'), O.some(ref('b2'))));
    expect(error).toMatchObject({
      _tag: 'OrderNotAllocated',
      message: 'Order o1 has no allocations in batch b2',
    });
  });

  it('deallocating from an unknown batch is refused', () => {
    const error = unwrapLeft(setup().deallocate(orderId('o1'), O.some(ref('nope'))));
    expect(error._tag).toBe('BatchNotFound');
  });

  it('a line of another sku cannot be deallocated here', () => {
    const other: AllocatedLine = {
      ...line('o1', 'LAMP', 1),
      portions: [{ batchReference: ref('x'), quantity: qty(1) }],
      accepted: 1,
    };
    const error = unwrapLeft(deallocate(setup().product, orderId('o1'), O.some(other)));
    expect(error._tag).toBe('SkuMismatch');
  });
});

describe('changing a batch quantity', () => {
  const setup = () => {
    const ledger = new Ledger(
      productWith('CHAIR', [
        { ref: 'b1', qty: 10 },
        { ref: 'b2', qty: 10, eta: '2026-12-01' },
      ]),
    );
    ledger.allocate(line('o1', 'CHAIR', 3));
    ledger.allocate(line('o2', 'CHAIR', 3));
    ledger.allocate(line('o3', 'CHAIR', 3));
    ledger.events.length = 0;
    return ledger;
  };

  it('shrinking a batch deallocates the newest lines first until available is not negative', () => {
    const ledger = setup();
    const changed = unwrap(ledger.changeBatchQuantity(ref('b1'), stock(5)));
    expect(changed.value.deallocated.map((l) => l.orderId)).toEqual(['o3', 'o2']);
    expect(availableQuantity(batchOf(changed.product, 'b1'))).toBe(2);
  });

  it('emits one Deallocated event per removed line, then reallocates each where it fits, oldest first', () => {
    const ledger = setup();
    const changed = unwrap(ledger.changeBatchQuantity(ref('b1'), stock(5)));
    expect(changed.events).toEqual([
      { _tag: 'BatchQuantityChanged', reference: 'b1', sku: 'CHAIR', quantity: 5 },
      {
        _tag: 'Deallocated',
        orderId: 'o3',
        sku: 'CHAIR',
        quantity: 3,
        reason: 'BatchShrunk',
        portions: [{ batchReference: 'b1', quantity: 3 }],
        wasSplit: false,
      },
      {
        _tag: 'Deallocated',
        orderId: 'o2',
        sku: 'CHAIR',
        quantity: 3,
        reason: 'BatchShrunk',
        portions: [{ batchReference: 'b1', quantity: 3 }],
        wasSplit: false,
      },
      // Served again in the order they were accepted: o2 came before o3.
      { _tag: 'Allocated', orderId: 'o2', sku: 'CHAIR', quantity: 3, batchReference: 'b2' },
      { _tag: 'Allocated', orderId: 'o3', sku: 'CHAIR', quantity: 3, batchReference: 'b2' },
    ]);
    expect(ledger.lineOf('o3')).toEqual(
      O.some(expect.objectContaining({ portions: [{ batchReference: 'b2', quantity: 3 }] })),
    );
  });

  it('shrinking to exactly the allocated quantity deallocates nothing', () => {
    const changed = unwrap(setup().changeBatchQuantity(ref('b1'), stock(9)));
    expect(changed.value.deallocated).toEqual([]);
  });

  it('growing a batch deallocates nothing', () => {
    const changed = unwrap(setup().changeBatchQuantity(ref('b1'), stock(50)));
    expect(changed.value.deallocated).toEqual([]);
    expect(changed.events).toEqual([
      { _tag: 'BatchQuantityChanged', reference: 'b1', sku: 'CHAIR', quantity: 50 },
    ]);
    expect(availableQuantity(batchOf(changed.product, 'b1'))).toBe(41);
  });

  it('shrinking to zero deallocates every line', () => {
    const changed = unwrap(setup().changeBatchQuantity(ref('b1'), stock(0)));
    expect(changed.value.deallocated.map((l) => l.orderId)).toEqual(['o3', 'o2', 'o1']);
  });

  it('a deallocated split line leaves every batch it used', () => {
    const ledger = new Ledger(
      productWith('CHAIR', [
        { ref: 'b1', qty: 4 },
        { ref: 'b2', qty: 4 },
      ]),
    );
    ledger.allocate(line('o1', 'CHAIR', 6), true);
    const changed = unwrap(ledger.changeBatchQuantity(ref('b2'), stock(1)));
    expect(productAvailableQuantity(changed.product)).toBe(5);
    expect(changed.events[1]).toMatchObject({ orderId: 'o1', quantity: 6, wasSplit: true });
  });

  it('refuses an unknown batch', () => {
    expect(unwrapLeft(setup().changeBatchQuantity(ref('nope'), stock(1)))._tag).toBe(
      'BatchNotFound',
    );
  });

  it('treats too few lines handed in as a programming error', () => {
    const ledger = setup();
    expect(() => changeBatchQuantity(ledger.product, ref('b1'), stock(0), [])).toThrow(
      /needs 9 units freed/,
    );
  });
});

describe('removing a batch', () => {
  it('deallocates every line of the batch and records BatchRemoved', () => {
    const ledger = new Ledger(
      productWith('SOFA', [
        { ref: 'b1', qty: 10 },
        { ref: 'b2', qty: 10 },
      ]),
    );
    ledger.allocate(line('o1', 'SOFA', 3));
    ledger.allocate(line('o2', 'SOFA', 4));
    const before = ledger.product;
    const changed = unwrap(ledger.removeBatch(ref('b1')));
    expect(changed.product.batches.map((b) => b.reference)).toEqual(['b2']);
    expect(changed.value.deallocated.map((l) => l.orderId)).toEqual(['o2', 'o1']);
    expect(changed.events.map((e) => e._tag)).toEqual([
      'Deallocated',
      'Deallocated',
      'BatchRemoved',
      'Allocated',
      'Allocated',
    ]);
    expect(batchOf(changed.product, 'b2').allocatedQuantity).toBe(7);
    expect(changed.product.version).toBe(before.version + 1);
  });

  it('removes an empty batch without deallocating', () => {
    const product = productWith('SOFA', [{ ref: 'b1', qty: 10 }]);
    const changed = unwrap(removeBatch(product, ref('b1'), []));
    expect(changed.product.batches).toEqual([]);
    expect(changed.value.deallocated).toEqual([]);
  });

  it('refuses an unknown batch', () => {
    expect(unwrapLeft(removeBatch(productWith('SOFA', []), ref('b1'), []))._tag).toBe(
      'BatchNotFound',
    );
  });
});
