import type { AllocationQueries } from '@allocation/allocation';
import type { LineAllocation, LineAllocations } from '@allocation/orders';

/**
 * Orders asks where its placed lines stand (`LineAllocations`, declared by orders); allocation
 * answers from its own records. The two contexts never import each other: this map is the one
 * place that knows both.
 */
export const lineAllocationsFrom = (queries: AllocationQueries): LineAllocations => ({
  ofOrder: async (orderId) => {
    const lines = await queries.orderLines(orderId);
    return new Map(
      lines.map((line): [string, LineAllocation] => [
        line.sku,
        line.status === 'backordered'
          ? { status: 'backordered' }
          : { status: line.status, batches: line.batches },
      ]),
    );
  },
});
