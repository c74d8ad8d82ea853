import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { allocate, lineQuantityIn, PickListId, type Product } from '../index';
import {
  eta,
  line,
  orderId,
  productWith,
  qty,
  ref,
  sku,
  stock,
  unwrap,
} from '../test-support/builders';
import { Ledger } from '../test-support/ledger';
import { portionsFor } from './stock';

type Step =
  | { kind: 'allocate'; order: number; quantity: number; allowSplit: boolean; backorder: boolean }
  | { kind: 'deallocate'; order: number; batch: number | null }
  | { kind: 'change'; batch: number; quantity: number }
  | { kind: 'add'; quantity: number; eta: string | null }
  | { kind: 'remove'; batch: number }
  | { kind: 'reserve'; orders: number[]; list: number }
  | { kind: 'release'; list: number }
  | { kind: 'ship'; list: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('allocate' as const),
      order: fc.nat(12),
      quantity: fc.integer({ min: 1, max: 15 }),
      allowSplit: fc.boolean(),
      backorder: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deallocate' as const),
      order: fc.nat(12),
      batch: fc.option(fc.nat(4), { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('change' as const),
      batch: fc.nat(4),
      quantity: fc.nat(30),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      quantity: fc.integer({ min: 1, max: 15 }),
      eta: fc.constantFrom(null, '2026-11-30', '2026-12-01'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), batch: fc.nat(4) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      orders: fc.array(fc.nat(12), { maxLength: 5 }),
      list: fc.nat(2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), list: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ship' as const), list: fc.nat(2) }) },
);

const steps = fc.array(step, { maxLength: 60 });

const freshLedger = () =>
  new Ledger(
    productWith('WIDGET', [
      { ref: 'b0', qty: 10 },
      { ref: 'b1', qty: 12, eta: '2026-12-01' },
      { ref: 'b2', qty: 8, eta: '2026-11-30' },
    ]),
  );

/** The batch a step names by index, among those the product has now (or an unknown one). */
const batchAt = (product: Product, index: number) =>
  ref(product.batches[index % Math.max(1, product.batches.length)]?.reference ?? 'gone');

let added = 0;
const list = (n: number) => unwrap(PickListId(`p${n}`));

const run = (ledger: Ledger, s: Step) => {
  switch (s.kind) {
    case 'allocate':
      return ledger.allocate(line(`o${s.order}`, 'WIDGET', s.quantity), s.allowSplit, s.backorder);
    case 'deallocate':
      return ledger.deallocate(
        orderId(`o${s.order}`),
        s.batch === null ? O.none : O.some(batchAt(ledger.product, s.batch)),
      );
    case 'change':
      return ledger.changeBatchQuantity(batchAt(ledger.product, s.batch), stock(s.quantity));
    case 'add':
      added += 1;
      return ledger.addBatch({
        reference: ref(`n${added}`),
        sku: sku('WIDGET'),
        quantity: qty(s.quantity),
        eta: eta(s.eta),
      });
    case 'remove':
      return ledger.removeBatch(batchAt(ledger.product, s.batch));
    case 'reserve':
      return ledger.reserve(
        s.orders.map((o) => `o${o}`),
        list(s.list),
      );
    case 'release':
      return ledger.release(list(s.list));
    case 'ship':
      return ledger.ship(list(s.list));
  }
};

/** Runs the steps and checks `invariant` after each one. */
const always = (invariant: (ledger: Ledger, before: Product, s: Step, result: unknown) => void) =>
  fc.assert(
    fc.property(steps, (sequence) => {
      const ledger = freshLedger();
      for (const s of sequence) {
        const before = ledger.product;
        const result = run(ledger, s);
        invariant(ledger, before, s, result);
      }
    }),
  );

describe('for any sequence of commands', () => {
  it('no batch is ever allocated beyond its quantity', () => {
    always((ledger) => {
      for (const batch of ledger.product.batches) {
        expect(batch.allocatedQuantity).toBeGreaterThanOrEqual(0);
        expect(batch.allocatedQuantity).toBeLessThanOrEqual(batch.purchasedQuantity);
      }
    });
  });

  it('quantities are conserved: batch totals equal the lines they hold', () => {
    always((ledger) => {
      const lines = ledger.allLines();
      for (const batch of ledger.product.batches) {
        const held = lines.reduce((sum, l) => sum + lineQuantityIn(l, batch.reference), 0);
        expect(batch.allocatedQuantity).toBe(held);
      }
      for (const l of lines) {
        expect(l.portions.reduce((sum, p) => sum + p.quantity, 0)).toBe(l.quantity);
      }
    });
  });

  it('the version grows by one with each change and never otherwise', () => {
    always((ledger, before, _s, result) => {
      const outcome = result as E.Either<unknown, { value: object }>;
      const changed =
        E.isRight(outcome) &&
        !('created' in outcome.right.value && outcome.right.value.created === false);
      expect(ledger.product.version).toBe(before.version + (changed ? 1 : 0));
    });
  });

  it('nothing waits while there is free stock it would fit', () => {
    always((ledger) => {
      for (const waiting of ledger.product.backorders) {
        expect(
          portionsFor(ledger.product.batches, waiting.quantity, waiting.allowSplit),
        ).toBeUndefined();
      }
    });
  });

  it('a line is allocated or waiting, never both, and waits at most once', () => {
    always((ledger) => {
      const waiting = ledger.product.backorders.map((b) => b.orderId);
      expect(new Set(waiting).size).toBe(waiting.length);
      for (const order of waiting) expect(ledger.lineOf(order)).toEqual(O.none);
    });
  });

  it('the queue keeps its order: lines still waiting stay in the order they had', () => {
    always((ledger, before) => {
      const stillWaiting = new Set(ledger.product.backorders.map((b) => b.orderId));
      const survivors = before.backorders.map((b) => b.orderId).filter((o) => stillWaiting.has(o));
      const now = ledger.product.backorders
        .map((b) => b.orderId)
        .filter((o) => survivors.includes(o));
      expect(now).toEqual(survivors);
    });
  });

  it('the queue is in the order the lines were accepted, pushed-out lines included', () => {
    always((ledger) => {
      const stamps = ledger.product.backorders.map((b) => b.accepted);
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
      // Each line keeps the stamp of the change that accepted it, wherever it stands.
      const all = [...stamps, ...ledger.allLines().map((l) => l.accepted)];
      expect(new Set(all).size).toBe(all.length);
      for (const stamp of all) expect(stamp).toBeLessThanOrEqual(ledger.product.version);
    });
  });

  it('nothing accepted is forgotten: every line stands allocated or waits until deallocated', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const ledger = freshLedger();
        const accepted = new Map<string, number>();
        for (const s of sequence) {
          const result = run(ledger, s) as E.Either<unknown, { value: unknown }>;
          if (E.isLeft(result)) continue;
          if (s.kind === 'allocate') accepted.set(`o${s.order}`, s.quantity);
          if (s.kind === 'deallocate') {
            const { remaining } = result.right.value as {
              remaining: O.Option<{ quantity: number }>;
            };
            if (O.isSome(remaining)) accepted.set(`o${s.order}`, remaining.value.quantity);
            else accepted.delete(`o${s.order}`);
          }
          if (s.kind === 'ship') {
            const shipped = (result.right.value as ReadonlyArray<{ orderId: string }>).map(
              (l) => l.orderId,
            );
            shipped.forEach((o) => accepted.delete(o));
          }
          const standing = new Map<string, number>([
            ...ledger.allLines().map((l) => [l.orderId, l.quantity] as const),
            ...ledger.product.backorders.map((b) => [b.orderId, b.quantity] as const),
          ]);
          expect(standing).toEqual(accepted);
        }
      }),
    );
  });

  it('reserved stock stays within what is allocated, and equals the reserved lines', () => {
    always((ledger) => {
      const lines = ledger.allLines().filter((l) => l.reservedFor !== undefined);
      for (const batch of ledger.product.batches) {
        const held = lines.reduce((sum, l) => sum + lineQuantityIn(l, batch.reference), 0);
        expect(batch.reservedQuantity).toBe(held);
        expect(batch.reservedQuantity).toBeLessThanOrEqual(batch.allocatedQuantity);
      }
    });
  });

  it('a reserved line is never reallocated: it stays where it is until released or shipped', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const ledger = freshLedger();
        for (const s of sequence) {
          const reserved = ledger.allLines().filter((l) => l.reservedFor !== undefined);
          run(ledger, s);
          for (const held of reserved) {
            const closed =
              (s.kind === 'release' || s.kind === 'ship') && held.reservedFor === `p${s.list}`;
            if (!closed) expect(ledger.lineOf(held.orderId)).toEqual(O.some(held));
          }
        }
      }),
    );
  });

  it('shipped quantity never returns to stock: purchased drops by it for good', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const ledger = freshLedger();
        // What each batch was last given (added or changed to), less what shipped since.
        const expected = new Map(
          ledger.product.batches.map((b) => [b.reference as string, b.purchasedQuantity]),
        );
        for (const s of sequence) {
          const result = run(ledger, s) as E.Either<
            unknown,
            { events: ReadonlyArray<{ _tag: string }> }
          >;
          if (E.isLeft(result)) continue;
          for (const event of result.right.events) {
            if (event._tag === 'BatchCreated' || event._tag === 'BatchQuantityChanged') {
              const e = event as unknown as { reference: string; quantity: number };
              expected.set(e.reference, e.quantity);
            }
            if (event._tag === 'BatchRemoved')
              expected.delete((event as unknown as { reference: string }).reference);
            if (event._tag === 'Shipped') {
              const e = event as unknown as { batchReference: string; quantity: number };
              expected.set(e.batchReference, (expected.get(e.batchReference) ?? 0) - e.quantity);
            }
          }
          expect(
            new Map(
              ledger.product.batches.map((b) => [b.reference as string, b.purchasedQuantity]),
            ),
          ).toEqual(expected);
        }
      }),
    );
  });

  it('repeating any line that stands, allocated or waiting, changes nothing', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const ledger = freshLedger();
        sequence.forEach((s) => run(ledger, s));
        for (const existing of ledger.allLines()) {
          const again = allocate(ledger.product, existing, O.some(existing), { allowSplit: true });
          expect(again).toEqual(
            E.right({
              product: ledger.product,
              events: [],
              value: { outcome: 'allocated', line: existing, created: false },
            }),
          );
        }
        for (const waiting of ledger.product.backorders) {
          const again = allocate(ledger.product, waiting, O.none, {
            allowSplit: waiting.allowSplit,
            backorder: true,
          });
          expect(again).toEqual(
            E.right({
              product: ledger.product,
              events: [],
              value: { outcome: 'backordered', backorder: waiting, created: false },
            }),
          );
        }
      }),
    );
  });
});
