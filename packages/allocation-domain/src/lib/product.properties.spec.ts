import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { allocate, lineQuantityIn } from '../index';
import { line, orderId, productWith, ref, stock } from '../test-support/builders';
import { Ledger } from '../test-support/ledger';

const BATCHES = ['b0', 'b1', 'b2'] as const;

type Step =
  | { kind: 'allocate'; order: number; quantity: number; allowSplit: boolean }
  | { kind: 'deallocate'; order: number; batch: number | null }
  | { kind: 'change'; batch: number; quantity: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('allocate' as const),
    order: fc.nat(12),
    quantity: fc.integer({ min: 1, max: 15 }),
    allowSplit: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('deallocate' as const),
    order: fc.nat(12),
    batch: fc.option(fc.nat(BATCHES.length - 1), { nil: null }),
  }),
  fc.record({
    kind: fc.constant('change' as const),
    batch: fc.nat(BATCHES.length - 1),
    quantity: fc.nat(30),
  }),
);

const freshLedger = () =>
  new Ledger(
    productWith('WIDGET', [
      { ref: 'b0', qty: 10 },
      { ref: 'b1', qty: 12, eta: '2026-12-01' },
      { ref: 'b2', qty: 8, eta: '2026-11-30' },
    ]),
  );

const run = (ledger: Ledger, s: Step) => {
  switch (s.kind) {
    case 'allocate':
      return ledger.allocate(line(`o${s.order}`, 'WIDGET', s.quantity), s.allowSplit);
    case 'deallocate':
      return ledger.deallocate(
        orderId(`o${s.order}`),
        s.batch === null ? O.none : O.some(ref(BATCHES[s.batch] ?? 'b0')),
      );
    case 'change':
      return ledger.changeBatchQuantity(ref(BATCHES[s.batch] ?? 'b0'), stock(s.quantity));
  }
};

describe('for any sequence of commands', () => {
  it('no batch is ever allocated beyond its quantity', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const ledger = freshLedger();
        for (const s of steps) {
          run(ledger, s);
          for (const batch of ledger.product.batches) {
            expect(batch.allocatedQuantity).toBeGreaterThanOrEqual(0);
            expect(batch.allocatedQuantity).toBeLessThanOrEqual(batch.purchasedQuantity);
          }
        }
      }),
    );
  });

  it('quantities are conserved: batch totals equal the lines they hold', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const ledger = freshLedger();
        for (const s of steps) {
          run(ledger, s);
          const lines = ledger.allLines();
          for (const batch of ledger.product.batches) {
            const held = lines.reduce((sum, l) => sum + lineQuantityIn(l, batch.reference), 0);
            expect(batch.allocatedQuantity).toBe(held);
          }
          for (const l of lines) {
            expect(l.portions.reduce((sum, p) => sum + p.quantity, 0)).toBe(l.quantity);
          }
        }
      }),
    );
  });

  it('the version grows by one with each change and never otherwise', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const ledger = freshLedger();
        for (const s of steps) {
          const before = ledger.product;
          const result: E.Either<unknown, { value: object }> = run(ledger, s);
          const changed =
            E.isRight(result) &&
            !('created' in result.right.value && result.right.value.created === false);
          expect(ledger.product.version).toBe(before.version + (changed ? 1 : 0));
        }
      }),
    );
  });

  it('repeating any allocation that stands changes nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const ledger = freshLedger();
        steps.forEach((s) => run(ledger, s));
        for (const existing of ledger.allLines()) {
          const again = allocate(ledger.product, existing, O.some(existing), { allowSplit: true });
          expect(again).toEqual(
            E.right({
              product: ledger.product,
              events: [],
              value: { line: existing, created: false },
            }),
          );
        }
      }),
    );
  });
});
