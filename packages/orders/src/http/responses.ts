import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Money } from '@allocation/orders-domain';

export class MoneyResponse {
  @ApiProperty({ example: 1999, description: 'Whole minor units (cents)' }) amountMinor!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
}

class BatchPortionResponse {
  @ApiProperty({ example: 'batch-001' }) batchReference!: string;
  @ApiProperty({ example: 2 }) quantity!: number;
}

export class LineAllocationResponse {
  @ApiProperty({
    enum: ['pending', 'allocated', 'backordered', 'shipped'],
    example: 'allocated',
    description:
      '`backordered`: no stock yet; it is allocated when stock for its SKU arrives. `shipped`: picked and gone, from these batches',
  })
  status!: string;
  @ApiPropertyOptional({ type: [BatchPortionResponse] }) batches?: BatchPortionResponse[];
}

export class OrderLineResponse {
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 2 }) quantity!: number;
  @ApiProperty({ type: MoneyResponse }) unitPrice!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) lineTotal!: MoneyResponse;
  @ApiProperty({
    type: LineAllocationResponse,
    nullable: true,
    description: 'Where allocation put the line, once the order is placed',
  })
  allocation!: LineAllocationResponse | null;
}

export class OrderResponse {
  @ApiProperty({ example: 'order-1234' }) orderId!: string;
  @ApiProperty({ example: 'customer-42' }) customerId!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ['draft', 'placed', 'shipped', 'cancelled'] }) status!: string;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) createdAt!: string;
  @ApiProperty({ type: [OrderLineResponse] }) items!: OrderLineResponse[];
  @ApiProperty({ type: MoneyResponse }) total!: MoneyResponse;
}

export class OrderSummaryResponse {
  @ApiProperty({ example: 'order-1234' }) orderId!: string;
  @ApiProperty({ example: 'customer-42' }) customerId!: string;
  @ApiProperty({ enum: ['draft', 'placed', 'shipped', 'cancelled'] }) status!: string;
  @ApiProperty({ example: 2 }) lines!: number;
  @ApiProperty({ type: MoneyResponse }) total!: MoneyResponse;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) createdAt!: string;
}

export class OrderPageResponse {
  @ApiProperty({ type: [OrderSummaryResponse] }) items!: OrderSummaryResponse[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 1 }) total!: number;
}

export class PriceResponse {
  @ApiProperty({ example: 'RED-CHAIR' }) sku!: string;
  @ApiProperty({ example: 1999 }) amountMinor!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) updatedAt!: string;
}

export class PricePageResponse {
  @ApiProperty({ type: [PriceResponse] }) items!: PriceResponse[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 1 }) total!: number;
}

export const moneyResponse = (money: Money): MoneyResponse => ({
  amountMinor: money.amountMinor,
  currency: money.currency,
});
