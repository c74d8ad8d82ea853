/**
 * Which product holds each batch reference, as this process last found it: a change or removal
 * of a batch then loads its product straight away instead of looking the reference up first. It
 * is only a hint: a reference can leave its product (the batch removed, perhaps made again under
 * another SKU), so the product loaded is checked for the batch, and a miss looks it up again.
 */
export class BatchDirectory {
  private readonly holders = new Map<string, string>();

  /** Bounded: past this many references it starts afresh, rather than grow without end. */
  constructor(private readonly capacity = 100_000) {}

  skuOf(reference: string): string | undefined {
    return this.holders.get(reference);
  }

  remember(reference: string, sku: string): void {
    if (this.holders.size >= this.capacity) this.holders.clear();
    this.holders.set(reference, sku);
  }

  forget(reference: string): void {
    this.holders.delete(reference);
  }
}
