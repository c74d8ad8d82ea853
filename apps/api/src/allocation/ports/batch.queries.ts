import type { Batch } from '@allocation/allocation-domain';

export interface BatchPage {
  readonly items: ReadonlyArray<Batch>;
  readonly total: number;
}

/** Read-side queries over batches, outside any unit of work. */
export interface BatchQueries {
  /** Batches by SKU then preference order, one page at a time. */
  list(filter: { sku?: string; page: number; pageSize: number }): Promise<BatchPage>;
}

export const BATCH_QUERIES = Symbol('BatchQueries');
