import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, Length, Matches } from 'class-validator';
import {
  IDENTIFIER_PATTERN,
  IDENTIFIER_RULE,
  MAX_IDENTIFIER_LENGTH,
} from '@allocation/allocation-domain';
import { IsOmittable, PageQuery } from '@allocation/platform';

/** At most this many orders name one pick list; more is a list of everything anyway. */
export const MAX_PICK_ORDERS = 1_000;

export class CreatePickListRequest {
  @ApiPropertyOptional({
    type: [String],
    example: ['order-1234', 'order-1235'],
    description: "Only these orders' lines; without it, every allocated line not yet picked",
    maxItems: MAX_PICK_ORDERS,
  })
  @IsOmittable()
  // Checked from the bottom up: an array first, then its size, then each id.
  @Matches(IDENTIFIER_PATTERN, { each: true, message: `each of orderIds ${IDENTIFIER_RULE}` })
  @Length(1, MAX_IDENTIFIER_LENGTH, {
    each: true,
    message: 'each of orderIds must be 1 to 64 characters',
  })
  @ArrayMaxSize(MAX_PICK_ORDERS)
  @ArrayMinSize(1, { message: 'orderIds must name at least one order (or be left out)' })
  @IsArray({ message: 'orderIds must be an array of order ids' })
  orderIds?: string[];
}

const STATUSES = ['open', 'confirmed', 'cancelled'] as const;

export class ListPickListsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOmittable()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: (typeof STATUSES)[number];
}
