import { PageQuery } from '../../http/page.query';
import { IsIdentifier } from './validation';

export class ListBatchesQuery extends PageQuery {
  /** Matched in any case. */
  @IsIdentifier('RED-CHAIR', { optional: true })
  sku?: string;
}
