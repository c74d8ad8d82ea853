import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import * as O from 'fp-ts/Option';
import { Sku } from '@allocation/allocation-domain';
import { ApiErrors, ApiFailureException } from '@allocation/platform';
import { ALLOCATION_QUERIES, type AllocationQueries } from '../ports/allocation.queries';
import { AllocationErrors, orFail, ProductNotFound, productNotFound } from './allocation-failures';
import { ProductResponse, toProductResponse } from './responses';

@ApiTags('products')
@Controller('api/products')
export class ProductsController {
  constructor(@Inject(ALLOCATION_QUERIES) private readonly queries: AllocationQueries) {}

  @Get(':sku')
  @ApiOperation({ summary: 'The product aggregate: version, available quantity and batches' })
  @ApiParam({ name: 'sku', example: 'RED-CHAIR' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiErrors(AllocationErrors.InvalidValue, ProductNotFound)
  async getProduct(@Param('sku') sku: string): Promise<ProductResponse> {
    const valid = orFail(Sku(sku));
    const product = await this.queries.product(valid);
    if (O.isNone(product)) throw new ApiFailureException(productNotFound(valid));
    return toProductResponse(product.value);
  }
}
