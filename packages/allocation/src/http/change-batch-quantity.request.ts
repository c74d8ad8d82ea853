import { IsUnits } from './validation';

export class ChangeBatchQuantityRequest {
  @IsUnits(0, 50)
  quantity!: number;
}
