import type {
  BatchReference,
  OrderId,
  Product,
  Quantity,
  Sku,
} from '@allocation/allocation-domain';
import type { LineChanges, PortionKey } from '../ports/product-store';
import { NewestLines } from './newest-lines';
import type { ProductWrite } from './product-sql';

const SKU = 'SKU' as Sku;

/** A product as the write had it before: only its waiting queue matters here. */
const product = (waiting: ReadonlyArray<[string, number]> = []): Product => ({
  sku: SKU,
  version: 1,
  batches: [],
  backorders: waiting.map(([orderId, accepted]) => ({
    orderId: orderId as OrderId,
    sku: SKU,
    quantity: 1 as Quantity,
    accepted,
    allowSplit: false,
  })),
});

const key = (orderId: string, batch: string): PortionKey => ({
  orderId: orderId as OrderId,
  batchReference: batch as BatchReference,
});

/** A portion written: new to the product when stamped, else a line written again. */
const held = (orderId: string, batch: string, quantity: number, accepted?: number) => ({
  ...key(orderId, batch),
  quantity: quantity as Quantity,
  ...(accepted === undefined ? {} : { accepted }),
});

const write = (lines: Partial<LineChanges>, before: Product = product()): ProductWrite => ({
  before,
  after: { ...product(), version: 2 },
  lines: { held: [], released: [], ...lines },
});

/** A record started, with the lines given allocated into it one write each. */
const recorded = (bound: number, ...portions: ReadonlyArray<ReturnType<typeof held>>) => {
  const newest = new NewestLines(bound);
  newest.start(SKU);
  for (const portion of portions) newest.record(write({ held: [portion] }));
  return newest;
};

const gained = (newest: NewestLines, batch: string) =>
  newest.gained(SKU, batch).map((line) => `${line.orderId}@${line.accepted}`);

describe('the newest lines a store knows of a product', () => {
  it('are the lines it allocated into each batch, oldest first, each also known by order id', () => {
    const newest = recorded(
      10,
      held('o1', 'a', 2, 1),
      held('o2', 'b', 1, 2),
      held('o3', 'a', 1, 3),
    );
    expect(gained(newest, 'a')).toEqual(['o1@1', 'o3@3']);
    expect(gained(newest, 'b')).toEqual(['o2@2']);
    expect(newest.lineOf(SKU, 'o3')).toMatchObject({ quantity: 1, portions: [{ quantity: 1 }] });
    expect(newest.lineOf(SKU, 'o9')).toBeUndefined();
  });

  it('lose a line let go, the others keeping their order', () => {
    const newest = recorded(
      10,
      held('o1', 'a', 1, 1),
      held('o2', 'a', 1, 2),
      held('o3', 'a', 1, 3),
    );
    newest.record(write({ released: [key('o2', 'a')] }));
    expect(gained(newest, 'a')).toEqual(['o1@1', 'o3@3']);
    expect(newest.lineOf(SKU, 'o2')).toBeUndefined();
  });

  it('follow a line a shrink moves: it is the newest of the batch it went to, with its stamp', () => {
    const newest = recorded(
      10,
      held('o1', 'b', 1, 1),
      held('o2', 'a', 1, 2),
      held('o3', 'b', 1, 3),
    );
    newest.record(write({ released: [key('o2', 'a')], held: [held('o2', 'b', 1)] }));
    expect(gained(newest, 'a')).toEqual([]);
    expect(gained(newest, 'b')).toEqual(['o1@1', 'o3@3', 'o2@2']);
    expect(newest.lineOf(SKU, 'o2')?.portions).toEqual([{ batchReference: 'b', quantity: 1 }]);
  });

  it('take a line served from the queue with the stamp it waited with', () => {
    const newest = recorded(10, held('o1', 'a', 1, 1));
    newest.record(write({ held: [held('w1', 'a', 1)] }, product([['w1', 0]])));
    expect(gained(newest, 'a')).toEqual(['o1@1', 'w1@0']);
  });

  it('start a batch afresh when it gains a line whose stamp is not known here', () => {
    const newest = recorded(10, held('o1', 'a', 1, 1), held('o2', 'b', 1, 2));
    // Allocated before the record started, moved from c to a: its stamp is the database's.
    newest.record(write({ released: [key('old', 'c')], held: [held('old', 'a', 1)] }));
    expect(gained(newest, 'a')).toEqual([]);
    expect(gained(newest, 'b')).toEqual(['o2@2']);
    // What it knew of o1 still holds: the line is as written.
    expect(newest.lineOf(SKU, 'o1')).toBeDefined();
  });

  it('keep the newest half past the bound, and start afresh the other batches of a split line dropped', () => {
    const newest = recorded(2, held('o1', 'b', 1, 1));
    newest.record(write({ held: [held('s', 'a', 1, 2), held('s', 'b', 1, 2)] }));
    expect(gained(newest, 'b')).toEqual(['o1@1', 's@2']);
    newest.record(write({ held: [held('o3', 'a', 1, 3)] }));
    // A third line in a passes the bound: the oldest, the split line, goes from a, and so from b.
    newest.record(write({ held: [held('o4', 'a', 1, 4)] }));
    expect(gained(newest, 'a')).toEqual(['o3@3', 'o4@4']);
    expect(gained(newest, 'b')).toEqual([]);
    expect(newest.lineOf(SKU, 's')).toBeUndefined();
    expect(newest.lineOf(SKU, 'o1')).toBeDefined();
  });

  it('start the product afresh when lines ship or go on a pick list', () => {
    const newest = recorded(10, held('o1', 'a', 1, 1));
    newest.record(write({ reservation: { orderIds: ['o1' as OrderId], pickListId: null } }));
    expect(gained(newest, 'a')).toEqual([]);
    expect(newest.lineOf(SKU, 'o1')).toBeUndefined();
  });
});
