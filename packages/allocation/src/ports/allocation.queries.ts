import type * as O from 'fp-ts/Option';
import type { Batch, BatchReference, OrderId, Product, Sku } from '@allocation/allocation-domain';

/** One row of the allocations read model: part of an order line in one batch. */
export interface AllocationViewRow {
  readonly orderId: string;
  readonly sku: string;
  readonly batchReference: string;
  readonly quantity: number;
}

export interface BatchPage {
  readonly items: ReadonlyArray<Batch>;
  readonly total: number;
}

export interface WaitingLine {
  readonly sku: string;
  readonly quantity: number;
}

/** Where allocation has one of an order's lines (a line it has not decided on is absent). */
export type OrderLineState =
  | { readonly sku: string; readonly status: 'backordered' }
  | {
      readonly sku: string;
      readonly status: 'allocated' | 'shipped';
      readonly batches: ReadonlyArray<{
        readonly batchReference: string;
        readonly quantity: number;
      }>;
    };

export interface BatchFilter {
  readonly sku?: Sku;
  readonly page: number;
  readonly pageSize: number;
}

/**
 * The read side: plain queries on committed data, outside any unit of work. Nothing here is
 * cached or remembered between calls.
 */
export interface AllocationQueries {
  /** Batches by SKU, then in allocation preference order, one page at a time. */
  batches(filter: BatchFilter): Promise<BatchPage>;
  batch(reference: BatchReference): Promise<O.Option<Batch>>;
  product(sku: Sku): Promise<O.Option<Product>>;
  /** The order's rows of the read model in allocation order; empty when it has none. */
  orderAllocations(orderId: OrderId): Promise<ReadonlyArray<AllocationViewRow>>;
  /** The order's lines waiting for stock, by SKU. */
  orderBackorders(orderId: OrderId): Promise<ReadonlyArray<WaitingLine>>;
  /** The order's portions that shipped with a pick list, in the order they shipped. */
  orderShipped(orderId: OrderId): Promise<ReadonlyArray<AllocationViewRow>>;
  /**
   * Each of the order's lines as it stands, by SKU: allocated while any portion is held, else
   * shipped once a pick list took it, else waiting for stock.
   */
  orderLines(orderId: OrderId): Promise<ReadonlyArray<OrderLineState>>;
}

export const ALLOCATION_QUERIES = Symbol('AllocationQueries');
