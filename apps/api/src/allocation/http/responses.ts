import { ApiProperty } from '@nestjs/swagger';
import * as O from 'fp-ts/Option';
import {
  availableQuantity,
  productAvailableQuantity,
  type AllocatedLine,
  type Batch,
  type Product,
} from '@allocation/allocation-domain';
import type { AllocationViewRow } from '../ports/allocations.view';

export class BatchResponse {
  @ApiProperty({ example: 'batch-001' }) reference!: string;
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: '2026-12-24', nullable: true, type: String }) eta!: string | null;
  @ApiProperty({ example: 100 }) purchasedQuantity!: number;
  @ApiProperty({ example: 10 }) allocatedQuantity!: number;
  @ApiProperty({ example: 90 }) availableQuantity!: number;
}

export class PortionResponse {
  @ApiProperty({ example: 'batch-001' }) batchReference!: string;
  @ApiProperty({ example: 10 }) quantity!: number;
}

export class AllocationResponse {
  @ApiProperty({ example: 'order-1234' }) orderId!: string;
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 10 }) quantity!: number;
  @ApiProperty({ type: [PortionResponse] }) allocations!: PortionResponse[];
}

export class OrderAllocationResponse {
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 'batch-001' }) batchReference!: string;
  @ApiProperty({ example: 10 }) quantity!: number;
}

export class ProductResponse {
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 7 }) version!: number;
  @ApiProperty({ example: 90 }) availableQuantity!: number;
  @ApiProperty({ type: [BatchResponse] }) batches!: BatchResponse[];
}

export class BatchPageResponse {
  @ApiProperty({ type: [BatchResponse] }) items!: BatchResponse[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 1 }) total!: number;
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
  availableQuantity: availableQuantity(batch),
});

export const toAllocationResponse = (line: AllocatedLine): AllocationResponse => ({
  orderId: line.orderId,
  sku: line.sku,
  quantity: line.quantity,
  allocations: line.portions.map((p) => ({
    batchReference: p.batchReference,
    quantity: p.quantity,
  })),
});

export const toProductResponse = (product: Product): ProductResponse => ({
  sku: product.sku,
  version: product.version,
  availableQuantity: productAvailableQuantity(product),
  batches: product.batches.map(toBatchResponse),
});

export const toOrderAllocation = (row: AllocationViewRow): OrderAllocationResponse => ({
  sku: row.sku,
  batchReference: row.batchReference,
  quantity: row.quantity,
});
