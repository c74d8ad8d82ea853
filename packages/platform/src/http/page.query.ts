import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { IsOmittable } from './omittable';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/**
 * Query strings are text; only digits become a number ("abc", "1e3", " 2" stay not-a-number and
 * are refused as such). Explicit, and still validated below.
 */
const wholeNumberText = ({ value }: { value: unknown }): unknown => {
  if (value === undefined) return undefined;
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
};

/** `?page=&pageSize=` of every paginated list. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: 1_000_000 })
  @IsOmittable()
  @Transform(wholeNumberText)
  // class-validator checks from the bottom up: the type first, so "abc" is told what it is.
  @Max(1_000_000)
  @Min(1)
  @IsInt({ message: 'page must be a whole number' })
  page?: number;

  @ApiPropertyOptional({
    type: 'integer',
    default: DEFAULT_PAGE_SIZE,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
  })
  @IsOmittable()
  @Transform(wholeNumberText)
  @Max(MAX_PAGE_SIZE)
  @Min(1)
  @IsInt({ message: 'pageSize must be a whole number' })
  pageSize?: number;
}
