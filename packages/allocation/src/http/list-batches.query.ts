import { PageQuery } from '@allocation/platform';
import { IsIdentifier } from './validation';

export class ListBatchesQuery extends PageQuery {
  /** Matched in any case. */
  @IsIdentifier('RED-CHAIR', { optional: true })
  sku?: string;
}
