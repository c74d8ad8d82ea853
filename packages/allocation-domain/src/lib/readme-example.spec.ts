import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { addBatch, allocate, emptyProduct } from '../index';
import { BatchReference, Eta, OrderId, Quantity, Sku } from './value-objects';

// The README's example, kept honest.
it('the README example allocates a line to the only batch', () => {
  const allocated = pipe(
    E.Do,
    E.apS('sku', Sku('LAMP')),
    E.apS('reference', BatchReference('batch-1')),
    E.apS('stock', Quantity(20)),
    E.apS('eta', Eta(null)),
    E.apS('orderId', OrderId('order-1')),
    E.apS('quantity', Quantity(2)),
    E.chainW(({ sku, reference, stock, eta, orderId, quantity }) =>
      pipe(
        addBatch(emptyProduct(sku), { reference, sku, quantity: stock, eta }),
        E.chainW(({ product }) => allocate(product, { orderId, sku, quantity }, O.none)),
      ),
    ),
  );
  expect(E.isRight(allocated) && allocated.right.events).toEqual([
    { _tag: 'Allocated', orderId: 'order-1', sku: 'LAMP', quantity: 2, batchReference: 'batch-1' },
  ]);
});
