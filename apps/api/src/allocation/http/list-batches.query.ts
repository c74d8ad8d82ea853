import { PageQuery } from '../../http/page.query';
import { IsIdentifier } from './validation';

export class ListBatchesQuery extends PageQuery {
  @IsIdentifier('RED-CHAIR', { optional: true })
  sku?: string;
}
