import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  addBatch,
  allocate,
  compareBatchPreference,
  duplicateBatchReference,
  emptyProduct,
  productAvailableQuantity,
  type AllocateOptions,
  type AllocatedLine,
  type Batch,
  type BatchReference,
  type NewBatch,
  type OrderLine,
  type Product,
  type Quantity,
  type Sku,
} from '@allocation/allocation-domain';

export type PlanStatus = 'allocated' | 'backordered' | 'repeat' | 'refused';

/** One row of the plan: a line's portion in a batch, or the line waiting, repeated or refused. */
export interface PlanRow {
  readonly orderId: string;
  readonly sku: string;
  readonly batchReference: string | null;
  readonly quantity: number;
  readonly status: PlanStatus;
  /** Why a line was refused, in the domain's words. */
  readonly note?: string;
}

export interface BatchUse {
  readonly reference: string;
  readonly purchased: number;
  readonly allocated: number;
}

export interface SkuSummary {
  readonly sku: string;
  /** Units asked for by the lines planned (repeats and refusals aside). */
  readonly demanded: number;
  readonly allocated: number;
  readonly backordered: number;
  readonly refusedLines: number;
  readonly stockLeft: number;
  readonly batches: ReadonlyArray<BatchUse>;
}

interface Tally {
  demanded: number;
  allocated: number;
  backordered: number;
  refusedLines: number;
}

/**
 * Plans order lines against batches with the domain's own functions, as the service would decide
 * them for a placed order's lines: in file order, preferred batches first, a line that finds no
 * stock waiting (backordered). Only what decisions need is kept: each product's batches (running
 * totals) and waiting lines, and each allocated line, so that a repeated line is recognised (same
 * quantity: nothing changes; another quantity: refused). The plan itself is streamed out.
 */
const rowOf = (
  line: OrderLine,
  batchReference: string | null,
  quantity: number,
  status: PlanStatus,
): PlanRow => ({ orderId: line.orderId, sku: line.sku, batchReference, quantity, status });

const NOT_KEPT = '' as BatchReference;

/** Everything kept for one SKU, found with one lookup per line. */
interface SkuState {
  product: Product | undefined;
  /**
   * Order id → quantity of each line allocated (a backordered line is in the product's queue).
   * Only the quantity: keeping a million allocated lines whole made the garbage collector copy
   * them all out of the young generation, and a repeat needs no more (see `plan`).
   */
  readonly lines: Map<string, Quantity>;
  readonly tally: Tally;
}

export class Planner {
  private readonly skus = new Map<string, SkuState>();
  private readonly references = new Set<string>();

  /** The same for every line: made once (this is the hot path). */
  private readonly allocateOptions: AllocateOptions;

  constructor(options: { readonly allowSplit: boolean }) {
    this.allocateOptions = { allowSplit: options.allowSplit, backorder: true };
  }

  /** A batch from a file: refused, in the domain's words, as the service would refuse it. */
  addBatch(batch: NewBatch): E.Either<string, void> {
    // References are unique across SKUs (the service checks this beside the domain).
    if (this.references.has(batch.reference)) {
      return E.left(duplicateBatchReference(batch.reference).message);
    }
    const state = this.stateOf(batch.sku);
    const added = addBatch(state.product ?? emptyProduct(batch.sku), batch);
    if (E.isLeft(added)) return E.left(added.left.message);
    state.product = added.right.product;
    this.references.add(batch.reference);
    return E.right(undefined);
  }

  /**
   * Batches as a running service holds them (totals included), in its preference order. Their
   * lines stay with the service: the plan asks what new lines would get from the stock left.
   */
  loadCurrentBatches(batches: ReadonlyArray<Omit<Batch, 'position'>>): void {
    const bySku = new Map<string, Batch[]>();
    for (const batch of batches) {
      const ofSku = bySku.get(batch.sku) ?? [];
      ofSku.push({ ...batch, position: ofSku.length });
      bySku.set(batch.sku, ofSku);
      this.references.add(batch.reference);
    }
    for (const [sku, ofSku] of bySku) {
      this.stateOf(sku).product = {
        sku: sku as Sku,
        version: 0,
        batches: ofSku.sort(compareBatchPreference),
        backorders: [],
      };
    }
  }

  plan(line: OrderLine): ReadonlyArray<PlanRow> {
    const state = this.stateOf(line.sku);
    const { tally } = state;
    // As the service takes a placed order's line: a SKU with no batch at all is backordered,
    // the product coming into being with it.
    const product = state.product ?? emptyProduct(line.sku);
    const quantity = state.lines.get(line.orderId);
    // The line as allocated, for the domain to tell a repeat from a conflict by its order id and
    // quantity; its portions are in the plan already and play no part in that.
    const existing: O.Option<AllocatedLine> =
      quantity === undefined
        ? O.none
        : O.some({
            ...line,
            quantity,
            portions: [{ batchReference: NOT_KEPT, quantity }],
            accepted: 0,
          });
    const decided = allocate(product, line, existing, this.allocateOptions);
    if (E.isLeft(decided)) return refused(tally, line, decided.left.message);
    const { value } = decided.right;
    if (!value.created) return [rowOf(line, null, line.quantity, 'repeat')];
    state.product = decided.right.product;
    tally.demanded += line.quantity;
    if (value.outcome === 'backordered') {
      tally.backordered += line.quantity;
      return [rowOf(line, null, line.quantity, 'backordered')];
    }
    tally.allocated += line.quantity;
    state.lines.set(line.orderId, line.quantity);
    return value.line.portions.map((p) => rowOf(line, p.batchReference, p.quantity, 'allocated'));
  }

  /** Per SKU with batches or lines, in SKU order. */
  summary(): ReadonlyArray<SkuSummary> {
    return [...this.skus.keys()].sort().map((sku) => {
      const { product, tally } = this.skus.get(sku) as SkuState;
      return {
        sku,
        ...tally,
        stockLeft: product === undefined ? 0 : productAvailableQuantity(product),
        batches: (product?.batches ?? []).map((b) => ({
          reference: b.reference,
          purchased: b.purchasedQuantity,
          allocated: b.allocatedQuantity,
        })),
      };
    });
  }

  private stateOf(sku: string): SkuState {
    let state = this.skus.get(sku);
    if (state === undefined) {
      state = {
        product: undefined,
        lines: new Map(),
        tally: { demanded: 0, allocated: 0, backordered: 0, refusedLines: 0 },
      };
      this.skus.set(sku, state);
    }
    return state;
  }
}

const refused = (tally: Tally, line: OrderLine, note: string): ReadonlyArray<PlanRow> => {
  tally.refusedLines += 1;
  return [{ ...rowOf(line, null, line.quantity, 'refused'), note }];
};
