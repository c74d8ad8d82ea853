/** One row of the allocations read model. */
export interface AllocationViewRow {
  readonly orderId: string;
  readonly sku: string;
  readonly batchReference: string;
  readonly quantity: number;
}

/** The read model of where order lines went, written inside the unit of work. */
export interface AllocationsView {
  add(row: AllocationViewRow): Promise<void>;
  remove(row: Omit<AllocationViewRow, 'quantity'>): Promise<void>;
}

/** Reads of the read model, outside any unit of work. */
export interface AllocationsQuery {
  /** The order's rows in allocation order; empty when it has none. */
  forOrder(orderId: string): Promise<ReadonlyArray<AllocationViewRow>>;
}

export const ALLOCATIONS_QUERY = Symbol('AllocationsQuery');
