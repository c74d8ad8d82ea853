import { ApiProperty } from '@nestjs/swagger';
import type { FeedItem } from '@allocation/platform';

export class EventResponse {
  @ApiProperty({ example: 42 }) id!: number;
  @ApiProperty({ example: 'Allocated' }) type!: string;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) occurredAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { orderId: 'order-1', sku: 'RED-CHAIR', quantity: 3, batchReference: 'batch-001' },
  })
  data!: Record<string, unknown>;
}

export class EventPageResponse {
  @ApiProperty({ type: [EventResponse] }) items!: EventResponse[];
  @ApiProperty({
    example: 42,
    description: 'Ask again with `after=next` for what follows; it stays put while nothing is new',
  })
  next!: number;
}

export const toEventResponse = (item: FeedItem): EventResponse => ({
  id: item.id,
  type: item.type,
  occurredAt: item.occurredAt,
  data: { ...item.data },
});
