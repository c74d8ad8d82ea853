import type { OrderId } from '@allocation/orders-domain';

export type LineAllocation =
  | { readonly status: 'pending' }
  | { readonly status: 'backordered' }
  | {
      readonly status: 'allocated' | 'shipped';
      readonly batches: ReadonlyArray<{
        readonly batchReference: string;
        readonly quantity: number;
      }>;
    };

/**
 * Where allocation has each line of a placed order. Orders declares what it needs to know;
 * allocation answers from its own records, and the app wires the two (orders never reads
 * allocation's tables).
 */
export interface LineAllocations {
  /** By SKU; a line allocation has not decided on yet is absent (pending). */
  ofOrder(orderId: OrderId): Promise<ReadonlyMap<string, LineAllocation>>;
}

export const LINE_ALLOCATIONS = Symbol('LineAllocations');
