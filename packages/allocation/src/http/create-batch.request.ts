import { IsEta, IsIdentifier, IsUnits } from './validation';

export class CreateBatchRequest {
  @IsIdentifier('batch-001')
  reference!: string;

  @IsIdentifier('RED-CHAIR')
  sku!: string;

  @IsUnits(1, 100)
  quantity!: number;

  @IsEta('Arrival date, YYYY-MM-DD; omit or null for stock already in the warehouse')
  eta?: string | null;
}
