import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  allocate as allocateLine,
  changeBatchQuantity as changeQuantity,
  deallocate as deallocateLine,
  emptyProduct,
  lineQuantityIn,
  lineShipped,
  orderNotAllocated,
  unknownSku,
  type Allocate,
  type AllocatedLine,
  type AllocationError,
  type AllocationResult,
  type Batch,
  type ChangeBatchQuantity,
  type Deallocate,
  type DomainEvent,
  type Product,
  type Sku,
} from '@allocation/allocation-domain';
import type { Handled } from '@allocation/platform';
import type {
  LineChanges,
  ProductChange,
  ProductRequest,
  ProductStore,
  StandingLine,
} from '../ports/product-store';
import { lineChangesOf } from './persist';

// The group commit's decisions: the domain's rules for allocations, quantity changes and whole
// orders' deallocations, applied to any number of commands on products loaded once. The batcher
// (`allocation-batcher.ts`) decides when and commits; the allocate handler decides one command.

/** One command's decision: its result and events, or the domain's refusal. */
export type AllocationDecision = E.Either<AllocationError, Handled<AllocationResult, DomainEvent>>;

/** A quantity change for the product this process last found holding the batch. */
export type HeldChange = ChangeBatchQuantity & { readonly sku: Sku };

/** A whole order's deallocation from the products it was found to have lines of. */
export type FoundDeallocation = Deallocate & { readonly skus: ReadonlyArray<Sku> };

/** What the group commit decides: allocations, changes of a batch's quantity, deallocations. */
export type GroupCommand = Allocate | HeldChange | FoundDeallocation;

/**
 * A group command's decision. A change whose batch the product turned out not to hold (it was
 * removed, perhaps made again under another SKU) is `elsewhere`: the bus runs it on its own.
 */
export type GroupDecision =
  | { readonly kind: 'allocate'; readonly decision: AllocationDecision }
  | {
      readonly kind: 'change';
      readonly decision: E.Either<AllocationError, Handled<Batch, DomainEvent>>;
    }
  | {
      readonly kind: 'deallocate';
      readonly decision: E.Either<AllocationError, Handled<void, DomainEvent>>;
    }
  | { readonly kind: 'elsewhere' };

/** Commands decided together: each one's decision in order, the products' changes, the events. */
export interface Decided<D> {
  readonly decisions: ReadonlyArray<D>;
  readonly changes: ReadonlyArray<ProductChange>;
  readonly events: ReadonlyArray<DomainEvent>;
}

/** What the product store is asked to load for one command. */
const requestsOf = (command: GroupCommand): ReadonlyArray<ProductRequest> => {
  switch (command._tag) {
    case 'Allocate':
      return [{ sku: command.sku, orderId: command.orderId }];
    case 'ChangeBatchQuantity':
      return [
        { sku: command.sku, release: { reference: command.reference, keeping: command.quantity } },
      ];
    case 'Deallocate':
      return command.skus.map((sku) => ({ sku, orderId: command.orderId, standing: true }));
  }
};

/**
 * The allocation rule, the quantity change and the deallocation, for any number of commands:
 * their products loaded once, then the pure domain applied in arrival order, each command seeing
 * what the ones before it did. The allocate handler runs it with one allocation; the batcher with many commands. A SKU
 * allocation has never seen is refused (`Invalid sku`, the reference contract), but a placed
 * order's line for it is accepted like any line that finds no stock: the product comes into being
 * with that backorder, and its first batch serves it. Refusals keep their `OutOfStock` event, in
 * arrival order, as the bus commits it after the refusal (`keptOnFailure`). A deallocation must
 * be its products' only command (the batcher sees to it): the lines it lets go were loaded as
 * stored. A quantity change must be its product's only change or deallocation, but allocations
 * may come before and after it: the lines a shrink lets go are those allocated before it in the
 * same batch, newest first, then the newest as stored; an allocation after it of an order whose
 * line it moved, served or pushed back is decided `elsewhere` (that order already has its line
 * or waits, so the allocation changes nothing and runs after the batch as it would here).
 */
export const decideTogether = async (
  store: Pick<ProductStore, 'load'>,
  commands: ReadonlyArray<GroupCommand>,
): Promise<Decided<GroupDecision>> => {
  const recorded: DomainEvent[] = [];
  const loaded = await store.load(commands.flatMap(requestsOf));
  const products = new Map<string, Product>();
  const lines = new Map<string, Map<string, StandingLine>>();
  for (const [sku, entry] of loaded) {
    products.set(sku, entry.product);
    lines.set(sku, new Map(entry.lines));
  }
  const held = new Map<string, LineChanges['held'][number][]>();
  /** The line rows a deallocation leaves, read from its events. */
  const released = new Map<string, LineChanges>();
  /** Each product's lines allocated in this batch, oldest first (a shrink lets the newest go). */
  const created = new Map<string, AllocatedLine[]>();
  /** Each product's events that move lines, in order, for a product a change is in. */
  const moves = new Map<string, DomainEvent[]>();
  /** When each line the batch took in or served was accepted, by product and order id. */
  const stamps = new Map<string, Map<string, number>>();
  /** The orders whose lines a change in this batch moved, served or pushed back, by product. */
  const touched = new Map<string, Set<string>>();
  const stampsOf = (sku: string) => {
    const found = stamps.get(sku) ?? new Map<string, number>();
    stamps.set(sku, found);
    return found;
  };

  const allocate = (command: Allocate): AllocationDecision => {
    const product =
      products.get(command.sku) ?? (command.backorder ? emptyProduct(command.sku) : undefined);
    if (product === undefined) return E.left(unknownSku(command.sku));
    const ofProduct = lines.get(command.sku) ?? new Map<string, StandingLine>();
    lines.set(command.sku, ofProduct);
    const standing = ofProduct.get(command.orderId) ?? O.none;
    // A line that shipped is done: allocating it again would ship it twice.
    if (standing === 'shipped') return E.left(lineShipped(command.orderId, command.sku));
    const decided = allocateLine(product, command, standing, {
      allowSplit: command.allowSplit,
      backorder: command.backorder,
    });
    if (E.isLeft(decided)) {
      if (decided.left._tag === 'OutOfStock') recorded.push(...decided.left.events);
      return decided;
    }
    const { value, events } = decided.right;
    if (!value.created) return E.right({ value, events: [] });
    products.set(command.sku, decided.right.product);
    if (value.outcome === 'allocated') {
      ofProduct.set(command.orderId, O.some(value.line));
      const portions = held.get(command.sku) ?? [];
      for (const portion of value.line.portions)
        portions.push({ orderId: command.orderId, ...portion, accepted: value.line.accepted });
      held.set(command.sku, portions);
      const allocatedHere = created.get(command.sku) ?? [];
      allocatedHere.push(value.line);
      created.set(command.sku, allocatedHere);
    }
    stampsOf(command.sku).set(
      command.orderId,
      value.outcome === 'allocated' ? value.line.accepted : value.backorder.accepted,
    );
    moves.get(command.sku)?.push(...events);
    recorded.push(...events);
    return E.right({ value, events });
  };

  const change = (command: HeldChange): GroupDecision => {
    const product = products.get(command.sku);
    if (product?.batches.some((b) => b.reference === command.reference) !== true) {
      return { kind: 'elsewhere' };
    }
    // Lines allocated earlier in this batch are newer than any stored.
    const newest = [
      ...(created.get(command.sku) ?? [])
        .filter((line) => lineQuantityIn(line, command.reference) > 0)
        .reverse(),
      ...(loaded.get(command.sku)?.releasing?.get(command.reference) ?? []),
    ];
    const decided = changeQuantity(product, command.reference, command.quantity, newest);
    if (E.isLeft(decided)) return { kind: 'change', decision: decided };
    const { events, value } = decided.right;
    products.set(command.sku, decided.right.product);
    // A line served from the queue keeps the stamp it waited with.
    for (const waiting of product.backorders)
      stampsOf(command.sku).set(waiting.orderId, waiting.accepted);
    const orders = new Set<string>();
    for (const event of events) if ('orderId' in event) orders.add(event.orderId);
    touched.set(command.sku, orders);
    // The batch's own lines of the product, then the change's moves, then what comes after it.
    moves.set(command.sku, [
      ...(created.get(command.sku) ?? []).flatMap((line) =>
        line.portions.map((portion): DomainEvent => ({
          _tag: 'Allocated',
          orderId: line.orderId,
          sku: line.sku,
          quantity: portion.quantity,
          batchReference: portion.batchReference,
        })),
      ),
      ...events,
    ]);
    recorded.push(...events);
    return { kind: 'change', decision: E.right({ value: value.batch, events }) };
  };

  /**
   * The order's lines of each product, released in SKU order as the bus does; a product where it
   * has nothing (any more) is passed over. All or nothing: a refusal changes none of them.
   */
  const deallocate = (command: FoundDeallocation): GroupDecision => {
    const decided: { sku: Sku; product: Product; events: ReadonlyArray<DomainEvent> }[] = [];
    for (const sku of command.skus) {
      const product = products.get(sku);
      if (product === undefined) continue;
      const standing = lines.get(sku)?.get(command.orderId) ?? O.none;
      const line = standing === 'shipped' ? O.none : standing;
      const freed = deallocateLine(product, command.orderId, line);
      if (E.isLeft(freed)) {
        if (freed.left._tag === 'OrderNotAllocated') continue;
        return { kind: 'deallocate', decision: freed };
      }
      decided.push({ sku, product: freed.right.product, events: freed.right.events });
    }
    if (decided.length === 0) {
      return { kind: 'deallocate', decision: E.left(orderNotAllocated(command.orderId)) };
    }
    for (const { sku, product, events } of decided) {
      products.set(sku, product);
      released.set(sku, lineChangesOf(events));
      lines.get(sku)?.delete(command.orderId);
      recorded.push(...events);
    }
    const events = decided.flatMap((d) => d.events);
    return { kind: 'deallocate', decision: E.right({ value: undefined, events }) };
  };

  const decisions = commands.map((command): GroupDecision => {
    switch (command._tag) {
      case 'Allocate':
        // Its order's line was moved by the change: the allocation changes nothing (see above).
        if (touched.get(command.sku)?.has(command.orderId) === true) return { kind: 'elsewhere' };
        return { kind: 'allocate', decision: allocate(command) };
      case 'ChangeBatchQuantity':
        return change(command);
      case 'Deallocate':
        return deallocate(command);
    }
  });
  const changes: ProductChange[] = [];
  for (const [sku, product] of products) {
    if (loaded.get(sku)?.product === product) continue;
    const moved = moves.get(sku);
    changes.push({
      product,
      lines:
        moved === undefined
          ? (released.get(sku) ?? { held: held.get(sku) ?? [], released: [] })
          : stamped(lineChangesOf(moved), stamps.get(sku)),
    });
  }
  return { decisions, changes, events: recorded };
};

/**
 * The rows a product's moves leave, each line the batch took in or served from the queue with
 * when it was accepted (the statement finds that of a stored line that moved by itself).
 */
const stamped = (lines: LineChanges, accepted: ReadonlyMap<string, number> | undefined) => ({
  ...lines,
  held: lines.held.map((portion) => {
    const stamp = accepted?.get(portion.orderId);
    return stamp === undefined ? portion : { ...portion, accepted: stamp };
  }),
});

/** `decideTogether` for allocations alone: each allocation's decision, in order. */
export const allocateTogether = async (
  store: Pick<ProductStore, 'load'>,
  commands: ReadonlyArray<Allocate>,
): Promise<Decided<AllocationDecision>> => {
  const { decisions, changes, events } = await decideTogether(store, commands);
  const allocations = decisions.map((decided) => {
    if (decided.kind !== 'allocate') throw new Error('An allocation decided as something else');
    return decided.decision;
  });
  return { decisions: allocations, changes, events };
};
