import { ApiProperty } from '@nestjs/swagger';

class PickLineResponse {
  @ApiProperty({ example: 'order-1234' }) orderId!: string;
  @ApiProperty({ example: 2 }) quantity!: number;
}

export class PickBatchResponse {
  @ApiProperty({ example: 'batch-001' }) batchReference!: string;
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) eta!: string | null;
  @ApiProperty({ example: 5, description: 'What to take from this batch in all' })
  quantity!: number;
  @ApiProperty({ type: [PickLineResponse] }) lines!: PickLineResponse[];
}

export class PickListResponse {
  @ApiProperty({ example: '5f0c3a9e-0b1d-4e55-9a57-3f6a2f0f2b71' }) id!: string;
  @ApiProperty({ enum: ['open', 'confirmed', 'cancelled'] }) status!: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({
    type: [PickBatchResponse],
    description: 'By SKU, then in preference order: the shelf first, then by ETA',
  })
  batches!: PickBatchResponse[];
}

export class PickListPageResponse {
  @ApiProperty({ type: [PickListResponse] }) items!: PickListResponse[];
  @ApiProperty({ example: 1, type: 'integer' }) page!: number;
  @ApiProperty({ example: 50, type: 'integer' }) pageSize!: number;
  @ApiProperty({ example: 1, type: 'integer' }) total!: number;
}
