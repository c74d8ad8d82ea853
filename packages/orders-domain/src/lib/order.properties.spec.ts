import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { sku, draftOrder, price, qty } from '../test-support/builders';
import { formatMoney, add, type Money } from './money';
import {
  addItem,
  cancelOrder,
  lineTotal,
  orderTotal,
  placeOrder,
  removeItem,
  shipOrder,
  type Order,
  type Changed,
} from './order';
import { MAX_ITEM_QUANTITY, MAX_ORDER_LINES } from './value-objects';

type Step =
  | { kind: 'add'; sku: string; quantity: number; amountMinor: number; currency: string }
  | { kind: 'remove'; sku: string }
  | { kind: 'place' }
  | { kind: 'cancel' }
  | { kind: 'ship' };

const skus = fc.constantFrom('A', 'B', 'C', 'D', 'E');
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      sku: skus,
      quantity: fc.integer({ min: 1, max: MAX_ITEM_QUANTITY }),
      amountMinor: fc.integer({ min: 0, max: 10_000_000_000 }),
      currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), sku: skus }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'place' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'cancel' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'ship' as const }), weight: 1 },
);

const apply = (order: Order, s: Step): E.Either<{ _tag: string }, Changed> => {
  switch (s.kind) {
    case 'add':
      return addItem(order, {
        sku: sku(s.sku),
        quantity: qty(s.quantity),
        unitPrice: price(s.amountMinor, s.currency),
      });
    case 'remove':
      return removeItem(order, sku(s.sku));
    case 'place':
      return placeOrder(order);
    case 'cancel':
      return cancelOrder(order);
    case 'ship':
      return shipOrder(order);
  }
};

/** Every state a sequence of steps passes through, failures leaving the order as it was. */
const run = (steps: ReadonlyArray<Step>) => {
  const states: Array<{
    order: Order;
    result: E.Either<{ _tag: string }, Changed>;
    step: Step;
  }> = [];
  let order = draftOrder();
  for (const s of steps) {
    const result = apply(order, s);
    states.push({ order, result, step: s });
    if (E.isRight(result)) order = result.right.order;
  }
  return { states, final: order };
};

describe('order properties', () => {
  it('a total is always the exact sum of its lines, counted in arbitrary precision', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const { final } = run(steps);
        const exact = final.items.reduce(
          (sum, line) => sum + BigInt(line.unitPrice.amountMinor) * BigInt(line.quantity),
          0n,
        );
        const total = orderTotal(final);
        expect(BigInt(total.amountMinor)).toBe(exact);
        expect(Number.isSafeInteger(total.amountMinor)).toBe(true);
        expect(total.currency).toBe(final.currency);
      }),
    );
  });

  it('no sequence of commands leaves a placed, shipped or cancelled order editable', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        for (const { order, result, step: s } of run(steps).states) {
          if (order.status !== 'draft' && (s.kind === 'add' || s.kind === 'remove')) {
            expect(E.isLeft(result) && result.left._tag).toBe('OrderNotEditable');
          }
        }
      }),
    );
  });

  it('lines stay within 1..999 units, one per SKU, at most 100, all in the order’s currency', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { final } = run(steps);
        expect(final.items.length).toBeLessThanOrEqual(MAX_ORDER_LINES);
        expect(new Set(final.items.map((line) => line.sku)).size).toBe(final.items.length);
        for (const line of final.items) {
          expect(line.quantity).toBeGreaterThanOrEqual(1);
          expect(line.quantity).toBeLessThanOrEqual(MAX_ITEM_QUANTITY);
          expect(line.unitPrice.currency).toBe(final.currency);
        }
      }),
    );
  });

  it('every accepted change adds one to the version and records events; a refusal changes nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        for (const { order, result } of run(steps).states) {
          if (E.isRight(result)) {
            expect(result.right.order.version).toBe(order.version + 1);
            expect(result.right.events.length).toBeGreaterThan(0);
          }
        }
      }),
    );
  });

  it('shipped and cancelled are final: nothing succeeds from them', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        for (const { order, result } of run(steps).states) {
          if (order.status === 'shipped' || order.status === 'cancelled') {
            expect(E.isLeft(result)).toBe(true);
          }
        }
      }),
    );
  });

  it('only placed orders ship, and an order is placed only with items', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        for (const { order, result, step: s } of run(steps).states) {
          if (s.kind === 'ship' && E.isRight(result)) expect(order.status).toBe('placed');
          if (s.kind === 'place' && E.isRight(result))
            expect(order.items.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('adding money is exact, commutative and associative within a currency', () => {
    const euros = fc
      .integer({ min: 0, max: 2 ** 50 })
      .map((amountMinor) => ({ amountMinor, currency: 'EUR' }) as Money);
    fc.assert(
      fc.property(euros, euros, euros, (a, b, c) => {
        expect(add(a, b)).toEqual(add(b, a));
        const left = E.flatMap(add(a, b), (ab) => add(ab, c));
        const right = E.flatMap(add(b, c), (bc) => add(a, bc));
        expect(left).toEqual(right);
        expect(E.map((m: Money) => BigInt(m.amountMinor))(left)).toEqual(
          E.right(BigInt(a.amountMinor) + BigInt(b.amountMinor) + BigInt(c.amountMinor)),
        );
      }),
    );
  });

  it('writing an amount loses no digit: the digits read back are the minor units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom('EUR', 'JPY', 'KWD'),
        (amountMinor, currency) => {
          const written = formatMoney({ amountMinor, currency } as Money);
          expect(Number(written.replace(/[^0-9]/g, ''))).toBe(amountMinor);
        },
      ),
    );
  });

  it('a line total is its unit price times its quantity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: MAX_ITEM_QUANTITY }),
        (amountMinor, quantity) => {
          const total = lineTotal({
            sku: sku('A'),
            quantity: qty(quantity),
            unitPrice: price(amountMinor),
          });
          expect(BigInt(total.amountMinor)).toBe(BigInt(amountMinor) * BigInt(quantity));
        },
      ),
    );
  });
});
