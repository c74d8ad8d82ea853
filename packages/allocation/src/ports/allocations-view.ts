/** One row of the allocations read model: part of an order line in one batch. */
export interface AllocationViewRow {
  readonly orderId: string;
  readonly sku: string;
  readonly batchReference: string;
  readonly quantity: number;
}

/** Writes the read model of where order lines went, inside the unit of work that moved them. */
export interface AllocationsView {
  add(row: AllocationViewRow): Promise<void>;
  remove(row: Omit<AllocationViewRow, 'quantity'>): Promise<void>;
}
