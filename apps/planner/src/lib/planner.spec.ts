import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  BatchReference,
  CalendarDate,
  OrderId,
  Quantity,
  Sku,
  type NewBatch,
  type OrderLine,
} from '@allocation/allocation-domain';
import { Planner } from './planner';

const must = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(String(either.left));
  return either.right;
};

const batch = (reference: string, sku: string, quantity: number, eta?: string): NewBatch => ({
  reference: must(BatchReference(reference)),
  sku: must(Sku(sku)),
  quantity: must(Quantity(quantity)),
  eta: eta === undefined ? O.none : O.some(must(CalendarDate(eta))),
});

const line = (orderId: string, sku: string, quantity: number): OrderLine => ({
  orderId: must(OrderId(orderId)),
  sku: must(Sku(sku)),
  quantity: must(Quantity(quantity)),
});

const plannerWith = (allowSplit = false, ...batches: NewBatch[]) => {
  const planner = new Planner({ allowSplit });
  for (const b of batches) must(planner.addBatch(b));
  return planner;
};

const statuses = (rows: ReadonlyArray<{ status: string; batchReference: string | null }>) =>
  rows.map((r) => `${r.status}${r.batchReference === null ? '' : `:${r.batchReference}`}`);

describe('planning lines', () => {
  it('takes stock from the batch in the warehouse before those still to arrive', () => {
    const planner = plannerWith(
      false,
      batch('later', 'LAMP', 10, '2027-01-01'),
      batch('now', 'LAMP', 10),
    );
    expect(statuses(planner.plan(line('o1', 'LAMP', 4)))).toEqual(['allocated:now']);
  });

  it('backorders a line no batch can take, and lets a later smaller line take what is left', () => {
    const planner = plannerWith(false, batch('b1', 'LAMP', 5));
    expect(statuses(planner.plan(line('o1', 'LAMP', 8)))).toEqual(['backordered']);
    expect(statuses(planner.plan(line('o2', 'LAMP', 5)))).toEqual(['allocated:b1']);
  });

  it('splits a line over batches only when told to', () => {
    const batches = [batch('b1', 'LAMP', 5), batch('b2', 'LAMP', 5, '2027-01-01')];
    expect(statuses(plannerWith(false, ...batches).plan(line('o1', 'LAMP', 8)))).toEqual([
      'backordered',
    ]);
    const rows = plannerWith(true, ...batches).plan(line('o1', 'LAMP', 8));
    expect(rows.map((r) => [r.batchReference, r.quantity])).toEqual([
      ['b1', 5],
      ['b2', 3],
    ]);
  });

  it('treats a repeated line as nothing new, and refuses it with another quantity', () => {
    const planner = plannerWith(false, batch('b1', 'LAMP', 10));
    planner.plan(line('o1', 'LAMP', 3));
    expect(statuses(planner.plan(line('o1', 'LAMP', 3)))).toEqual(['repeat']);
    const refused = planner.plan(line('o1', 'LAMP', 4));
    expect(refused).toEqual([
      expect.objectContaining({
        status: 'refused',
        note: 'Order o1 already has 3 of sku LAMP allocated; cannot allocate 4',
      }),
    ]);
    planner.plan(line('o2', 'LAMP', 99));
    expect(statuses(planner.plan(line('o2', 'LAMP', 99)))).toEqual(['repeat']);
  });

  it('backorders a line of a SKU that has no batches, as the service does a placed line', () => {
    expect(plannerWith().plan(line('o1', 'DESK', 1))).toEqual([
      expect.objectContaining({ status: 'backordered', quantity: 1 }),
    ]);
  });

  it('refuses a batch reference already used, even by another SKU', () => {
    const planner = plannerWith(false, batch('b1', 'LAMP', 10));
    expect(planner.addBatch(batch('b1', 'CHAIR', 10))).toEqual(E.left('Batch b1 already exists'));
  });

  it('sums up each SKU: demand, allocated, backordered, refusals, stock left, batches used', () => {
    const planner = plannerWith(
      false,
      batch('b1', 'LAMP', 10),
      batch('b2', 'LAMP', 10, '2027-01-01'),
    );
    planner.plan(line('o1', 'LAMP', 8));
    planner.plan(line('o2', 'LAMP', 6));
    planner.plan(line('o3', 'LAMP', 12));
    planner.plan(line('o4', 'DESK', 1));
    expect(planner.summary()).toEqual([
      {
        sku: 'DESK',
        demanded: 1,
        allocated: 0,
        backordered: 1,
        refusedLines: 0,
        stockLeft: 0,
        batches: [],
      },
      {
        sku: 'LAMP',
        demanded: 26,
        allocated: 14,
        backordered: 12,
        refusedLines: 0,
        stockLeft: 6,
        batches: [
          { reference: 'b1', purchased: 10, allocated: 8 },
          { reference: 'b2', purchased: 10, allocated: 6 },
        ],
      },
    ]);
  });

  it("plans against a running service's batches from what they have left", () => {
    const planner = new Planner({ allowSplit: false });
    planner.loadCurrentBatches([
      {
        reference: must(BatchReference('s1')),
        sku: must(Sku('LAMP')),
        eta: O.none,
        purchasedQuantity: 10,
        allocatedQuantity: 8,
        reservedQuantity: 0,
      },
    ]);
    expect(statuses(planner.plan(line('o1', 'LAMP', 3)))).toEqual(['backordered']);
    expect(statuses(planner.plan(line('o2', 'LAMP', 2)))).toEqual(['allocated:s1']);
  });
});
