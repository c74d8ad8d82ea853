import * as O from 'fp-ts/Option';
import {
  addBatch,
  changeBatchQuantity,
  MAX_PRODUCT_STOCK,
  productAvailableQuantity,
} from '../index';
import { productWith, qty, ref, sku, stock, unwrap, unwrapLeft } from '../test-support/builders';

// A product's batches hold at most 2^53 - 1 units together, so every total shown is exact.
const HALF = Math.floor(MAX_PRODUCT_STOCK / 2);

const newBatch = (reference: string, quantity: number) => ({
  reference: ref(reference),
  sku: sku('BULK'),
  quantity: qty(quantity),
  eta: O.none,
});

describe('the most stock a product may hold', () => {
  it('takes batches up to exactly the limit, and its available total stays exact', () => {
    const product = productWith('BULK', [{ ref: 'b1', qty: HALF }]);
    const changed = unwrap(addBatch(product, newBatch('b2', MAX_PRODUCT_STOCK - HALF)));
    expect(productAvailableQuantity(changed.product)).toBe(MAX_PRODUCT_STOCK);
  });

  it('refuses a batch that would take it past the limit, and changes nothing', () => {
    const product = productWith('BULK', [{ ref: 'b1', qty: HALF }]);
    const error = unwrapLeft(addBatch(product, newBatch('b2', MAX_PRODUCT_STOCK - HALF + 1)));
    expect(error._tag).toBe('StockLimitExceeded');
    expect(error.message).toBe(
      'Product BULK would hold more than 9007199254740991 units across its batches',
    );
  });

  it('refuses growing a batch past the limit but lets it shrink', () => {
    const product = productWith('BULK', [
      { ref: 'b1', qty: HALF },
      { ref: 'b2', qty: HALF },
    ]);
    const grown = changeBatchQuantity(product, ref('b1'), stock(MAX_PRODUCT_STOCK - HALF + 1), []);
    expect(unwrapLeft(grown)._tag).toBe('StockLimitExceeded');
    const exact = unwrap(
      changeBatchQuantity(product, ref('b1'), stock(MAX_PRODUCT_STOCK - HALF), []),
    );
    expect(productAvailableQuantity(exact.product)).toBe(MAX_PRODUCT_STOCK);
    const shrunk = unwrap(changeBatchQuantity(product, ref('b1'), stock(1), []));
    expect(productAvailableQuantity(shrunk.product)).toBe(HALF + 1);
  });
});
