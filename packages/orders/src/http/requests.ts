import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOmittable, PageQuery } from '@allocation/platform';
import {
  MAX_ITEM_QUANTITY,
  MAX_ORDER_LINES,
  MAX_UNIT_PRICE_MINOR,
} from '@allocation/orders-domain';
import { IsIdentifier } from './validation';

/** The shape of a currency code; the domain then checks it is one this service knows. */
const IsCurrency = (optional: boolean) =>
  applyDecorators(
    ...(optional
      ? [
          ApiPropertyOptional({ example: 'EUR', default: 'EUR', description: 'ISO 4217 code' }),
          IsOmittable(),
        ]
      : [ApiProperty({ example: 'EUR', description: 'ISO 4217 code' })]),
    // Not IsString first: a missing or numeric currency gets the same message as a bad one.
    Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' }),
  );

export class AddItemRequest {
  @IsIdentifier('RED-CHAIR')
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: MAX_ITEM_QUANTITY, type: 'integer' })
  // Checked from the bottom up: the type first, so "2" or 1.5 is told what is wanted.
  @Max(MAX_ITEM_QUANTITY)
  @Min(1)
  @IsInt({ message: 'quantity must be a whole number' })
  quantity!: number;
}

export class CreateOrderRequest {
  @IsIdentifier('customer-42')
  customerId!: string;

  @IsCurrency(true)
  currency?: string;

  @IsIdentifier('order-1234', { optional: true })
  orderId?: string;

  @ApiPropertyOptional({
    type: [AddItemRequest],
    maxItems: MAX_ORDER_LINES,
    description:
      'A whole order at once: these items are added in turn, each at its catalogue price (a SKU named twice adds up)',
  })
  @IsOmittable()
  // Checked from the bottom up: an array first, then its size, then each item.
  @ValidateNested({ each: true })
  @Type(() => AddItemRequest)
  @IsObject({ each: true, message: 'each of items must be an object { sku, quantity }' })
  @ArrayMaxSize(MAX_ORDER_LINES, { message: `items must name at most ${MAX_ORDER_LINES} items` })
  @IsArray({ message: 'items must be an array of { sku, quantity }' })
  items?: AddItemRequest[];

  @ApiPropertyOptional({
    default: false,
    description: 'Place the order as soon as it is created (it needs items)',
  })
  @IsOmittable()
  @IsBoolean({ message: 'place must be true or false' })
  place?: boolean;
}

export class SetPriceRequest {
  @ApiProperty({
    example: 1999,
    description: 'Whole minor units (cents): 1999 EUR is 19.99 EUR',
    minimum: 0,
    maximum: MAX_UNIT_PRICE_MINOR,
    type: 'integer',
  })
  @Max(MAX_UNIT_PRICE_MINOR)
  @Min(0)
  @IsInt({ message: 'amountMinor must be a whole number of minor units (cents)' })
  amountMinor!: number;

  @IsCurrency(false)
  currency!: string;
}

const STATUSES = ['draft', 'placed', 'shipped', 'cancelled'] as const;

export class ListPricesQuery extends PageQuery {
  /** Only SKUs that start with this, in any case. */
  @IsIdentifier('RED', { optional: true })
  sku?: string;
}

export class ListOrdersQuery extends PageQuery {
  @IsIdentifier('customer-42', { optional: true })
  customerId?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOmittable()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: (typeof STATUSES)[number];
}
