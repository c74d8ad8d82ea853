import { ApiProperty } from '@nestjs/swagger';
import * as O from 'fp-ts/Option';
import {
  availableQuantity,
  productAvailableQuantity,
  type AllocationResult,
  type Batch,
  type DomainEvent,
  type Product,
} from '@allocation/allocation-domain';
import type { AllocationViewRow } from '../ports/allocation.queries';
import type { WaitingLine } from '../ports/allocation.queries';

export class BatchResponse {
  @ApiProperty({ example: 'batch-001' }) reference!: string;
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: '2026-12-24', nullable: true, type: String }) eta!: string | null;
  @ApiProperty({ example: 100 }) purchasedQuantity!: number;
  @ApiProperty({ example: 10 }) allocatedQuantity!: number;
  @ApiProperty({ example: 4, description: 'Of the allocated quantity, what open pick lists hold' })
  reservedQuantity!: number;
  @ApiProperty({ example: 90 }) availableQuantity!: number;
}

export class PortionResponse {
  @ApiProperty({ example: 'batch-001' }) batchReference!: string;
  @ApiProperty({ example: 10 }) quantity!: number;
}

const LINE_STATUSES = ['allocated', 'backordered', 'shipped'] as const;
type LineStatus = (typeof LINE_STATUSES)[number];

export class AllocationResponse {
  @ApiProperty({ example: 'order-1234' }) orderId!: string;
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 10 }) quantity!: number;
  @ApiProperty({
    enum: LINE_STATUSES,
    example: 'allocated',
    description: '`backordered`: the line waits for stock (it came from a placed order)',
  })
  status!: LineStatus;
  @ApiProperty({ type: [PortionResponse], description: 'Empty while backordered' })
  allocations!: PortionResponse[];
}

export class OrderAllocationResponse {
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({
    example: 'batch-001',
    nullable: true,
    type: String,
    description: 'None while backordered',
  })
  batchReference!: string | null;
  @ApiProperty({ example: 10 }) quantity!: number;
  @ApiProperty({ enum: LINE_STATUSES, example: 'allocated' }) status!: LineStatus;
}

export class BackorderResponse {
  @ApiProperty({ example: 'order-1234' }) orderId!: string;
  @ApiProperty({ example: 10 }) quantity!: number;
}

export class ProductResponse {
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 7 }) version!: number;
  @ApiProperty({ example: 90 }) availableQuantity!: number;
  @ApiProperty({ type: [BatchResponse] }) batches!: BatchResponse[];
  @ApiProperty({
    type: [BackorderResponse],
    description: 'Lines waiting for stock, in the order they will be served',
  })
  backorders!: BackorderResponse[];
}

export class BatchPageResponse {
  @ApiProperty({ type: [BatchResponse] }) items!: BatchResponse[];
  @ApiProperty({ example: 1, type: 'integer' }) page!: number;
  @ApiProperty({ example: 50, type: 'integer' }) pageSize!: number;
  @ApiProperty({ example: 1, type: 'integer' }) total!: number;
}

/** A line that a change of batch pushed out, and where it went. */
export class ReallocationResponse {
  @ApiProperty({ example: 'order-1234' }) orderId!: string;
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 10 }) quantity!: number;
  @ApiProperty({ type: [PortionResponse], description: 'The batches it left' })
  from!: PortionResponse[];
  @ApiProperty({ type: [PortionResponse], description: 'The batches it now has; empty if none' })
  to!: PortionResponse[];
  @ApiProperty({ enum: ['reallocated', 'backordered'] }) outcome!: 'reallocated' | 'backordered';
}

export class BatchChangeResponse extends BatchResponse {
  @ApiProperty({ type: [ReallocationResponse] }) reallocations!: ReallocationResponse[];
}

export class CompatAllocationResponse {
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 'batch-001' }) batchref!: string;
}

export const toBatchResponse = (batch: Batch): BatchResponse => ({
  reference: batch.reference,
  sku: batch.sku,
  eta: O.toNullable(batch.eta),
  purchasedQuantity: batch.purchasedQuantity,
  allocatedQuantity: batch.allocatedQuantity,
  reservedQuantity: batch.reservedQuantity,
  availableQuantity: availableQuantity(batch),
});

export const toAllocationResponse = (result: AllocationResult): AllocationResponse =>
  result.outcome === 'allocated'
    ? {
        orderId: result.line.orderId,
        sku: result.line.sku,
        quantity: result.line.quantity,
        status: 'allocated',
        allocations: result.line.portions.map((p) => ({
          batchReference: p.batchReference,
          quantity: p.quantity,
        })),
      }
    : {
        orderId: result.backorder.orderId,
        sku: result.backorder.sku,
        quantity: result.backorder.quantity,
        status: 'backordered',
        allocations: [],
      };

export const toProductResponse = (product: Product): ProductResponse => ({
  sku: product.sku,
  version: product.version,
  availableQuantity: productAvailableQuantity(product),
  batches: product.batches.map(toBatchResponse),
  backorders: product.backorders.map((b) => ({ orderId: b.orderId, quantity: b.quantity })),
});

/**
 * The order's allocated portions in allocation order, then its lines waiting for stock, then
 * what has shipped.
 */
export const toOrderAllocations = (
  rows: ReadonlyArray<AllocationViewRow>,
  waiting: ReadonlyArray<WaitingLine>,
  shipped: ReadonlyArray<AllocationViewRow> = [],
): OrderAllocationResponse[] => [
  ...rows.map((row) => ({
    sku: row.sku,
    batchReference: row.batchReference,
    quantity: row.quantity,
    status: 'allocated' as const,
  })),
  ...waiting.map((line) => ({
    sku: line.sku,
    batchReference: null,
    quantity: line.quantity,
    status: 'backordered' as const,
  })),
  ...shipped.map((row) => ({
    sku: row.sku,
    batchReference: row.batchReference,
    quantity: row.quantity,
    status: 'shipped' as const,
  })),
];

/** Follows each line pushed out of a batch to its new batches, or to out of stock. */
export const reallocationsOf = (events: ReadonlyArray<DomainEvent>): ReallocationResponse[] =>
  events.flatMap((event, index) => {
    if (event._tag !== 'Deallocated' || event.reason === 'Requested') return [];
    const to: PortionResponse[] = [];
    for (const next of events.slice(index + 1)) {
      if (!('orderId' in next) || next.orderId !== event.orderId || next.sku !== event.sku)
        continue;
      // The same line pushed out again starts a reallocation of its own.
      if (next._tag === 'Deallocated') break;
      if (next._tag === 'Allocated') {
        to.push({ batchReference: next.batchReference, quantity: next.quantity });
      }
    }
    return [
      {
        orderId: event.orderId,
        sku: event.sku,
        quantity: event.quantity,
        from: event.portions.map((p) => ({ ...p })),
        to,
        outcome: to.length > 0 ? 'reallocated' : 'backordered',
      },
    ];
  });
