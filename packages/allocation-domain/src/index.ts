export * from './lib/value-objects';
export * from './lib/errors';
export * from './lib/events';
export type * from './lib/commands';
export * from './lib/batch';
export {
  lineQuantityIn,
  type AllocatedLine,
  type Backorder,
  type OrderLine,
  type Portion,
} from './lib/order-line';
export { addBatch } from './lib/add-batch';
export {
  emptyProduct,
  findBatch,
  productAvailableQuantity,
  type Changed,
  type Product,
} from './lib/product';
export { allocate, type AllocateOptions, type AllocationResult } from './lib/allocate';
export { deallocate, type DeallocationResult } from './lib/deallocate';
export { changeBatchQuantity, removeBatch, type ReleaseResult } from './lib/release';
export { releaseLines, reserveLines, shipLines, type Picked } from './lib/reservation';
export {
  cancelPickList,
  confirmPickList,
  createPickList,
  skusOf,
  type PickBatch,
  type PickList,
  type PickListChange,
  type PickListStatus,
} from './lib/pick-list';
