import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import * as O from 'fp-ts/Option';
import { Sku } from '@allocation/allocation-domain';
import { ApiErrors } from '../../http/api-errors.decorator';
import { orFail } from '../../http/domain-errors';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../ports/product.repository';
import { ProductResponse, toProductResponse } from './responses';

@ApiTags('products')
@Controller('api/products')
export class ProductsController {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  @Get(':sku')
  @ApiOperation({ summary: 'The product aggregate: version, available quantity and batches' })
  @ApiParam({ name: 'sku', example: 'RED-CHAIR' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiErrors(400, 404)
  async get(@Param('sku') sku: string): Promise<ProductResponse> {
    const valid = orFail(Sku(sku));
    const product = await this.products.get(valid);
    if (O.isNone(product)) throw new NotFoundException(`Product ${valid} not found`);
    return toProductResponse(product.value);
  }
}
