import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
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
  @IsOptional()
  @IsBoolean()
  allowSplit?: boolean;
}
