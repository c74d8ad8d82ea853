import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { IsOmittable } from '@allocation/platform';
import { IsIdentifier, IsUnits } from './validation';

export class AllocateRequest {
  @IsIdentifier('order-1234')
  orderId!: string;

  @IsIdentifier('RED-CHAIR')
  sku!: string;

  @IsUnits(1, 10)
  quantity!: number;

  @ApiPropertyOptional({
    default: false,
    description: 'May the line be split across batches when no single batch can take it?',
  })
  @IsOmittable()
  @IsBoolean()
  allowSplit?: boolean;
}
