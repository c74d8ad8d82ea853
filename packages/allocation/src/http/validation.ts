import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import {
  IDENTIFIER_PATTERN,
  IDENTIFIER_RULE,
  MAX_IDENTIFIER_LENGTH,
} from '@allocation/allocation-domain';
import { identifierDecorator } from '@allocation/platform';

/** A SKU, batch reference or order id, with the domain's own rule and its documentation. */
export const IsIdentifier = identifierDecorator({
  pattern: IDENTIFIER_PATTERN,
  maxLength: MAX_IDENTIFIER_LENGTH,
  rule: IDENTIFIER_RULE,
});

/** A whole number of units; `min` 1 for lines and new batches, 0 for a batch's new quantity. */
export const IsUnits = (min: 0 | 1, example: number) =>
  applyDecorators(
    ApiProperty({ example, minimum: min, maximum: Number.MAX_SAFE_INTEGER, type: 'integer' }),
    IsInt({ message: '$property must be a whole number' }),
    Min(min),
    Max(Number.MAX_SAFE_INTEGER),
  );

const DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/** An optional `YYYY-MM-DD` date; null or absent means in stock. The domain checks the calendar. */
export const IsEta = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ example: '2026-12-24', nullable: true, type: String, description }),
    ValidateIf((_, value) => value !== null && value !== undefined),
    IsString(),
    Matches(DATE_FORMAT, { message: 'eta must be a date written YYYY-MM-DD' }),
  );
