import { IsEta, IsIdentifier, IsUnits } from './validation';

/** The reference service's `POST /add_batch` body, kept as it was. */
export class AddBatchCompatRequest {
  @IsIdentifier('batch-001')
  ref!: string;

  @IsIdentifier('RED-CHAIR')
  sku!: string;

  @IsUnits(1, 100)
  qty!: number;

  @IsEta('Arrival date, YYYY-MM-DD, or null')
  eta?: string | null;
}

/** The reference service's `POST /allocate` body. */
export class AllocateCompatRequest {
  @IsIdentifier('order-1234')
  orderid!: string;

  @IsIdentifier('RED-CHAIR')
  sku!: string;

  @IsUnits(1, 10)
  qty!: number;
}
