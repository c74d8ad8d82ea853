import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { IsOmittable } from '@allocation/platform';

/** `?quantity=N` (a change of quantity) or `?remove=true` (removing the batch): one of them. */
export class PreviewBatchChangeQuery {
  @ApiPropertyOptional({ description: 'The quantity the batch would be set to', example: '3' })
  @IsOmittable()
  // Kept as text and matched whole: "3.5", "-1" or "1e3" are told what is wanted.
  @Matches(/^\d{1,15}$/, { message: 'quantity must be a whole number from 0' })
  quantity?: string;

  @ApiPropertyOptional({ description: 'What removing the batch would do', enum: ['true'] })
  @IsOmittable()
  @IsIn(['true'], { message: 'remove must be true (or left out)' })
  remove?: 'true';
}
