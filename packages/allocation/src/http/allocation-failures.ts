import type { AllocationError } from '@allocation/allocation-domain';
import { type ApiFailure, type ErrorDoc, failureMapping, failureOf } from '@allocation/platform';

type Tag = AllocationError['_tag'];

/**
 * The allocation context's failures as HTTP sees them: the one place where they become statuses
 * and codes. The examples document each in Swagger.
 */
export const AllocationErrors = {
  InvalidValue: {
    status: 400,
    code: 'INVALID_VALUE',
    example: 'eta 2026-02-30 is not a calendar date',
    description: 'A value breaks a domain rule',
  },
  UnknownSku: {
    status: 400,
    code: 'UNKNOWN_SKU',
    example: 'Invalid sku RED-CHAIR',
    description: 'No batch has ever been added for this SKU',
  },
  SkuMismatch: {
    status: 400,
    code: 'SKU_MISMATCH',
    example: 'Cannot use sku BLUE-CHAIR with product RED-CHAIR',
    description: 'The SKU does not belong to this product',
  },
  BatchNotFound: {
    status: 404,
    code: 'BATCH_NOT_FOUND',
    example: 'Batch batch-001 not found',
    description: 'No batch has this reference',
  },
  OrderNotAllocated: {
    status: 404,
    code: 'ORDER_NOT_ALLOCATED',
    example: 'Order order-1234 has no allocations',
    description: 'The order has no allocated lines (there)',
  },
  OutOfStock: {
    status: 409,
    code: 'OUT_OF_STOCK',
    example: 'Out of stock for sku RED-CHAIR',
    description: 'No batch (or, with allowSplit, no set of batches) can take the line',
  },
  LineAlreadyAllocated: {
    status: 409,
    code: 'LINE_ALREADY_ALLOCATED',
    example: 'Order order-1234 already has 10 of sku RED-CHAIR allocated; cannot allocate 12',
    description: 'The line is allocated with another quantity',
  },
  DuplicateBatchReference: {
    status: 409,
    code: 'DUPLICATE_BATCH_REFERENCE',
    example: 'Batch batch-001 already exists',
    description: 'The batch reference is taken (references are unique across SKUs)',
  },
  LineReserved: {
    status: 409,
    code: 'LINE_RESERVED',
    example:
      "Order order-1234's line of sku RED-CHAIR is on pick list 5f0c…; cancel that pick list first",
    description: 'The line is on an open pick list: it stays until picked or released',
  },
  StockReserved: {
    status: 409,
    code: 'STOCK_RESERVED',
    example: 'Batch batch-001 has 12 units on open pick lists; its quantity cannot go below 12',
    description: 'Open pick lists hold part of this batch',
  },
  StockLimitExceeded: {
    status: 409,
    code: 'STOCK_LIMIT_EXCEEDED',
    example: 'Product RED-CHAIR would hold more than 9007199254740991 units across its batches',
    description:
      "A product's batches together hold at most 2^53 - 1 units, so every total is exact",
  },
  LineShipped: {
    status: 409,
    code: 'LINE_SHIPPED',
    example: "Order order-1234's line of sku RED-CHAIR has shipped already",
    description: 'The line left the warehouse: it is never allocated again',
  },
} as const satisfies Record<Tag, ErrorDoc>;

/** A read that found nothing: not a domain failure, but documented and coded the same way. */
export const ProductNotFound = {
  status: 404,
  code: 'PRODUCT_NOT_FOUND',
  example: 'Product RED-CHAIR not found',
  description: 'No batch has ever been added for this SKU',
} as const satisfies ErrorDoc;

export const productNotFound = (sku: string): ApiFailure =>
  failureOf(ProductNotFound, `Product ${sku} not found`);

export const { toApiFailure, orFail } = failureMapping<AllocationError>(AllocationErrors);

export { writeErrors } from '@allocation/platform';
